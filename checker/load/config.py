"""Load ``.subprocessor-check.yml``; every setting has a default, so no file is needed.

The file is validated by the shipped JSON Schema (unknown keys are errors, with their
line). Page-level settings (``compare``, ``table``, ``columns``, ``date`` …) may be set at
the top level and overridden per document.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from checker.errors import InputError
from checker.load import yamlfile
from checker.load.files import MAX_INPUT_BYTES, Origin, allowed, find_root, read_text
from checker.load.patterns import check_pattern
from checker.load.validation import validate
from checker.model import Severity

CONFIG_NAMES = (".subprocessor-check.yml", ".subprocessor-check.yaml")
FIELDS = ("name", "url", "location", "description")


@dataclass(slots=True)
class TableSettings:
    """Which table is the subprocessor list."""

    index: int | None = None
    """Position of the table among the page's tables, from 0."""
    heading: str | None = None
    """Text of the heading the table sits under."""
    columns: dict[str, list[str]] = field(default_factory=dict)
    """Header texts per field, used before the built-in synonyms."""


@dataclass(slots=True)
class DateSettings:
    """How the page states its effective date."""

    labels: list[str] = field(default_factory=list)
    """Extra label patterns besides the built-in ones."""
    formats: list[str] = field(default_factory=lambda: ["iso"])
    """Accepted formats: iso, month-day-year, day-month-year or strftime patterns."""


@dataclass(slots=True)
class DocumentSettings:
    """Settings of one page."""

    path: str
    """Path as written in the config or on the command line."""
    compare: list[str] = field(default_factory=lambda: list(FIELDS))
    """Fields compared with the registry."""
    required_columns: list[str] = field(default_factory=lambda: ["name", "location", "description"])
    table: TableSettings = field(default_factory=TableSettings)
    date: DateSettings = field(default_factory=DateSettings)
    privacy_policy: str | None = None
    """Privacy-policy URL the page must link to; falls back to the registry's."""


@dataclass(slots=True)
class RuleSettings:
    """A rule's enablement and severity as configured (``None`` = the rule's default)."""

    enabled: bool = True
    severity: Severity | None = None
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class LinkSettings:
    """Settings of the live link check (``links`` in the config)."""

    mode: str = "none"
    concurrency: int | None = None
    per_host: int | None = None
    timeout: float | None = None
    retries: int | None = None
    budget: float | None = None
    allow_private: bool = False
    exclude: list[str] = field(default_factory=list)
    accept: dict[str, list[int]] = field(default_factory=dict)
    cache: str | None = None
    """Relative to the config's folder, like every path in the config."""
    cache_ttl: float | None = None
    unreachable: Severity = Severity.WARNING


@dataclass(slots=True)
class Config:
    """The whole configuration."""

    path: str | None = None
    """Where it was read from; ``None`` when running on defaults."""
    base_dir: Path = field(default_factory=Path)
    """Directory that relative paths in the file are resolved against."""
    registry: str | None = None
    documents: list[DocumentSettings] = field(default_factory=list)
    defaults: DocumentSettings = field(default_factory=lambda: DocumentSettings(path=""))
    """Page-level settings for documents named on the command line."""
    rules: dict[str, RuleSettings] = field(default_factory=dict)
    links: LinkSettings = field(default_factory=LinkSettings)
    count_description_changes: bool = True
    notice_period_days: int | None = None
    """Days of notice before a new subprocessor starts (the notice-period rule)."""
    max_document_bytes: int = 10 * 1024 * 1024
    rule_lines: dict[str, int] = field(default_factory=dict)
    """Line of each rule's key under ``rules``, for messages about it."""

    _by_path: dict[str, DocumentSettings] | None = field(
        default=None, init=False, repr=False, compare=False
    )
    """The documents by real path, built on first use (a list of N pages is looked up N
    times; scanning it each time made a long ``documents:`` quadratic)."""

    def document(self, path: str) -> DocumentSettings:
        """Settings for a page: its own entry when the config lists it, else the defaults.

        Paths are compared after ``os.path.realpath``, which, unlike ``Path.resolve``, never
        raises on a symbolic-link loop (the loop is refused when the page is opened).
        """
        if self._by_path is None:
            self._by_path = {}
            for doc in self.documents:
                real = os.path.realpath(os.path.join(self.base_dir, doc.path))
                self._by_path.setdefault(real, doc)  # the first entry wins, as before
        own = self._by_path.get(os.path.realpath(path))
        return replace(own if own is not None else self.defaults, path=path)


def find_config(start: Path | None = None) -> Path | None:
    """The config file in ``start`` (default: the current directory), if there is one."""
    folder = start or Path.cwd()
    for name in CONFIG_NAMES:
        candidate = folder / name
        if candidate.is_file():
            return candidate
    return None


