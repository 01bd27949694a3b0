"""SARIF 2.1.0 output, shaped for GitHub code scanning (``github/codeql-action/upload-sarif``).

Besides being valid against the SARIF 2.1.0 schema, the log follows what code scanning relies
on: one run whose ``tool.driver.rules`` describe every rule a result names (with
``shortDescription``, ``fullDescription`` and ``help`` texts), results with ``ruleId``,
``ruleIndex``, ``level`` and a non-empty ``message.text``, repository-relative POSIX
``artifactLocation.uri`` values under ``%SRCROOT%``, and ``partialFingerprints`` that stay the
same when lines move, so an alert keeps its identity (and its dismissal) when someone adds a row
above it. No string in the log is empty.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, TextIO
from urllib.parse import quote, urlsplit

from checker import __version__
from checker.model import CheckResult, Finding, RuleInfo, Severity

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
"""The ``$schema`` GitHub's own SARIF examples use."""

TOOL_NAME = "subprocessor-check"

SRCROOT = "%SRCROOT%"
"""The ``uriBaseId`` for repository-relative paths (the checkout root)."""

FINGERPRINT_KEY = "subprocessorCheck/v1"
"""Our ``partialFingerprints`` key; change the version if the identity recipe ever changes."""

IDENTITY_KEYS = ("vendor", "field", "column")
"""``Finding.context`` keys that name *what* a finding is about (not where it sits)."""

LEVELS: Mapping[Severity, str] = {
    Severity.ERROR: "error",
    Severity.WARNING: "warning",
    Severity.NOTICE: "note",
}

RULE_TAGS = ("gdpr", "subprocessors")

UNNAMED_RULE = "unnamed-rule"
"""Stands in for an empty ``Finding.rule``, since SARIF ids must not be empty."""


def rule_name(rule_id: str) -> str:
    """A rule id in PascalCase, as SARIF ``reportingDescriptor.name`` expects (``field-mismatch``
    → ``FieldMismatch``)."""
    parts = [p for p in rule_id.replace("_", "-").replace(" ", "-").split("-") if p]
    return "".join(p[:1].upper() + p[1:] for p in parts) or "Rule"


def _text(*candidates: str | None) -> str:
    """The first candidate with visible content, stripped; never empty."""
    for candidate in candidates:
        if candidate is not None and candidate.strip():
            return candidate.strip()
    return TOOL_NAME


def artifact_uri(path: str) -> tuple[str, str | None]:
    """The ``artifactLocation`` ``(uri, uriBaseId)`` for a finding's path.

    Relative paths become percent-encoded POSIX URI references under ``%SRCROOT%``; absolute
    paths (outside the repository) become ``file://`` URIs with no base.
    """
    posix = path.replace("\\", "/")
    while posix.startswith("./"):
        posix = posix[2:]
    if posix.startswith("/") or (len(posix) > 2 and posix[1] == ":" and posix[2] == "/"):
        absolute = posix if posix.startswith("/") else f"/{posix}"
        return f"file://{_quote(absolute)}", None
    return _quote(posix), SRCROOT


def _quote(path: str) -> str:
    """Percent-encode a path's UTF-8 bytes; undecodable file-name bytes (kept by Python as
    lone surrogates) are encoded as the bytes they stand for."""
    try:
        return quote(path, safe="/", errors="surrogateescape")
    except UnicodeEncodeError:
        return quote(path, safe="/", errors="surrogatepass")


def _rule_object(info: RuleInfo) -> dict[str, Any]:
    summary = _text(info.summary, info.id)
    description = _text(info.description, summary)
    help_text = description
    help_markdown = description
    absolute = bool(info.help_uri and urlsplit(info.help_uri).scheme in ("http", "https"))
    if info.help_uri:
        help_text = f"{description}\n\nDocumentation: {info.help_uri}"
        help_markdown = (
            f"{description}\n\n[Rule documentation]({info.help_uri})"
            if absolute
            else f"{description}\n\nDocumentation: `{info.help_uri}`"
        )
    rule: dict[str, Any] = {
        "id": info.id,
        "name": rule_name(info.id),
        "shortDescription": {"text": summary},
        "fullDescription": {"text": description},
        "help": {"text": help_text, "markdown": help_markdown},
        "defaultConfiguration": {"level": LEVELS[info.default_severity]},
        "properties": {"tags": list(RULE_TAGS)},
    }
    if absolute:  # SARIF wants an absolute URI; a repository path stays in the help text
        rule["helpUri"] = info.help_uri
    return rule


def _minimal_rule(rule_id: str, severity: Severity) -> dict[str, Any]:
    """A rule a result names but ``result.rules`` lacks: enough for code scanning to show it."""
    words = rule_id.replace("-", " ").replace("_", " ").strip().capitalize() or rule_id
    text = f"{words} ({TOOL_NAME} rule {rule_id})."
    return {
        "id": rule_id,
        "name": rule_name(rule_id),
        "shortDescription": {"text": words},
        "fullDescription": {"text": text},
        "help": {"text": text},
        "defaultConfiguration": {"level": LEVELS[severity]},
        "properties": {"tags": list(RULE_TAGS)},
    }


def _normalise(value: object) -> str:
    """Case, width and white space do not change an identity."""
    text = unicodedata.normalize("NFKC", str(value)).casefold()
    return " ".join(text.split())


