"""blank-cell: a required cell of a vendor row is empty.

Only the required columns are checked, and only on rows that have the cell at all (a row
that is too short is ``malformed-row``'s finding). With a registry, the registry's value is
offered as the fix.

Why it matters: an empty location or description reads as "we do not say", which is exactly
what the list exists to prevent.

Options:

- ``required_columns`` (default ``[name, location, description]``): the columns whose cells
  must not be empty.

Fails::

    | Stripe |  | Payments |

Passes::

    | Stripe | USA | Payments |
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checker.model import Severity
from checker.rules.base import Problem, RuleContext

ID = "blank-cell"
SEVERITY = Severity.ERROR
NEEDS_REGISTRY = False
TAGS: frozenset[str] = frozenset({"row-defect"})
OPTIONS: dict[str, Any] = {}
SETTINGS: frozenset[str] = frozenset({"required_columns"})


def check(ctx: RuleContext, options: dict[str, Any]) -> Iterator[Problem]:
    for table in ctx.tables:
        header = table.table.header
        for vendor in table.vendors:
            for name in ctx.settings.required_columns:
                if name not in table.columns:
                    continue
                cell = vendor.cells.get(name)
                if cell is None or cell.text:
                    continue  # a missing cell is malformed-row's finding
                who = f"'{vendor.name}'" if vendor.name else f"on line {vendor.row.line}"
                heading = header.cells[table.columns[name]].text
                entry = ctx.matching.entry_for(vendor) if ctx.matching else None
                expected = entry.field_value(name) if entry else None
                yield Problem(
                    cell.line,
                    cell.column,
                    f"The {heading} cell of row {who} is empty."
                    + (f" The registry says {expected!r}." if expected else ""),
                    suggestion=expected,
                    context={"field": name, "vendor": vendor.name},
                )
