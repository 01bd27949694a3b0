"""What every rule receives and yields, and what it says about itself.

A rule module has:

- ``ID``: its kebab-case id, the only place the id is written;
- ``SEVERITY``: its default severity;
- ``NEEDS_REGISTRY``: when true the engine runs it only with a registry;
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

from dataclasses import dataclass, field
from typing import Any

from checker.compare.matching import Matching
from checker.load.config import DocumentSettings
from checker.model import Document, LinkResult, ListChanges, Registry, Severity
from checker.page.tables import SubprocessorTable


@dataclass(slots=True)
class Problem:
    """One thing a rule found wrong."""

    line: int | None
    column: int | None
    message: str
    suggestion: str | None = None
    path: str | None = None
    """Another file than the document (e.g. the registry), when the problem is there."""
    end_column: int | None = None
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True, frozen=True)
class Defaults:
    """A rule's severity and options before ``rules.<id>`` in the config is applied."""

    severity: Severity
    """The severity when the config names none for the rule."""
    options: dict[str, Any]
    """Every option of the rule with its value when the config sets none."""


@dataclass(slots=True)
class RuleContext:
    """Everything a rule may read about one document."""

    document: Document
    settings: DocumentSettings
    tables: list[SubprocessorTable]
    """The subprocessor tables found in the page (empty when there is none)."""
    registry: Registry | None = None
    matching: Matching | None = None
    """Rows paired with registry entries; ``None`` without a registry."""
    privacy_policy: str | None = None
    """The privacy-policy URL the page must link, from the config or the registry."""
    base: Any = None
    """The ``Baseline`` (page and registry at the base revision), else ``None``."""
    count_description_changes: bool = True
    """Whether a description-only edit counts as a change of the list."""
    changes: ListChanges | None = None
    """How the list moved since the base (page rows, else registry entries); with ``base``."""
    links: dict[str, LinkResult] = field(default_factory=dict)
    """Live results by URL, when links were checked (else empty)."""
