"""table-missing: the page has no subprocessor table.

The page must list its subprocessors in a table whose header names the vendor and at least
its location or description (for example ``Name | Location | Description``). Header texts are
recognised with synonyms; Markdown pipe tables and raw HTML ``<table>``s both count, and a
list split over several tables ("Infrastructure", "Other") is read as one.

Why it matters: without a table there is nothing a customer can check and nothing this tool
can compare, so every other table rule stays silent. When the table exists but is not
recognised, the finding names the headers it saw.

Options:

- ``columns`` (default the built-in synonyms): header texts per field (``name``, ``url``,
  ``location``, ``description``) to recognise besides the synonyms.
- ``table.index`` (default none): pick the table by its position in the page, from 0.
- ``table.heading`` (default none): pick the table under the heading containing this text.

Fails::

    We use AWS and Stripe.

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

ID = "table-missing"
SEVERITY = Severity.ERROR
NEEDS_REGISTRY = False
TAGS: frozenset[str] = frozenset()
OPTIONS: dict[str, Any] = {}
SETTINGS: frozenset[str] = frozenset({"columns", "table.index", "table.heading"})


def check(ctx: RuleContext, options: dict[str, Any]) -> Iterator[Problem]:
    if ctx.tables:
        return
    doc = ctx.document
    table_settings = ctx.settings.table
    if table_settings.index is not None:
        why = f"there is no table number {table_settings.index} (the page has {len(doc.tables)})"
    elif table_settings.heading:
        why = f"no table sits under a heading containing '{table_settings.heading}'"
    elif doc.tables:
        headers = "; ".join(" | ".join(c.text for c in t.header.cells) for t in doc.tables[:3])
        why = (
            f"none of its {len(doc.tables)} table(s) has a vendor column and a location or "
            f"description column (headers: {headers})"
        )
    else:
        why = "it has no table at all"
    yield Problem(
        None,
        None,
        f"No subprocessor table found: {why}.",
        suggestion="Add a table with Name, Location and Description columns, or name its "
        "headers under 'columns' in .subprocessor-check.yml.",
    )
