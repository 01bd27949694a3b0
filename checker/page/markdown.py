"""Parse a subprocessors page into a ``Document``.

markdown-it-py decides what is a table, a heading, a code block or front matter, exactly as
the docs site will render it. Cell boundaries are taken from the raw source line, because
markdown-it pads short rows and drops extra cells without a trace, and a checker must see
what the author wrote. Raw HTML ``<table>`` blocks (Hugo and WordPress exports) are read
with the standard library's HTML parser so that their cells get line numbers too.

Nothing here knows any policy: the parser finds tables, links and date statements; the
rules decide what is wrong with them.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Protocol, cast

from markdown_it import MarkdownIt
from markdown_it.rules_block.state_block import StateBlock
from markdown_it.rules_block.table import table as markdown_table
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin

from checker.errors import InputError
from checker.load import yamlfile
from checker.load.files import decode_text, file_size, read_bytes
from checker.load.patterns import Matcher, PatternError, compile_pattern
from checker.model import (
    Cell,
    ControlCharacters,
    DateLine,
    Document,
    Heading,
    Link,
    Row,
    Table,
)

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
"""Pages larger than this are refused: no real subprocessor page comes close."""

# Characters a text page should not hold: C0 controls but tab, LF and CR; DEL; C1 controls;
# and a CR that does not end a line with the LF after it. git and GitHub's diff view end a
# line at LF only, where markdown-it (and most renderers) also end one at a lone CR, so a lone
# CR would shift every line number after it. Each is read as U+FFFD (as CommonMark reads NUL),
# one character for one, so that columns stay those of the source.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|\r(?!\n)")
REPLACEMENT = "\ufffd"
"""What the parser reads in place of a control character."""

_BARE_URL = re.compile(r"https?://[^\s<>\[\]()|\"'`]+", re.IGNORECASE)
_TRAILING_PUNCT = ".,;:!?*_"
# Patterns below run on page text, which a pull request writes: each is applied so that its
# cost is linear in the text (no unanchored pattern whose failed attempts rescan the rest).
_HREF = re.compile(r"""<a\s[^>]*?href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
"""An ``<a href>`` tag; only ever *matched* on one tag (``_hrefs`` finds them in a block)."""
_A_OPEN = re.compile(r"<a\s", re.IGNORECASE)
_HREF_WORD = re.compile(r"href", re.IGNORECASE)
_HREF_VALUE = re.compile(r"""href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_BR = re.compile(r"<br\b", re.IGNORECASE)
_HEADING_OPEN = re.compile(r"<h([1-6])\b", re.IGNORECASE)
_HEADING_CLOSE = re.compile(r"</h([1-6])\s*>", re.IGNORECASE)
_TABLE_OPEN = re.compile(r"<table", re.IGNORECASE)

# How strongly a label says "this is the page's effective date": the lowest rank wins when a
# page has several statements ("Last updated" in a footer, "Effective date" on top), and the
# rank decides how much else a statement needs before it counts (``_find_dates``).
_RANK_CONFIG = -1
"""A label from the config: the page owner's own words, stronger than any built-in one."""
_RANK_EFFECTIVE = 0
"""Names the effective date outright ("Effective date", "Effective as of")."""
_RANK_LAST_UPDATED = 1
"""Names the last change ("Last updated", "Last revised"): a date, but not the effective one."""
_RANK_WEAK = 2
"""A word that starts many a sentence ("Updated", "Effective"): a date only after a separator."""
_RANK_DATE = 3
"""The bare word "Date", weakest of the built-in labels."""
_RANK_UNKNOWN = 9
"""A label none of the built-in patterns names (none is expected: each comes from them)."""

# Labels that introduce a page's effective date, strongest first.
_DATE_LABELS: tuple[tuple[str, int], ...] = (
    (r"effective\s+date", _RANK_EFFECTIVE),
    (r"date\s+effective", _RANK_EFFECTIVE),
    (r"effective\s+(?:as\s+of|from|on)", _RANK_EFFECTIVE),
    (r"last\s+updated\s+and\s+effective", _RANK_EFFECTIVE),
    (r"last\s+(?:updated|update|modified|revised|changed|reviewed)(?:\s+on)?", _RANK_LAST_UPDATED),
    (r"(?:updated|revised|modified)(?:\s+on)?", _RANK_WEAK),
    (r"effective", _RANK_WEAK),
    (r"date", _RANK_DATE),
)
_DATE_LINE = re.compile(
    r"^(?P<label>" + "|".join(p for p, _ in _DATE_LABELS) + r")\b"
    r"(?P<sep>\s*[:\-\u2013\u2014]\s*|\s+)?(?P<value>.*)$",
    re.IGNORECASE,
)
# The start of a Liquid/Hugo expression naming a front-matter key: ``{{ page.date }}``. The
# expression ends at its first "}", which must be the first of "}}" (``_template_key``).
_TEMPLATE_HEAD = re.compile(r"\{\{\s*(?:page|site\.data|\.Params|\.Page\.Params|\.)\.?(\w+)")
_FRONT_MATTER_DATE_KEYS = (
    "effective_date",
    "effective",
    "last_updated",
    "last_update",
    "last_modified_date",
    "last_modified_at",
    "last_modified",
    "lastmod",
    "updated_at",
    "updated",
    "date",
)


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable("table").use(front_matter_plugin)
    md.block.ruler.at("table", _bounded_table, {"alt": ["paragraph", "reference"]})
    return md


MAX_PADDED_CELLS = 0x10000
"""Cells markdown-it may add to short table rows in one page (it pads each row to the
header's width, and itself bounds that per table only, at this same number)."""
_PADDED = "subprocessor_check.padded_cells"
"""Key in markdown-it's env: how many padded cells the page has left."""


def _bounded_table(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """markdown-it's table rule, with the rows it pads bounded for the whole page.

    A row with fewer cells than the header is padded with empty cells, each a few tokens
    and an inline parse. markdown-it stops a table after 65,536 of them, but per table: a
    page of 1.5 KB tables (181 columns, 362 rows of "x") costs most of a second per table,
    so hours for a page of a few megabytes. Here the rows are counted first, with the
    checks markdown-it's own loop makes, and the table ends before the row that would pass
    the page's budget; what follows is read as if the table had ended there.
    """
    if silent or not markdown_table(state, start, end, True):
        return silent and markdown_table(state, start, end, True)
    left: int = state.env.get(_PADDED, MAX_PADDED_CELLS)
    width = len(_split_row(_block_line(state, start)))
    terminators = state.md.block.ruler.getRules("blockquote")
    line, spent = start + 2, 0
    while line < end:
        if state.sCount[line] < state.blkIndent or state.is_code_block(line):
            break
        if any(rule(state, line, end, True) for rule in terminators):
            break
        text = _block_line(state, line)
        if not text.strip():
            break
        short = width - len(_split_row(text))
        if short > 0:
            if spent + short > left:
                break
            spent += short
        line += 1
    state.env[_PADDED] = left - spent
    return markdown_table(state, start, line, False)


def _block_line(state: StateBlock, line: int) -> str:
    return state.src[state.bMarks[line] + state.tShift[line] : state.eMarks[line]]


def load_document(
    path: str | Path,
    *,
    display_path: str | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    date_labels: Sequence[str] = (),
) -> Document:
    """Read and parse a page; ``InputError`` says why when the file cannot be used."""
    shown = display_path or str(path)
    size = file_size(path, shown, "Markdown file")
    if size > max_bytes:
        # Not read at all, so time and memory stay bounded; the document-too-large rule
        # reports it as a finding on the page.
        return Document(path=shown, text="", lines=[], too_large=(size, max_bytes))
    data = read_bytes(path, shown, "Markdown file", limit=max_bytes)
    # A stray control character is a finding on its line (control-character), not a reason
    # to refuse the page; decode_text still refuses a file that is binary as a whole.
    text = decode_text(data, shown, allow_controls=True)
    return parse_document(text, shown, date_labels=date_labels)


def split_lines(text: str) -> list[str]:
    """Lines without their endings, as git and GitHub's diff view count them.

    Only LF ends a line (CR LF is one ending); a lone CR is a character of its line. The
    parser reads a lone CR as U+FFFD, so markdown-it counts lines the same way.
    """
    pieces = text.split("\n")
    last = pieces.pop()  # what follows the final LF: empty when the text ends with one
    lines = [piece[:-1] if piece.endswith("\r") else piece for piece in pieces]
    if last or not lines:
        lines.append(last)
    return lines


def fold(text: str) -> str:
    """Fold every run of blanks (non-breaking and zero-width spaces included) to one space."""
    # str.split() knows every Unicode space (U+00A0 included) and is several times faster
    # than a regex; the zero-width characters it does not count as space are mapped first.
    if "\u200b" in text or "\ufeff" in text:
        text = text.replace("\u200b", " ").replace("\ufeff", " ")
    return " ".join(text.split())


def control_characters(text: str) -> tuple[str, list[ControlCharacters]]:
    """``text`` with each control character replaced by U+FFFD, and the lines that had some.

    Line numbers count LF only (``split_lines``); columns count characters from 1.
    """
    if _CONTROL.search(text) is None:
        return text, []  # nearly every page: one scan in C, nothing to replace
    found: list[ControlCharacters] = []
    line, line_start, scanned = 1, 0, 0
    for m in _CONTROL.finditer(text):
        pos = m.start()
        # Count the line feeds since the previous match only, so the whole pass is linear.
        breaks = text.count("\n", scanned, pos)
        if breaks:
            line += breaks
            line_start = text.rindex("\n", scanned, pos) + 1
        scanned = pos
        if found and found[-1].line == line:
            last = found[-1]
            found[-1] = ControlCharacters(last.line, last.column, last.char, last.count + 1)
        else:
            found.append(ControlCharacters(line, pos - line_start + 1, m.group(), 1))
    return _CONTROL.sub(REPLACEMENT, text), found


def parse_document(text: str, path: str = "<page>", *, date_labels: Sequence[str] = ()) -> Document:
    """Parse page text (already decoded) into a ``Document``.

    Control characters are read as U+FFFD and listed in ``Document.control_characters``;
    ``Document.text`` and ``Document.lines`` keep them as written. ``InputError`` when a
    date label is not a valid RE2 pattern (the config's loader refuses those first).
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    clean, controls = control_characters(text)
    lines = split_lines(clean)
    env: dict[str, Any] = {}
    tokens = _parser().parse(clean, env)
    doc = Document(
        path=path,
        text=text,
        lines=split_lines(text) if controls else lines,
        control_characters=controls,
    )
    skip: list[tuple[int, int]] = []  # 0-based [start, end) ranges where no date can be stated
    _Walker(doc, lines, env, skip).walk(tokens)
    doc.dates = _find_dates(doc, lines, skip, _label_patterns(date_labels, path))
    return doc


class _Walker:
    """One pass over markdown-it's tokens, filling the document."""

    def __init__(
        self, doc: Document, lines: list[str], env: dict[str, Any], skip: list[tuple[int, int]]
    ) -> None:
        self.doc = doc
        self.lines = lines
        self.env = env
        self.skip = skip
        self.heading: str | None = None
        self.quote_depth = 0
        """How many blockquotes enclose the current token (their ``>`` are not cells)."""
        self.html_tables = _HtmlTableScanner(lines)

    def walk(self, tokens: list[Token]) -> None:
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            if tok.type == "front_matter":
                self._front_matter(tok)
            elif tok.type in ("blockquote_open", "blockquote_close"):
                self.quote_depth += 1 if tok.nesting > 0 else -1
            elif tok.type == "heading_open" and tok.map:
                text = _plain(tokens[i + 1].children or [])
                self.doc.headings.append(Heading(int(tok.tag[1:]), text, tok.map[0] + 1))
                self.heading = text
                self._links_in_inline(tokens[i + 1], tok.map)
            elif tok.type == "table_open" and tok.map:
                end = _closing(tokens, i, "table_close")
                self._pipe_table(tokens[i : end + 1], tok.map)
                self.skip.append((tok.map[0], tok.map[1]))
                i = end
            elif tok.type in ("fence", "code_block") and tok.map:
                self.skip.append((tok.map[0], tok.map[1]))
            elif tok.type == "html_block" and tok.map:
                self._html_block(tok)
            elif tok.type == "inline" and tok.map:
                self._links_in_inline(tok, tok.map)
            i += 1

    # -- front matter -------------------------------------------------------------------

    def _front_matter(self, tok: Token) -> None:
        assert tok.map
        self.doc.front_matter_lines = (tok.map[0] + 1, tok.map[1])
        self.skip.append((tok.map[0], tok.map[1]))
        try:
            # The YAML starts on the line after the opening fence: numbered as the page is,
            # in the error's line and in its message ("first defined on line …") alike.
            data, _ = yamlfile.load(tok.content, first_line=tok.map[0] + 2)
        except yamlfile.YamlError as exc:
            self.doc.front_matter_error = exc.message
            self.doc.front_matter_error_line = exc.line or tok.map[0] + 2
            return
        if isinstance(data, dict):
            self.doc.front_matter = data
        elif data is not None:
            self.doc.front_matter_error = "it is not a mapping of keys to values"
            self.doc.front_matter_error_line = tok.map[0] + 2

    # -- pipe tables ----------------------------------------------------------------------

    def _pipe_table(self, tokens: list[Token], table_map: list[int]) -> None:
        rows: list[Row] = []
        cells_of_row: list[Token] = []
        row_line = 0
        for tok in tokens:
            if tok.type == "tr_open" and tok.map:
                row_line = tok.map[0]
                cells_of_row = []
            elif tok.type == "inline":
                cells_of_row.append(tok)
            elif tok.type == "tr_close":
                rows.append(self._pipe_row(row_line, cells_of_row))
        if not rows:
            return
        header, body = rows[0], rows[1:]
        # Some pages leave the header row empty and write the real header as the first
        # body row; a reader takes that row as the header, and so do we.
        if body and not any(c.text for c in header.cells) and any(c.text for c in body[0].cells):
            header, body = body[0], body[1:]
        self.doc.tables.append(
            Table(
                index=len(self.doc.tables),
                header=header,
                rows=body,
                line=header.line,
                end_line=table_map[1],
                heading=self.heading,
            )
        )

    def _pipe_row(self, index: int, inline_cells: list[Token]) -> Row:
        raw_line = self.lines[index] if index < len(self.lines) else ""
        # Inside a blockquote the row starts after its ">" markers: split what follows them,
        # and count columns in the whole line.
        offset = 0
        if self.quote_depth:
            marker = re.match(rf"(?:[ \t]*>){{{self.quote_depth}}} ?", raw_line)
            offset = marker.end() if marker else 0
        cells: list[Cell] = []
        for n, (start, raw) in enumerate(_split_row(raw_line[offset:])):
            start += offset
            # markdown-it already parsed the cells it kept; cells beyond the header's width
            # it dropped, so those are parsed here.
            if n < len(inline_cells):
                children = inline_cells[n].children or []
            elif raw:
                children = _parser().parseInline(_unescape_pipes(raw), self.env)[0].children or []
            else:
                children = []  # an empty cell: nothing to parse (a row of pipes has thousands)
            links = _links(children, index + 1, _Finder(raw_line, start, start + len(raw)))
            self.doc.links.extend(links)
            cells.append(
                Cell(
                    raw=raw,
                    text=fold(_plain(children)),
                    line=index + 1,
                    column=start + 1,
                    links=links,
                )
            )
        return Row(line=index + 1, cells=cells, raw=raw_line)

    # -- links in running text -----------------------------------------------------------

    def _links_in_inline(self, tok: Token, block_map: list[int]) -> None:
        children = tok.children or []
        if not any(c.type in ("link_open", "html_inline") or "://" in c.content for c in children):
            return
        # Links in a multi-line paragraph are placed by finding their URL in the
        # paragraph's source lines, in order.
        first, last = block_map[0], min(block_map[1], len(self.lines))
        source = _Source(self.lines, first, last)
        for link in _links(children, first + 1, source.finder):
            line, col = source.place(link.column)
            self.doc.links.append(
                Link(link.url, link.text, line or first + 1, col, link.kind, link.title)
            )

    # -- raw HTML -------------------------------------------------------------------------

    def _html_block(self, tok: Token) -> None:
        assert tok.map
        start = tok.map[0]
        content = tok.content
        headings = [
            Heading(level, fold(_strip_tags(text)), start + line)
            for level, text, line in _html_headings(content)
        ]
        for url, line, col in _hrefs(content):
            self.doc.links.append(Link(url.strip(), "", start + line, col, "html"))
        table_tag = _TABLE_OPEN.search(content)
        if table_tag:
            table_start = start + content.count("\n", 0, table_tag.start())
            above = [h.text for h in headings if h.line <= table_start + 1]
            heading = above[-1] if above else self.heading
            table = self.html_tables.table_at(table_start, len(self.doc.tables), heading)
            if table is not None:
                self.doc.tables.append(table)
                self.skip.append((table_start, table.end_line))
        self.doc.headings.extend(headings)
        if headings:
            self.heading = headings[-1].text


def _closing(tokens: list[Token], i: int, kind: str) -> int:
    for j in range(i + 1, len(tokens)):
        if tokens[j].type == kind:
            return j
    return len(tokens) - 1


def _split_row(line: str) -> list[tuple[int, str]]:
    """Cells of a pipe-table row as (0-based start column, stripped source text).

    Mirrors markdown-it's split: a backslash-escaped pipe belongs to the cell, and one
    leading and one trailing pipe are dropped when present.
    """
    parts: list[tuple[int, int]] = []
    begin = 0
    if "\\" not in line:
        # No escapes: every pipe separates cells, and str.find is far faster than a loop.
        pos = line.find("|")
        while pos >= 0:
            parts.append((begin, pos))
            begin = pos + 1
            pos = line.find("|", begin)
    else:
        escaped = False
        for pos, ch in enumerate(line):
            if ch == "|" and not escaped:
                parts.append((begin, pos))
                begin = pos + 1
            escaped = ch == "\\"  # as markdown-it: a backslash escapes the next pipe
    parts.append((begin, len(line)))
    if parts and not line[parts[0][0] : parts[0][1]].strip():
        parts = parts[1:]
    if parts and not line[parts[-1][0] : parts[-1][1]].strip():
        parts = parts[:-1]
    cells = []
    for b, e in parts:
        segment = line[b:e]
        stripped = segment.strip()
        offset = len(segment) - len(segment.lstrip())
        cells.append((b + offset if stripped else b, stripped))
    return cells


def _unescape_pipes(raw: str) -> str:
    return raw.replace("\\|", "|")


def _plain(children: Iterable[Token]) -> str:
    """What a reader sees of inline tokens: text without markup; ``<br>`` becomes a space."""
    out: list[str] = []
    for c in children:
        if c.type in ("text", "code_inline"):
            out.append(c.content)
        elif c.type in ("softbreak", "hardbreak") or (
            c.type == "html_inline" and _BR.match(c.content)
        ):
            out.append(" ")
        elif c.type == "image":
            out.append(c.content)
    return "".join(out)


def _links(children: list[Token], line: int, finder: _Finder) -> list[Link]:
    """Links in inline tokens: inline, reference, autolinks, bare URLs and ``<a href>``.

    ``finder`` places each URL in the source, in order; its column is the URL's 1-based
    offset in the finder's text, or ``None`` when the URL is not written there.
    """
    links: list[Link] = []
    depth = 0
    href: str | None = None
    title: str | None = None
    kind = "inline"
    column: int | None = None
    text: list[str] = []

    def column_of(url: str) -> int | None:
        found = finder.find(url)
        return None if found is None else found + 1

    for c in children:
        if c.type == "link_open":
            depth += 1
            href = str(c.attrs.get("href", ""))
            title = str(c.attrs["title"]) if c.attrs.get("title") else None
            kind = "autolink" if c.markup in ("autolink", "linkify") else "inline"
            column = column_of(href)
            if kind == "inline" and finder.exact and column is None:
                kind = "reference"  # the URL is not in the cell: a reference definition's
            text = []
        elif c.type == "link_close":
            depth = max(0, depth - 1)
            if href is not None:
                links.append(Link(href, fold("".join(text)), line, column, kind, title))
            href = None
        elif depth:
            if c.type in ("text", "code_inline"):
                text.append(c.content)
        elif c.type == "html_inline":
            m = _HREF.match(c.content)  # one tag: markdown-it matched its end
            if m:
                url = next(g for g in m.groups() if g is not None).strip()
                links.append(Link(url, "", line, column_of(url), "html"))
        elif c.type == "text" and "://" in c.content:
            for m in _BARE_URL.finditer(c.content):
                url = m.group(0).rstrip(_TRAILING_PUNCT)
                links.append(Link(url, url, line, column_of(url), "bare"))
    return links


class _Finder:
    """Finds URLs in a span of source text, in order, in time linear in the span.

    Each URL is looked for after the previous one found, so the hits cost the span's length
    in all. A URL not written in the span (a reference link, a normalised destination) costs
    a scan to the span's end; such misses share a budget of a few times the span's length,
    after which further URLs are not placed. No real cell or paragraph has that many misses;
    a crafted one (thousands of reference links on one line) would otherwise take time
    quadratic in the line.
    """

    MISS_BUDGET = 16
    """Misses allowed in all, in multiples of the span's length."""

    def __init__(self, text: str, start: int, end: int, *, exact: bool = True) -> None:
        self.text = text
        self.cursor = start
        self.end = end
        self.exact = exact
        """Whether the span is exactly where the links are written (a cell, not a paragraph
        whose inline tokens lost their places): a URL not in it is a reference's."""
        self.budget = self.MISS_BUDGET * (end - start) + 256

    def find(self, needle: str) -> int | None:
        """The 0-based offset of ``needle`` after the previous one found, else ``None``."""
        if not needle or self.budget <= 0:
            return None
        stop = min(self.end, self.cursor + self.budget)
        found = self.text.find(needle, self.cursor, stop)
        if found < 0:
            self.budget -= stop - self.cursor
            return None
        self.budget -= found + len(needle) - self.cursor
        self.cursor = found + len(needle)
        return found


class _Source:
    """A paragraph's source lines as one text, so links are found across its lines."""

    def __init__(self, lines: list[str], first: int, last: int) -> None:
        self.first = first
        self.starts: list[int] = []
        """Offset in ``text`` where each line begins."""
        offset = 0
        for n in range(first, last):
            self.starts.append(offset)
            offset += len(lines[n]) + 1
        text = "\n".join(lines[first:last])
        self.finder = _Finder(text, 0, len(text), exact=False)

    def place(self, column: int | None) -> tuple[int | None, int | None]:
        """(1-based line, 1-based column) of a 1-based offset in the paragraph's text."""
        if column is None:
            return None, None
        n = bisect_right(self.starts, column - 1) - 1
        return self.first + n + 1, column - self.starts[n]


def _hrefs(content: str) -> Iterator[tuple[str, int, int]]:
    """(URL, 1-based line, 1-based column) of each ``<a href>`` in an HTML block, in order.

    What ``_HREF.finditer`` finds, in linear time: the pattern looks for ``href`` lazily up to
    the tag's ``>``, so on ``<a `` repeated without a ``>`` every attempt would rescan the
    rest of the block. Here each tag's stretch is searched once: when the first ``<a`` before
    a ``>`` has no ``href``, no later ``<a`` before that ``>`` has one either.
    """
    lines = _LineCounter(content)
    pos = 0  # where the previous match ended: openers before it are inside it
    gt = -1  # the first ">" at or after the opener being tried (cached: openers only advance)
    for opener in _A_OPEN.finditer(content):
        start = opener.start()
        if start < pos:
            continue
        if gt < start:
            gt = content.find(">", start)
            if gt < 0:
                gt = len(content)
        word = _HREF_WORD.search(content, start + 3, gt)
        while word is not None:
            value = _HREF_VALUE.match(content, word.start())
            if value is not None:
                url = next(g for g in value.groups() if g is not None)
                yield (url, *lines.place(start))
                pos = value.end()
                break
            word = _HREF_WORD.search(content, word.start() + 1, gt)
        else:
            pos = gt


def _html_headings(content: str) -> Iterator[tuple[int, str, int]]:
    """(level, inner HTML, 1-based line) of each ``<hN>…</hN>`` in an HTML block, in order.

    What ``<h([1-6])\\b[^>]*>(.*?)</h\\1\\s*>`` finds with ``finditer``, in linear time: that
    pattern rescans the rest of the block for each unclosed ``<h1>``. Here closing tags are
    listed once, per level, and each opening tag takes the first one after it.
    """
    closers: dict[str, list[tuple[int, int]]] = {}
    for m in _HEADING_CLOSE.finditer(content):
        closers.setdefault(m.group(1), []).append((m.start(), m.end()))
    if not closers:
        return
    lines = _LineCounter(content)
    taken = dict.fromkeys(closers, 0)  # per level, the first closer not yet behind us
    pos = 0
    gt = -1
    for opener in _HEADING_OPEN.finditer(content):
        start, level = opener.start(), opener.group(1)
        if start < pos or level not in closers:
            continue
        if gt < opener.end():
            gt = content.find(">", opener.end())
            if gt < 0:
                return  # no tag can end: no heading from here on
        ends, i = closers[level], taken[level]
        while i < len(ends) and ends[i][0] <= gt:
            i += 1
        taken[level] = i
        if i == len(ends):
            continue
        close_start, close_end = ends[i]
        yield int(level), content[gt + 1 : close_start], lines.place(start)[0]
        pos = close_end


class _LineCounter:
    """Line and column of increasing offsets in a text, counting only what lies between."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.offset = 0
        self.line = 1
        self.line_start = 0

    def place(self, offset: int) -> tuple[int, int]:
        """(1-based line, 1-based column) of ``offset``, which must not go back."""
        breaks = self.text.count("\n", self.offset, offset)
        if breaks:
            self.line += breaks
            self.line_start = self.text.rindex("\n", self.offset, offset) + 1
        self.offset = offset
        return self.line, offset - self.line_start + 1


@dataclass(slots=True)
class _HtmlCell:
    """A ``<td>`` or ``<th>`` being read."""

    line: int
    """Where its text starts (its tag, until text comes)."""
    column: int
    """Column (1-based) on ``line``: of its text once that has come, else of its tag."""
    parts: list[str] = field(default_factory=list)
    """Its text, as the HTML parser hands it over."""
    links: list[Link] = field(default_factory=list)
    """Its ``<a href>`` links; each takes as text the first text that follows its tag."""
    has_text: bool = False
    """Whether text has come, so ``line`` and ``column`` are where it starts."""


@dataclass(slots=True)
class _HtmlTable:
    """A ``<table>`` element being read: its own rows, not those of tables nested in it."""

    line: int
    """Line of its start tag (1-based)."""
    rows: list[list[_HtmlCell]] = field(default_factory=list)
    cell: _HtmlCell | None = None
    """The cell open now, which text goes to."""
    end_line: int | None = None
    """Line of its end tag; ``None`` while it is open."""
    taken: bool = False
    """Whether it was handed out as a ``Table`` already (each is handed out once)."""


class _HtmlReader(HTMLParser):
    """Reads ``<table>`` elements, nested ones too, from a given line on."""

    def __init__(self, first_line: int) -> None:
        super().__init__(convert_charrefs=True)
        self.first_line = first_line
        """0-based line of the first text fed."""
        self.tables: list[_HtmlTable] = []
        """Every table started so far, in source order."""
        self.open: list[_HtmlTable] = []
        """The tables open now, innermost last: tags and text belong to the innermost."""

    def parse_marked_section(self, i: int, report: bool = True) -> int:
        # The standard library's parser raises AssertionError on "<![" followed by anything
        # but a known keyword; a browser reads such markup as a bogus comment, and so do we.
        lineno, offset = self.lineno, self.offset
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            self.lineno, self.offset = lineno, offset  # it moved them before raising
            return self.parse_bogus_comment(i, report)

    def _pos(self) -> tuple[int, int]:
        line, offset = self.getpos()
        return self.first_line + line, offset + 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            table = _HtmlTable(self._pos()[0])
            self.tables.append(table)
            self.open.append(table)
            return
        if not self.open:
            return
        table = self.open[-1]
        if tag == "tr":
            table.rows.append([])
        elif tag in ("td", "th"):
            if not table.rows:
                table.rows.append([])
            table.cell = _HtmlCell(*self._pos())
            table.rows[-1].append(table.cell)
        elif tag == "br" and table.cell is not None:
            table.cell.parts.append(" ")
        elif tag == "a" and table.cell is not None:
            href = next((v for k, v in attrs if k == "href" and v), None)
            if href:
                line, col = self._pos()
                table.cell.links.append(Link(href.strip(), "", line, col, "html"))

    def handle_endtag(self, tag: str) -> None:
        if not self.open:
            return
        if tag == "table":
            self.open.pop().end_line = self._pos()[0]
        elif tag in ("td", "th"):
            self.open[-1].cell = None

    def handle_data(self, data: str) -> None:
        cell = self.open[-1].cell if self.open else None
        if cell is None:
            return
        if not cell.has_text and data.strip():
            # The cell's column is where its text starts, not its <td> tag, so that a
            # finding points at the value to fix.
            line, col = self._pos()
            lead = data[: len(data) - len(data.lstrip())]
            line += lead.count("\n")
            col = len(lead) - lead.rfind("\n") if "\n" in lead else col + len(lead)
            cell.line, cell.column, cell.has_text = line, col, True
        cell.parts.append(data)
        if cell.links and not cell.links[-1].text:
            last = cell.links[-1]
            cell.links[-1] = Link(last.url, fold(data), last.line, last.column, last.kind)


_HELD_AT_MOST = 64 * 1024
"""The most text the HTML reader is fed at once, and may hold back unfinished."""


class _HtmlTableScanner:
    """Reads each raw HTML ``<table>`` of a page once, however many blocks name one.

    A table is read from the line of its block's ``<table`` to its end tag, with the
    standard library's HTML parser, and may span several Markdown blocks. A page can hold
    thousands of ``<table>`` tags that never close; reading each to the end of the page would
    take time quadratic in the page. So one reader goes on from where the last one stopped:
    a block whose ``<table`` lies in text already read takes the table that reader saw start
    there (nested tables are read alongside the one they are in), and a block after it
    starts a fresh reader, as a table of its own.
    """

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.reader: _HtmlReader | None = None
        self.next_line = 0
        """The first line the reader has not been fed."""
        self.next_table = 0
        """Index in the reader's tables of the first that may still be asked for."""

    def table_at(self, start: int, index: int, heading: str | None) -> Table | None:
        """The first table whose start tag is on line ``start`` (0-based) or after it."""
        if self.reader is None or start >= self.next_line:
            self.reader = _HtmlReader(start)
            self.next_line = start
            self.next_table = 0
        reader = self.reader
        while True:
            tables = reader.tables
            while self.next_table < len(tables) and tables[self.next_table].line <= start:
                self.next_table += 1
            found = tables[self.next_table] if self.next_table < len(tables) else None
            if self.next_line >= len(self.lines) or (found and found.end_line is not None):
                break
            self._feed(reader)
        if found is None or found.taken:
            return None
        found.taken = True
        return self._built(found, start, index, heading)

    def _feed(self, reader: _HtmlReader) -> None:
        # Line by line, so that the parser hands over text per line as it always has. But
        # while it holds back an unfinished construct ("<a " without its ">"), it rescans
        # that construct on every feed: then feed at least as much text as it holds back, so
        # the rescans cost no more than the text fed. No real tag is tens of kilobytes: past
        # that, the rest of the page is inside the construct, as a browser would read it,
        # and reading on would only rescan it. A long line goes in pieces, so that no one
        # scan of the parser's grows with the page (its patterns slow down on huge input).
        held = len(reader.rawdata)
        if held >= _HELD_AT_MOST:
            self.next_line = len(self.lines)
            return
        end, size = self.next_line, 0
        while end < len(self.lines) and (end == self.next_line or size < held):
            size += len(self.lines[end]) + 1
            end += 1
        text = "\n".join(self.lines[self.next_line : end]) + "\n"
        for piece in range(0, len(text), _HELD_AT_MOST):
            reader.feed(text[piece : piece + _HELD_AT_MOST])
            if len(reader.rawdata) >= _HELD_AT_MOST:
                break
        self.next_line = end

    def _built(
        self, table: _HtmlTable, start: int, index: int, heading: str | None
    ) -> Table | None:
        rows = [r for r in table.rows if r]
        if not rows:
            return None
        built = [
            Row(
                line=r[0].line,
                cells=[
                    Cell(
                        raw=fold("".join(c.parts)),
                        text=fold("".join(c.parts)),
                        line=c.line,
                        column=c.column,
                        links=c.links,
                    )
                    for c in r
                ],
                raw=self.lines[r[0].line - 1],
            )
            for r in rows
        ]
        header, body = built[0], built[1:]
        # A table that never closes ends, as it always has, on the line before it starts.
        end_line = table.end_line if table.end_line is not None else start
        return Table(index, header, body, header.line, end_line, heading, html=True)


# -- the effective date ---------------------------------------------------------------------

_LABEL_RANK = [(re.compile(p + r"$", re.IGNORECASE), rank) for p, rank in _DATE_LABELS]
_MARKUP_EDGES = "*_~`> \t"


def _rank(label: str) -> int:
    for pattern, rank in _LABEL_RANK:
        if pattern.match(label):
            return rank
    return _RANK_UNKNOWN


def _tag_spans(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each tag on a line, as ``re.finditer(r"<[^>\\n]*>")`` finds them.

    That pattern, run directly, rescans to the end of the line from every ``<`` that has no
    ``>`` after it on its line (a line of ``<`` takes time quadratic in its length). A
    ``<`` whose next ``>`` or line break is a line break starts no tag, and neither does any
    ``<`` before that break, so the scan jumps past it.
    """
    gt = nl = -1  # the next ">" and line break after the "<" looked at (cached: it advances)
    lt = text.find("<")
    while lt >= 0:
        if gt <= lt:
            gt = text.find(">", lt + 1)
            if gt < 0:
                return  # no ">" left: no tag from here on
        if nl <= lt:
            nl = text.find("\n", lt + 1)
            if nl < 0:
                nl = len(text)  # no line break left: past every "<", never looked for again
        if gt < nl:
            yield lt, gt + 1
            lt = text.find("<", gt + 1)
        else:
            lt = text.find("<", nl + 1)


def _blank_tags(text: str) -> str:
    """``text`` with each tag replaced by as many spaces, so columns stay those of the source."""
    out, pos = [], 0
    for start, end in _tag_spans(text):
        out += [text[pos:start], " " * (end - start)]
        pos = end
    return "".join(out) + text[pos:] if out else text


def _strip_tags(text: str) -> str:
    out, pos = [], 0
    for start, end in _tag_spans(text):
        out.append(text[pos:start])
        pos = end
    return "".join(out) + text[pos:] if out else text


_LINE_MARKER = re.compile(r"^\s*(?::::+\s*\w*|#{1,6}\s|[-+*]\s)")
_SEPARATOR = re.compile(r"\s*[:\-\u2013\u2014]\s*|\s+")


def _plain_line(line: str) -> tuple[str, int]:
    """The line as text, and the offset of that text in the source (for columns)."""
    text = _LINE_MARKER.sub(lambda m: " " * len(m.group(0)), _blank_tags(line))
    lead = len(text) - len(text.lstrip(_MARKUP_EDGES))
    return text.strip(_MARKUP_EDGES), lead


def _clean_value(value: str) -> str:
    return fold(_strip_tags(value)).strip(_MARKUP_EDGES).rstrip(".").strip(_MARKUP_EDGES)


class _Span(Protocol):
    """The part of a compiled pattern's match that labels need."""

    def start(self) -> int: ...
    def end(self) -> int: ...


@lru_cache(maxsize=64)
def _label_pattern(label: str) -> Matcher:
    return compile_pattern(label, ignore_case=True)


def _label_patterns(labels: Sequence[str], path: str) -> list[Matcher]:
    """The config's date labels compiled with RE2: linear matching time whatever they are.

    A pull request can change the config, and with Python's ``re`` the label ``(a+)+b``
    backtracks for minutes on one line. The config's loader refuses invalid labels on their
    line; one that reaches the parser all the same is an ``InputError``, not a traceback.
    """
    try:
        return [_label_pattern(label) for label in labels]
    except PatternError as exc:
        raise InputError(
            path, f"date.labels: {exc} (patterns use RE2 syntax: no lookarounds or backreferences)"
        ) from None


@dataclass(slots=True)
class _Statement:
    """A line read as "label, separator, value"."""

    label: str
    separator: str
    """What stands between label and value (``": "``, a dash, blanks); may be empty."""
    value: str
    """The rest of the line."""
    rank: int
    """How strongly the label names the effective date (``_RANK_CONFIG`` … ``_RANK_DATE``)."""

    @property
    def strong(self) -> bool:
        """Whether the label alone makes the line a date statement: then its date may be on
        the next line, and a value without a digit ("Last updated: TBD") is still taken, so
        that an unreadable date is reported rather than missed."""
        return self.rank <= _RANK_LAST_UPDATED


def _statement(text: str, custom: Sequence[Matcher]) -> _Statement | None:
    """The line read as a date statement: by the config's labels first, else the built-in."""
    for pattern in custom:
        statement = _custom_statement(text, pattern)
        if statement:
            return statement
    match = _DATE_LINE.match(text)
    if match is None:
        return None
    return _Statement(match["label"], match["sep"] or "", match["value"], _rank(match["label"]))


def _custom_statement(text: str, pattern: Matcher) -> _Statement | None:
    # A label must start the line. RE2's leftmost match starts at 0 whenever one can, and
    # it is then the match an anchored pattern would give.
    found = cast("_Span | None", pattern.search(text))
    if found is None or found.start() != 0:
        return None
    end = found.end()
    sep = _SEPARATOR.match(text, end)
    value_start = sep.end() if sep else end
    return _Statement(text[:end], text[end:value_start], text[value_start:], _RANK_CONFIG)


def _find_dates(
    doc: Document, lines: list[str], skip: list[tuple[int, int]], custom: Sequence[Matcher]
) -> list[DateLine]:
    excluded = _covered(skip, len(lines))
    found: list[tuple[int, int, DateLine]] = []
    for n, raw in enumerate(lines):
        if excluded[n] or not raw.strip():
            continue
        text, lead = _plain_line(raw)
        statement = _statement(text, custom)
        if statement is None:
            continue
        value = _clean_value(statement.value)
        value_line = n
        if not value and statement.strong:
            # "Last updated" alone, with the date on the next non-blank line (admonitions).
            for m in range(n + 1, min(n + 4, len(lines))):
                nxt = _clean_value(lines[m])
                if nxt and not nxt.startswith(":::"):
                    value, value_line = nxt, m
                    break
        has_separator = bool(statement.separator.strip())
        plausible = bool(re.search(r"\d|\[|\{\{", value))
        # A weak label ("Effective", "Revised", "Date") starts many a sentence; only with a
        # separator ("Updated: …") does it introduce a date.
        if not value or (not statement.strong and not has_separator):
            continue
        if not (plausible or (has_separator and statement.strong)):
            continue
        resolved = _resolve_template(value, doc)
        source_line = lines[value_line]
        col = source_line.find(value) + 1 if value in source_line else lead + 1
        date = DateLine(statement.label, resolved or value, value_line + 1, max(col, 1), "body")
        found.append((statement.rank, n, date))
    found.sort(key=lambda item: (item[0], item[1]))
    dates = [d for _, _, d in found]
    dates.extend(_front_matter_dates(doc, lines))
    return dates


def _covered(ranges: list[tuple[int, int]], size: int) -> bytearray:
    """Which of ``size`` lines lie in any of the [start, end) ranges (1: covered).

    HTML tables that never close can give many ranges over the same lines; each line is
    marked once, so the cost is the lines' count, not the ranges' total length.
    """
    marks = bytearray(size)
    done = 0  # every line before this one is marked already, or lies in no range
    for start, end in sorted(ranges):
        start, end = max(start, done), min(end, size)
        if end > start:
            marks[start:end] = b"\x01" * (end - start)
            done = end
    return marks


def _template_key(value: str) -> str | None:
    """The front-matter key a Liquid/Hugo expression in ``value`` names (the first one).

    The expression ends at its first "}", which must be the first of "}}"; finding that "}"
    once for all expressions keeps the search linear however many "{{" the value holds.
    """
    brace = -1
    start = value.find("{{")
    while start >= 0:
        head = _TEMPLATE_HEAD.match(value, start)
        if head is not None:
            if brace < head.end():
                brace = value.find("}", head.end())
                if brace < 0:
                    return None  # no "}" left: no expression can end
            if value.startswith("}}", brace):
                return head.group(1)
        start = value.find("{{", start + 1)
    return None


def _resolve_template(value: str, doc: Document) -> str | None:
    """A Liquid/Hugo expression naming a front-matter key, replaced by that key's value."""
    if not doc.front_matter or "{{" not in value:
        return None
    key = _template_key(value)
    resolved = doc.front_matter.get(key) if key is not None else None
    return str(resolved) if resolved is not None else None


def _front_matter_dates(doc: Document, lines: list[str]) -> list[DateLine]:
    if not doc.front_matter or not doc.front_matter_lines:
        return []
    out = []
    first = doc.front_matter_lines[0]
    for key in _FRONT_MATTER_DATE_KEYS:
        value = doc.front_matter.get(key)
        if isinstance(value, str) and value.strip():
            line = first + 1
            for n in range(first, doc.front_matter_lines[1]):
                if re.match(rf"\s*{re.escape(key)}\s*:", lines[n]):
                    line = n + 1
                    break
            col = lines[line - 1].find(value) + 1 if value in lines[line - 1] else 1
            out.append(DateLine(key, value.strip(), line, max(col, 1), "front-matter"))
    return out


_INLINE_SYNTAX = re.compile(r"[\\`*_\[\]!<>&~]")


def plain_inline(text: str) -> str:
    """Inline Markdown as a reader sees it: ``*Note*`` → ``Note``, blanks folded."""
    if not _INLINE_SYNTAX.search(text):
        return fold(text)  # nothing a parser would change: most registry values
    tokens = _parser().parseInline(text, {})
    return fold(_plain(tokens[0].children or [])) if tokens else fold(text)
