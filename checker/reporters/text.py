"""Plain text for terminals and logs: ``path:line:col: severity [rule] message``."""

from __future__ import annotations

import os
from typing import TextIO

from checker.model import CheckResult, Finding, Severity

_COLORS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.NOTICE: "\033[36m"}
_DIM = "\033[2m"
_RESET = "\033[0m"


def use_color(stream: TextIO, choice: str = "auto") -> bool:
    """Colour only on a terminal, never with NO_COLOR set, unless forced either way."""
    if choice in ("always", "never"):
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def location(finding: Finding) -> str:
    parts = [finding.path]
    if finding.line is not None:
        parts.append(str(finding.line))
        if finding.column is not None:
            parts.append(str(finding.column))
    return ":".join(parts)


def _safe(text: str) -> str:
    # Page text must not be able to drive the terminal (ANSI escapes, carriage returns).
    return "".join(ch if ch.isprintable() or ch == " " else "\ufffd" for ch in text)


def totals(result: CheckResult) -> str:
    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'' if n == 1 else 's'}"

    files = len(result.documents)
    line = (
        f"{plural(result.count(Severity.ERROR), 'error')}, "
        f"{plural(result.count(Severity.WARNING), 'warning')}, "
        f"{plural(result.count(Severity.NOTICE), 'notice')} in {plural(files, 'file')}; "
        f"{plural(result.vendors, 'vendor')} checked"
    )
    if result.links:
        ok = sum(1 for r in result.links if r.verdict.value in ("ok", "redirected"))
        line += f", {ok} of {plural(len(result.links), 'link')} ok"
    return line


def report(result: CheckResult, stream: TextIO, *, color: bool | None = None) -> None:
    paint = use_color(stream) if color is None else color
    for notice in result.notices:
        stream.write(f"note: {_safe(notice)}\n")
    for finding in result.findings:
        severity = finding.severity.value
        if paint:
            severity = f"{_COLORS[finding.severity]}{severity}{_RESET}"
        stream.write(f"{location(finding)}: {severity} [{finding.rule}] {_safe(finding.message)}\n")
        if finding.suggestion:
            hint = f"  suggestion: {_safe(finding.suggestion)}"
            stream.write(f"{_DIM}{hint}{_RESET}\n" if paint else f"{hint}\n")
    stream.write(totals(result) + "\n")
