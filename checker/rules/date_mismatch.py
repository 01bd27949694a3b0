"""date-mismatch: the page's effective date differs from the registry's.

When the registry records ``effective_date``, the page must state the same day. Dates are
compared as days, so ``March 3, 2024`` equals ``2024-03-03`` when that format is accepted;
an unreadable date is ``date-invalid``'s finding.

Why it matters: the registry is where the change was decided, the page is where customers
read it; two different dates leave them unsure which list is in force.

Options:

- ``date.formats`` (default ``[iso]``): the formats the page's date may be written in.

Given the registry::

    effective_date: 2025-02-05
    subprocessors:
      - name: AWS
        url: https://aws.amazon.com/
        location: USA
        description: Hosting

Fails::

    Effective date: 2024-11-20

Passes::

    Effective date: 2025-02-05
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checker.model import Severity
from checker.page.dates import parse_date
from checker.rules.base import Problem, RegistryContext

ID = "date-mismatch"
SEVERITY = Severity.ERROR
NEEDS_REGISTRY = True
TAGS: frozenset[str] = frozenset()
OPTIONS: dict[str, Any] = {}
SETTINGS: frozenset[str] = frozenset({"date.formats"})


def check(ctx: RegistryContext, options: dict[str, Any]) -> Iterator[Problem]:
    expected = ctx.registry.effective_date
    stated = ctx.document.date
    if expected is None or stated is None:
        return
    parsed = parse_date(stated.value, ctx.settings.date.formats)
    if parsed.date is None or parsed.date.isoformat() == expected:
        return  # an unreadable date is date-invalid's finding
    yield Problem(
        stated.line,
        stated.column,
        f"The page's effective date is {parsed.date.isoformat()} but the registry says {expected}"
        f" ({ctx.registry.path}:{ctx.registry.effective_date_line or 1}).",
        suggestion=expected,
        end_column=stated.column + len(stated.value),
        context={"expected": expected, "actual": parsed.date.isoformat()},
    )
