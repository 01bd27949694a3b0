"""not-in-registry: the page lists a vendor the registry does not have.

Every vendor row must name a registry entry. Names are compared without regard to case,
markup and blanks, and nothing fuzzier: a close match is offered as a suggestion ("Did you
mean 'SendGrid'?"), never assumed. A row naming a ``planned`` or ``removed`` entry is also
reported: it must not be on the page (yet, or any more).

Why it matters: the registry is the list the contracts say. A row that is not in it is
either a vendor engaged without going through the register, or a name spelled differently on
the page; both need a person to look.

Given the registry::

    subprocessors:
      - name: SendGrid
        url: https://sendgrid.com/
        location: USA
        description: Email

Fails::

    | [Sendgrid Inc.](https://sendgrid.com/) | USA | Email |

Passes::

    | [SendGrid](https://sendgrid.com/) | USA | Email |
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from checker.model import Severity
from checker.rules.base import Problem, RegistryContext

ID = "not-in-registry"
SEVERITY = Severity.ERROR
NEEDS_REGISTRY = True
TAGS: frozenset[str] = frozenset()
OPTIONS: dict[str, Any] = {}
SETTINGS: frozenset[str] = frozenset()


def check(ctx: RegistryContext, options: dict[str, Any]) -> Iterator[Problem]:
    names = [e.name for e in ctx.registry.entries]
    for row in ctx.matching.unknown_rows:
        cell = row.cells.get("name")
        close = difflib.get_close_matches(row.name, names, n=1, cutoff=0.75)
        hint = f" Did you mean '{close[0]}'?" if close else ""
        yield Problem(
            row.row.line,
            cell.column if cell else None,
            f"'{row.name}' is not in the registry ({ctx.registry.path}).{hint}",
            suggestion=(
                f"Rename it to '{close[0]}'"
                if close
                else f"Add '{row.name}' to {ctx.registry.path}, or remove the row."
            ),
            context={"vendor": row.name},
        )
    for row, entry in ctx.matching.inactive_rows:
        cell = row.cells.get("name")
        status = entry.extra.get("status")
        when = f" (to be added {entry.extra['added']})" if entry.extra.get("added") else ""
        yield Problem(
            row.row.line,
            cell.column if cell else None,
            f"'{row.name}' is {status}{when} in the registry and must not be on the page.",
            suggestion="Remove the row, or set the entry's status to active.",
            context={"vendor": row.name, "status": status},
        )
