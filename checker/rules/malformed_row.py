"""malformed-row: a table row has more or fewer cells than the header.

The cells are counted on the source line, as written, and compared with the header's
width. A missing closing pipe is fine; a missing cell is not.

Why it matters: Markdown renderers silently pad a short row with empty cells and drop the
cells of a long one, so a vendor's location can vanish from the published page while the
source looks fine to a reviewer.

Fails (a cell missing, then one too many)::

    | Name | Location | Description |
    | ---- | -------- | ----------- |
    | AWS | USA |
    | Stripe | USA | Payments | extra |

Passes::

    | Name | Location | Description |
    | ---- | -------- | ----------- |
    | AWS | USA | Hosting |
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checker.model import Severity
from checker.rules._words import some
from checker.rules.base import Problem, RuleContext

ID = "malformed-row"
SEVERITY = Severity.ERROR
NEEDS_REGISTRY = False
TAGS: frozenset[str] = frozenset({"row-defect"})
OPTIONS: dict[str, Any] = {}
SETTINGS: frozenset[str] = frozenset()


def check(ctx: RuleContext, options: dict[str, Any]) -> Iterator[Problem]:
    for table in ctx.tables:
        width = table.table.width
        for vendor in table.vendors:
            row = vendor.row
            count = len(row.cells)
            if count == width:
                continue
            label = f"'{vendor.name}'" if vendor.name else f"on line {row.line}"
            if count > width:
                extra = row.cells[width]
                dropped = some([c.text for c in row.cells[width:]], quote=True)
                yield Problem(
                    row.line,
                    extra.column,
                    f"Row {label} has {count} cells but the header has {width}; the "
                    f"renderer drops {dropped}.",
                    suggestion="Remove the extra cells or add the column to the header.",
                    context={"cells": count, "width": width},
                )
            else:
                missing = [c.text for c in table.table.header.cells[count:]]
                yield Problem(
                    row.line,
                    len(row.raw.rstrip()) + 1,
                    f"Row {label} has {count} cells but the header has {width}; "
                    f"missing: {some(missing)}.",
                    suggestion="Add the missing cells (close the row with '|').",
                    context={"cells": count, "width": width},
                )
