"""date-invalid: the effective date cannot be read, or is not a real date.

The stated date must be in an accepted format and exist on the calendar. A date in a known
format that is not enabled is reported with the format to enable, and its ISO spelling as
the fix.

Why it matters: ``2021-02-30``, ``[Insert Date]`` and ``May, 15, 2025`` are not dates a
customer can rely on, and a date the tool cannot read cannot be compared with the registry
or the previous version.

Options:

- ``date.formats`` (default ``[iso]``): accepted formats: ``iso`` (``2024-03-03``),
  ``month-day-year`` (``March 3, 2024``, ``May 6th, 2025``), ``day-month-year``
  (``3 March 2024``), or strftime patterns such as ``%d.%m.%Y``.

Fails::

    Effective date: 2021-02-30

Passes::

    Effective date: 2021-02-28
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checker.model import Severity
from checker.page.dates import parse_date
from checker.rules.base import Problem, RuleContext

ID = "date-invalid"
SEVERITY = Severity.ERROR
NEEDS_REGISTRY = False
TAGS: frozenset[str] = frozenset()
OPTIONS: dict[str, Any] = {}
SETTINGS: frozenset[str] = frozenset({"date.formats"})


def check(ctx: RuleContext, options: dict[str, Any]) -> Iterator[Problem]:
    stated = ctx.document.date
    if stated is None:
        return
    formats = ctx.settings.date.formats
    parsed = parse_date(stated.value, formats)
    if parsed.date is not None:
        return
    accepted = ", ".join(formats)
    suggestion = None
    if parsed.format is not None and parsed.problem and "not accepted" in parsed.problem:
        readable = parse_date(stated.value, [parsed.format])
        message = (
            f"The effective date {stated.value!r} is written as {parsed.format}, which is not "
            f"an accepted format ({accepted})."
        )
        if readable.date is not None:
            suggestion = readable.date.isoformat()
            message += f" Write it as {suggestion}, or add '{parsed.format}' to date.formats."
    elif parsed.format is not None:
        message = f"The effective date {stated.value!r} is not a real date: {parsed.problem}."
    else:
        message = (
            f"The effective date {stated.value!r} is not a date in an accepted format ({accepted})."
        )
    yield Problem(
        stated.line,
        stated.column,
        message,
        suggestion=suggestion,
        end_column=stated.column + len(stated.value),
        context={"value": stated.value},
    )
