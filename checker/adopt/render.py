"""Render a page's subprocessor table(s) from the registry, touching nothing else.

The new page is the old page with the body rows of each subprocessor table replaced, and the
effective date rewritten when the list changed. Everything else stays byte for byte: front
matter, text, line endings (``\\r\\n`` pages stay ``\\r\\n``), a missing final newline.

How a row is written:

* A row already on the page that shows what the registry says is kept exactly as written,
  markup and all (``**Google Cloud Services**<br/>(GCP …)``). A row that differs gets only
  the differing cells replaced, inside the row's own padding; a changed URL is replaced
  where it is written (``[<u>https://old/</u>](https://old/)`` keeps its shape).
* A new row (or a row with the wrong number of cells) is built in the style the table
  already uses for its cells: the name linked as the other names are linked, the URL column
  written as the other URLs are (bare, ``[Learn more](…)``, ``<u>…</u>`` …), leading and
  trailing pipes as in the header.
* A table padded into aligned columns (Prettier) is re-aligned when it changes.
* Rows come in registry order. On a page with several tables an entry goes to the table
  named by its ``section``, else to the table it is already in, else to the first table.
  Rows the registry does not list as active are dropped.

Cells are compared with the registry the way ``check`` compares them (``same_text``), so a
page that passes ``check`` renders to itself.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from checker.adopt.dateformat import format_like
from checker.compare.diff import compare, from_page
from checker.compare.matching import active_entries, match, normalize_url, same_text
from checker.errors import InputError
from checker.load.config import DocumentSettings
from checker.model import DateLine, Document, ListChanges, Registry, RegistryEntry
from checker.page.dates import NAMED_FORMATS, parse_date
from checker.page.markdown import fold, parse_document
from checker.page.tables import SubprocessorTable, VendorRow, find_tables

_N = "\x00N\x00"
_U = "\x00U\x00"
_SEPARATOR = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")
_NEWLINE = re.compile(r"(\r\n|\n)")  # LF only, as git and the parser count lines


@dataclass(slots=True)
class Rendered:
    """The page as ``fix`` would write it, and what that changes."""

    text: str
    """The new text (decoded, without a BOM; line endings as in the page)."""
    changes: ListChanges
    """Vendors added, removed and changed on the page."""
    date_before: str | None = None
    date_after: str | None = None
    notes: list[str] = field(default_factory=list)
    """Things the user should know (a date that could not be updated …)."""


# -- lines with their endings ---------------------------------------------------------------


def split_keep(text: str) -> list[list[str]]:
    """``[content, ending]`` per line; the last line's ending is ``""`` without a final newline.

    Lines are numbered as ``markdown.split_lines`` numbers them: line n is ``result[n - 1]``.
    """
    parts = _NEWLINE.split(text)
    lines = [[parts[i], parts[i + 1]] for i in range(0, len(parts) - 1, 2)]
    if parts[-1]:
        lines.append([parts[-1], ""])
    return lines


def join(lines: list[list[str]]) -> str:
    return "".join(content + ending for content, ending in lines)


# -- cells in a row's source line ----------------------------------------------------------


def segments(line: str) -> list[tuple[int, int]]:
    """(start, end) of each cell's text between pipes, as ``markdown._split_row`` splits it."""
    parts: list[tuple[int, int]] = []
    begin = 0
    escaped = False
    for pos, ch in enumerate(line):
        if ch == "|" and not escaped:
            parts.append((begin, pos))
            begin = pos + 1
        escaped = ch == "\\"
    parts.append((begin, len(line)))
    if parts and not line[parts[0][0] : parts[0][1]].strip():
        parts = parts[1:]
    if parts and not line[parts[-1][0] : parts[-1][1]].strip():
        parts = parts[:-1]
    return parts


