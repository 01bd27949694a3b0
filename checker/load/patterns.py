"""Patterns a config may give (date labels, link excludes, accepted codes), matched in linear time.

A pull request can change the config, so a pattern is hostile input: with Python's ``re`` the
label ``(a+)+b`` backtracks for minutes on one line of the page. Patterns are therefore compiled
with RE2 (google-re2), whose matching time grows linearly with the text whatever the pattern;
RE2 has no backreferences or lookarounds, and a pattern that uses them is refused with the
reason. A bad pattern is an ``InputError`` on its config line, never a traceback.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Protocol

import re2

from checker.errors import InputError

MAX_PATTERN_LENGTH = 300
"""Longer patterns are refused: compiling is linear too, but nobody needs more."""

MAX_PROGRAM_SIZE = 1000
"""Largest compiled RE2 program accepted. Matching is linear, but its factor grows with the
program: ``.{1,1000}Q`` compiles to 9,000 instructions and can cost microseconds a
character on every line of the page. A label such as ``Last (updated|revised)`` is 25."""

_MAX_MEM = 8 << 20
"""Memory RE2 may use for one compiled pattern (its default is 8 MiB as well; pinned here)."""


class Matcher(Protocol):
    """What callers need of a compiled pattern."""

    def search(self, text: str) -> object | None: ...


@dataclass(slots=True)
class PatternError(Exception):
    """A pattern RE2 cannot compile; ``reason`` is RE2's own words."""

    pattern: str
    """The pattern as written."""
    reason: str
    """Why it was refused."""

    def __str__(self) -> str:
        return f"invalid pattern {self.pattern!r}: {self.reason}"


@functools.lru_cache(maxsize=256)
def compile_pattern(pattern: str, *, ignore_case: bool = False) -> Matcher:
    """Compile ``pattern`` with RE2; ``PatternError`` when it is not a valid RE2 pattern.

    >>> compile_pattern("Last (updated|revised)").search("Last revised: 2026") is not None
    True
    >>> compile_pattern("(a+)+b").search("a" * 100_000) is None
    True
    >>> compile_pattern("(?=x)")
    Traceback (most recent call last):
    ...
    checker.load.patterns.PatternError: invalid pattern '(?=x)': invalid perl operator: (?=
    """
    if len(pattern) > MAX_PATTERN_LENGTH:
        raise PatternError(pattern[:40] + "…", f"longer than {MAX_PATTERN_LENGTH} characters")
    options = re2.Options()
    options.log_errors = False  # RE2 would print its own copy of the error on stderr
    options.max_mem = _MAX_MEM
    options.case_sensitive = not ignore_case
    try:
        compiled = re2.compile(pattern, options=options)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else str(exc)
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise PatternError(pattern, str(reason).removesuffix(f": {pattern}")) from None
    if compiled.programsize > MAX_PROGRAM_SIZE:
        raise PatternError(pattern, "too complex (large counted repetitions such as {1,1000})")
    return compiled


def check_pattern(pattern: str, shown: str, line: int | None, what: str) -> None:
    """Refuse a pattern a config gives, as ``InputError`` on its line (``what`` names the key)."""
    try:
        compile_pattern(pattern)
    except PatternError as exc:
        syntax = "patterns use RE2 syntax: no lookarounds or backreferences"
        raise InputError(shown, f"{what}: {exc} ({syntax})", line) from None
