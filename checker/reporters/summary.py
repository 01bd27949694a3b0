"""The GitHub job summary: a Markdown page shown on the workflow run (``$GITHUB_STEP_SUMMARY``).

It has a verdict line, a findings table (locations link to the file at the checked commit when
the repository is known), the link audit, and optionally what changed in the subprocessor list.

Most of its text comes from the checked page and is untrusted. GitHub renders the summary as
GitHub Flavored Markdown with HTML sanitised, so a hostile cell could still add table columns or
rows, links, images, autolinked URLs or e-mail addresses, or layout-breaking HTML. Every piece
of page text goes through :func:`escape_text`: line breaks become spaces, invisible and control
characters become visible escapes, every ASCII punctuation character is backslash-escaped (so no
``|``, ``[``, ``!``, backtick, ``*``, ``_``, ``://``, ``www.`` or ``@`` keeps its Markdown
meaning; GFM's autolink triggers see the escape), and ``&``, ``<``, ``>`` become HTML entities.

GitHub refuses summaries over 1 MiB per step. :func:`render` drops whole table rows (never part
of a row or a character) to stay under ``max_bytes`` and says how many it left out.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote

from checker.model import CheckResult, Finding, LinkResult, Severity, Verdict
from checker.model import ListChanges as ListChanges  # built by callers for render()
from checker.reporters.words import plural, visible

MAX_SUMMARY_BYTES = 1_000_000
"""A little under GitHub's 1 MiB limit for one step's summary."""

MAX_CELL_CHARS = 500
"""Longer cell text is shortened, so one hostile row cannot crowd out the rest."""

MAX_PLACES = 5
"""How many ``path:line`` places a link-audit row lists before ``and N more``."""

_ASCII_PUNCTUATION = frozenset("!\"#$%'()*+,-./:;=?@[\\]^_`{|}~")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_LINE_BREAKS = frozenset("\r\n\x0b\x0c\x85\u2028\u2029")

_SEVERITY_LABEL: Mapping[Severity, str] = {
    Severity.ERROR: "❌ error",
    Severity.WARNING: "⚠️ warning",
    Severity.NOTICE: "ℹ️ notice",
}

_VERDICT_LABEL: Mapping[Verdict, str] = {
    Verdict.OK: "✅ ok",
    Verdict.REDIRECTED: "↪️ redirected",
    Verdict.BROKEN: "❌ broken",
    Verdict.UNREACHABLE: "⚠️ unreachable",
    Verdict.BLOCKED: "⛔ blocked",
    Verdict.EXCLUDED: "➖ excluded",
}


def _shown(char: str) -> str:
    """One character as it should appear: line breaks as spaces, hidden ones escaped."""
    if char in _LINE_BREAKS:
        return " "
    if char == "\t":
        return " "
    if unicodedata.category(char) in ("Cc", "Cf", "Cs", "Zl", "Zp"):
        return visible(char)
    return char


def escape_text(text: str, *, limit: int | None = MAX_CELL_CHARS) -> str:
    """Page text made inert for Markdown, for a table cell or a line of prose.

    The result is one line, contains no unescaped Markdown punctuation, no ``<``, ``>`` or
    ``&`` (only their entities) and renders as the original text, with line breaks shown as
    spaces and invisible characters as ``\\uXXXX``. Text longer than ``limit`` characters is
    shortened with ``…`` before escaping, so no escape is cut in half.
    """
    if limit is not None and len(text) > limit:
        text = text[: max(limit - 1, 0)] + "…"
    text = text.replace("\r\n", "\n")
    out: list[str] = []
    for char in text:
        shown = _shown(char)
        for piece in shown:
            if piece in _ENTITIES:
                out.append(_ENTITIES[piece])
            elif piece in _ASCII_PUNCTUATION:
                out.append("\\" + piece)
            else:
                out.append(piece)
    return "".join(out)


_REPOSITORY = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")
_SHA = re.compile(r"[0-9a-fA-F]{7,64}")
_SERVER = re.compile(r"https://[A-Za-z0-9.-]+(:[0-9]+)?")
_HELP_URI = re.compile(r"https://[A-Za-z0-9.-]+(:[0-9]+)?/[A-Za-z0-9_.~/%-]*#[a-z0-9-]+")
"""A rule link the summary may render: https, no characters Markdown would read."""


def blob_base(server: str | None, repository: str | None, sha: str | None) -> str | None:
    """``{server}/{repository}/blob/{sha}``, or ``None`` unless all three look right.

    The parts come from the environment; anything unexpected gives plain-text locations rather
    than a link built from it.
    """
    server = (server or "").rstrip("/")
    if not (
        _SERVER.fullmatch(server)
        and repository
        and _REPOSITORY.fullmatch(repository)
        and sha
        and _SHA.fullmatch(sha)
    ):
        return None
    return f"{server}/{repository}/blob/{sha}"


def _repo_path(path: str) -> str | None:
    """``path`` as a repository-relative POSIX path, or ``None`` if it is not one."""
    posix = path.replace("\\", "/")
    while posix.startswith("./"):
        posix = posix[2:]
    if not posix or posix.startswith("/") or re.match(r"[A-Za-z]:/", posix):
        return None
    if any(part in ("", ".", "..") for part in posix.split("/")):
        return None
    return posix


def _place(path: str, line: int | None, base: str | None) -> str:
    """``path:line`` as cell text, a link to that line when ``base`` is known."""
    label = f"{path}:{line}" if line else path
    text = escape_text(label)
    repo_path = _repo_path(path) if base else None
    if base is None or repo_path is None:
        return text
    url = f"{base}/{quote(repo_path, safe='/')}"
    if line:
        url = f"{url}#L{line}"
    return f"[{text}]({url})"


def _verdict(result: CheckResult) -> str:
    errors = result.count(Severity.ERROR)
    counts = ", ".join(
        [
            plural(errors, "error"),
            plural(result.count(Severity.WARNING), "warning"),
            plural(result.count(Severity.NOTICE), "notice"),
        ]
    )
    scope = f"{plural(len(result.documents), 'document')}, {plural(result.vendors, 'vendor')}"
    if errors:
        return f"❌ **subprocessor-check failed**: {counts} ({scope} checked)."
    return f"✅ **subprocessor-check passed**: {counts} ({scope} checked)."


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _table_head(columns: Sequence[str]) -> list[str]:
    return [_row(columns), _row(["---"] * len(columns))]


@dataclass(slots=True)
class _Section:
    """Intro lines (heading, text), then rows: table rows under ``columns``, or list items.

    A section without rows is kept or dropped whole; rows are dropped one by one to fit, and a
    section left with no rows is dropped whole, heading included.
    """

    lines: list[str]
    columns: list[str] | None = None
    rows: list[str] = field(default_factory=list)

    def head(self) -> str:
        lines = self.lines + (_table_head(self.columns) if self.columns else [])
        return "".join(line + "\n" for line in lines)


def _rule_cell(rule: str, help_uri: str | None) -> str:
    """The rule id, linked to its section of the rule reference when that is a web address."""
    text = escape_text(rule)
    if help_uri and _HELP_URI.fullmatch(help_uri):
        return f"[{text}]({help_uri})"
    return text


def _findings_section(
    findings: list[Finding], base: str | None, help_uris: Mapping[str, str | None] | None = None
) -> _Section:
    help_uris = help_uris or {}
    rows = []
    for finding in sorted(findings, key=Finding.sort_key):
        message = finding.message.strip()
        if finding.suggestion is not None and finding.suggestion.strip():
            message = f"{message} Suggestion: {finding.suggestion.strip()}"
        where = _place(finding.path, finding.line, base) if finding.path else "—"
        rows.append(
            _row(
                [
                    _SEVERITY_LABEL[finding.severity],
                    where,
                    _rule_cell(finding.rule, help_uris.get(finding.rule)),
                    escape_text(message, limit=2 * MAX_CELL_CHARS),
                ]
            )
        )
    return _Section(["### Findings", ""], ["Severity", "Where", "Rule", "Message"], rows)


def _link_places(link: LinkResult, base: str | None) -> str:
    places = [_place(path, line, base) for path, line in link.lines[:MAX_PLACES]]
    more = len(link.lines) - MAX_PLACES
    if more > 0:
        places.append(f"and {more} more")
    return ", ".join(places) or "—"


def _links_section(links: list[LinkResult], base: str | None) -> _Section:
    rows = []
    order = sorted(links, key=lambda link: (link.verdict is Verdict.OK, link.url))
    for link in order:
        status = str(link.status) if link.status is not None else ""
        detail = link.error or (f"→ {link.final_url}" if link.final_url else "")
        if detail:
            status = f"{status} {detail}".strip()
        rows.append(
            _row(
                [
                    escape_text(link.url),
                    _VERDICT_LABEL[link.verdict],
                    escape_text(status) or "—",
                    _link_places(link, base),
                ]
            )
        )
    return _Section(["### Link audit", ""], ["URL", "Verdict", "Status", "Where"], rows)


def _changes_section(changes: ListChanges) -> _Section:
    lines = ["### Changes in the subprocessor list", ""]
    if changes.base_date != changes.head_date:
        before = escape_text(changes.base_date or "none")
        after = escape_text(changes.head_date or "none")
        lines += [f"Effective date: {before} → {after}", ""]
    rows = [_row(["➕ added", escape_text(name), "—"]) for name in changes.added]
    rows += [_row(["➖ removed", escape_text(name), "—"]) for name in changes.removed]
    rows += [
        _row(["✏️ changed", escape_text(name), escape_text(", ".join(fields)) or "—"])
        for name, fields in changes.changed
    ]
    if not rows:
        lines += ["No subprocessor was added, removed or changed.", ""]
        return _Section(lines)
    return _Section(lines, ["Change", "Subprocessor", "Details"], rows)


def _notes_section(notices: list[str]) -> _Section:
    return _Section(["### Notes", ""], None, [f"- {escape_text(note)}" for note in notices])


def _size(text: str) -> int:
    return len(text.encode("utf-8", errors="surrogatepass"))


def _omitted_line(count: int, max_bytes: int) -> str:
    what = f"{plural(count, 'row')} left out" if count else "the rest left out"
    return (
        f"**Summary shortened:** {what} to stay under {max_bytes:,} bytes. "
        "The annotations and the SARIF or JSON report list everything.\n"
    )


def render(
    result: CheckResult,
    *,
    max_bytes: int = MAX_SUMMARY_BYTES,
    changes: ListChanges | None = None,
    blob_url: str | None = None,
) -> str:
    """The job summary for ``result`` as Markdown, at most ``max_bytes`` UTF-8 bytes.

    ``blob_url`` (see :func:`blob_base`) makes locations link to
    ``{blob_url}/{path}#L{line}``; without it they are plain text. ``changes`` adds the
    "Changes in the subprocessor list" section. When the whole page does not fit, it is cut
    after the last whole row that fits (so what is shown is always the start of the full
    page: verdict, then findings in path/line order, then links, changes, notes), a table
    with no room for any row is left out whole, and a last line says how many rows were left
    out.
    """
    sections: list[_Section] = [_Section(["## Subprocessor check", "", _verdict(result), ""])]
    if result.findings:
        help_uris = {rule.id: rule.help_uri for rule in result.rules}
        sections.append(_findings_section(result.findings, blob_url, help_uris))
    if result.links:
        sections.append(_links_section(result.links, blob_url))
    if changes is not None:
        sections.append(_changes_section(changes))
    if result.notices:
        sections.append(_notes_section(result.notices))

    total_rows = sum(len(s.rows) for s in sections)
    reserve = _size(_omitted_line(total_rows, max_bytes)) + 1
    parts: list[str] = []
    used = 0
    omitted = 0
    full = True
    for section in sections:
        if not full:
            omitted += len(section.rows)
            continue
        head = section.head()
        if not section.rows:
            if used + _size(head) + reserve > max_bytes:
                full = False
                continue
            parts.append(head)
            used += _size(head)
            continue
        kept: list[str] = []
        budget = max_bytes - reserve - used - _size(head) - 1  # the blank line after the rows
        for row in section.rows:
            cost = _size(row) + 1
            if cost > budget:
                full = False
                break
            kept.append(row + "\n")
            budget -= cost
        omitted += len(section.rows) - len(kept)
        if kept:
            block = head + "".join(kept) + "\n"
            parts.append(block)
            used += _size(block)
    if not full:
        parts.append(_omitted_line(omitted, max_bytes))
    text = "".join(parts)
    verdict_shown = bool(parts) and parts[0] == sections[0].head()
    if not verdict_shown:
        # The verdict and the truncation line do not both fit: the verdict alone, if it does.
        verdict = _verdict(result) + "\n"
        text = verdict if _size(verdict) <= max_bytes else ""
    return text