def replace_cells(line: str, replacements: dict[int, str]) -> str:
    """``line`` with the text of some cells replaced, padding and pipes kept."""
    spans = segments(line)
    for index in sorted(replacements, reverse=True):
        begin, end = spans[index]
        content = line[begin:end]
        new = replacements[index]
        stripped = content.strip()
        if stripped:
            start = begin + len(content) - len(content.lstrip())
            line = line[:start] + new + line[start + len(stripped) :]
        else:
            line = line[:begin] + (f" {new} " if new else content) + line[end:]
    return line


def cell_text(value: str) -> str:
    """A registry value as cell source: on one line, pipes escaped."""
    one_line = " ".join(value.splitlines())
    return re.sub(r"(?<!\\)\|", r"\\|", one_line)


def width(text: str) -> int:
    """Columns a text takes in a monospace editor (wide East Asian characters and emoji: 2)."""
    total = 0
    for ch in text:
        if unicodedata.combining(ch) or ch in "\u200b\u200d\ufe0f":
            continue
        total += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return total


# -- one table ------------------------------------------------------------------------------


@dataclass(slots=True)
class _Style:
    """How a table writes its cells, learned from its own rows."""

    name: str
    """Template of the name cell (``_N`` for the name, ``_U`` for the URL)."""
    url: str
    """Template of the URL column's cell."""
    leading: bool
    trailing: bool


def _most_common(found: list[str], default: str) -> str:
    return Counter(found).most_common(1)[0][0] if found else default


def _style(table: SubprocessorTable, everywhere: list[SubprocessorTable]) -> _Style:
    names: list[str] = []
    urls: list[str] = []
    for t in [table] if table.vendors else everywhere:
        for row in t.vendors:
            cell = row.cells.get("name")
            if cell is not None and row.name:
                raw = cell.raw
                if row.link is not None and row.link.url in raw:
                    raw = raw.replace(row.link.url, _U)
                if row.name in raw:
                    names.append(raw.replace(row.name, _N, 1))
            cell = row.cells.get("url")
            if cell is not None and row.link is not None and row.link.url in cell.raw:
                urls.append(cell.raw.replace(row.link.url, _U))
    header = table.table.header.raw.strip()
    return _Style(
        name=_most_common(names, _N),
        url=_most_common(urls, _U),
        leading=header.startswith("|"),
        trailing=header.endswith("|") and not header.endswith("\\|"),
    )


def _fill(template: str, entry: RegistryEntry) -> str:
    name = cell_text(entry.name)
    if _U in template and not entry.url:
        # The page links names but this vendor has no URL: its name alone.
        return name if _N in template else ""
    return template.replace(_N, name).replace(_U, entry.url or "")


def _name_cell(style: _Style, entry: RegistryEntry, has_url_column: bool) -> str:
    if entry.url and _U not in style.name and not has_url_column:
        return f"[{cell_text(entry.name)}]({entry.url})"
    return _fill(style.name, entry)


def _row(
    entry: RegistryEntry, row: VendorRow | None, table: SubprocessorTable, style: _Style
) -> str:
    """The source line of ``entry``'s row (``row``: its current row on the page, if any)."""
    columns = table.columns
    header = table.table.header.cells
    if row is not None and len(row.row.cells) == len(header):
        return _update_row(entry, row, table, style)
    cells: list[str] = []
    field_of = {i: name for name, i in columns.items()}
    for i, head in enumerate(header):
        name = field_of.get(i)
        if name == "name":
            cells.append(_name_cell(style, entry, "url" in columns))
        elif name == "url":
            cells.append(_fill(style.url, entry) if entry.url else "")
        elif name is not None:
            cells.append(cell_text(entry.field_value(name) or ""))
        else:
            other = entry.extra.get("other_columns", {})
            old = row.row.cell(i) if row is not None else None
            if head.text in other:
                cells.append(cell_text(other[head.text]))
            else:
                cells.append(old.raw if old is not None else "")
    line = " | ".join(cells)
    return ("| " if style.leading else "") + line + (" |" if style.trailing else "")


