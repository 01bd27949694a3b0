"""Text for terminals and logs: one greppable line per finding, the line it is about, a summary.

Each finding starts with ``path:line:col: severity [rule] message`` (editors and ``grep`` read
that), followed by the offending source line with a caret under the cell, the registry's
expected value beside the caret, the suggestion, and the rule's reference link::

    docs/subprocessors.md:9:33: error [field-mismatch] The location of 'Slack' is …
       |
     9 | | [Slack](https://slack.com/) | Germany | Chat |
       |                                 ^^^^^^^ expected: USA
       = see: docs/rules.md#field-mismatch

Findings come grouped by file and sorted by line; notes follow, and the last line sums up
(``2 errors, 1 warning in 1 file; 13 vendors checked, 12 links ok``). ``quiet`` prints the
first line of each finding and nothing else, like ``ruff --quiet``: a clean run is silent.

Colour only on a terminal, never with ``NO_COLOR`` set, unless ``--color`` says otherwise.
Page text is untrusted: every piece of it goes through :func:`safe`, so a cell cannot move
the cursor, change colours or clear the screen.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterable
from typing import TextIO

from checker.model import CheckResult, Finding, RuleInfo, Severity
from checker.reporters.words import totals

_COLORS = {Severity.ERROR: "\033[31m", Severity.WARNING: "\033[33m", Severity.NOTICE: "\033[36m"}
_BOLD = "\033[1m"
_DIM = "\033[2m"
_BLUE = "\033[34m"
_GREEN = "\033[32m"
_RESET = "\033[0m"

MAX_EXCERPT = 100
"""Source lines longer than this many columns are shown as a window around the caret."""

_CONTEXT_BEFORE = 40
"""Columns kept before the caret when a long line is cut."""

_TAB = 4


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


def _safe_char(ch: str) -> str:
    if ch == "\t":
        return " " * _TAB
    if ch == " " or ch.isprintable():
        return ch
    if unicodedata.category(ch) == "Zs":  # no-break and other spaces: a space on screen
        return " "
    return "\ufffd"


def safe(text: str) -> str:
    """Text that cannot drive a terminal: control characters (ESC, CR, BEL …), line
    separators and invisible format characters (bidi overrides, zero-width …) become
    U+FFFD; tabs and other spaces become spaces."""
    return "".join(_safe_char(ch) for ch in text)


_safe = safe  # the name other modules used before it was public


def _width(ch: str) -> int:
    """Columns a (safe) character takes in a terminal."""
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def _cell_end(text: str, start: int) -> int:
    """Index just past a table cell that starts at ``start`` (0-based): before the next
    unescaped pipe, trailing blanks trimmed; the end of the text when there is no pipe."""
    i = start
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == "|":
            break
        i += 1
    end = min(i, len(text))
    while end > start + 1 and text[end - 1] == " ":
        end -= 1
    return end


def underline(finding: Finding, source: str) -> tuple[int, int]:
    """0-based [start, end) of what to underline on ``source`` (end > start)."""
    start = max((finding.column or 1) - 1, 0)
    if start >= len(source):
        return len(source), len(source) + 1
    same_line = finding.end_line in (None, finding.line)
    if finding.end_column is not None and same_line and finding.end_column - 1 > start:
        return start, min(finding.end_column - 1, len(source))
    if "|" in source:
        return start, max(_cell_end(source, start), start + 1)
    return start, start + 1


def _excerpt(source: str, start: int, end: int) -> tuple[str, str]:
    """The source line made safe (a window of it when long), and the caret line under it."""
    prefix = suffix = ""
    if len(source) > MAX_EXCERPT:
        first = max(0, start - _CONTEXT_BEFORE)
        if end > first + MAX_EXCERPT:  # bring the whole underline into view if it fits
            first = max(0, min(start - 1, end + 1 - MAX_EXCERPT))
        first = min(first, len(source) - MAX_EXCERPT)
        last = first + MAX_EXCERPT
        prefix = "…" if first > 0 else ""
        suffix = "…" if last < len(source) else ""
        source, start, end = source[first:last], start - first, min(end, last) - first
    before = prefix + safe(source[:start])
    marked = safe(source[start:end])
    pad = sum(_width(c) for c in before)
    carets = max(sum(_width(c) for c in marked), 1)
    return (before + safe(source[start:]) + suffix).rstrip(), " " * pad + "^" * carets


def _doc_link(finding: Finding, rules: dict[str, RuleInfo]) -> str | None:
    info = rules.get(finding.rule)
    return info.help_uri if info is not None and info.help_uri else None


class _Painter:
    def __init__(self, on: bool) -> None:
        self.on = on

    def __call__(self, text: str, *codes: str) -> str:
        if not self.on or not codes or not text:
            return text
        return "".join(codes) + text + _RESET


def _finding_block(
    finding: Finding,
    sources: dict[str, list[str]],
    rules: dict[str, RuleInfo],
    gutter: int,
    paint: _Painter,
) -> list[str]:
    color = _COLORS[finding.severity]
    head = (
        f"{paint(safe(location(finding)), _BOLD)}: "
        f"{paint(finding.severity.value, _BOLD, color)} "
        f"[{finding.rule}] {safe(finding.message)}"
    )
    lines = [head]
    bar = paint(" " * gutter + " |", _BLUE)
    expected = finding.context.get("expected")
    expected_text = safe(str(expected)) if expected is not None else None
    source_lines = sources.get(finding.path)
    if (
        source_lines is not None
        and finding.line is not None
        and 0 < finding.line <= len(source_lines)
    ):
        source = source_lines[finding.line - 1]
        start, end = underline(finding, source)
        text, carets = _excerpt(source, start, end)
        label = f" expected: {expected_text}" if expected_text is not None else ""
        lines += [
            bar,
            f"{paint(f'{finding.line:>{gutter}} |', _BLUE)} {text}",
            f"{bar} {paint(carets, _BOLD, color)}{paint(label, _GREEN)}",
        ]
        expected_text = None  # shown beside the caret
    note = paint(" " * gutter + " =", _BLUE)
    if expected_text is not None:
        lines.append(f"{note} expected: {paint(expected_text, _GREEN)}")
    if finding.suggestion and safe(finding.suggestion) != safe(str(expected or "")):
        lines.append(f"{note} suggestion: {paint(safe(finding.suggestion), _GREEN)}")
    link = _doc_link(finding, rules)
    if link is not None:
        lines.append(f"{note} see: {paint(safe(link), _DIM)}")
    return lines


def _by_file(findings: Iterable[Finding]) -> dict[str, list[Finding]]:
    groups: dict[str, list[Finding]] = {}
    for finding in sorted(findings, key=Finding.sort_key):
        groups.setdefault(finding.path, []).append(finding)
    return groups


def report(
    result: CheckResult, stream: TextIO, *, color: bool | None = None, quiet: bool = False
) -> None:
    """Write ``result`` for a person: findings with their lines, notes, a summary line."""
    paint = _Painter(use_color(stream) if color is None else color)
    if quiet:
        for finding in sorted(result.findings, key=Finding.sort_key):
            severity = paint(finding.severity.value, _COLORS[finding.severity])
            stream.write(
                f"{safe(location(finding))}: {severity} [{finding.rule}] {safe(finding.message)}\n"
            )
        return
    rules = {info.id: info for info in result.rules}
    for findings in _by_file(result.findings).values():
        gutter = max(1, *(len(str(f.line or "")) for f in findings))
        for finding in findings:
            block = _finding_block(finding, result.sources, rules, gutter, paint)
            stream.write("\n".join(block) + "\n\n")
    for notice in result.notices:
        stream.write(f"{paint('note', _BOLD)}: {safe(notice)}\n")
    summary = totals(result)
    errors = result.count(Severity.ERROR)
    stream.write(paint(summary, _BOLD, _COLORS[Severity.ERROR] if errors else _GREEN) + "\n")
