"""blank-cell: a required cell of a vendor row is empty.

An empty location or description reads as "we do not say", which is exactly what the list
exists to prevent. Only the required columns (``required_columns``) are checked.

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
OPTIONS: dict[str, Any] = {}


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
