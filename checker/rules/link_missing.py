"""link-missing: a vendor has no URL.

A vendor's URL is the link on its name, or the first link in a URL/Website column. With a
registry, the suggestion is the name linked to the registry's URL.

Why it matters: readers need to find the vendor's own terms and privacy notice, and the link
is what the live link audit checks.

Fails::

    | Stripe | USA | Payments |

Passes::

    | [Stripe](https://stripe.com/) | USA | Payments |
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checker.model import Severity
from checker.rules.base import Problem, RuleContext

ID = "link-missing"
SEVERITY = Severity.ERROR
NEEDS_REGISTRY = False
TAGS: frozenset[str] = frozenset()
OPTIONS: dict[str, Any] = {}
SETTINGS: frozenset[str] = frozenset()


def check(ctx: RuleContext, options: dict[str, Any]) -> Iterator[Problem]:
    for table in ctx.tables:
        for row in table.vendors:
            if row.link is not None or not row.name:
                continue
            cell = row.cells.get("url") or row.cells.get("name")
            entry = ctx.matching.entry_for(row) if ctx.matching else None
            yield Problem(
                row.row.line,
                cell.column if cell else None,
                f"'{row.name}' has no link to the vendor's website.",
                suggestion=f"[{row.name}]({entry.url})" if entry and entry.url else None,
                context={"vendor": row.name},
            )
