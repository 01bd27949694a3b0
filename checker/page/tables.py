"""Find the subprocessor table(s) in a page and which column holds what.

By default every table whose header names a vendor column and a location or description
column is part of the list (pages often split it: "Infrastructure" and "Other"). Header
texts are compared after removing markup, case and parenthetical remarks, so "Name of
Subprocessor (with URL)" and "**Subprocessor**" both name the vendor column; the order of
columns never matters. A config can name header texts, a table index or a heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from checker.load.config import TableSettings
from checker.model import Cell, Document, Link, Row, Table

FIELDS = ("name", "url", "location", "description")

# Exact header texts (after normalising) first, then words a header may contain. Fields are
# assigned in this order, so "Location of Subprocessors" is a location, not a vendor name.
_SYNONYMS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "location": (
        (
            "location",
            "locations",
            "location of processing",
            "processing location",
            "country",
            "countries",
            "region",
            "regions",
            "hq location",
            "entity location",
            "entity country",
            "location of subprocessors",
            "location of subprocessor",
            "data location",
            "hosting location",
            "processing region",
        ),
        ("location", "country", "countries", "region"),
    ),
    "url": (
        ("url", "link", "links", "website", "web site", "homepage", "site", "web"),
        ("url", "website", "link"),
    ),
    "name": (
        (
            "name",
            "subprocessor",
            "subprocessors",
            "sub-processor",
            "sub processor",
            "entity name",
            "entity",
            "company",
            "vendor",
            "service provider",
            "provider",
            "third-party subprocessor",
            "third party subprocessor",
            "name of subprocessor",
            "subprocessor name",
            "vendor name",
            "organization",
            "organisation",
            "processor",
        ),
        (
            "subprocessor",
            "sub-processor",
            "processor",
            "entity",
            "company",
            "vendor",
            "provider",
            "name",
        ),
    ),
    "description": (
        (
            "description",
            "purpose",
            "purposes",
            "service provided",
            "services provided",
            "processing activities",
            "subprocessing activities",
            "purpose of processing",
            "processing purpose",
            "description of processing",
            "nature of processing",
            "description/purpose",
            "use",
            "function",
            "activity",
            "activities",
            "service",
            "services",
            "processing activity",
            "subprocessing activity",
        ),
        ("description", "purpose", "activit", "service", "processing", "function"),
    ),
}


def normalize_header(text: str) -> str:
    """Header text for comparison: lower case, no parenthetical remarks, single spaces."""
    text = _MARKUP.sub(" ", _drop_remarks(text.casefold()))
    return " ".join(text.split())


_MARKUP = re.compile(r"[*_`:]+")


def _drop_remarks(text: str) -> str:
    """``text`` with each "(…)" replaced by a space, as ``re.sub(r"\\([^)]*\\)", " ", text)``.

    That pattern, run directly, rescans to the end of the text from every "(" that no ")"
    follows, so a header cell of "(((…" takes time quadratic in its length; once no ")" is
    left, no later "(" can open a remark either.
    """
    out, pos = [], 0
    while (opening := text.find("(", pos)) >= 0:
        closing = text.find(")", opening + 1)
        if closing < 0:
            break
        out += [text[pos:opening], " "]
        pos = closing + 1
    return "".join(out) + text[pos:] if out else text


@dataclass(slots=True)
class VendorRow:
    """A body row of a subprocessor table, read as a vendor."""

    row: Row
    table: Table
    cells: dict[str, Cell] = field(default_factory=dict)
    """The row's cell for each field whose column exists (and the row is long enough)."""
    link: Link | None = None
    """The vendor's URL: the name's link, else the first link in the URL column."""

    @property
    def name(self) -> str:
        cell = self.cells.get("name")
        return cell.text if cell else ""

    def value(self, name: str) -> str | None:
        """A field's value as a reader sees it (``url`` from the link)."""
        if name == "url":
            return self.link.url if self.link else None
        cell = self.cells.get(name)
        return cell.text if cell else None


@dataclass(slots=True)
class SubprocessorTable:
    """A table of the list with its column assignment."""

    table: Table
    columns: dict[str, int]
    """Field → column index in the header."""
    vendors: list[VendorRow]


def assign_columns(header: Row, configured: dict[str, list[str]] | None = None) -> dict[str, int]:
    """Which header column holds each field; fields without a column are left out."""
    texts = [normalize_header(c.text) for c in header.cells]
    taken: dict[str, int] = {}
    used: set[int] = set()
    for name, wanted in (configured or {}).items():
        normalized = {normalize_header(w) for w in wanted}
        for i, text in enumerate(texts):
            if i not in used and text in normalized:
                taken[name] = i
                used.add(i)
                break
    for name in ("location", "url", "name", "description"):
        if name in taken:
            continue
        exact, words = _SYNONYMS[name]
        best: tuple[int, int] | None = None
        for i, text in enumerate(texts):
            if i in used or not text:
                continue
            if text in exact:
                score = 0
            elif any(w in text for w in words):
                score = 1
            else:
                continue
            if best is None or score < best[0]:
                best = (score, i)
        if best is not None:
            taken[name] = best[1]
            used.add(best[1])
    return taken


def is_subprocessor_header(columns: dict[str, int]) -> bool:
    return "name" in columns and ("location" in columns or "description" in columns)


def find_tables(doc: Document, settings: TableSettings) -> list[SubprocessorTable]:
    """The page's subprocessor tables, as the settings select them (may be empty)."""
    candidates = doc.tables
    if settings.index is not None:
        candidates = [t for t in doc.tables if t.index == settings.index]
    elif settings.heading:
        wanted = settings.heading.casefold().strip()
        # Tables under one heading share its text: look at each text once, or a page of
        # many tables under one huge heading costs tables x heading length.
        under: dict[str, bool] = {}
        for t in doc.tables:
            if t.heading and t.heading not in under:
                under[t.heading] = wanted in t.heading.casefold()
        candidates = [t for t in doc.tables if t.heading and under[t.heading]]
    found = []
    for table in candidates:
        columns = assign_columns(table.header, settings.columns)
        # A table chosen explicitly is the list even when its header is unusual; the
        # missing-column rule then says what it lacks.
        explicit = settings.index is not None or bool(settings.heading)
        if explicit or is_subprocessor_header(columns):
            found.append(
                SubprocessorTable(table, columns, [_vendor(r, table, columns) for r in table.rows])
            )
    return found


def _vendor(row: Row, table: Table, columns: dict[str, int]) -> VendorRow:
    cells = {name: cell for name, i in columns.items() if (cell := row.cell(i)) is not None}
    link = None
    for name in ("name", "url"):
        cell = cells.get(name)
        if cell:
            link = next((lk for lk in cell.links if not lk.url.startswith("mailto:")), None)
            if link:
                break
    return VendorRow(row=row, table=table, cells=cells, link=link)
