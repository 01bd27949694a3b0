"""What every rule receives and yields, and what it says about itself.

A rule module has:

- ``ID``: its kebab-case id, the only place the id is written;
- ``SEVERITY``: its default severity;
- ``NEEDS_REGISTRY``: when true the engine runs it only with a registry, and its ``check``
  takes a ``RegistryContext``, so its body never asks whether there is one;
- ``TAGS``: what the rest of the checker may ask about it (``checker.rules.tagged``); the
  tags are listed in ``checker/rules/__init__.py``;
- ``OPTIONS``: its own options (``rules.<id>.<option>`` in the config) with their defaults;
- ``SETTINGS``: the shared config keys that change what it reports (``date.formats``);
- ``check(context, options)``: a generator of ``Problem``;
- optionally ``defaults(config) -> Defaults``: its severity and options before
  ``rules.<id>`` is applied, for a rule whose defaults come from another config key.

The docstring documents exactly ``SETTINGS`` and ``OPTIONS`` under ``Options:`` (a test
holds the two together). The engine, not the rule, turns problems into ``Finding``
objects: it stamps the rule id, the severity from the config and the path, so a rule
cannot get them wrong.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from typing import Any

from checker.compare.baseline import Baseline
from checker.compare.matching import Matching
from checker.load.config import DocumentSettings
from checker.model import Document, LinkResult, ListChanges, Registry, Severity
from checker.page.tables import SubprocessorTable


@dataclass(slots=True)
class Problem:
    """One thing a rule found wrong."""

    line: int | None
    """1-based line in the file; ``None`` when the problem has no place (no table)."""
    column: int | None
    """1-based column, when known."""
    message: str
    """What is wrong and what is expected, in plain words."""
    suggestion: str | None = None
    """The replacement text or action that fixes it, when one is known."""
    path: str | None = None
    """Another file than the document (e.g. the registry), when the problem is there."""
    end_column: int | None = None
    """Column after the last character the problem is about, on ``line``."""
    context: dict[str, Any] = field(default_factory=dict)
    """Machine-readable details (expected and actual values, the vendor) for reporters."""


@dataclass(slots=True, frozen=True)
class Defaults:
    """A rule's severity and options before ``rules.<id>`` in the config is applied."""

    severity: Severity
    """The severity when the config names none for the rule."""
    options: dict[str, Any]
    """Every option of the rule with its value when the config sets none."""


@dataclass(slots=True, frozen=True)
class RuleContext:
    """Everything a rule may read about one document."""

    document: Document
    """The page as parsed (or, when it was too large, unread: ``too_large`` says so)."""
    settings: DocumentSettings
    """The page's settings from the config."""
    tables: list[SubprocessorTable]
    """The subprocessor tables found in the page (empty when there is none)."""
    today: dt.date
    """The day the check runs, decided once by the engine, so no rule reads a clock."""
    registry: Registry | None = None
    """The registry, when the run has one."""
    matching: Matching | None = None
    """Rows paired with registry entries; ``None`` without a registry."""
    privacy_policy: str | None = None
    """The privacy-policy URL the page must link, from the config or the registry."""
    base: Baseline | None = None
    """The page and registry at the base revision (``--base``), else ``None``."""
    changes: ListChanges | None = None
    """How the list moved since the base (page rows, else registry entries); with ``base``."""
    links: dict[str, LinkResult] = field(default_factory=dict)
    """Live results by URL, when links were checked (else empty)."""


@dataclass(slots=True, frozen=True)
class RegistryContext(RuleContext):
    """What a rule with ``NEEDS_REGISTRY`` receives: the registry and the pairing are there."""

    registry: Registry
    """The registry the page is compared with."""
    matching: Matching
    """The page's rows paired with the registry's entries."""


def with_registry(context: RuleContext, registry: Registry, matching: Matching) -> RegistryContext:
    """``context`` with the registry and the pairing, for every rule of the run."""
    values = {f.name: getattr(context, f.name) for f in fields(RuleContext)}
    return RegistryContext(**{**values, "registry": registry, "matching": matching})
