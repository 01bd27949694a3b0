"""What every rule receives and yields.

A rule module has ``ID``, ``SEVERITY`` (its default), ``NEEDS_REGISTRY``, ``OPTIONS``
(option → default) and ``check(context, options)``, a generator of ``Problem``. The engine,
not the rule, turns problems into ``Finding`` objects: it stamps the rule id, the severity
from the config and the path, so a rule cannot get them wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from checker.compare.matching import Matching
from checker.load.config import DocumentSettings
from checker.model import Document, LinkResult, ListChanges, Registry
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
