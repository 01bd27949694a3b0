"""The plain data the checker passes between its stages.

Loading (``markdown``, ``registry``, ``config``) produces these objects, rules read them and
yield ``Finding`` objects, reporters print findings. Nothing here imports the rest of the
package, so every stage can depend on this module and on nothing else of ours.

Lines and columns are 1-based everywhere, as editors and GitHub annotations count them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    """How much a finding matters; ``error`` fails the check."""

    ERROR = "error"
    WARNING = "warning"
    NOTICE = "notice"

    @property
    def rank(self) -> int:
        """Higher is more severe; used to compare against a ``fail-on`` threshold."""
        return {"error": 3, "warning": 2, "notice": 1}[self.value]


@dataclass(slots=True, frozen=True)
class Link:
    """One link written in the page."""

    url: str
    """The destination as written (reference links resolved to their definition)."""
    text: str
    """The visible text of the link, markup stripped; the URL itself for bare links."""
    line: int
    """Source line of the link (1-based)."""
    column: int | None = None
    """Source column where the link starts (1-based), when it can be located."""
    kind: str = "inline"
    """How it was written: inline, reference, autolink, bare, html."""
    title: str | None = None
    """The optional link title (``[x](url "title")``)."""


@dataclass(slots=True)
class Cell:
    """One cell of a table row."""

    raw: str
    """The cell's source text between its pipes, stripped of surrounding blanks."""
    text: str
    """The cell as a reader sees it: markup removed, ``<br>`` as a space, blanks folded."""
    line: int
    """Source line of the cell (1-based)."""
    column: int
    """Source column of the first character of ``raw`` (1-based)."""
    links: list[Link] = field(default_factory=list)
    """Links written inside the cell, in source order."""


@dataclass(slots=True)
class Row:
    """One row of a table: the header row or a body row."""

    line: int
    """Source line of the row (1-based)."""
    cells: list[Cell]
    """The cells as written on the line (not padded or cut to the header's width)."""
    raw: str
    """The full source line."""

    def cell(self, index: int) -> Cell | None:
        """The cell at ``index``, or ``None`` when the row is too short."""
        return self.cells[index] if 0 <= index < len(self.cells) else None


@dataclass(slots=True)
class Table:
    """A table in the page (a Markdown pipe table or an HTML ``<table>``)."""

    index: int
    """Position among the page's tables, from 0."""
    header: Row
    """The header row (for a table with an empty header row, the first body row)."""
    rows: list[Row]
    """The body rows, in source order."""
    line: int
    """Line of the header row."""
    end_line: int
    """Last line of the table."""
    heading: str | None = None
    """Text of the nearest heading above the table, if any."""
    html: bool = False
    """True for a raw HTML ``<table>``: its cells have no pipes to count."""

    @property
    def width(self) -> int:
        """Number of columns, from the header."""
        return len(self.header.cells)


@dataclass(slots=True)
class DateLine:
    """Where the page states its effective (last updated) date."""

    label: str
    """The label as written, e.g. ``Effective date`` or ``Last updated``."""
    value: str
    """The date text as written, e.g. ``2021-05-02`` or ``March 3, 2024``."""
    line: int
    """Source line of the date value (1-based)."""
    column: int
    """Source column where ``value`` starts (1-based)."""
    source: str = "body"
    """``body`` for a line in the text, ``front-matter`` for a front-matter key."""


@dataclass(slots=True)
class Heading:
    """A section heading (Markdown ``#`` or HTML ``<hN>``)."""

    level: int
    text: str
    line: int


@dataclass(slots=True, frozen=True)
class ControlCharacters:
    """Control characters on one line of a page; the parser read each as U+FFFD."""

    line: int
    """Source line (1-based, counting line feeds only, as git and GitHub's diff view do)."""
    column: int
    """Source column of the first of them (1-based)."""
    char: str
    """The first of them, e.g. ``"\\x00"``."""
    count: int
    """How many the line has."""


