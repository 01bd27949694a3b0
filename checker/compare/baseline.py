"""The page and registry as they were at a base revision, and what changed since.

Base-vs-head rules (``date-not-updated``) ask one question: did the subprocessor list change
between the base and the head? The list is the page's vendor rows and, when there is one, the
registry's active entries. Whether a description-only edit counts is a config choice.
"""

from __future__ import annotations

from dataclasses import dataclass

from checker.compare.diff import Changes, Version, compare, from_page, from_registry
from checker.compare.matching import vendor_key
from checker.load.config import DocumentSettings
from checker.model import Document, ListChanges, Registry

__all__ = ["Baseline", "PageChange", "measure"]


@dataclass(slots=True)
class Baseline:
    """What the base revision said, for one document."""

    ref: str
    """The revision as the user named it (a branch, tag or SHA)."""
    document: Document | None
    """The page at the base; ``None`` when it did not exist there."""
    registry: Registry | None = None
    """The registry at the base, when the registry is a file in the same repository."""


@dataclass(slots=True)
class PageChange:
    """How one page's list moved since the base: its rows, and the registry's entries.

    Computed once per page by the engine; the rules, the reports, the job summary and the
    action's choice of what to annotate all read it.
    """

    rows: Changes
    """The page's vendor rows, base against head."""
    entries: Changes | None
    """The registry's active entries, when both revisions have the registry as a file."""
    base_date: str | None
    """The date the base page states, as written."""
    head_date: str | None
    """The date the head page states, as written."""

    @property
    def list_changes(self) -> ListChanges:
        """How the list moved: the page's rows, else (rows unchanged) the registry's entries."""
        moved = self.rows if self.rows or self.entries is None else self.entries
        summary = moved.summary()
        summary.base_date, summary.head_date = self.base_date, self.head_date
        return summary

    def touched(self) -> list[str]:
        """Every vendor whose row or registry entry the change added, removed or edited."""
        names = self.rows.names() + (self.entries.names() if self.entries else [])
        return list(dict.fromkeys(names))

    def moved_rows(self) -> set[str]:
        """Vendor keys of the rows the change added or edited (their links want checking)."""
        return {vendor_key(e.name) for e in self.rows.added} | {
            vendor_key(c.name) for c in self.rows.changed
        }


def measure(
    baseline: Baseline,
    head: Document,
    head_registry: Registry | None,
    settings: DocumentSettings,
    *,
    count_descriptions: bool = True,
) -> PageChange:
    """Diff the page's rows and the registry's entries between the base and the head."""
    base_rows = (
        from_page(baseline.document, settings, baseline.ref)
        if baseline.document
        else Version(baseline.ref, [])
    )
    rows = compare(base_rows, from_page(head, settings, "head"), descriptions=count_descriptions)
    entries = None
    if baseline.registry is not None and head_registry is not None:
        entries = compare(
            from_registry(baseline.registry, baseline.ref),
            from_registry(head_registry, "head"),
            descriptions=count_descriptions,
        )
    base_date = baseline.document.date if baseline.document else None
    return PageChange(
        rows,
        entries,
        base_date.value if base_date else None,
        head.date.value if head.date else None,
    )
