"""Small pieces of wording every face and reporter shares: counts, totals, hidden characters."""

from __future__ import annotations

from checker.model import CheckResult, Severity, Verdict


def plural(count: int, noun: str) -> str:
    """``1 error``, ``2 errors``.

    >>> plural(1, "error"), plural(3, "vendor")
    ('1 error', '3 vendors')
    """
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def counts(result: CheckResult) -> str:
    """Errors and warnings always, notices when there are any: ``2 errors, 1 warning``."""
    parts = [
        plural(result.count(Severity.ERROR), "error"),
        plural(result.count(Severity.WARNING), "warning"),
    ]
    notices = result.count(Severity.NOTICE)
    if notices:
        parts.append(plural(notices, "notice"))
    return ", ".join(parts)


def totals(result: CheckResult) -> str:
    """The summary line: ``2 errors, 1 warning in 1 file; 13 vendors checked, 12 links ok``.

    Link counts appear when links were checked, each verdict other than ok by name.
    """
    line = (
        f"{counts(result)} in {plural(len(result.documents), 'file')}; "
        f"{plural(result.vendors, 'vendor')} checked"
    )
    if result.links:
        by_verdict = {v: sum(1 for r in result.links if r.verdict is v) for v in Verdict}
        line += f", {plural(by_verdict.pop(Verdict.OK), 'link')} ok"
        line += "".join(f", {n} {v.value}" for v, n in by_verdict.items() if n)
    return line


def visible(char: str) -> str:
    """A hidden character written out as a Python-style escape.

    >>> visible("\\x1b"), visible("\\u2028"), visible("\\U000e0041")
    ('\\\\x1b', '\\\\u2028', '\\\\U000e0041')
    """
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"
