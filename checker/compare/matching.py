"""Pair the page's vendor rows with the registry's entries.

Rows and entries are paired by name, compared without regard to case, markup or runs of
blanks; nothing fuzzier, because a checker that guesses which vendor a row means would
hide exactly the drift it exists to catch. A name listed more often on the page than in
the registry leaves the extra rows unpaired, and they are reported as duplicates.
"""

from __future__ import annotations

import unicodedata
from collections import deque
from dataclasses import dataclass, field
from functools import lru_cache

from checker.model import Cell, Document, Link, Registry, RegistryEntry
from checker.page.markdown import fold, plain_inline
from checker.page.tables import SubprocessorTable, VendorRow


def name_key(name: str) -> str:
    """The identity of a vendor name: case-folded, NFC, single spaces."""
    return fold(unicodedata.normalize("NFC", name)).casefold()


def vendor_key(name: str) -> str:
    """The one identity of a vendor, wherever it is written: as shown, then ``name_key``.

    The page shows ``**Acme**`` as Acme and the registry may write either; every pairing
    and every diff keys vendors by this.
    """
    return name_key(as_shown(name))


@lru_cache(maxsize=4096)
def as_shown(value: str) -> str:
    """A registry value as the page would show it (inline Markdown rendered to text)."""
    return unicodedata.normalize("NFC", plain_inline(value))


def same_text(page: Cell, registry: str) -> bool:
    """Whether a cell shows the registry's value (compared as rendered text)."""
    if fold(page.raw) == fold(registry):
        return True  # written the same way, so rendered the same way: no need to parse
    return unicodedata.normalize("NFC", page.text) == as_shown(registry)


def normalize_url(url: str) -> str:
    """Scheme and host lower-cased and an empty path written as ``/`` (RFC 3986 equivalents)."""
    scheme, sep, rest = url.strip().partition("://")
    if not sep:
        return url.strip()
    host, slash, path = rest.partition("/")
    return f"{scheme.lower()}://{host.lower()}/{path}" if slash or not path else url


def privacy_link(doc: Document, wanted: str) -> Link | None:
    """The page's first link to the privacy policy ``wanted`` (a trailing slash ignored)."""
    key = normalize_url(wanted).rstrip("/")
    return next((lk for lk in doc.links if normalize_url(lk.url).rstrip("/") == key), None)


def active_entries(registry: Registry) -> list[RegistryEntry]:
    """Entries that belong on the page (``planned`` and ``removed`` ones do not)."""
    return [e for e in registry.entries if e.extra.get("status", "active") == "active"]


@dataclass(slots=True)
class Matching:
    """The result of pairing rows with entries."""

    pairs: list[tuple[VendorRow, RegistryEntry]] = field(default_factory=list)
    unknown_rows: list[VendorRow] = field(default_factory=list)
    """Rows whose name the registry does not have at all."""
    extra_rows: list[tuple[VendorRow, VendorRow]] = field(default_factory=list)
    """(row, first row of that name): a name the page lists more often than the registry."""
    missing: list[RegistryEntry] = field(default_factory=list)
    """Active entries no row names."""
    inactive_rows: list[tuple[VendorRow, RegistryEntry]] = field(default_factory=list)
    """Rows naming an entry that is planned or removed."""
    entry_of: dict[int, RegistryEntry] = field(default_factory=dict)
    """``id(row)`` → the entry it is paired with."""

    def entry_for(self, row: VendorRow) -> RegistryEntry | None:
        return self.entry_of.get(id(row))


def match(tables: list[SubprocessorTable], registry: Registry) -> Matching:
    result = Matching()
    # Entries of each name not yet paired, first first: a row takes the next one in O(1),
    # so a page and a registry that repeat one name thousands of times pair in linear time.
    by_name: dict[str, deque[RegistryEntry]] = {}
    inactive: dict[str, RegistryEntry] = {}
    for entry in registry.entries:
        if entry.extra.get("status", "active") == "active":
            by_name.setdefault(name_key(as_shown(entry.name)), deque()).append(entry)
        else:
            inactive.setdefault(name_key(as_shown(entry.name)), entry)
    first_seen: dict[str, VendorRow] = {}
    used: set[int] = set()
    for table in tables:
        for row in table.vendors:
            if not row.name:
                continue
            key = name_key(row.name)
            waiting = by_name.get(key)
            if waiting:
                entry = waiting.popleft()
                used.add(id(entry))
                result.pairs.append((row, entry))
                result.entry_of[id(row)] = entry
                first_seen.setdefault(key, row)
            elif key in first_seen:
                result.extra_rows.append((row, first_seen[key]))
            elif key in inactive:
                result.inactive_rows.append((row, inactive[key]))
            else:
                result.unknown_rows.append(row)
                first_seen.setdefault(key, row)
    result.missing = [e for e in active_entries(registry) if id(e) not in used]
    return result
