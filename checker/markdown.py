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
from collections.abc import Iterable, Sequence
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin

from checker import yamlfile
from checker.files import file_size, read_text
from checker.model import Cell, DateLine, Document, Heading, Link, Row, Table

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
"""Pages larger than this are refused: no real subprocessor page comes close."""

_NEWLINE = re.compile(r"\r\n|\r|\n")
_BARE_URL = re.compile(r"https?://[^\s<>\[\]()|\"'`]+", re.IGNORECASE)
_TRAILING_PUNCT = ".,;:!?*_"
_HREF = re.compile(r"""<a\s[^>]*?href\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_TAG = re.compile(r"<[^>\n]*>")
_BR = re.compile(r"<br\b", re.IGNORECASE)
_HTML_HEADING = re.compile(r"<h([1-6])\b[^>]*>(.*?)</h\1\s*>", re.IGNORECASE | re.DOTALL)

# Labels that introduce a page's effective date, strongest first. The rank decides which
# statement wins when a page has several ("Last updated" in a footer, "Effective date" on
# top).
_DATE_LABELS: tuple[tuple[str, int], ...] = (
    (r"effective\s+date", 0),
    (r"date\s+effective", 0),
    (r"effective\s+(?:as\s+of|from|on)", 0),
    (r"last\s+updated\s+and\s+effective", 0),
    (r"last\s+(?:updated|update|modified|revised|changed|reviewed)(?:\s+on)?", 1),
    (r"(?:updated|revised|modified)(?:\s+on)?", 2),
    (r"effective", 2),
    (r"date", 3),
)
_DATE_LINE = re.compile(
    r"^(?P<label>" + "|".join(p for p, _ in _DATE_LABELS) + r")\b"
    r"(?P<sep>\s*[:\-\u2013\u2014]\s*|\s+)?(?P<value>.*)$",
    re.IGNORECASE,
)
_TEMPLATE = re.compile(r"\{\{\s*(?:page|site\.data|\.Params|\.Page\.Params|\.)\.?(\w+)[^}]*\}\}")
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
    return MarkdownIt("commonmark", {"html": True}).enable("table").use(front_matter_plugin)


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
    text = read_text(path, shown, "Markdown file")
    return parse_document(text, shown, date_labels=date_labels)


def split_lines(text: str) -> list[str]:
    """Lines without their endings, split exactly as markdown-it counts them."""
    lines = _NEWLINE.split(text)
    if lines and lines[-1] == "" and len(lines) > 1:
        lines.pop()
    return lines


def fold(text: str) -> str:
    """Fold every run of blanks (non-breaking and zero-width spaces included) to one space."""
    # str.split() knows every Unicode space (U+00A0 included) and is several times faster
    # than a regex; the zero-width characters it does not count as space are mapped first.
    if "\u200b" in text or "\ufeff" in text:
        text = text.replace("\u200b", " ").replace("\ufeff", " ")
    return " ".join(text.split())


def parse_document(text: str, path: str = "<page>", *, date_labels: Sequence[str] = ()) -> Document:
    """Parse page text (already decoded) into a ``Document``."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = split_lines(text)
    env: dict[str, Any] = {}
    tokens = _parser().parse(text, env)
    doc = Document(path=path, text=text, lines=lines)
    skip: list[tuple[int, int]] = []  # 0-based [start, end) ranges where no date can be stated
    _Walker(doc, lines, env, skip).walk(tokens)
    doc.dates = _find_dates(doc, lines, skip, date_labels)
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
            data, _ = yamlfile.load(tok.content)
        except yamlfile.YamlError as exc:
            # The YAML starts on the line after the opening fence.
            self.doc.front_matter_error = exc.message
            self.doc.front_matter_error_line = tok.map[0] + 1 + (exc.line or 1)
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
            children = (
                inline_cells[n].children or []
                if n < len(inline_cells)
                else _parser().parseInline(_unescape_pipes(raw), self.env)[0].children or []
            )
            links = _links(children, index + 1, raw_line, start)
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
        cursor = (first, 0)
        for link in _links(children, first + 1, None, 0):
            cursor, line, col = _locate(self.lines, link.url, cursor, last)
            self.doc.links.append(
                Link(link.url, link.text, line or first + 1, col, link.kind, link.title)
            )

    # -- raw HTML -------------------------------------------------------------------------

    def _html_block(self, tok: Token) -> None:
        assert tok.map
        start = tok.map[0]
        content = tok.content
        headings: list[Heading] = []
        for m in _HTML_HEADING.finditer(content):
            line = start + content.count("\n", 0, m.start()) + 1
            headings.append(Heading(int(m.group(1)), fold(_TAG.sub("", m.group(2))), line))
        for m in _HREF.finditer(content):
            url = next(g for g in m.groups() if g is not None)
            line = start + content.count("\n", 0, m.start()) + 1
            col = m.start() - (content.rfind("\n", 0, m.start()) + 1) + 1
            self.doc.links.append(Link(url.strip(), "", line, col, "html"))
        if "<table" in content.lower():
            table_start = start + content.lower().count("\n", 0, content.lower().index("<table"))
            above = [h.text for h in headings if h.line <= table_start + 1]
            heading = above[-1] if above else self.heading
            table = _HtmlTables.parse(self.lines, table_start, len(self.doc.tables), heading)
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


def _links(children: list[Token], line: int, raw_line: str | None, offset: int) -> list[Link]:
    """Links in inline tokens: inline, reference, autolinks, bare URLs and ``<a href>``."""
    links: list[Link] = []
    depth = 0
    href: str | None = None
    title: str | None = None
    kind = "inline"
    text: list[str] = []

    def column_of(url: str) -> int | None:
        if raw_line is None:
            return None
        found = raw_line.find(url, offset)
        return found + 1 if found >= 0 else None

    for c in children:
        if c.type == "link_open":
            depth += 1
            href = str(c.attrs.get("href", ""))
            title = str(c.attrs["title"]) if c.attrs.get("title") else None
            kind = "autolink" if c.markup in ("autolink", "linkify") else "inline"
            if kind == "inline" and raw_line is not None and href not in raw_line:
                kind = "reference"
            text = []
        elif c.type == "link_close":
            depth = max(0, depth - 1)
            if href is not None:
                links.append(Link(href, fold("".join(text)), line, column_of(href), kind, title))
            href = None
        elif depth:
            if c.type in ("text", "code_inline"):
                text.append(c.content)
        elif c.type == "html_inline":
            m = _HREF.match(c.content)
            if m:
                url = next(g for g in m.groups() if g is not None).strip()
                links.append(Link(url, "", line, column_of(url), "html"))
        elif c.type == "text" and "://" in c.content:
            for m in _BARE_URL.finditer(c.content):
                url = m.group(0).rstrip(_TRAILING_PUNCT)
                links.append(Link(url, url, line, column_of(url), "bare"))
    return links


def _locate(
    lines: list[str], needle: str, cursor: tuple[int, int], last: int
) -> tuple[tuple[int, int], int | None, int | None]:
    line, col = cursor
    while line < last:
        found = lines[line].find(needle, col)
        if found >= 0:
            return (line, found + len(needle)), line + 1, found + 1
        line, col = line + 1, 0
    return cursor, None, None


class _HtmlTables(HTMLParser):
    """Reads the first ``<table>`` from a given line into a ``Table`` with positions."""

    class _Done(Exception):
        pass

    def __init__(self, first_line: int) -> None:
        super().__init__(convert_charrefs=True)
        self.first_line = first_line
        self.depth = 0
        self.rows: list[list[list[Any]]] = []
        self.cell: list[Any] | None = None
        self.href: str | None = None
        self.end_line = first_line

    @classmethod
    def parse(cls, lines: list[str], start: int, index: int, heading: str | None) -> Table | None:
        parser = cls(start)
        try:
            for n in range(start, len(lines)):
                parser.feed(lines[n] + "\n")
            parser.close()
        except cls._Done:
            pass
        rows = [r for r in parser.rows if r]
        if not rows:
            return None
        built = [
            Row(
                line=r[0][0],
                cells=[
                    Cell(raw=fold("".join(t)), text=fold("".join(t)), line=ln, column=col, links=lk)
                    for ln, col, t, lk, _ in r
                ],
                raw=lines[r[0][0] - 1],
            )
            for r in rows
        ]
        header, body = built[0], built[1:]
        return Table(index, header, body, header.line, parser.end_line, heading, html=True)

    def _pos(self) -> tuple[int, int]:
        line, offset = self.getpos()
        return self.first_line + line, offset + 1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.depth += 1
        elif self.depth != 1:
            return
        elif tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th") and self.rows is not None:
            if not self.rows:
                self.rows.append([])
            line, col = self._pos()
            self.cell = [line, col, [], [], False]
            self.rows[-1].append(self.cell)
        elif tag == "br" and self.cell:
            self.cell[2].append(" ")
        elif tag == "a":
            self.href = next((v for k, v in attrs if k == "href" and v), None)
            if self.href and self.cell:
                line, col = self._pos()
                self.cell[3].append(Link(self.href.strip(), "", line, col, "html"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.depth -= 1
            if self.depth <= 0:
                self.end_line = self._pos()[0]
                raise self._Done
        elif tag in ("td", "th"):
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None and self.depth == 1:
            if not self.cell[4] and data.strip():
                # The cell's column is where its text starts, not its <td> tag, so that a
                # finding points at the value to fix.
                line, col = self._pos()
                lead = data[: len(data) - len(data.lstrip())]
                line += lead.count("\n")
                col = len(lead) - lead.rfind("\n") if "\n" in lead else col + len(lead)
                self.cell[0], self.cell[1], self.cell[4] = line, col, True
            self.cell[2].append(data)
            links = self.cell[3]
            if links and not links[-1].text:
                last = links[-1]
                links[-1] = Link(last.url, fold(data), last.line, last.column, last.kind)


# -- the effective date ---------------------------------------------------------------------

_LABEL_RANK = [(re.compile(p + r"$", re.IGNORECASE), rank) for p, rank in _DATE_LABELS]
_MARKUP_EDGES = "*_~`> \t"


def _rank(label: str) -> int:
    for pattern, rank in _LABEL_RANK:
        if pattern.match(label):
            return rank
    return 9


def _plain_line(line: str) -> tuple[str, int]:
    """The line as text, and the offset of that text in the source (for columns)."""
    text = _TAG.sub(lambda m: " " * len(m.group(0)), line)
    text = re.sub(r"^\s*(?::::+\s*\w*|#{1,6}\s|[-+*]\s)", lambda m: " " * len(m.group(0)), text)
    lead = len(text) - len(text.lstrip(_MARKUP_EDGES))
    return text.strip(_MARKUP_EDGES), lead


def _clean_value(value: str) -> str:
    value = _TAG.sub("", value)
    return fold(value).strip(_MARKUP_EDGES).rstrip(".").strip(_MARKUP_EDGES)


def _find_dates(
    doc: Document, lines: list[str], skip: list[tuple[int, int]], extra_labels: Sequence[str]
) -> list[DateLine]:
    excluded: set[int] = set()
    for s, e in skip:
        excluded.update(range(s, e))
    custom = [
        re.compile(
            r"^(?P<label>" + p + r")(?P<sep>\s*[:\-\u2013\u2014]\s*|\s+)?(?P<value>.*)$",
            re.IGNORECASE,
        )
        for p in extra_labels
    ]
    found: list[tuple[int, int, DateLine]] = []
    for n, raw in enumerate(lines):
        if n in excluded or not raw.strip():
            continue
        text, lead = _plain_line(raw)
        match = None
        rank = 9
        for pattern in custom:
            match = pattern.match(text)
            if match:
                rank = -1
                break
        if match is None:
            match = _DATE_LINE.match(text)
            if match is None:
                continue
            rank = _rank(match.group("label"))
        label = match.group("label")
        value = _clean_value(match.group("value"))
        value_line = n
        if not value and rank <= 1:
            # "Last updated" alone, with the date on the next non-blank line (admonitions).
            for m in range(n + 1, min(n + 4, len(lines))):
                nxt = _clean_value(lines[m])
                if nxt and not nxt.startswith(":::"):
                    value, value_line = nxt, m
                    break
        has_separator = bool(match.group("sep") and match.group("sep").strip())
        plausible = bool(re.search(r"\d|\[|\{\{", value))
        # A weak label ("Effective", "Revised", "Date") starts many a sentence; only with a
        # separator ("Updated: …") does it introduce a date.
        if not value or (rank >= 2 and not has_separator and rank != -1):
            continue
        if not (plausible or (has_separator and rank <= 1)):
            continue
        resolved = _resolve_template(value, doc)
        source_line = lines[value_line]
        col = source_line.find(value) + 1 if value in source_line else lead + 1
        found.append(
            (rank, n, DateLine(label, resolved or value, value_line + 1, max(col, 1), "body"))
        )
    found.sort(key=lambda item: (item[0], item[1]))
    dates = [d for _, _, d in found]
    dates.extend(_front_matter_dates(doc))
    return dates


def _resolve_template(value: str, doc: Document) -> str | None:
    """A Liquid/Hugo expression naming a front-matter key, replaced by that key's value."""
    m = _TEMPLATE.search(value)
    if not m or not doc.front_matter:
        return None
    resolved = doc.front_matter.get(m.group(1))
    return str(resolved) if resolved is not None else None


def _front_matter_dates(doc: Document) -> list[DateLine]:
    if not doc.front_matter or not doc.front_matter_lines:
        return []
    out = []
    first = doc.front_matter_lines[0]
    for key in _FRONT_MATTER_DATE_KEYS:
        value = doc.front_matter.get(key)
        if isinstance(value, str) and value.strip():
            line = first + 1
            for n in range(first, doc.front_matter_lines[1]):
                if re.match(rf"\s*{re.escape(key)}\s*:", doc.lines[n]):
                    line = n + 1
                    break
            col = doc.lines[line - 1].find(value) + 1 if value in doc.lines[line - 1] else 1
            out.append(DateLine(key, value.strip(), line, max(col, 1), "front-matter"))
    return out


_INLINE_SYNTAX = re.compile(r"[\\`*_\[\]!<>&~]")


def plain_inline(text: str) -> str:
    """Inline Markdown as a reader sees it: ``*Note*`` → ``Note``, blanks folded."""
    if not _INLINE_SYNTAX.search(text):
        return fold(text)  # nothing a parser would change: most registry values
    tokens = _parser().parseInline(text, {})
    return fold(_plain(tokens[0].children or [])) if tokens else fold(text)