def _update_row(
    entry: RegistryEntry, row: VendorRow, table: SubprocessorTable, style: _Style
) -> str:
    columns = table.columns
    raws = {i: cell.raw for i, cell in enumerate(row.row.cells)}
    changed: set[int] = set()
    name_i = columns["name"]
    name_cell = row.cells["name"]
    if not same_text(name_cell, entry.name):
        if row.name and row.name in raws[name_i]:
            raws[name_i] = raws[name_i].replace(row.name, cell_text(entry.name), 1)
        else:
            raws[name_i] = _name_cell(style, entry, "url" in columns)
        changed.add(name_i)
    if entry.url and (row.link is None or normalize_url(row.link.url) != normalize_url(entry.url)):
        old = row.link.url if row.link is not None else None
        places = [columns[f] for f in ("name", "url") if f in columns]
        replaced = False
        for i in places:
            if old is not None and old in raws[i]:
                raws[i] = raws[i].replace(old, entry.url)
                changed.add(i)
                replaced = True
        if not replaced:
            if "url" in columns:
                raws[columns["url"]] = _fill(style.url, entry)
                changed.add(columns["url"])
            else:
                raws[name_i] = _name_cell(style, entry, False)
                changed.add(name_i)
    for name in ("location", "description"):
        if name not in columns:
            continue
        value = entry.field_value(name)
        cell = row.cells.get(name)
        if value is None or cell is None or same_text(cell, value):
            continue
        raws[columns[name]] = cell_text(value)
        changed.add(columns[name])
    other = entry.extra.get("other_columns", {})
    for i, head in enumerate(table.table.header.cells):
        if i in columns.values() or head.text not in other:
            continue
        wanted = cell_text(other[head.text])
        if fold(raws[i]) != fold(wanted):
            raws[i] = wanted
            changed.add(i)
    if not changed:
        return row.row.raw
    return replace_cells(row.row.raw, {i: raws[i] for i in changed})


def _in_sync(
    table: SubprocessorTable, entries: list[RegistryEntry], rows: dict[int, VendorRow]
) -> bool:
    """Whether the table already shows ``entries``, in order (for tables fix cannot write)."""
    if len(entries) != len(table.vendors):
        return False
    for entry, row in zip(entries, table.vendors, strict=True):
        if rows.get(id(entry)) is not row or not same_text(row.cells["name"], entry.name):
            return False
        if entry.url and (
            row.link is None or normalize_url(row.link.url) != normalize_url(entry.url)
        ):
            return False
        for name in ("location", "description"):
            value, cell = entry.field_value(name), row.cells.get(name)
            if value is not None and cell is not None and not same_text(cell, value):
                return False
    return True


def _is_aligned(lines: list[str]) -> bool:
    """Whether every line puts its pipes in the same columns (a Prettier-padded table)."""
    if len(lines) < 3:
        return False
    first = [i for i, ch in enumerate(lines[0]) if ch == "|"]
    return len(first) > 1 and all(
        [i for i, ch in enumerate(line) if ch == "|"] == first and width(line) == len(line)
        for line in lines
    )


def _align(header: str, separator: str, body: list[str]) -> list[str]:
    """Header, separator and rows padded into aligned columns again."""
    rows = [[line[b:e].strip() for b, e in segments(line)] for line in [header, *body]]
    seps = [separator[b:e].strip() for b, e in segments(separator)]
    count = len(seps)
    rows = [(r + [""] * count)[:count] if len(r) != count else r for r in rows]
    widths = [max(3, *(width(r[i]) for r in rows)) for i in range(count)]
    lead = header.lstrip().startswith("|")
    trail = header.rstrip().endswith("|")

    def line(cells: list[str]) -> str:
        text = " | ".join(cells)
        return ("| " if lead else "") + text + (" |" if trail else "")

    def pad(text: str, w: int) -> str:
        return text + " " * (w - width(text))

    def dashes(sep: str, w: int) -> str:
        left, right = sep.startswith(":"), sep.endswith(":") and len(sep) > 1
        return (":" if left else "") + "-" * (w - left - right) + (":" if right else "")

    out = [line([pad(c, widths[i]) for i, c in enumerate(rows[0])])]
    out.append(line([dashes(s, widths[i]) for i, s in enumerate(seps)]))
    out += [line([pad(c, widths[i]) for i, c in enumerate(r)]) for r in rows[1:]]
    return out