@dataclass(slots=True)
class Document:
    """A parsed page: what the rules read."""

    path: str
    """Path as given by the user (used in findings)."""
    text: str
    """The decoded text (BOM removed, line endings kept)."""
    lines: list[str]
    """The text split into lines without their endings; ``lines[n - 1]`` is line n. Only a
    line feed (or CR LF) ends a line, as git and GitHub's diff view count lines."""
    front_matter: dict[str, Any] | None = None
    """Parsed YAML front matter, or ``None`` when there is none or it is not a mapping."""
    front_matter_lines: tuple[int, int] | None = None
    """First and last line of the front-matter block, fences included."""
    front_matter_error: str | None = None
    """Why the front matter could not be read, when it could not."""
    front_matter_error_line: int | None = None
    """The line of that problem in the page (1-based)."""
    tables: list[Table] = field(default_factory=list)
    """Every table in the page, in source order."""
    links: list[Link] = field(default_factory=list)
    """Every link in the page, in source order."""
    headings: list[Heading] = field(default_factory=list)
    """Every heading in the page, in source order."""
    dates: list[DateLine] = field(default_factory=list)
    """Every candidate effective-date statement, best first."""
    too_large: tuple[int, int] | None = None
    """(size, limit) in bytes when the page was over the size limit and was not read."""
    control_characters: list[ControlCharacters] = field(default_factory=list)
    """Lines holding control characters (NUL, other C0 controls but tab and line endings,
    DEL, C1 controls, a CR not followed by LF), in line order."""

    @property
    def date(self) -> DateLine | None:
        """The page's effective date statement, if it has one."""
        return self.dates[0] if self.dates else None


@dataclass(slots=True)
class RegistryEntry:
    """One subprocessor in the canonical registry."""

    name: str
    url: str | None
    """``None`` only in a registry whose ``required_fields`` leaves the field out."""
    location: str | None
    description: str | None
    line: int
    """Line of the entry in the registry file (1-based)."""
    extra: dict[str, Any] = field(default_factory=dict)
    """The optional fields (id, legal_entity, purpose, added, status, notes, …)."""

    def field_value(self, name: str) -> str | None:
        """A comparable field by name (``name``, ``url``, ``location``, ``description``)."""
        if name in ("name", "url", "location", "description"):
            value = getattr(self, name)
            return None if value is None else str(value)
        value = self.extra.get(name)
        return None if value is None else str(value)


@dataclass(slots=True)
class Registry:
    """The canonical list of subprocessors."""

    path: str
    """Where it was read from (file path or URL)."""
    entries: list[RegistryEntry]
    privacy_policy: str | None = None
    effective_date: str | None = None
    effective_date_line: int | None = None


@dataclass(slots=True)
class Finding:
    """One problem found in a document (or in how it relates to the registry)."""

    path: str
    """File the finding is about, as given by the user."""
    line: int | None
    """1-based line; ``None`` only when the problem has no place (e.g. a missing table)."""
    column: int | None
    """1-based column, when known."""
    rule: str
    """Stable kebab-case rule id, e.g. ``field-mismatch``."""
    severity: Severity
    """Stamped by the engine from the config, not chosen by the rule."""
    message: str
    """What is wrong and what is expected, in one sentence or two."""
    suggestion: str | None = None
    """The replacement text or action that fixes it, when one is known."""
    end_line: int | None = None
    end_column: int | None = None
    context: dict[str, Any] = field(default_factory=dict)
    """Machine-readable details (expected/actual values, vendor name) for reporters."""

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line or 0, self.column or 0, self.rule)


class Verdict(StrEnum):
    """What the live link check concluded about one URL."""

    OK = "ok"
    REDIRECTED = "redirected"
    """Permanently moved: works, but the page should name the new URL."""
    BROKEN = "broken"
    """Definitely gone: 404, 410 or another 4xx after the GET fallback."""
    UNREACHABLE = "unreachable"
    """No answer we can trust: DNS failure, timeout, 5xx after retries."""
    BLOCKED = "blocked"
    """Refused by the network guard (private address) before any request."""
    EXCLUDED = "excluded"
    """Skipped by a configured pattern."""


