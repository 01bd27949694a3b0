"""duplicate-entry: a vendor is listed more often than it should be.

With a registry, a name the page lists more often than the registry does is a duplicate (a
registry may list one company twice, for two services, and so may the page). Without a
registry, a row that repeats another row word for word is a duplicate. Names are compared
without regard to case, markup or extra blanks.

Why it matters: a repeated row usually means an edit went wrong (a row copied instead of
moved, a merge that kept both sides), and two rows for one vendor leave readers guessing
which one is true.

Fails::

    | Stripe | USA | Payments |
    | Stripe | USA | Payments |

Passes::

    | Stripe | USA | Payments |
    | Slack | USA | Chat |
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checker.compare.matching import name_key
from checker.model import Severity
from checker.rules.base import Problem, RuleContext

ID = "duplicate-entry"
SEVERITY = Severity.ERROR
NEEDS_REGISTRY = False
TAGS: frozenset[str] = frozenset()
OPTIONS: dict[str, Any] = {}
SETTINGS: frozenset[str] = frozenset()


def check(ctx: RuleContext, options: dict[str, Any]) -> Iterator[Problem]:
    if ctx.matching is not None:
        for row, first in ctx.matching.extra_rows:
            cell = row.cells.get("name")
            yield Problem(
                row.row.line,
                cell.column if cell else None,
                f"'{row.name}' is listed again (first on line {first.row.line}); the registry "
                "has no further entry of that name.",
                suggestion="Remove this row, or add the second entry to the registry.",
                context={"vendor": row.name, "first_line": first.row.line},
            )
        return
    seen: dict[tuple[str, ...], int] = {}
    for table in ctx.tables:
        for row in table.vendors:
            if not row.name:
                continue
            key = tuple(name_key(c.text) for c in row.row.cells)
            if key in seen:
                cell = row.cells.get("name")
                yield Problem(
                    row.row.line,
                    cell.column if cell else None,
                    f"'{row.name}' repeats the row on line {seen[key]}.",
                    suggestion="Remove the duplicate row.",
                    context={"vendor": row.name, "first_line": seen[key]},
                )
            else:
                seen[key] = row.row.line