def _identity(finding: Finding) -> str:
    """What the finding is about, without its line: the vendor/field/column it names, or
    else its message with numbers blanked (messages may quote line numbers)."""
    named = [f"{k}={_normalise(finding.context[k])}" for k in IDENTITY_KEYS if k in finding.context]
    if named:
        return "|".join(named)
    message = re.sub(r"\d+", "0", _normalise(finding.message))
    return f"message={message}"


def fingerprints(findings: list[Finding], uris: list[str]) -> list[str]:
    """One stable fingerprint per finding: hash of rule, file, identity and occurrence.

    Findings that share rule, file and identity are told apart by their order in the file,
    which survives lines moving as long as they keep their relative order.
    """
    seen: Counter[tuple[str, str, str]] = Counter()
    order = sorted(range(len(findings)), key=lambda i: findings[i].sort_key())
    prints = [""] * len(findings)
    for index in order:
        finding = findings[index]
        key = (finding.rule, uris[index], _identity(finding))
        seen[key] += 1
        material = "\0".join((*key, str(seen[key])))
        data = material.encode("utf-8", errors="surrogatepass")
        prints[index] = hashlib.sha256(data).hexdigest()
    return prints


def _positive(value: int | None) -> int | None:
    return value if value is not None and value >= 1 else None


def _region(finding: Finding) -> dict[str, int] | None:
    start_line = _positive(finding.line)
    if start_line is None:
        return None
    region = {"startLine": start_line}
    start_column = _positive(finding.column)
    if start_column is not None:
        region["startColumn"] = start_column
    end_line = _positive(finding.end_line)
    if end_line is not None and end_line >= start_line:
        region["endLine"] = end_line
    end_column = _positive(finding.end_column)
    if end_column is not None:
        same_line = end_line is None or end_line == start_line
        if not same_line or start_column is None or end_column >= start_column:
            region["endColumn"] = end_column
    return region


def _message(finding: Finding) -> str:
    text = _text(finding.message, f"Rule {finding.rule} reported a problem.")
    if finding.suggestion is not None and finding.suggestion.strip():
        text = f"{text}\nSuggestion: {finding.suggestion.strip()}"
    return text


def _default_information_uri() -> str | None:
    """The action's repository, when running as a GitHub Action."""
    server = os.environ.get("GITHUB_SERVER_URL", "").rstrip("/")
    repository = os.environ.get("GITHUB_ACTION_REPOSITORY", "").strip("/")
    return f"{server}/{repository}" if server and repository else None


def to_sarif(result: CheckResult, *, information_uri: str | None = None) -> dict[str, Any]:
    """The SARIF log for ``result`` as a JSON-ready dict.

    ``information_uri`` is the tool's home page; by default the action's repository from
    ``GITHUB_SERVER_URL``/``GITHUB_ACTION_REPOSITORY``, left out when unknown. Results are in
    path/line order. A finding without a path is placed on the first checked document, when
    there is one.
    """
    rules: list[dict[str, Any]] = []
    index_of: dict[str, int] = {}
    for info in result.rules:
        if info.id and info.id not in index_of:
            index_of[info.id] = len(rules)
            rules.append(_rule_object(info))
    findings = sorted(
        (f if f.rule.strip() else replace(f, rule=UNNAMED_RULE) for f in result.findings),
        key=Finding.sort_key,
    )
    for finding in findings:
        if finding.rule not in index_of:
            index_of[finding.rule] = len(rules)
            rules.append(_minimal_rule(finding.rule, finding.severity))

    fallback_path = next((d for d in result.documents if d.strip()), None)
    paths = [f.path if f.path.strip() else fallback_path for f in findings]
    locations = [artifact_uri(p) if p else None for p in paths]
    prints = fingerprints(findings, [loc[0] if loc else "" for loc in locations])

    results: list[dict[str, Any]] = []
    for finding, location, fingerprint in zip(findings, locations, prints, strict=True):
        entry: dict[str, Any] = {
            "ruleId": finding.rule,
            "ruleIndex": index_of[finding.rule],
            "level": LEVELS[finding.severity],
            "message": {"text": _message(finding)},
        }
        if location is not None:
            uri, base = location
            artifact: dict[str, str] = {"uri": uri}
            if base is not None:
                artifact["uriBaseId"] = base
            physical: dict[str, Any] = {"artifactLocation": artifact}
            region = _region(finding) if finding.path.strip() else None
            if region is not None:
                physical["region"] = region
            entry["locations"] = [{"physicalLocation": physical}]
        entry["partialFingerprints"] = {FINGERPRINT_KEY: fingerprint}
        results.append(entry)

    driver: dict[str, Any] = {
        "name": TOOL_NAME,
        "version": __version__,
        "semanticVersion": __version__,
        "rules": rules,
    }
    home = information_uri if information_uri is not None else _default_information_uri()
    if home:
        driver["informationUri"] = home
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def report(result: CheckResult, stream: TextIO) -> None:
    """Write the SARIF log for ``result`` to ``stream`` as JSON.

    Non-ASCII text is written as ``\\u`` escapes, so the output survives any stream encoding
    (and text decoded with ``surrogateescape`` cannot make the write fail).
    """
    json.dump(to_sarif(result), stream, ensure_ascii=True, indent=2)
    stream.write("\n")
