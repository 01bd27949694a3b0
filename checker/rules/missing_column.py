"""missing-column: the subprocessor table lacks a required column.

Customers are owed, for each subprocessor, who it is, where it processes data and what it
does (GDPR Art. 28; most DPAs promise exactly these). The required columns are set by
``required_columns`` (default: name, location, description); a ``url`` column is optional
because the vendor's link usually sits on its name.

Header texts are recognised with synonyms (Subprocessor, Entity Name, Company; Location,
Country, Region; Description, Purpose, Service Provided …); other texts can be named under
``columns`` in the config.

Fails (no location column)::

    | Name | Description |

Passes::

    | Name | Location | Description |
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checker.model import Severity
from checker.rules.base import Problem, RuleContext

ID = "missing-column"
SEVERITY = Severity.ERROR
NEEDS_REGISTRY = False
OPTIONS: dict[str, Any] = {}

_EXAMPLES = {"name": "Name", "location": "Location", "description": "Description", "url": "URL"}


def check(ctx: RuleContext, options: dict[str, Any]) -> Iterator[Problem]:
    for table in ctx.tables:
        header = table.table.header
        for name in ctx.settings.required_columns:
            if name in table.columns:
                continue
            found = " | ".join(c.text for c in header.cells)
            yield Problem(
                header.line,
                header.cells[0].column if header.cells else 1,
                f"The subprocessor table has no {name} column (its header is: {found}).",
                suggestion=f"Add a '{_EXAMPLES[name]}' column, or name its header under "
                f"columns.{name} in .subprocessor-check.yml.",
                context={"column": name},
            )