def _table_lines(
    table: SubprocessorTable,
    entries: list[RegistryEntry],
    rows: dict[int, VendorRow],
    style: _Style,
    lines: list[list[str]],
) -> tuple[int, int, list[str]] | None:
    """(first line, last line, new lines) of the part of ``lines`` to replace; None: no change."""
    t = table.table
    header_line = t.header.line
    normal = header_line < len(lines) and bool(_SEPARATOR.match(lines[header_line][0]))
    separator_line = header_line + 1 if normal else header_line - 1
    if t.html:
        if _in_sync(table, entries, rows):
            return None
        raise InputError(
            "",
            f"the subprocessor table on line {t.line} is an HTML <table>, which fix cannot "
            "rewrite; edit it by hand (check shows what differs)",
        )
    new_body = [_row(e, rows.get(id(e)), table, style) for e in entries]
    if new_body == [r.raw for r in t.rows]:
        return None
    first_body = t.rows[0].line if t.rows else separator_line + 1
    last_body = t.rows[-1].line if t.rows else separator_line
    if normal:
        block = [lines[n - 1][0] for n in range(header_line, last_body + 1)]
        if _is_aligned(block):
            aligned = _align(block[0], block[1], new_body)
            return header_line, last_body, aligned
    return first_body, last_body, new_body


def _place(
    registry: Registry, tables: list[SubprocessorTable], rows: dict[int, VendorRow]
) -> tuple[list[list[RegistryEntry]], list[str]]:
    """Active entries per table, in registry order; notes about sections not found."""
    by_heading = {
        t.table.heading.casefold(): i for i, t in enumerate(tables) if t.table.heading is not None
    }
    index_of = {id(t.table): i for i, t in enumerate(tables)}
    placed: list[list[RegistryEntry]] = [[] for _ in tables]
    notes: list[str] = []
    for entry in active_entries(registry):
        section = entry.extra.get("section")
        row = rows.get(id(entry))
        if isinstance(section, str) and section.casefold() in by_heading:
            i = by_heading[section.casefold()]
        else:
            if section:
                notes.append(
                    f"'{entry.name}': no table under a heading '{section}'; "
                    + ("kept in its table" if row else "put in the first table")
                )
            i = index_of[id(row.table)] if row is not None else 0
        placed[i].append(entry)
    return placed, notes


def render_tables(
    doc: Document, settings: DocumentSettings, registry: Registry
) -> tuple[str, list[str]]:
    """The page's text with its subprocessor tables rendered from ``registry``."""
    tables = find_tables(doc, settings.table)
    if not tables:
        raise InputError(doc.path, "the page has no subprocessor table to render into")
    matching = match(tables, registry)
    rows = {id(entry): row for row, entry in matching.pairs}
    placed, notes = _place(registry, tables, rows)
    lines = split_keep(doc.text)
    edits: list[tuple[int, int, list[str], str]] = []
    for table, entries in zip(tables, placed, strict=True):
        try:
            edit = _table_lines(table, entries, rows, _style(table, tables), lines)
        except InputError as exc:
            raise InputError(doc.path, exc.reason) from None
        if edit is not None:
            # New rows end as the header line does (a table's header is never the last line).
            edits.append((*edit, lines[table.table.header.line - 1][1] or "\n"))
    for first, last, new, eol in sorted(edits, reverse=True):
        if last >= first:
            tail = lines[last - 1][1]
        else:  # rows inserted after line ``last`` (a table without body rows)
            tail = lines[last - 1][1]
            lines[last - 1][1] = eol
        replacement = [[text, eol] for text in new]
        if replacement:
            replacement[-1][1] = tail
        elif not tail and first >= 2:
            lines[first - 2][1] = ""  # the page had no final newline, and still has none
        lines[first - 1 : last] = replacement
    return join(lines), notes


