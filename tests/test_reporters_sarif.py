"""SARIF output: schema-valid, and shaped the way GitHub code scanning needs it."""

from __future__ import annotations

import dataclasses
import io
import json
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
from jsonschema import FormatChecker
from jsonschema.validators import validator_for

from checker.model import CheckResult, Finding, RuleInfo, Severity
from checker.reporters import sarif

SCHEMA_PATH = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"

RULES = [
    RuleInfo(
        "field-mismatch",
        "Rows match the registry",
        "Each row's name, location and purpose must equal the registry entry.",
        Severity.ERROR,
        help_uri="https://example.com/docs/rules#field-mismatch",
    ),
    RuleInfo("stale-date", "Effective date is current", "", Severity.WARNING),
    RuleInfo("table-missing", "The page has a table", "Long text.", Severity.NOTICE),
]


def _findings(shift: int = 0) -> list[Finding]:
    return [
        Finding(
            "docs/sub processors.md",
            3 + shift,
            5,
            "field-mismatch",
            Severity.ERROR,
            "Location of 'Acme' is US but the registry says EU.",
            suggestion="EU",
            end_line=3 + shift,
            end_column=7,
            context={"vendor": "Acme", "field": "location", "actual": "US"},
        ),
        Finding(
            "docs/sub processors.md",
            9 + shift,
            1,
            "field-mismatch",
            Severity.ERROR,
            "Location of 'Beta' differs.",
            context={"vendor": "Beta", "field": "location"},
        ),
        Finding(
            "docs/sub processors.md",
            1 + shift,
            None,
            "stale-date",
            Severity.WARNING,
            f"Date on line {1 + shift} is old.",
        ),
        Finding(
            "docs/sub processors.md", None, None, "table-missing", Severity.NOTICE, "No table."
        ),
        Finding("", None, None, "not-described", Severity.WARNING, "Registry problem."),
    ]


@cache
def _validator() -> Any:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    # No check_schema: the official schema's run.language pattern "^(?i)…" is not a valid
    # Python regex, so the metaschema's format check rejects it. We never emit "language".
    cls = validator_for(schema)
    return cls(schema, format_checker=FormatChecker())


def _log(result: CheckResult, **kwargs: Any) -> dict[str, Any]:
    stream = io.StringIO()
    if kwargs:
        json.dump(sarif.to_sarif(result, **kwargs), stream)
    else:
        sarif.report(result, stream)
    log: dict[str, Any] = json.loads(stream.getvalue())
    errors = sorted(_validator().iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors)
    return log


