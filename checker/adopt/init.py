"""Adopt an existing page: write the registry and the config that make ``check`` pass on it.

The registry holds what a person reading the page would write down, and nothing else:

* ``name``: the name as a reader sees it (markup removed), backslash-escaped only where
  Markdown would otherwise read it differently (``Intercom \\*\\*``);
* ``url``: the link on the name, else the link in a URL/Website column (as ``check`` finds it);
* ``location`` and ``description``: the cell as written, minus surrounding blanks, inline
  Markdown kept (``*Customer Data is not used*``) so that ``fix`` writes back the same cell;
* ``section``: the heading of the table, on pages that split the list into several tables;
* ``other_columns``: cells of columns the checker does not compare (``Customer data
  involved``), by header text, so that ``fix`` can render the whole row.

What the page lacks is not invented. When no vendor has a URL (or a location, or a
description) the registry's ``required_fields`` leaves that field out, so entries without it
stay valid. When the page has no date, an unreadable date (``[Insert Date]``) or rows with
defects, the config switches the rule off (or, for row defects, down to a warning) with a
comment saying why: a baseline to adopt now and tighten later.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

import checker
from checker.adopt import yamlout
from checker.compare.matching import as_shown, name_key
from checker.engine import active_rules, check_document
from checker.errors import InputError
from checker.load.config import TableSettings, parse_config
from checker.load.registry import parse_registry
from checker.model import Document, Finding, Link, Severity
from checker.page.dates import NAMED_FORMATS, parse_date
from checker.page.markdown import fold
from checker.page.tables import SubprocessorTable, VendorRow, find_tables
from checker.rules import (
    RULES,
    date_invalid,
    date_missing,
    link_missing,
    privacy_link_missing,
    tagged,
)

REGISTRY_NAME = "subprocessors.yml"
CONFIG_NAME = ".subprocessor-check.yml"
ALL_FIELDS = ("name", "url", "location", "description")
DEFAULT_REQUIRED_COLUMNS = ("name", "location", "description")
ROW_DEFECT_RULES = tuple(rule_id for rule_id in RULES if rule_id in tagged("row-defect"))
"""Rules about how single rows are written: adopted as warnings, so each defect stays listed
until fixed (in the rules' order, so the config reads the same every time)."""

_MARKDOWN_PUNCT = re.compile(r"([\\`*_\[\]<>&!~#|])")
_HTTP_URL = re.compile(r"^https?://\S+$")


@dataclass(slots=True)
class Entry:
    """One registry entry as adopted from a row."""

    name: str
    url: str | None = None
    location: str | None = None
    description: str | None = None
    section: str | None = None
    other_columns: dict[str, str] = field(default_factory=dict)
    line: int = 0
    """The row's line on the page."""


@dataclass(slots=True)
class Adoption:
    """What ``init`` found in a page and the two files it writes."""

    registry_text: str
    config_text: str
    entries: list[Entry]
    report: list[str]
    """What was found and decided, one line each, for the user."""
    remaining: list[Finding] = field(default_factory=list)
    """Error findings ``check`` would still report with the written files (ideally none)."""


def schema_reference(name: str, output_dir: Path) -> str:
    """Path of a shipped schema relative to ``output_dir`` (for ``$schema=`` lines)."""
    schema = Path(checker.__file__).resolve().parent / "schemas" / f"{name}.schema.json"
    try:
        return Path(os.path.relpath(schema, output_dir.resolve())).as_posix()
    except ValueError:  # another drive on Windows
        return schema.as_uri()


def registry_name(text: str) -> str:
    """A vendor name written so that ``check`` reads it back as ``text``."""
    if name_key(as_shown(text)) == name_key(text):
        return text
    escaped = _MARKDOWN_PUNCT.sub(r"\\\1", text)
    return escaped if name_key(as_shown(escaped)) == name_key(text) else text


def _is_http_url(url: str) -> bool:
    """Whether the registry can record ``url`` (its schema takes http(s) URLs only)."""
    return _HTTP_URL.match(url) is not None


def _cell_source(raw: str) -> str:
    return fold(raw.replace("\\|", "|"))


def _entry(row: VendorRow, table: SubprocessorTable, section: str | None) -> Entry:
    entry = Entry(name=registry_name(row.name), section=section, line=row.row.line)
    if row.link is not None and _is_http_url(row.link.url):
        entry.url = row.link.url
    for name in ("location", "description"):
        cell = row.cells.get(name)
        if cell is not None and cell.text:
            setattr(entry, name, _cell_source(cell.raw))
    known = set(table.columns.values())
    for i, header in enumerate(table.table.header.cells):
        cell = row.row.cell(i)
        if i in known or cell is None or not cell.raw.strip():
            continue
        entry.other_columns[header.text or f"column {i + 1}"] = _cell_source(cell.raw)
    return entry


def _sections(tables: list[SubprocessorTable]) -> list[str | None]:
    """The heading of each table, when the page has several and their headings tell them apart."""
    headings = [t.table.heading for t in tables]
    if len(tables) < 2 or None in headings or len(set(headings)) != len(headings):
        return [None] * len(tables)
    return headings


def _describe_table(t: SubprocessorTable) -> str:
    header = t.table.header.cells
    columns = ", ".join(
        f'{name} = "{header[i].text}"' for name, i in sorted(t.columns.items(), key=lambda x: x[1])
    )
    other = [c.text for i, c in enumerate(header) if i not in t.columns.values()]
    where = f' under "{t.table.heading}"' if t.table.heading else ""
    text = f"table on line {t.table.line}{where}: {len(t.vendors)} vendors; columns {columns}"
    if other:
        text += "; other columns (kept as other_columns): " + ", ".join(f'"{o}"' for o in other)
    if t.table.html:
        text += " (an HTML <table>)"
    return text


def _names(rows: list[str], limit: int = 5) -> str:
    shown = ", ".join(rows[:limit])
    return shown + (f" and {len(rows) - limit} more" if len(rows) > limit else "")


def _privacy_link(doc: Document, tables: list[SubprocessorTable]) -> Link | None:
    """The first link outside the list whose text or URL says privacy."""
    in_tables = {
        (link.line, link.url)
        for t in tables
        for row in [t.table.header, *t.table.rows]
        for cell in row.cells
        for link in cell.links
    }
    for link in doc.links:
        if (link.line, link.url) in in_tables or link.url.startswith("mailto:"):
            continue
        if "privacy" in (link.text + " " + link.url).casefold():
            return link
    return None


@dataclass(slots=True)
class _RuleSetting:
    """One line of the config's ``rules:``, and the comment written above it."""

    rule: str
    setting: str
    """``off`` or ``warning``."""
    why: str
    """What on the page made ``init`` set it so, for whoever tightens it later."""


@dataclass(slots=True)
class _Decisions:
    """What the steps of ``adopt`` have found and decided so far, in the order they ran."""

    report: list[str]
    """Lines for the user (``Adoption.report``)."""
    rules: list[_RuleSetting] = field(default_factory=list)
    """Rules the config switches off or down to a warning."""


@dataclass(slots=True)
class _Fields:
    """The fields and columns the written files require and compare."""

    required: list[str]
    """The registry's ``required_fields``: those the page shows for every vendor."""
    compare: list[str]
    """The config's ``compare``: every field, but url when a link cannot be recorded."""
    required_columns: list[str]
    """The config's ``required_columns``: the default ones that every table has."""


def adopt(doc: Document, page_ref: str, registry_ref: str, output_dir: Path) -> Adoption:
    """Read ``doc`` and build the registry and config; ``InputError`` when it has no list.

    ``page_ref`` and ``registry_ref`` are the paths the config will name, relative to
    ``output_dir`` (where the config is written).
    """
    # The steps run in the order the user reads their report lines and the config lists
    # their rules; row defects come last, found by running the rules on the files so far.
    tables = _tables(doc)
    decisions = _Decisions(_describe_tables(doc, tables))
    entries = _entries(doc, tables, decisions)
    fields = _fields(entries, tables, decisions)
    date_format = _date_format(doc, decisions)
    privacy = _privacy_config(doc, tables, decisions)
    config = _config_lines(doc, page_ref, registry_ref, output_dir, privacy, fields, date_format)
    registry_text = _registry_text(entries, fields.required, page_ref, output_dir)
    _row_defects(doc, config, registry_text, output_dir, decisions)
    config_text = _config_text(config, decisions.rules, reasons=True)
    remaining = [
        f
        for f in _check(doc, config_text, registry_text, output_dir)
        if f.severity is Severity.ERROR
    ]
    return Adoption(registry_text, config_text, entries, decisions.report, remaining)


def _tables(doc: Document) -> list[SubprocessorTable]:
    tables = find_tables(doc, TableSettings())
    if not tables:
        raise InputError(
            doc.path,
            "no subprocessor table found: init looks for a table whose header names a vendor "
            "column and a location or description column, as check does",
        )
    return tables


def _describe_tables(doc: Document, tables: list[SubprocessorTable]) -> list[str]:
    report = [f"{doc.path}: found {len(tables)} subprocessor table{'s' if len(tables) > 1 else ''}"]
    return report + ["  " + _describe_table(t) for t in tables]


def _entries(doc: Document, tables: list[SubprocessorTable], decisions: _Decisions) -> list[Entry]:
    """One entry per row that names a vendor; rows without a name are reported, not adopted."""
    entries: list[Entry] = []
    nameless: list[int] = []
    for table, section in zip(tables, _sections(tables), strict=True):
        for row in table.vendors:
            if not row.name:
                nameless.append(row.row.line)
                continue
            entries.append(_entry(row, table, section))
    if not entries:
        raise InputError(doc.path, "the subprocessor table lists no vendor to adopt")
    if nameless:
        decisions.report.append(f"  rows without a vendor name, not adopted: lines {nameless}")
    return entries


def _fields(
    entries: list[Entry], tables: list[SubprocessorTable], decisions: _Decisions
) -> _Fields:
    """The fields the page does not show for every vendor are neither required nor invented."""
    missing = {
        name: [e.name for e in entries if getattr(e, name) is None]
        for name in ("url", "location", "description")
    }
    required = ["name"] + [f for f in ("url", "location", "description") if not missing[f]]
    _decide_links(len(entries), missing["url"], decisions)
    compare = _compared_fields(tables, decisions)
    columns_everywhere = {f for f in ALL_FIELDS if all(f in t.columns for t in tables)}
    required_columns = [f for f in DEFAULT_REQUIRED_COLUMNS if f in columns_everywhere]
    for name in ("location", "description"):
        if name not in columns_everywhere:
            decisions.report.append(f"  no {name} column: the registry records no {name} there")
        elif missing[name]:
            decisions.report.append(
                f"  {len(missing[name])} vendor(s) have an empty {name}: {_names(missing[name])}"
            )
    return _Fields(required, compare, required_columns)


def _decide_links(vendors: int, without_url: list[str], decisions: _Decisions) -> None:
    """``link-missing`` off when no vendor has a link, a warning when some have none."""
    if len(without_url) == vendors:
        decisions.rules.append(
            _RuleSetting(link_missing.ID, "off", "The page links no vendor's website.")
        )
        decisions.report.append(
            f"  no vendor has a link: the registry records no url; {link_missing.ID} is off"
        )
    elif without_url:
        decisions.rules.append(
            _RuleSetting(
                link_missing.ID,
                "warning",
                f"{len(without_url)} vendor(s) have no link on the page: {_names(without_url)}.",
            )
        )
        decisions.report.append(
            f"  {len(without_url)} vendor(s) have no link: {_names(without_url)}"
        )


def _compared_fields(tables: list[SubprocessorTable], decisions: _Decisions) -> list[str]:
    """Every field, but url when a vendor links something the registry cannot record."""
    unlinkable = [
        (row.name, row.link.url)
        for t in tables
        for row in t.vendors
        if row.name and row.link is not None and not _is_http_url(row.link.url)
    ]
    compare = list(ALL_FIELDS)
    if unlinkable:
        compare.remove("url")
        decisions.report.append(
            "  links that are not http(s) URLs, not recorded (url is not compared): "
            + _names([f"{n} ({u})" for n, u in unlinkable])
        )
    return compare


def _date_format(doc: Document, decisions: _Decisions) -> str | None:
    """The format of the page's effective date when it is not ISO (the config then names it);
    the date rules go off when the page has no date or one that is not a date."""
    date = doc.date
    if date is None:
        decisions.rules.append(
            _RuleSetting(
                date_missing.ID,
                "off",
                "The page states no effective date. Add one (e.g. 'Effective date: "
                f"{dt.date.today().isoformat()}') and remove this line.",
            )
        )
        decisions.report.append(f"  no effective date: {date_missing.ID} is off")
        return None
    parsed = parse_date(date.value, list(NAMED_FORMATS))
    if parsed.date is None:
        decisions.rules.append(
            _RuleSetting(
                date_invalid.ID,
                "off",
                f"The page's date {date.value!r} (line {date.line}) is not a date"
                + (f" ({parsed.problem})" if parsed.problem else "")
                + ". Write a real date and remove this line.",
            )
        )
        decisions.report.append(
            f"  effective date {date.value!r} on line {date.line} is not a date: "
            f"{date_invalid.ID} is off"
        )
        return None
    assert parsed.format is not None
    decisions.report.append(
        f"  effective date {date.value!r} ({parsed.format}) on line {date.line}"
        + (f" ({date.label}, front matter)" if date.source == "front-matter" else "")
    )
    return parsed.format if parsed.format != "iso" else None


def _privacy_config(
    doc: Document, tables: list[SubprocessorTable], decisions: _Decisions
) -> list[str]:
    """The config's ``privacy_policy`` lines: set only when the page links an absolute URL,
    and then to be confirmed; else commented out, saying what was found."""
    privacy = _privacy_link(doc, tables)
    if privacy is None:
        decisions.report.append(
            "  no privacy-policy link found: set privacy_policy to have it checked"
        )
        return [
            "# No link to a privacy policy was found on the page. Name yours to have",
            f"# {privacy_link_missing.ID} check that the page links it:",
            "# privacy_policy: https://example.com/privacy",
        ]
    if not _is_http_url(privacy.url):
        decisions.report.append(
            f"  privacy link {privacy.url!r} (line {privacy.line}) is not an absolute URL; "
            "not recorded"
        )
        return [
            f"# The page links {privacy.url!r} as its privacy policy (line {privacy.line});"
            " write it",
            "# as an absolute URL to have it checked:",
            "# privacy_policy: https://example.com/privacy",
        ]
    decisions.report.append(
        f"  privacy-policy link {privacy.url} (line {privacy.line}, {privacy.text!r}): "
        "confirm it is yours"
    )
    return [
        f"# Found on line {privacy.line} of the page ({privacy.text!r}); confirm it is your",
        "# privacy policy.",
        f"privacy_policy: {yamlout.scalar(privacy.url)}",
    ]


def _config_lines(
    doc: Document,
    page_ref: str,
    registry_ref: str,
    output_dir: Path,
    privacy: list[str],
    fields: _Fields,
    date_format: str | None,
) -> list[str]:
    """The config up to its ``rules:``; each setting that differs from the default says why."""
    today = dt.date.today().isoformat()
    config = [
        f"# yaml-language-server: $schema={schema_reference('config', output_dir)}",
        f"# Written by 'subprocessor-check init' from {page_ref} on {today}.",
        "# Rules switched off below are a baseline: tighten them when the page is fixed.",
        f"registry: {yamlout.scalar(registry_ref)}",
        "documents:",
        f"  - {yamlout.scalar(page_ref)}",
        *privacy,
    ]
    if fields.compare != list(ALL_FIELDS):
        config += [
            "# Some vendor links are not http(s) URLs, which the registry cannot record.",
            f"compare: [{', '.join(fields.compare)}]",
        ]
    if fields.required_columns != list(DEFAULT_REQUIRED_COLUMNS):
        absent = [f for f in DEFAULT_REQUIRED_COLUMNS if f not in fields.required_columns]
        config += [
            f"# The table has no {' or '.join(absent)} column.",
            f"required_columns: [{', '.join(fields.required_columns)}]",
        ]
    if date_format is not None and doc.date is not None:
        config += [
            "date:",
            f"  # The page writes its date as {doc.date.value!r} (line {doc.date.line}).",
            f"  formats: [{date_format}]",
        ]
    return config


def _row_defects(
    doc: Document, config: list[str], registry_text: str, output_dir: Path, decisions: _Decisions
) -> None:
    """Each row-defect rule that fires on the page becomes a warning naming the rows to fix.

    The rules themselves find the defects, run on the files as adopted so far: ``init``
    keeps no second idea of what a defect is.
    """
    findings = _check(
        doc, _config_text(config, decisions.rules, reasons=False), registry_text, output_dir
    )
    for rule in ROW_DEFECT_RULES:
        lines = sorted({f.line for f in findings if f.rule == rule and f.line})
        if lines:
            shown = ", ".join(map(str, lines[:10])) + (" …" if len(lines) > 10 else "")
            decisions.rules.append(
                _RuleSetting(rule, "warning", f"Rows to fix on the page: line {shown}.")
            )
            decisions.report.append(f"  {rule} on line {shown}: adopted as a warning")


def _config_text(config: list[str], rules: list[_RuleSetting], *, reasons: bool) -> str:
    """The config with its ``rules:``, each under the comment saying why when ``reasons``."""
    lines = [*config]
    if rules:
        lines.append("rules:")
        for rule in rules:
            if reasons:
                lines += yamlout.comment(rule.why, "  ")
            lines.append(f"  {rule.rule}: {yamlout.scalar(rule.setting)}")
    return "\n".join(lines) + "\n"


def _check(doc: Document, config_text: str, registry_text: str, output_dir: Path) -> list[Finding]:
    """What ``check`` reports on ``doc`` with these files (the engine, not a re-implementation)."""
    cfg = parse_config(config_text, CONFIG_NAME, base_dir=output_dir)
    registry = parse_registry(registry_text, REGISTRY_NAME)
    settings = replace(cfg.documents[0], path=doc.path)
    findings, _ = check_document(doc, settings, registry, active_rules(cfg))
    return findings


def _registry_text(
    entries: list[Entry], required_fields: list[str], page_ref: str, output_dir: Path
) -> str:
    out = [
        f"# yaml-language-server: $schema={schema_reference('registry', output_dir)}",
        f"# The subprocessors listed on {page_ref}, adopted by 'subprocessor-check init' on "
        f"{dt.date.today().isoformat()}.",
        "# This file is now the list: change it first, then run 'subprocessor-check fix' to",
        "# render the page's table from it.",
    ]
    if required_fields != list(ALL_FIELDS):
        absent = [f for f in ALL_FIELDS if f not in required_fields]
        out += [
            f"# The page does not show a {' or '.join(absent)} for every vendor; entries may",
            "# leave those out. Add them and drop this line to require them.",
            f"required_fields: [{', '.join(required_fields)}]",
        ]
    out.append("subprocessors:")
    sections = Counter(e.section for e in entries)
    for e in entries:
        out.append(f"  - name: {yamlout.scalar(e.name)}")
        for key in ("url", "location", "description", "section"):
            value = getattr(e, key)
            if value is not None and (key != "section" or len(sections) > 1):
                out.append(f"    {key}: {yamlout.scalar(value)}")
        if e.other_columns:
            out.append("    other_columns:")
            for header, value in e.other_columns.items():
                out.append(f"      {yamlout.key(header)}: {yamlout.scalar(value)}")
    return "\n".join(out) + "\n"