# -- the effective date ---------------------------------------------------------------------


def _written_at(lines: list[list[str]], date: DateLine) -> bool:
    line = lines[date.line - 1][0] if date.line - 1 < len(lines) else ""
    return line[date.column - 1 : date.column - 1 + len(date.value)] == date.value


def _fresh(day: dt.date, formats: list[str]) -> str:
    fmt = formats[0] if formats else "iso"
    if fmt == "month-day-year":
        return f"{day:%B} {day.day}, {day.year}"
    if fmt == "day-month-year":
        return f"{day.day} {day:%B} {day.year}"
    if "%" in fmt:
        return day.strftime(fmt)
    return day.isoformat()


def set_date(
    doc: Document, day: dt.date, formats: list[str], *, backwards: bool = False
) -> tuple[str | None, str | None, str | None]:
    """(new text, old value, new value) with the page's date set to ``day``.

    The new text is ``None`` when there is nothing to do or no place to write; the second
    and third items then say why (old value ``None``: the page states no date).
    """
    stated = doc.date
    if stated is None:
        return None, None, None
    current = parse_date(stated.value, [*formats, *NAMED_FORMATS]).date
    if current == day:
        return None, stated.value, stated.value
    if current is not None and day < current and not backwards:
        raise ValueError(f"{day} is before the page's date {current}")
    lines = split_keep(doc.text)
    # A Liquid/Hugo expression shows a front-matter key: write the key.
    candidates = [stated] + [
        d for d in doc.dates if d.source == "front-matter" and d.value == stated.value
    ]
    target = next((d for d in candidates if _written_at(lines, d)), None)
    if target is None:
        return None, stated.value, None
    new_value = format_like(target.value, day, formats) or _fresh(day, formats)
    content = lines[target.line - 1][0]
    start = target.column - 1
    lines[target.line - 1][0] = content[:start] + new_value + content[start + len(target.value) :]
    return join(lines), stated.value, new_value


def render(
    doc: Document,
    settings: DocumentSettings,
    registry: Registry,
    *,
    day: dt.date,
    count_descriptions: bool = True,
) -> Rendered:
    """The page as ``fix`` writes it: tables from the registry, the date moved if the list did.

    The date becomes the registry's ``effective_date`` when it has one; otherwise ``day``
    (today, or ``--date``), and only when the list on the page changed.
    """
    text, notes = render_tables(doc, settings, registry)
    new_doc = (
        parse_document(text, doc.path, date_labels=settings.date.labels)
        if text != doc.text
        else doc
    )
    changes = compare(
        from_page(doc, settings, "before"),
        from_page(new_doc, settings, "after"),
        descriptions=count_descriptions,
    ).summary()
    result = Rendered(text=text, changes=changes, notes=notes)
    wanted: dt.date | None = None
    if registry.effective_date:
        wanted = dt.date.fromisoformat(registry.effective_date)
        stated = doc.date.value if doc.date else None
        old = parse_date(stated, [*settings.date.formats, *NAMED_FORMATS]).date if stated else None
        if changes and old is not None and wanted <= old:
            notes.append(
                f"the list changed but the registry's effective_date ({registry.effective_date})"
                " is not later than the page's date; set it to the day the change takes effect"
            )
    elif changes:
        wanted = day
    if wanted is None:
        return result
    try:
        dated, before, after = set_date(
            new_doc, wanted, settings.date.formats, backwards=bool(registry.effective_date)
        )
    except ValueError as exc:
        notes.append(f"the effective date was not moved back: {exc}")
        return result
    result.date_before, result.date_after = before, after
    if dated is not None:
        result.text = dated
    elif before is None:
        notes.append("the page states no effective date, so none was updated")
    elif after is None:
        notes.append(f"the date {before!r} is not written where it is read from; update it by hand")
    return result