def load_config(
    path: str | Path | None,
    *,
    root: Path | None = None,
    origin: Origin = Origin.COMMAND_LINE,
) -> Config:
    """Read and validate a config file; ``None`` gives the defaults.

    The file must be one ``files.allowed`` accepts under ``root`` (default: the root of its
    own folder, ``files.find_root``); ``origin`` says who named it. Relative paths in it
    are taken from the folder it really is in.
    """
    if path is None:
        return Config()
    shown = str(path)
    lexical = Path(os.path.abspath(path))
    real = allowed(lexical, shown, root=root or find_root(lexical.parent), origin=origin)
    text = read_text(real, shown, "config file")
    return parse_config(text, shown, base_dir=real.parent)


def parse_config(text: str, shown: str, base_dir: Path | None = None) -> Config:
    """Build a ``Config`` from YAML text."""
    try:
        data, positions = yamlfile.load(text)
    except yamlfile.YamlError as exc:
        raise InputError(shown, f"invalid config: {exc.message}", exc.line) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise InputError(shown, "invalid config: the file must be a mapping of settings", 1)
    validate(data, "config", positions, shown, "config")
    limit = data.get("max_document_bytes")
    if isinstance(limit, int) and limit > MAX_INPUT_BYTES:
        raise InputError(
            shown,
            f"invalid config: max_document_bytes may be at most {MAX_INPUT_BYTES:,}, "
            "the most the checker reads of any file",
            positions.line_of(("max_document_bytes",)),
        )
    _check_patterns(data, positions, shown)

    defaults = _page_settings(data, DocumentSettings(path=""))
    documents = []
    for item in data.get("documents", []):
        if isinstance(item, str):
            documents.append(replace(defaults, path=item))
        else:
            documents.append(replace(_page_settings(item, defaults), path=item["path"]))
    rules = {rule_id: _rule_settings(value) for rule_id, value in data.get("rules", {}).items()}
    return Config(
        path=shown,
        base_dir=base_dir or Path.cwd(),
        registry=data.get("registry"),
        documents=documents,
        defaults=defaults,
        rules=rules,
        links=_link_settings(data.get("links", {})),
        count_description_changes=data.get("date_change", {}).get(
            "count_description_changes", True
        ),
        notice_period_days=data.get("notice_period_days"),
        max_document_bytes=data.get("max_document_bytes", 10 * 1024 * 1024),
        rule_lines={
            rule_id: line
            for rule_id in data.get("rules", {})
            if (line := positions.line_of(("rules", rule_id))) is not None
        },
    )


def _check_patterns(data: dict[str, Any], positions: yamlfile.Positions, shown: str) -> None:
    """Refuse, on its line, any pattern RE2 cannot compile: labels, excludes, accepts."""
    found: list[tuple[tuple[str | int, ...], str, str]] = []
    for i, item in enumerate(data.get("documents", [])):
        for j, label in enumerate(
            (item.get("date") or {}).get("labels", []) if isinstance(item, dict) else []
        ):
            found.append((("documents", i, "date", "labels", j), label, "date.labels"))
    for j, label in enumerate((data.get("date") or {}).get("labels", [])):
        found.append((("date", "labels", j), label, "date.labels"))
    links = data.get("links") or {}
    for j, pattern in enumerate(links.get("exclude", [])):
        found.append((("links", "exclude", j), pattern, "links.exclude"))
    for pattern in links.get("accept", {}):
        found.append((("links", "accept", pattern), pattern, "links.accept"))
    for where, pattern, what in found:
        check_pattern(pattern, shown, positions.line_of(where), f"invalid config: {what}")


def _page_settings(data: dict[str, Any], base: DocumentSettings) -> DocumentSettings:
    table = base.table
    if "table" in data or "columns" in data:
        columns = dict(table.columns)
        for key, value in data.get("columns", {}).items():
            columns[key] = [value] if isinstance(value, str) else list(value)
        table = TableSettings(
            index=data.get("table", {}).get("index", table.index),
            heading=data.get("table", {}).get("heading", table.heading),
            columns=columns,
        )
    date = base.date
    if "date" in data:
        date = DateSettings(
            labels=data["date"].get("labels", date.labels),
            formats=data["date"].get("formats", date.formats),
        )
    return DocumentSettings(
        path=base.path,
        compare=data.get("compare", base.compare),
        required_columns=data.get("required_columns", base.required_columns),
        table=table,
        date=date,
        privacy_policy=data.get("privacy_policy", base.privacy_policy),
    )


def _rule_settings(value: str | bool | dict[str, Any]) -> RuleSettings:
    # YAML 1.1 reads an unquoted ``off`` as false; both mean the same here.
    if isinstance(value, bool):
        return RuleSettings(enabled=value)
    if isinstance(value, str):
        if value == "off":
            return RuleSettings(enabled=False)
        return RuleSettings(severity=Severity(value))
    options = {k: v for k, v in value.items() if k not in ("severity", "enabled")}
    severity = Severity(value["severity"]) if "severity" in value else None
    return RuleSettings(enabled=value.get("enabled", True), severity=severity, options=options)


def _link_settings(data: dict[str, Any]) -> LinkSettings:
    settings = LinkSettings()
    for key, value in data.items():
        if key == "unreachable":
            value = Severity(value)
        setattr(settings, key, value)
    return settings
