"""The page and registry as they were at a base revision, and what changed since.

Base-vs-head rules (``date-not-updated``) ask one question: did the subprocessor list change
between the base and the head? The list is the page's vendor rows and, when there is one, the
registry's active entries. Whether a description-only edit counts is a config choice.
"""

from __future__ import annotations

from dataclasses import dataclass

from checker.compare.matching import active_entries, name_key, normalize_url
from checker.load.config import DocumentSettings
from checker.model import Document, ListChanges, Registry
from checker.page.markdown import fold
from checker.page.tables import SubprocessorTable, find_tables

__all__ = ["Baseline", "ListChanges", "diff", "list_changes", "page_vendors", "registry_vendors"]

Vendor = tuple[str, str, str, str]
"""(name key, url, location, description) of one listed vendor."""


@dataclass(slots=True)
class Baseline:
    """What the base revision said, for one document."""

    ref: str
    """The revision as the user named it (a branch, tag or SHA)."""
    document: Document | None
    """The page at the base; ``None`` when it did not exist there."""
    registry: Registry | None = None
    """The registry at the base, when the registry is a file in the same repository."""


def page_vendors(tables: list[SubprocessorTable]) -> dict[str, tuple[str, Vendor]]:
    out: dict[str, tuple[str, Vendor]] = {}
    for table in tables:
        for row in table.vendors:
            if not row.name:
                continue
            key = name_key(row.name)
            url = normalize_url(row.link.url) if row.link else ""
            vendor = (
                key,
                url,
                fold(row.value("location") or ""),
                fold(row.value("description") or ""),
            )
            # A vendor listed twice (two services) is one vendor with both rows' details.
            if key in out:
                first = out[key][1]
                vendor = (
                    key,
                    first[1] + " " + url,
                    first[2] + " " + vendor[2],
                    first[3] + " " + vendor[3],
                )
            out[key] = (row.name, vendor)
    return out


def registry_vendors(registry: Registry) -> dict[str, tuple[str, Vendor]]:
    return {
        name_key(e.name): (
            e.name,
            (
                name_key(e.name),
                normalize_url(e.url or ""),
                fold(e.location or ""),
                fold(e.description or ""),
            ),
        )
        for e in active_entries(registry)
    }


def diff(
    base: dict[str, tuple[str, Vendor]],
    head: dict[str, tuple[str, Vendor]],
    *,
    count_descriptions: bool = True,
) -> ListChanges:
    changes = ListChanges()
    changes.added = [head[k][0] for k in head if k not in base]
    changes.removed = [base[k][0] for k in base if k not in head]
    fields = ("url", "location", "description")
    for key in head:
        if key not in base:
            continue
        differing = [
            fields[i]
            for i in range(3)
            if base[key][1][i + 1] != head[key][1][i + 1]
            and (count_descriptions or fields[i] != "description")
        ]
        if differing or base[key][0] != head[key][0]:
            changed = differing or ["name"]
            changes.changed.append((head[key][0], changed))
    return changes


def list_changes(
    baseline: Baseline,
    head_doc: Document,
    head_registry: Registry | None,
    settings: DocumentSettings,
    *,
    count_descriptions: bool = True,
) -> ListChanges:
    """How the list moved from the base to the head (page rows, else registry entries)."""
    base_tables = find_tables(baseline.document, settings.table) if baseline.document else []
    changes = diff(
        page_vendors(base_tables),
        page_vendors(find_tables(head_doc, settings.table)),
        count_descriptions=count_descriptions,
    )
    if not changes and baseline.registry is not None and head_registry is not None:
        changes = diff(
            registry_vendors(baseline.registry),
            registry_vendors(head_registry),
            count_descriptions=count_descriptions,
        )
    base_date = baseline.document.date if baseline.document else None
    changes.base_date = base_date.value if base_date else None
    changes.head_date = head_doc.date.value if head_doc.date else None
    return changes
