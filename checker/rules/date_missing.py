"""date-missing: the page does not state its effective date.

The date is found on a line that starts with a label such as ``Effective date:``, ``Last
updated:`` or ``Updated:`` (markup like ``_…_`` or ``**…**`` around it is fine), in a
Docusaurus admonition whose title is the label, in a Liquid/Hugo expression naming a
front-matter key, or in front matter (``effective_date``, ``last_updated``, ``updated_at``,
``date`` …). The suggestion is the registry's ``effective_date``, else today.

Why it matters: customers must be able to tell when the list last changed, and GDPR notices
of a new subprocessor refer to that date.

Options:

- ``date.labels`` (default ``[]``): extra labels (regular expressions) that introduce the
  date, e.g. ``["Stand"]``.

Fails::

    # Subprocessors

    | Name | Location | Description |
    | ---- | -------- | ----------- |
    | [AWS](https://aws.amazon.com/) | USA | Hosting |

Passes::

    # Subprocessors

    Effective date: 2025-02-05

    | Name | Location | Description |
    | ---- | -------- | ----------- |
    | [AWS](https://aws.amazon.com/) | USA | Hosting |
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checker.model import Severity
from checker.rules.base import Problem, RuleContext

ID = "date-missing"
SEVERITY = Severity.ERROR
NEEDS_REGISTRY = False
TAGS: frozenset[str] = frozenset()
OPTIONS: dict[str, Any] = {}
SETTINGS: frozenset[str] = frozenset({"date.labels"})


def check(ctx: RuleContext, options: dict[str, Any]) -> Iterator[Problem]:
    if ctx.document.date is not None:
        return
    suggested = (
        ctx.registry.effective_date
        if ctx.registry and ctx.registry.effective_date
        else ctx.today.isoformat()
    )
    after = ctx.document.front_matter_lines[1] + 1 if ctx.document.front_matter_lines else 1
    yield Problem(
        None,
        None,
        "The page does not state its effective date.",
        suggestion=f"Add 'Effective date: {suggested}' near the top (line {after}).",
    )
