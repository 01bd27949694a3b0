"""One JSON object on the stream: findings, summary, notices and link results.

The shape is a contract other tools rely on; add keys, never rename or remove them.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from checker import __version__
from checker.model import CheckResult, Finding, LinkResult, Severity


def finding_dict(finding: Finding) -> dict[str, Any]:
    data: dict[str, Any] = {
        "rule": finding.rule,
        "severity": finding.severity.value,
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "end_line": finding.end_line,
        "end_column": finding.end_column,
        "message": finding.message,
        "suggestion": finding.suggestion,
    }
    if finding.context:
        data["context"] = finding.context
    return data


def link_dict(link: LinkResult) -> dict[str, Any]:
    return {
        "url": link.url,
        "verdict": link.verdict.value,
        "status": link.status,
        "final_url": link.final_url,
        "attempts": link.attempts,
        "seconds": round(link.seconds, 3),
        "error": link.error,
        "lines": [{"path": p, "line": n} for p, n in link.lines],
        "cached": link.from_cache,
    }


def as_dict(result: CheckResult) -> dict[str, Any]:
    return {
        "version": __version__,
        "findings": [finding_dict(f) for f in result.findings],
        "summary": {
            "errors": result.count(Severity.ERROR),
            "warnings": result.count(Severity.WARNING),
            "notices": result.count(Severity.NOTICE),
            "documents": len(result.documents),
            "vendors": result.vendors,
            "links": len(result.links),
        },
        "documents": result.documents,
        "base": next((page.base for page in result.pages if page.base), None),
        "notices": result.notices,
        "links": [link_dict(r) for r in result.links],
    }


def report(result: CheckResult, stream: TextIO) -> None:
    json.dump(as_dict(result), stream, indent=2, ensure_ascii=False)
    stream.write("\n")