@dataclass(slots=True)
class LinkResult:
    """The live check of one URL (each URL is checked once per run)."""

    url: str
    verdict: Verdict
    status: int | None = None
    """Last HTTP status received, if any."""
    final_url: str | None = None
    """Where redirects ended, when they moved the URL."""
    attempts: int = 0
    """Requests sent for this URL, redirect hops and retries included."""
    seconds: float = 0.0
    error: str | None = None
    """Why it failed, in words (timeout, DNS, refused by the guard …)."""
    lines: list[tuple[str, int]] = field(default_factory=list)
    """Where the URL is written: (path, line) pairs."""
    from_cache: bool = False


@dataclass(slots=True, frozen=True)
class RuleInfo:
    """What reporters need to know about a rule (SARIF rule objects, doc links)."""

    id: str
    summary: str
    """One line: what the rule checks."""
    description: str
    """The rule's full user documentation (its module docstring)."""
    default_severity: Severity
    help_uri: str | None = None
    """Link to the rule's section of the rule reference."""


@dataclass(slots=True)
class VendorListing:
    """One vendor row of a page's subprocessor table, as the page states it."""

    path: str
    """The page (as ``Finding.path`` names it)."""
    line: int
    """Source line of the row (1-based)."""
    name: str
    """The vendor's name as a reader sees it (markup removed)."""
    url: str | None = None
    """The vendor's link as written, when the row has one."""
    location: str | None = None
    description: str | None = None


@dataclass(slots=True)
class PageReport:
    """What a reader of a report wants to know about one checked page besides its findings."""

    path: str
    effective_date: str | None = None
    """The date the page states, as written; ``None`` when it states none."""
    effective_date_line: int | None = None
    vendors: list[VendorListing] = field(default_factory=list)
    """The vendor rows, in source order."""
    base: str | None = None
    """The base revision the run compared with, as the user named it."""
    changes: ListChanges | None = None
    """How the list moved since ``base``; set when the run compared with one."""
    touched: list[str] = field(default_factory=list)
    """Vendors whose row or registry entry the change added, removed or edited (names as
    written); findings about them are the change's own, wherever they sit."""


@dataclass(slots=True)
class CheckResult:
    """Everything one run found, handed to a reporter."""

    findings: list[Finding] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    """Paths of the documents checked."""
    vendors: int = 0
    """Rows of subprocessor tables checked, across documents."""
    links: list[LinkResult] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    """Things the user should know that are not findings (e.g. rules skipped)."""
    rules: list[RuleInfo] = field(default_factory=list)
    """The rules that ran, for reporters that describe them (SARIF)."""
    sources: dict[str, list[str]] = field(default_factory=dict)
    """Each checked page's lines (``sources[path][n - 1]`` is line n), keyed like
    ``Finding.path``, so reporters can quote the line a finding is on. Page text: untrusted."""
    pages: list[PageReport] = field(default_factory=list)
    """Per checked page: its effective date, vendor rows and changes since the base."""
    checked_at: str | None = None
    """When the run happened (ISO 8601, UTC, seconds), for reports that are kept."""

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)


@dataclass(slots=True)
class ListChanges:
    """How the subprocessor list differs between two versions (a change's base and head).

    Computed once per page by ``compare.baseline.measure`` (page rows, else registry
    entries); the job summary
    shows it and ``date-not-updated`` quotes it.
    """

    added: list[str] = field(default_factory=list)
    """Names of subprocessors new in the head version."""
    removed: list[str] = field(default_factory=list)
    """Names of subprocessors gone from the head version."""
    changed: list[tuple[str, list[str]]] = field(default_factory=list)
    """``(name, changed fields)`` for subprocessors in both versions whose entry differs."""
    base_date: str | None = None
    """Effective date stated by the base version, if known."""
    head_date: str | None = None
    """Effective date stated by the head version, if known."""

    def __bool__(self) -> bool:
        """True when a vendor was added, removed or changed (dates alone do not count)."""
        return bool(self.added or self.removed or self.changed)