def _strings(node: Any, where: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, str):
        yield where, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield where, key
            yield from _strings(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _strings(value, f"{where}/{index}")


def _result() -> CheckResult:
    return CheckResult(
        findings=_findings(), documents=["docs/sub processors.md"], rules=list(RULES)
    )


def test_vendored_schema_is_the_sarif_2_1_0_schema() -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["properties"]["version"]["enum"] == ["2.1.0"]
    assert "reportingDescriptor" in schema["definitions"]
    # The validator really rejects bad logs, so "valid" below means something.
    bad = {"version": "2.1.0", "runs": [{"tool": {"driver": {}}}]}
    assert list(_validator().iter_errors(bad))
    bad_level = _log(_result())
    bad_level["runs"][0]["results"][0]["level"] = "fatal"
    assert list(_validator().iter_errors(bad_level))


def test_log_meets_githubs_code_scanning_requirements() -> None:
    log = _log(_result())
    assert log["version"] == "2.1.0"
    assert log["$schema"].startswith("https://")
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "subprocessor-check"
    assert driver["version"]
    rules = driver["rules"]
    ids = [rule["id"] for rule in rules]
    assert len(ids) == len(set(ids))
    for rule in rules:
        assert rule["shortDescription"]["text"]
        assert rule["fullDescription"]["text"]
        assert rule["help"]["text"]
        assert re.fullmatch(r"[A-Z][A-Za-z0-9]*", rule["name"])
        assert rule["defaultConfiguration"]["level"] in {"error", "warning", "note"}

    results = run["results"]
    assert len(results) == len(_findings())
    for entry in results:
        assert rules[entry["ruleIndex"]]["id"] == entry["ruleId"]
        assert entry["level"] in {"error", "warning", "note"}
        assert entry["message"]["text"].strip()
        assert entry["partialFingerprints"]
        location = entry["locations"][0]["physicalLocation"]
        uri = location["artifactLocation"]["uri"]
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        parts = urlsplit(uri)
        assert not parts.scheme and not parts.netloc and not uri.startswith("/")
        assert "\\" not in uri and ".." not in uri.split("/")
        assert unquote(uri) == "docs/sub processors.md"


def test_regions_only_where_the_finding_has_a_line() -> None:
    run = _log(_result())["runs"][0]
    by_message = {r["message"]["text"].split("\n")[0]: r for r in run["results"]}
    first = by_message["Location of 'Acme' is US but the registry says EU."]
    assert first["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 3,
        "startColumn": 5,
        "endLine": 3,
        "endColumn": 7,
    }
    assert first["message"]["text"].endswith("\nSuggestion: EU")
    file_level = by_message["No table."]["locations"][0]["physicalLocation"]
    assert "region" not in file_level
    assert unquote(file_level["artifactLocation"]["uri"]) == "docs/sub processors.md"
    # No path of its own: placed on the checked document, without a region.
    placed = by_message["Registry problem."]["locations"][0]["physicalLocation"]
    assert "region" not in placed
    # No document either: no location at all rather than an invented one.
    lonely = CheckResult(findings=[_findings()[-1]])
    assert "locations" not in _log(lonely)["runs"][0]["results"][0]


def test_no_empty_strings_anywhere() -> None:
    result = _result()
    result.rules.append(RuleInfo("blank", " ", "", Severity.NOTICE))
    result.findings.append(Finding("x.md", 2, 0, "blank", Severity.NOTICE, "  ", suggestion=""))
    result.findings.append(Finding("x.md", 2, 1, "", Severity.NOTICE, "no rule"))
    for where, text in _strings(_log(result)):
        assert text.strip(), f"empty string at {where}"


def test_levels_follow_severity() -> None:
    run = _log(_result())["runs"][0]
    levels = {(r["ruleId"], r["level"]) for r in run["results"]}
    assert ("field-mismatch", "error") in levels
    assert ("stale-date", "warning") in levels
    assert ("table-missing", "note") in levels
    defaults = {r["id"]: r["defaultConfiguration"]["level"] for r in run["tool"]["driver"]["rules"]}
    assert defaults["stale-date"] == "warning" and defaults["table-missing"] == "note"


def test_rules_missing_from_result_get_a_minimal_description() -> None:
    run = _log(_result())["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert set(rules) >= {"field-mismatch", "stale-date", "table-missing", "not-described"}
    assert rules["not-described"]["name"] == "NotDescribed"
    assert rules["field-mismatch"]["helpUri"] == "https://example.com/docs/rules#field-mismatch"
    assert (
        "https://example.com/docs/rules#field-mismatch" in rules["field-mismatch"]["help"]["text"]
    )
    assert "helpUri" not in rules["stale-date"]


def _prints(findings: list[Finding]) -> list[str]:
    log = _log(CheckResult(findings=findings, documents=["docs/sub processors.md"], rules=RULES))
    results = log["runs"][0]["results"]
    return [r["partialFingerprints"][sarif.FINGERPRINT_KEY] for r in results]


def _by_message(findings: list[Finding]) -> dict[str, str]:
    log = _log(CheckResult(findings=findings, documents=["docs/sub processors.md"], rules=RULES))
    return {
        re.sub(r"\d+", "N", r["message"]["text"]): r["partialFingerprints"][sarif.FINGERPRINT_KEY]
        for r in log["runs"][0]["results"]
    }


def test_fingerprints_survive_lines_moving() -> None:
    assert _by_message(_findings()) == _by_message(_findings(shift=12))


def test_fingerprints_tell_findings_apart() -> None:
    prints = _prints(_findings())
    assert len(set(prints)) == len(prints)
    twins = [
        Finding("a.md", line, 1, "malformed-row", Severity.ERROR, "Row has 3 cells.")
        for line in (4, 8)
    ]
    assert len(set(_prints(twins))) == 2
    # The vendor named, not the wrong value it currently has, is the identity.
    acme = _findings()[0]
    edited = dataclasses.replace(acme, context={**acme.context, "actual": "Mars"}, message="x")
    assert _prints([acme]) == _prints([edited])
    moved = dataclasses.replace(acme, path="docs/other.md")
    other_vendor = dataclasses.replace(acme, context={**acme.context, "vendor": "Zed"})
    assert len({*_prints([acme]), *_prints([moved]), *_prints([other_vendor])}) == 3


@pytest.mark.parametrize(
    "path", ["docs/a b#c%d?.md", "docs/ünïcode/ß.md", "./docs\\win.md", "docs/[x](y).md"]
)
def test_uris_are_valid_references_that_decode_to_the_path(path: str) -> None:
    finding = Finding(path, 1, 1, "r", Severity.ERROR, "m")
    log = _log(CheckResult(findings=[finding]))
    uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"][
        "uri"
    ]
    assert re.fullmatch(r"[A-Za-z0-9\-._~/%]+", uri)
    expected = path.replace("\\", "/").removeprefix("./")
    assert unquote(uri) == expected


def test_output_is_ascii_json_and_information_uri_comes_from_the_action(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    finding = Finding("p.md", 1, 1, "r", Severity.ERROR, "Vendor “Ünï” \udcff")
    stream = io.StringIO()
    monkeypatch.delenv("GITHUB_ACTION_REPOSITORY", raising=False)
    sarif.report(CheckResult(findings=[finding]), stream)
    assert stream.getvalue().isascii()
    assert "informationUri" not in json.loads(stream.getvalue())["runs"][0]["tool"]["driver"]

    monkeypatch.setenv("GITHUB_SERVER_URL", "https://github.com")
    monkeypatch.setenv("GITHUB_ACTION_REPOSITORY", "acme/subprocessor-check")
    driver = _log(CheckResult(findings=[]))["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == "https://github.com/acme/subprocessor-check"
    explicit = _log(CheckResult(), information_uri="https://example.org/tool")
    assert explicit["runs"][0]["tool"]["driver"]["informationUri"] == "https://example.org/tool"
