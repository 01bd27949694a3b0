"""notice-period: a new subprocessor is listed before customers had the notice they are owed.

Set ``notice_period_days`` in the config to enforce it: announce a vendor in the registry
with ``status: planned`` and ``added: YYYY-MM-DD`` (the day it starts), at least that many
days ahead; ``changelog`` and its feed show it as an upcoming addition; on or after that
day, set its status to active (and ``fix`` adds the row).

Always, with a notice period set, an active entry whose ``added`` date is still to come is
reported (it may not be on the list before it starts), and so is a planned entry without an
``added`` date (the notice names no start day). With ``--base REF`` (on pull requests), a
planned entry new since the base must also start at least ``notice_period_days`` from today,
and an entry that becomes active must have been announced as planned at the base.

Why it matters: GDPR Art. 28(2) lets customers object to a new subprocessor, so contracts
promise notice (often 30 days) before one starts; a vendor that appears on the list the day
it starts gave them none.

Options:

- ``notice_period_days`` (default none, the rule is idle): days of notice a new
  subprocessor needs.
- ``rules.notice-period.days`` (default ``notice_period_days``): the same, set on the rule.

Given the config::

    notice_period_days: 30

Given the registry at the base revision::

    subprocessors: []

Fails (Acme AI is new, and active at once)::

    subprocessors:
      - name: Acme AI
        url: https://acme.example/
        location: EU
        description: Speech to text
        status: active

Given the registry at the base revision::

    subprocessors:
      - name: Acme AI
        url: https://acme.example/
        location: EU
        description: Speech to text
        status: planned
        added: 2025-07-01

Passes (announced at the base; its day has come)::

    subprocessors:
      - name: Acme AI
        url: https://acme.example/
        location: EU
        description: Speech to text
        status: active
        added: 2025-07-01
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from checker.compare.matching import as_shown, name_key
from checker.load.config import Config
from checker.model import RegistryEntry, Severity
from checker.rules.base import Defaults, Problem, RegistryContext

ID = "notice-period"
SEVERITY = Severity.ERROR
NEEDS_REGISTRY = True
TAGS: frozenset[str] = frozenset()
OPTIONS: dict[str, Any] = {"days": None}
SETTINGS: frozenset[str] = frozenset({"notice_period_days"})


def _status(entry: RegistryEntry) -> str:
    return str(entry.extra.get("status", "active"))


def _added(entry: RegistryEntry) -> dt.date | None:
    value = entry.extra.get("added")
    return dt.date.fromisoformat(value) if isinstance(value, str) else None


def defaults(config: Config) -> Defaults:
    """``days`` defaults to the top-level ``notice_period_days``, the key users set."""
    return Defaults(SEVERITY, {**OPTIONS, "days": config.notice_period_days})


def check(ctx: RegistryContext, options: dict[str, Any]) -> Iterator[Problem]:
    days = options.get("days")
    if days is None:
        return  # no notice period is promised: nothing to enforce
    registry = ctx.registry
    today = ctx.today
    earliest = today + dt.timedelta(days=int(days))

    def problem(entry: RegistryEntry, message: str, suggestion: str) -> Problem:
        return Problem(
            entry.line,
            None,
            message,
            suggestion=suggestion,
            path=registry.path,
            context={"vendor": entry.name, "notice_period_days": days},
        )

    for entry in registry.entries:
        start = _added(entry)
        if _status(entry) == "active" and start is not None and start > today:
            yield problem(
                entry,
                f"'{entry.name}' starts on {start} but is already active (on the list).",
                f"Set its status to planned until {start}.",
            )
        if _status(entry) == "planned" and start is None:
            yield problem(
                entry,
                f"'{entry.name}' is planned without an 'added' date: customers are not told "
                "when it starts.",
                f"Add 'added: {earliest}' (at least {days} days from today).",
            )
    baseline = ctx.base
    if baseline is None or baseline.registry is None:
        return
    before = {name_key(as_shown(e.name)): _status(e) for e in baseline.registry.entries}
    for entry in registry.entries:
        was = before.get(name_key(as_shown(entry.name)))
        start = _added(entry)
        if _status(entry) == "planned" and was != "planned" and start and start < earliest:
            yield problem(
                entry,
                f"'{entry.name}' is announced to start on {start}, {(start - today).days} days "
                f"from today; the notice period is {days} days.",
                f"Set 'added: {earliest}' or later.",
            )
        if _status(entry) == "active" and was not in ("active", "planned"):
            yield problem(
                entry,
                f"'{entry.name}' is added to the list without notice: it was not announced as "
                f"planned at {baseline.ref} (notice period {days} days).",
                f"Announce it first: 'status: planned' with 'added: {earliest}'.",
            )
