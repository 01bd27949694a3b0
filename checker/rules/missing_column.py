"""missing-column: the subprocessor table lacks a required column.

Each required column must be in the table's header. Header texts are recognised with
synonyms (Subprocessor, Entity Name, Company; Location, Country, Region; Description,
Purpose, Service Provided …); the order of the columns does not matter. A ``url`` column is
optional because the vendor's link usually sits on its name.

Why it matters: customers are owed, for each subprocessor, who it is, where it processes
their data and what it does (GDPR Art. 28; most DPAs promise exactly these). A table without
a location column silently stops telling them where their data goes.

Options:

- ``required_columns`` (default ``[name, location, description]``): the columns the table
  must have; set per document or at the top level.
- ``columns`` (default the built-in synonyms): header texts to recognise for a field, e.g.
  ``columns: {location: "Where we process"}``.

Fails (no location column)::

    | Name | Description |
    | ---- | ----------- |
    | [AWS](https://aws.amazon.com/) | Hosting |

Passes::

    | Name | Location | Description |
    | ---- | -------- | ----------- |
    | [AWS](https://aws.amazon.com/) | USA | Hosting |
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checker.model import Severity
from checker.rules.base import Problem, RuleContext

ID = "missing-column"
SEVERITY = Severity.ERROR
NEEDS_REGISTRY = False
TAGS: frozenset[str] = frozenset()
OPTIONS: dict[str, Any] = {}
SETTINGS: frozenset[str] = frozenset({"required_columns", "columns"})

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
