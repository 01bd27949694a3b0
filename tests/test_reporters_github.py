"""GitHub annotations: what the runner makes of our output, checked with a port of its parser."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from checker.model import CheckResult, Finding, RuleInfo, Severity
from checker.reporters import github
from checker.reporters.github import (
    ANNOTATIONS_PER_TYPE,
    MAX_MESSAGE_CHARS,
    _is_hidden,
    escape_data,
    escape_property,
    neutralize,
    relative_path,
    stop_commands,
)
from tests.runner_commands import (
    Runner,
    legacy_prefix_present,
    split_lines,
    try_parse_legacy,
    try_parse_v2,
    unescape_data,
    unescape_property,
)

ANNOTATION_COMMANDS = {"error", "warning", "notice"}

INJECTIONS = [
    "::error::x",
    "::add-mask::secret",
    "::stop-commands::tok",
    "  ::set-output name=x::y",
    "##[add-mask]x",
    "##[error]x",
    "text ##[warning file=a.md;line=1]fake",
    "###[add-mask]x",
    "#\u200b#[add-mask]x",
    "#\u0301#[add-mask]x",
    "\u200b::add-mask::x",
    "%0A::error::smuggled",
    "%0D%0A::add-mask::x",
    "100%25 and %",
    "a\rb",
    "a\nb",
    "a\r\nb",
    "line\n::add-mask::secret",
    "line\r::error::x",
    "line\r\n##[group]x",
    "comma, colon: equals= semicolon; bracket]",
    "para\u2028graph\u2029next\x85nel",
    "\x1b[31mred\x1b[0m and \x9b31m",
    "bidi \u202eevil\u202c and bom \ufeff",
    "nul\x00 bell\x07 del\x7f",
    "x" * 10_000,
    "::" + "y" * 10_000 + "\n##[add-mask]z",
]


def _run(result: CheckResult) -> tuple[str, Runner]:
    stream = io.StringIO()
    github.report(result, stream)
    output = stream.getvalue()
    runner = Runner()
    runner.feed(output)
    return output, runner


def _findings_for(text: str) -> tuple[list[Finding], list[RuleInfo]]:
    """One finding per place untrusted text can reach: message, suggestion, path, rule text."""
    rule = RuleInfo(
        id="field-mismatch",
        summary=f"Summary {text}",
        description=text,
        default_severity=Severity.ERROR,
        help_uri=f"https://example.com/rules#{text[:50]}",
    )
    findings = [
        Finding(
            path="docs/subprocessors.md",
            line=3,
            column=5,
            rule="field-mismatch",
            severity=Severity.ERROR,
            message=f"Vendor {text} differs",
            suggestion=f"Write {text}",
        ),
        Finding(
            path=f"docs/{text}.md",
            line=7,
            column=None,
            rule="unknown-rule",
            severity=Severity.WARNING,
            message="plain",
        ),
        Finding(
            path="",
            line=None,
            column=None,
            rule="missing-table",
            severity=Severity.NOTICE,
            message=text,
        ),
    ]
    return findings, [rule]


def _assert_raw_text_is_inert(text: str) -> None:
    """Printed on its own, ``text`` must not make the runner do anything."""
    runner = Runner()
    runner.feed(text)
    assert runner.executed == [], text
    for line in split_lines(text):
        assert not legacy_prefix_present(line), line


@pytest.mark.parametrize("text", INJECTIONS, ids=lambda t: repr(t[:30]))
def test_hostile_text_yields_exactly_our_annotations(text: str) -> None:
    findings, rules = _findings_for(text)
    output, runner = _run(CheckResult(findings=findings, rules=rules))

    lines = split_lines(output)
    assert len(lines) == 3, "one output line per finding, nothing split or added"
    assert runner.plain == []
    assert sorted(c.command for c in runner.executed) == ["error", "notice", "warning"]
    for line in lines:
        assert not legacy_prefix_present(line)
        assert "\r" not in line
        for forbidden in ("\x1b", "\u2028", "\u2029", "\x85", "\x00"):
            assert forbidden not in line

    by_kind = {c.command: c for c in runner.executed}
    error, warning, notice = by_kind["error"], by_kind["warning"], by_kind["notice"]
    # Properties come back as the (neutralized) values we meant, with the runner's unescaping.
    assert error.prop("file") == "docs/subprocessors.md"
    assert (error.prop("line"), error.prop("col")) == ("3", "5")
    assert error.prop("title") == neutralize(" ".join(f"[field-mismatch] Summary {text}".split()))
    assert warning.prop("file") == neutralize(f"docs/{text}.md")
    assert warning.prop("line") == "7"
    assert warning.prop("col") is None
    assert notice.prop("file") is None and notice.prop("line") is None

    # The message round-trips, apart from the documented neutralization (and the length cap).
    expected = neutralize(f"Vendor {text} differs")
    if len(expected) < MAX_MESSAGE_CHARS - 200:
        assert error.data.startswith(expected + "\n")
        assert f"\nSuggestion: {neutralize(f'Write {text}')}\n" in error.data
        assert neutralize(f"https://example.com/rules#{text[:50]}") in error.data
    else:
        assert error.data.startswith(expected[:1000])
    assert "Rule: field-mismatch" in error.data
    assert notice.data.startswith(neutralize(text.strip())[:1000])

    # Whatever the runner hands on (annotation text, titles, paths) is inert even if printed raw.
    for command in runner.executed:
        _assert_raw_text_is_inert(command.data)
        for value in command.properties.values():
            _assert_raw_text_is_inert(value)


def test_neutralized_text_keeps_what_the_reader_needs() -> None:
    assert neutralize("##[add-mask]x") == "#%23[add-mask]x"
    assert neutralize("::add-mask::x") == "%3A:add-mask::x"
    assert neutralize("a\u2028b\x1b[31m") == "a\\u2028b\\x1b[31m"
    assert neutralize("a\r\nb\rc") == "a\nb\nc"


ordinary_text = st.text(
    # Letters, digits, punctuation and spaces a reader can see: the default-ignorable ones
    # (Hangul fillers, variation selectors …) render as nothing and are escaped on purpose.
    alphabet=st.characters(categories=["L", "N", "P", "S", "Zs"]).filter(
        lambda ch: not _is_hidden(ch)
    ),
    max_size=60,
)


@given(ordinary_text)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assume("##[" not in text)
    assume(not any(line.lstrip().startswith("::") for line in text.split("\n")))
    assert neutralize(text) == text


@settings(max_examples=300)
@given(st.text(max_size=80))
def test_escaping_round_trips_through_the_runner(text: str) -> None:
    assert unescape_data(escape_data(text)) == neutralize(text)
    assert unescape_property(escape_property(text)) == neutralize(text)
    assert neutralize(neutralize(text)) == neutralize(text)
    assert "\r" not in escape_data(text) and "\n" not in escape_data(text)
    assert not {":", ",", "\r", "\n"} & set(escape_property(text))


hostile_alphabet = st.sampled_from(
    ["#", "[", "]", ":", ":", "%", "\r", "\n", " ", "\u200b", "\u0301", "\x00", "a", "add-mask"]
)


@settings(max_examples=300)
@given(st.lists(hostile_alphabet, max_size=30).map("".join))
def test_neutralized_text_never_commands_the_runner(text: str) -> None:
    _assert_raw_text_is_inert(neutralize(text))
    line = github.command("error", {"file": text, "title": text}, text)
    runner = Runner()
    runner.feed(line + "\n")
    assert [c.command for c in runner.executed] == ["error"]
    (parsed,) = runner.executed
    assert parsed.data == neutralize(text)
    if neutralize(text).strip():
        assert parsed.prop("file") == neutralize(text)
    assert not legacy_prefix_present(line)


def test_the_port_sees_the_attacks_we_defend_against() -> None:
    """The parser port must itself detect what the raw strings would do, or tests prove nothing."""
    registered = {"add-mask", "error"}
    assert try_parse_v2("  ::add-mask::x", registered) is not None
    assert try_parse_legacy("text ##[add-mask]x", registered) is not None
    assert legacy_prefix_present("#\u200b#[add-mask]x")
    runner = Runner()
    runner.feed("ok\r::add-mask::x\n")
    assert [c.command for c in runner.executed] == ["add-mask"]


def _finding(severity: Severity, path: str, line: int) -> Finding:
    return Finding(
        path=path, line=line, column=1, rule="r", severity=severity, message=f"{path}:{line}"
    )


def test_cap_keeps_the_first_findings_of_each_type_and_reports_totals() -> None:
    findings = (
        [_finding(Severity.ERROR, f"e{i:02}.md", 30 - i) for i in range(25)]
        + [_finding(Severity.WARNING, "w.md", i) for i in range(1, 4)]
        + [_finding(Severity.NOTICE, "n.md", 20 - i) for i in range(12)]
    )
    _, runner = _run(CheckResult(findings=list(reversed(findings))))
    commands = runner.executed
    per_type = {kind: [c for c in commands if c.command == kind] for kind in ANNOTATION_COMMANDS}
    assert all(len(cs) <= ANNOTATIONS_PER_TYPE for cs in per_type.values())
    assert len(per_type["error"]) == 10
    assert len(per_type["warning"]) == 3
    assert len(per_type["notice"]) == 10  # nine findings and the totals notice

    kept_errors = [(c.prop("file"), int(c.prop("line") or 0)) for c in per_type["error"]]
    all_errors = sorted((f.path, f.line or 0) for f in findings if f.severity is Severity.ERROR)
    assert kept_errors == all_errors[:10]
    kept_notices = [int(c.prop("line") or 0) for c in per_type["notice"][:-1]]
    assert kept_notices == sorted(f.line or 0 for f in findings if f.path == "n.md")[:9]

    totals = commands[-1]
    assert totals.command == "notice" and totals.prop("file") is None
    assert "25 errors, 3 warnings, 12 notices" in totals.data
    assert "job summary" in totals.data
    # Output is ordered by path and line.
    located = [(c.prop("file"), int(c.prop("line") or 0)) for c in commands[:-1]]
    assert located == sorted(located)


def test_no_totals_notice_when_everything_fits() -> None:
    findings = [
        _finding(severity, f"{severity.value}.md", i)
        for severity in Severity
        for i in range(1, ANNOTATIONS_PER_TYPE + 1)
    ]
    _, runner = _run(CheckResult(findings=findings))
    assert len(runner.executed) == 3 * ANNOTATIONS_PER_TYPE
    assert all(c.prop("file") for c in runner.executed)


def test_overflow_elsewhere_costs_one_notice_place() -> None:
    findings = [_finding(Severity.ERROR, "e.md", i) for i in range(1, 12)] + [
        _finding(Severity.NOTICE, "n.md", i) for i in range(1, 11)
    ]
    _, runner = _run(CheckResult(findings=findings))
    notices = [c for c in runner.executed if c.command == "notice"]
    assert len(notices) == ANNOTATIONS_PER_TYPE
    assert "11 errors, 0 warnings, 10 notices" in notices[-1].data


def test_locations_follow_the_runners_rules() -> None:
    findings = [
        Finding("a\\b.md", 4, 2, "r", Severity.ERROR, "m", end_line=4, end_column=9),
        Finding("./c.md", 5, 3, "r", Severity.ERROR, "m", end_line=7, end_column=1),
        Finding("d.md", 9, 6, "r", Severity.ERROR, "m", end_line=2, end_column=1),
        Finding("e.md", None, None, "r", Severity.ERROR, "m"),
        Finding("", 3, 3, "r", Severity.ERROR, "m"),
    ]
    _, runner = _run(CheckResult(findings=findings))
    by_file = {c.prop("file"): c for c in runner.executed}
    one_line = by_file["a/b.md"]
    assert [one_line.prop(k) for k in ("line", "endLine", "col", "endColumn")] == [
        "4",
        "4",
        "2",
        "9",
    ]
    multi = by_file["c.md"]
    assert (multi.prop("line"), multi.prop("endLine")) == ("5", "7")
    assert multi.prop("col") is None and multi.prop("endColumn") is None
    backwards = by_file["d.md"]
    assert backwards.prop("line") == "9" and backwards.prop("endLine") is None
    assert by_file["e.md"].prop("line") is None
    plain = by_file[None]
    assert plain.prop("line") is None and plain.prop("title") == "[r] R"


def test_title_and_message_use_rule_info() -> None:
    rule = RuleInfo(
        "stale-date",
        "Effective date is current",
        "long doc",
        Severity.WARNING,
        help_uri="https://docs.example/rules#stale-date",
    )
    finding = Finding(
        "p.md", 2, None, "stale-date", Severity.WARNING, "Date is old.", suggestion="Use today."
    )
    _, runner = _run(CheckResult(findings=[finding], rules=[rule]))
    (annotation,) = runner.executed
    assert annotation.prop("title") == "[stale-date] Effective date is current"
    assert "Date is old." in annotation.data
    assert "Suggestion: Use today." in annotation.data
    assert "stale-date" in annotation.data
    assert "https://docs.example/rules#stale-date" in annotation.data


def test_long_messages_fit_githubs_limit_and_keep_the_rule() -> None:
    finding = Finding("p.md", 1, 1, "r", Severity.ERROR, "é" * 9000, suggestion="s" * 3000)
    _, runner = _run(CheckResult(findings=[finding]))
    (annotation,) = runner.executed
    assert len(annotation.data) <= MAX_MESSAGE_CHARS
    assert annotation.data.endswith("Rule: r")
    assert "…" in annotation.data


def test_stop_commands_suspends_processing_of_raw_text() -> None:
    stream = io.StringIO()
    with stop_commands(stream) as token:
        stream.write("::add-mask::secret\n##[error]fake\n::error::also fake\n")
        stream.write(f"::{token[:-1]}::\n")  # a near-miss token does not resume
    stream.write("::notice::after\n")
    runner = Runner()
    runner.feed(stream.getvalue())
    assert [c.command.lower() for c in runner.executed] == ["stop-commands", token, "notice"]

    with pytest.raises(RuntimeError), stop_commands(stream) as second:
        raise RuntimeError
    assert second != token
    assert stream.getvalue().endswith(f"::{second}::\n")


def test_relative_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "repo"
    (root / "docs").mkdir(parents=True)
    assert relative_path(root / "docs" / "x.md", root) == "docs/x.md"
    assert relative_path(str(root) + "/docs/../docs/x.md", str(root)) == "docs/x.md"
    monkeypatch.chdir(root / "docs")
    assert relative_path("x.md", root) == "docs/x.md"
    assert relative_path("sub\\y.md", root) == "docs/sub/y.md"
    outside = relative_path(tmp_path / "other.md", root)
    assert outside == (tmp_path / "other.md").as_posix()
    assert not outside.startswith("..")
    assert relative_path(root, root) == "."
    assert os.sep not in relative_path(root / "docs" / "x.md", root).replace("/", "")
