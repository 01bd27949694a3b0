"""Helpers shared by the behavioural tests: check a page the way the CLI does.

``check`` runs the engine on inline text (registry and config given as YAML text, parsed by
the same loaders the CLI uses); ``cli`` writes files into a directory and runs the command
line with ``--format json``.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from checker.cli import run
from checker.engine import active_rules, check_document
from checker.load.config import Config, parse_config
from checker.load.registry import parse_registry
from checker.model import Finding
from checker.page.markdown import parse_document

PAGE_PATH = "page.md"

CORPUS = Path(__file__).resolve().parent / "data" / "corpus"
"""The real public subprocessor pages (SOURCES.md there says where each is from)."""


def check(
    text: str,
    registry: str | None = None,
    config: str | None = None,
    *,
    path: str = PAGE_PATH,
    base_dir: Path | None = None,
    today: dt.date | None = None,
) -> list[Finding]:
    """Findings for one page, as ``check`` on the command line would report them (on
    ``today``, by default the clock's)."""
    cfg = parse_config(config, ".subprocessor-check.yml", base_dir=base_dir) if config else Config()
    settings = cfg.document(path)
    reg = parse_registry(registry, "registry.yml") if registry is not None else None
    doc = parse_document(text, path, date_labels=settings.date.labels)
    findings, _ = check_document(doc, settings, reg, active_rules(cfg), today=today)
    return sorted(findings, key=Finding.sort_key)


def only(findings: list[Finding], rule: str) -> list[Finding]:
    return [f for f in findings if f.rule == rule]


def one(findings: list[Finding], rule: str) -> Finding:
    """The single finding of ``rule``; fails listing all findings otherwise."""
    found = only(findings, rule)
    assert len(found) == 1, f"expected one {rule}, got {summary(findings)}"
    return found[0]


def rules_of(findings: list[Finding]) -> list[str]:
    return [f.rule for f in findings]


def summary(findings: list[Finding]) -> list[tuple[str, int | None, int | None, str]]:
    return [(f.rule, f.line, f.column, f.message) for f in findings]


def line_of(text: str, needle: str) -> int:
    """1-based number of the only line containing ``needle``."""
    hits = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(hits) == 1, f"{needle!r} is on lines {hits}"
    return hits[0]


def col_of(text: str, needle: str, line_needle: str | None = None) -> int:
    """1-based column of ``needle`` on the line containing ``line_needle`` (or ``needle``)."""
    line = text.splitlines()[line_of(text, line_needle or needle) - 1]
    assert needle in line
    return line.index(needle) + 1


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str

    @property
    def report(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.stdout)
        return data

    @property
    def findings(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = self.report["findings"]
        return found


def cli(
    folder: Path,
    *argv: str,
    page: str | bytes | None = None,
    registry: str | None = None,
    config: str | None = None,
    json_format: bool = True,
) -> CliResult:
    """Write the given files into ``folder`` and run the CLI there."""
    if page is not None:
        data = page.encode("utf-8") if isinstance(page, str) else page
        (folder / PAGE_PATH).write_bytes(data)
    if registry is not None:
        (folder / "registry.yml").write_text(registry, encoding="utf-8")
    if config is not None:
        (folder / ".subprocessor-check.yml").write_text(config, encoding="utf-8")
    args = list(argv)
    if json_format:
        args += ["--format", "json"]
    out, err = io.StringIO(), io.StringIO()
    old = Path.cwd()
    os.chdir(folder)
    try:
        code = run(args, stdout=out, stderr=err)
    finally:
        os.chdir(old)
    return CliResult(code, out.getvalue(), err.getvalue())
