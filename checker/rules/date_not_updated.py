"""date-not-updated: the list changed but the effective date did not move forward.

When the vendors on the page, or the registry's active entries, differ between the base
revision and the head, the head's date must be later than the base's; the date must never go
backwards either. Runs only when a base is known: on pull requests in the action, and
locally with ``--base REF``. The finding sits on the date line, which the change usually did
not touch, so the action always annotates it.

Why it matters: customers rely on the effective date to notice changes, and GDPR Art. 28(2)
requires telling them before a new subprocessor starts. A new row under an old date is a
change nobody was told about.

Options:

- ``date_change.count_description_changes`` (default ``true``): whether an edit to a
  description alone counts as a change of the list.
- ``date.formats`` (default ``[iso]``): the formats both dates may be written in.

Given the page at the base revision::

    Effective date: 2025-02-05

    | Name | Location | Description |
    | ---- | -------- | ----------- |
    | [AWS](https://aws.amazon.com/) | USA | Hosting |

Fails (Stripe was added under the old date)::

    Effective date: 2025-02-05

    | Name | Location | Description |
    | ---- | -------- | ----------- |
    | [AWS](https://aws.amazon.com/) | USA | Hosting |
    | [Stripe](https://stripe.com/) | USA | Payments |

Passes::

    Effective date: 2025-03-01

    | Name | Location | Description |
    | ---- | -------- | ----------- |
    | [AWS](https://aws.amazon.com/) | USA | Hosting |
    | [Stripe](https://stripe.com/) | USA | Payments |
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checker.model import Severity
from checker.page.dates import parse_date
from checker.rules.base import Problem, RuleContext

ID = "date-not-updated"
SEVERITY = Severity.ERROR
NEEDS_REGISTRY = False
TAGS: frozenset[str] = frozenset({"caused-by-change"})
OPTIONS: dict[str, Any] = {}
SETTINGS: frozenset[str] = frozenset({"date_change.count_description_changes", "date.formats"})


def _describe(added: list[str], removed: list[str], changed: list[tuple[str, list[str]]]) -> str:
    parts = []
    if added:
        parts.append("added " + ", ".join(added))
    if removed:
        parts.append("removed " + ", ".join(removed))
    if changed:
        parts.append("changed " + ", ".join(f"{v} ({', '.join(f)})" for v, f in changed))
    return "; ".join(parts)


def check(ctx: RuleContext, options: dict[str, Any]) -> Iterator[Problem]:
    baseline = ctx.base
    if baseline is None or baseline.document is None:
        return
    head_date = ctx.document.date
    base_date = baseline.document.date
    formats = ctx.settings.date.formats
    head_day = parse_date(head_date.value, formats).date if head_date else None
    base_day = parse_date(base_date.value, formats).date if base_date else None
    if head_date is None or head_day is None:
        return  # date-missing / date-invalid say what is wrong with the head's date
    if base_day is not None and head_day < base_day:
        yield Problem(
            head_date.line,
            head_date.column,
            f"The effective date went backwards: {head_day.isoformat()} is before "
            f"{base_day.isoformat()} at {baseline.ref}.",
            suggestion=max(base_day, ctx.today).isoformat(),
            end_column=head_date.column + len(head_date.value),
        )
        return
    changes = ctx.changes
    if not changes or base_day is None or head_day > base_day:
        return
    yield Problem(
        head_date.line,
        head_date.column,
        f"The subprocessor list changed since {baseline.ref} "
        f"({_describe(changes.added, changes.removed, changes.changed)}) but the effective "
        f"date is still {head_date.value}.",
        suggestion=ctx.today.isoformat(),
        end_column=head_date.column + len(head_date.value),
        context={
            "added": changes.added,
            "removed": changes.removed,
            "changed": [{"vendor": v, "fields": f} for v, f in changes.changed],
            "base_date": base_date.value if base_date else None,
        },
    )
