"""missing-from-document: a registry entry is not on the page.

Every active registry entry must have a row on the page. The finding sits on the table's
header (the list it is missing from) and suggests the row to add, built from the registry in
the table's own column order. Entries whose ``status`` is ``planned`` or ``removed`` are not
expected on the page.

Why it matters: a subprocessor that handles personal data but is missing from the public
list breaks the promise GDPR Art. 28 asks the list to keep; customers cannot object to a
vendor they are not told about.

Given the registry::

    subprocessors:
      - name: AWS
        url: https://aws.amazon.com/
        location: USA
        description: Hosting
      - name: pgMustard
        url: https://www.pgmustard.com/
        location: UK, Finland
        description: SQL plan analysis

Fails (pgMustard is not on the page)::

    | Name | Location | Description |
    | ---- | -------- | ----------- |
    | [AWS](https://aws.amazon.com/) | USA | Hosting |

Passes::

    | Name | Location | Description |
    | ---- | -------- | ----------- |
    | [AWS](https://aws.amazon.com/) | USA | Hosting |
    | [pgMustard](https://www.pgmustard.com/) | UK, Finland | SQL plan analysis |
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checker.model import RegistryEntry, Severity
from checker.rules.base import Problem, RegistryContext

ID = "missing-from-document"
SEVERITY = Severity.ERROR
NEEDS_REGISTRY = True
TAGS: frozenset[str] = frozenset({"missing-row"})
OPTIONS: dict[str, Any] = {}
SETTINGS: frozenset[str] = frozenset()


def _row(entry: RegistryEntry, columns: dict[str, int], width: int) -> str:
    cells = [""] * width
    for name, i in columns.items():
        if name == "name" and "url" not in columns and entry.url:
            cells[i] = f"[{entry.name}]({entry.url})"
        else:
            cells[i] = entry.field_value(name) or ""
    return "| " + " | ".join(cells) + " |"


MAX_SUGGESTED_WIDTH = 64
"""Widest table a missing row is written out for."""


def check(ctx: RegistryContext, options: dict[str, Any]) -> Iterator[Problem]:
    if not ctx.tables:
        return  # table-missing already says so
    first = ctx.tables[0]
    header = first.table.header
    for entry in ctx.matching.missing:
        yield Problem(
            header.line,
            header.cells[0].column if header.cells else 1,
            f"'{entry.name}' is in the registry ({ctx.registry.path}:{entry.line}) but not on "
            "the page.",
            # A suggested row as wide as a crafted header, once per missing entry, would
            # multiply the page's size; no real list has that many columns.
            suggestion=_row(entry, first.columns, first.table.width)
            if first.table.width <= MAX_SUGGESTED_WIDTH
            else None,
            context={"vendor": entry.name, "registry_line": entry.line},
        )
