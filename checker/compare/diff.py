"""What changed in the list between two versions: the model behind ``changelog`` and the feed.

A version is a list of entries (from a registry, or read off a page when there is no
registry) and its effective date. The *list* is the active entries: a vendor whose status goes
from planned to active is added, one that goes to removed is removed. Planned entries are
upcoming additions, reported when they are new or their details changed.

Vendors are paired by name as ``check`` pairs them (case, markup and blanks ignored); a name
listed twice is two vendors, paired in order. Fields are compared as a reader sees them, so
a note turned from bold to italic is no change, a reworded one is.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

from checker.compare.matching import as_shown, normalize_url, vendor_key
from checker.load.config import DocumentSettings, TableSettings
from checker.model import Document, ListChanges, Registry, RegistryEntry
from checker.page.dates import NAMED_FORMATS, parse_date
from checker.page.markdown import fold
from checker.page.tables import find_tables

COMPARED = (
    "url",
    "location",
    "description",
    "legal_entity",
    "purpose",
    "data_categories",
    "transfer_mechanism",
    "added",
)
"""Fields whose change a customer is told about (not ``id``, ``notes`` or ``section``)."""


@dataclass(slots=True)
class Version:
    """One version of the list."""

    label: str
    """Where it came from: a revision, a file, ``working tree``."""
    entries: list[RegistryEntry]
    effective_date: str | None = None
    """The effective date as ISO text, when the version states a readable one."""


@dataclass(slots=True)
class FieldChange:
    """One field of one vendor, before and after."""

    field: str
    """``url``, ``location``, … or ``column:<header>``; ``name`` when only the spelling moved."""
    old: str | None
    """The value at the base, as written."""
    new: str | None
    """The value at the head, as written."""


@dataclass(slots=True)
class VendorChange:
    """A vendor in both versions whose entry differs."""

    name: str
    """The name as the head writes it."""
    fields: list[FieldChange]
    """What differs, in the order of ``COMPARED``."""


@dataclass(slots=True)
class Changes:
    """The difference between a base and a head version."""

    base: Version
    head: Version
    added: list[RegistryEntry] = field(default_factory=list)
    removed: list[RegistryEntry] = field(default_factory=list)
    changed: list[VendorChange] = field(default_factory=list)
    upcoming: list[RegistryEntry] = field(default_factory=list)
    """Planned entries that are new since the base, or whose details changed."""

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed or self.upcoming)

    def summary(self) -> ListChanges:
        """Names and changed field names, as the rules, the summary and reports show them."""
        return ListChanges(
            added=[e.name for e in self.added],
            removed=[e.name for e in self.removed],
            # A respelt name counts as a change of its own only when nothing else moved.
            changed=[
                (c.name, [f.field for f in c.fields if f.field != "name"] or ["name"])
                for c in self.changed
            ],
        )

    def names(self) -> list[str]:
        """Every vendor the change added, removed or edited, as written."""
        return [
            *(e.name for e in self.added),
            *(e.name for e in self.removed),
            *(c.name for c in self.changed),
        ]

    @property
    def planned(self) -> list[RegistryEntry]:
        """Every planned entry of the head, announced before or now."""
        return [e for e in self.head.entries if status(e) == "planned"]


def status(entry: RegistryEntry) -> str:
    return str(entry.extra.get("status", "active"))


def value_of(entry: RegistryEntry, name: str) -> str | None:
    """A field as text (lists joined with commas, ``other_columns`` by header)."""
    if name.startswith("column:"):
        other = entry.extra.get("other_columns", {})
        value: Any = other.get(name.removeprefix("column:"))
    elif name in ("name", "url", "location", "description"):
        value = getattr(entry, name)
    else:
        value = entry.extra.get(name)
    if value is None:
        return None
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _shown(name: str, value: str | None) -> str:
    if value is None:
        return ""
    if name == "url":
        return normalize_url(value)
    if name in ("added", "data_categories"):
        return fold(value)
    return fold(as_shown(value))


def _field_names(a: RegistryEntry, b: RegistryEntry) -> list[str]:
    columns: list[str] = []
    for entry in (a, b):
        for header in entry.extra.get("other_columns", {}):
            if f"column:{header}" not in columns:
                columns.append(f"column:{header}")
    return [*COMPARED, *columns]


def field_changes(
    old: RegistryEntry, new: RegistryEntry, *, descriptions: bool = True
) -> list[FieldChange]:
    out = []
    if old.name != new.name:
        out.append(FieldChange("name", old.name, new.name))
    for name in _field_names(old, new):
        if name == "description" and not descriptions:
            continue
        a, b = value_of(old, name), value_of(new, name)
        if _shown(name, a) != _shown(name, b):
            out.append(FieldChange(name, a, b))
    return out


def _paired(
    base: list[RegistryEntry], head: list[RegistryEntry]
) -> tuple[list[tuple[RegistryEntry, RegistryEntry]], list[RegistryEntry], list[RegistryEntry]]:
    """(pairs, only in base, only in head), pairing equal names in order."""
    # Queues, not lists: a page that repeats one name thousands of times must not make
    # every pairing shift the rest of the list.
    pool: dict[str, deque[RegistryEntry]] = {}
    for entry in base:
        pool.setdefault(vendor_key(entry.name), deque()).append(entry)
    pairs = []
    only_head = []
    for entry in head:
        candidates = pool.get(vendor_key(entry.name))
        if candidates:
            pairs.append((candidates.popleft(), entry))
        else:
            only_head.append(entry)
    paired = {id(a) for a, _ in pairs}
    only_base = [e for e in base if id(e) not in paired]
    return pairs, only_base, only_head


def compare(base: Version, head: Version, *, descriptions: bool = True) -> Changes:
    """How the list moved from ``base`` to ``head``."""
    changes = Changes(base, head)
    active = [e for e in base.entries if status(e) == "active"]
    now_active = [e for e in head.entries if status(e) == "active"]
    pairs, gone, new = _paired(active, now_active)
    changes.added = new
    changes.removed = gone
    for old, entry in pairs:
        fields = field_changes(old, entry, descriptions=descriptions)
        if fields:
            changes.changed.append(VendorChange(entry.name, fields))
    planned_before = [e for e in base.entries if status(e) == "planned"]
    planned = [e for e in head.entries if status(e) == "planned"]
    pairs, _, announced = _paired(planned_before, planned)
    order = {id(e): i for i, e in enumerate(planned)}
    changes.upcoming = announced + [b for a, b in pairs if field_changes(a, b)]
    changes.upcoming.sort(key=lambda e: order[id(e)])
    return changes


# -- reading versions -----------------------------------------------------------------------


def page_date(doc: Document, formats: list[str]) -> str | None:
    if doc.date is None:
        return None
    day = parse_date(doc.date.value, [*formats, *NAMED_FORMATS]).date
    return day.isoformat() if day else None


def from_registry(registry: Registry, label: str, date: str | None = None) -> Version:
    return Version(label, registry.entries, registry.effective_date or date)


def from_page(doc: Document, settings: DocumentSettings | None, label: str) -> Version:
    """The list as a page shows it, for lists kept without a registry."""
    table_settings = settings.table if settings else TableSettings()
    entries = []
    for table in find_tables(doc, table_settings):
        for row in table.vendors:
            if not row.name:
                continue
            cells = {k: fold(c.raw.replace("\\|", "|")) or None for k, c in row.cells.items()}
            entries.append(
                RegistryEntry(
                    name=row.name,
                    url=row.link.url if row.link else None,
                    location=cells.get("location"),
                    description=cells.get("description"),
                    line=row.row.line,
                )
            )
    formats = settings.date.formats if settings else []
    return Version(label, entries, page_date(doc, formats))
