"""The terminal output a person reads: findings by file and line, the source line with a caret,
the registry's value, the suggestion, the rule link, and one summary line."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

from checker import RULES_DOC_URL_ENV
from checker.cli import run
from checker.model import CheckResult, Finding, LinkResult, Severity, Verdict
from checker.reporters import text

PAGE = """\
Effective date: 2024-03-01

| Name | Location | Description |
| ---- | -------- | ----------- |
| [Stripe](https://stripe.com/) | USA | Payments |
| [Slack](https://slack.com/) | Germany | Chat |
| [Zoom](https://zoom.us/) | USA | Video |

See our [Privacy Policy](https://example.com/privacy).
"""

REGISTRY = """\
privacy_policy: https://example.com/privacy
subprocessors:
  - name: Stripe
    url: https://stripe.com/
    location: USA
    description: Payments
  - name: Slack
    url: https://slack.com/
    location: USA
    description: Chat
  - name: Intercom
    url: https://www.intercom.com/
    location: USA
    description: Support
  - name: Zoom
    url: https://zoom.us/
    location: USA
    description: Video
"""


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(autouse=True)
def _plain_links(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(RULES_DOC_URL_ENV, raising=False)
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    page, registry = tmp_path / "page.md", tmp_path / "registry.yml"
    page.write_text(PAGE)
    registry.write_text(REGISTRY)
    return page, registry


def _check(page: Path, registry: Path, *extra: str) -> tuple[int, str]:
    code, out, _ = cli("check", str(page), "-r", str(registry), "--color", "never", *extra)
    return code, out


def _caret_column(excerpt: str, carets: str) -> tuple[int, int]:
    """(0-based index in the source text where the carets start, how many), given the
    ``  9 | source`` line and the ``    |   ^^^`` line under it."""
    gutter = excerpt.index("|") + 2
    start = carets.index("^")
    count = len(re.match(r"\^+", carets[start:]).group())  # type: ignore[union-attr]
    return start - gutter, count


def test_finding_shows_its_line_with_a_caret_under_the_cell_and_the_registry_value(
    files: tuple[Path, Path],
) -> None:
    page, registry = files
    code, out = _check(page, registry)
    assert code == 1
    lines = out.splitlines()
    head = next(i for i, line in enumerate(lines) if "[field-mismatch]" in line)
    assert lines[head] == (
        f"{page}:6:33: error [field-mismatch] The location of 'Slack' is 'Germany' but the "
        "registry says 'USA'."
    )
    assert lines[head + 2] == "6 | | [Slack](https://slack.com/) | Germany | Chat |"
    source = lines[head + 2].split("| ", 1)[1]
    start, count = _caret_column(lines[head + 2], lines[head + 3])
    assert source[start : start + count] == "Germany"
    assert lines[head + 3].endswith("^^^^^^^ expected: USA")
    # The registry's value is the fix, so it is not repeated as a suggestion.
    block = lines[head : lines.index("", head)]
    assert not any("suggestion:" in line for line in block)
    assert block[-1] == "  = see: docs/rules.md#field-mismatch"


def test_suggestion_and_place_of_a_missing_vendor(files: tuple[Path, Path]) -> None:
    page, registry = files
    _, out = _check(page, registry)
    lines = out.splitlines()
    head = next(i for i, line in enumerate(lines) if "[missing-from-document]" in line)
    assert lines[head].startswith(f"{page}:3:3: error [missing-from-document] 'Intercom'")
    assert lines[head + 2] == "3 | | Name | Location | Description |"
    start, count = _caret_column(lines[head + 2], lines[head + 3])
    assert (start, count) == (2, 4)  # the header's first cell, "Name"
    assert lines[head + 4] == (
        "  = suggestion: | [Intercom](https://www.intercom.com/) | USA | Support |"
    )


def test_findings_grouped_by_file_and_sorted_by_line_then_one_summary_line(
    files: tuple[Path, Path], tmp_path: Path
) -> None:
    page, registry = files
    other = tmp_path / "other.md"
    other.write_text(PAGE.replace("| USA | Video |", "| USA | |").replace("2024-03-01", "soon"))
    _, out, _ = cli("check", str(other), str(page), "-r", str(registry), "--color", "never")
    heads = [line for line in out.splitlines() if re.match(r"\S+\.md:\d+", line)]
    places = [(h.split(":")[0], int(h.split(":")[1])) for h in heads]
    assert places == sorted(places)
    assert {p for p, _ in places} == {str(page), str(other)}
    assert out.splitlines()[-1] == "6 errors, 0 warnings in 2 files; 6 vendors checked"
    assert out.count(" vendors checked") == 1


def test_finding_without_a_line_has_no_excerpt(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("Effective date: 2024-01-01\n\nNothing here.\n")
    code, out, _ = cli("check", str(page), "--color", "never")
    assert code == 1
    blocks = out.strip().split("\n\n")
    assert blocks[0].splitlines() == [
        f"{page}: error [table-missing] No subprocessor table found: it has no table at all.",
        "  = suggestion: Add a table with Name, Location and Description columns, or name its "
        "headers under 'columns' in .subprocessor-check.yml.",
        "  = see: docs/rules.md#table-missing",
    ]


def test_rule_link_follows_the_configured_reference(
    files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(RULES_DOC_URL_ENV, "https://github.com/acme/spc/blob/v1/docs/rules.md")
    page, registry = files
    _, out = _check(page, registry)
    assert "= see: https://github.com/acme/spc/blob/v1/docs/rules.md#field-mismatch" in out


def test_summary_line_counts_links_by_verdict() -> None:
    result = CheckResult(
        findings=[
            Finding("p.md", 1, 1, "link-broken", Severity.ERROR, "x"),
            Finding("p.md", 2, 1, "field-mismatch", Severity.ERROR, "x"),
            Finding("p.md", 3, 1, "link-redirected", Severity.WARNING, "x"),
        ],
        documents=["p.md"],
        vendors=13,
        links=[LinkResult(f"https://{i}.example/", Verdict.OK) for i in range(12)]
        + [LinkResult("https://gone.example/", Verdict.BROKEN)],
    )
    assert text.totals(result) == (
        "2 errors, 1 warning in 1 file; 13 vendors checked, 12 links ok, 1 broken"
    )
    result.findings.append(Finding("p.md", 4, 1, "x", Severity.NOTICE, "x"))
    assert text.totals(result).startswith("2 errors, 1 warning, 1 notice in 1 file;")


def test_quiet_prints_only_the_finding_lines(files: tuple[Path, Path]) -> None:
    page, registry = files
    code, out, err = cli("check", str(page), "-r", str(registry), "--quiet", "--color", "never")
    assert code == 1 and err == ""
    lines = out.splitlines()
    assert len(lines) == 2
    assert all(line.startswith(f"{page}:") for line in lines)
    assert "[field-mismatch]" in lines[1] and "[missing-from-document]" in lines[0]
    page.write_text(PAGE.replace("Germany", "USA"))
    registry.write_text(REGISTRY.replace("name: Intercom", "name: Intercom\n    status: planned"))
    assert cli("check", str(page), "-r", str(registry), "-q") == (0, "", "")


def test_notes_come_before_the_summary(files: tuple[Path, Path]) -> None:
    page, _ = files
    _, out, _ = cli("check", str(page), "--color", "never")
    lines = out.splitlines()
    assert lines[-2].startswith("note: No registry given: skipped ")
    assert lines[-1] == "0 errors, 0 warnings in 1 file; 3 vendors checked"


HOSTILE = (
    "Effective date: 2024-03-01\n\n"
    "| Name | Location | Description |\n| ---- | -------- | ----------- |\n"
    "| [Slack](https://slack.com/) | \x1b[2J\x1b]0;pwned\x07Mars\r\x1b[1A | Chat |\n"
)

_OUR_CODES = {"\x1b[0m", "\x1b[1m", "\x1b[2m", "\x1b[31m", "\x1b[32m", "\x1b[33m", "\x1b[34m"}


@pytest.mark.parametrize("color", ["never", "always"])
def test_page_text_cannot_drive_the_terminal(tmp_path: Path, color: str) -> None:
    page, registry = tmp_path / "page.md", tmp_path / "registry.yml"
    page.write_bytes(HOSTILE.encode())
    registry.write_text(REGISTRY)
    code, out, _ = cli("check", str(page), "-r", str(registry), "--color", color)
    assert code == 1
    assert "\r" not in out and "\x07" not in out
    escapes = re.findall(r"\x1b\[[0-9;]*[A-Za-z]|\x1b.", out)
    if color == "never":
        assert escapes == []
    else:
        assert escapes and set(escapes) <= _OUR_CODES
    assert "Mars" in out and "\ufffd" in out


def test_colour_only_when_asked_or_on_a_terminal(
    files: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    page, registry = files
    _, plain, _ = cli("check", str(page), "-r", str(registry))
    assert "\x1b" not in plain  # not a terminal
    _, forced, _ = cli("check", str(page), "-r", str(registry), "--color", "always")
    assert "\x1b[31m" in forced
    assert re.sub(r"\x1b\[[0-9;]*m", "", forced) == plain

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    tty = Tty()
    run(["check", str(page), "-r", str(registry)], stdout=tty, stderr=io.StringIO())
    assert "\x1b[" in tty.getvalue()
    monkeypatch.setenv("NO_COLOR", "1")
    tty = Tty()
    run(["check", str(page), "-r", str(registry)], stdout=tty, stderr=io.StringIO())
    assert "\x1b" not in tty.getvalue()


def _render(source: str, finding: Finding) -> list[str]:
    result = CheckResult(findings=[finding], documents=["p.md"], sources={"p.md": [source]})
    stream = io.StringIO()
    text.report(result, stream, color=False)
    return stream.getvalue().splitlines()


def test_long_line_is_cut_around_the_caret() -> None:
    cell = "Needle in the haystack"
    source = "| " + "x" * 150 + " | " + cell + " | " + "y" * 150 + " |"
    column = source.index(cell) + 1
    finding = Finding("p.md", 1, column, "field-mismatch", Severity.ERROR, "m")
    lines = _render(source, finding)
    excerpt, carets = lines[2], lines[3]
    body = excerpt.split("| ", 1)[1]
    assert body.startswith("…") and body.endswith("…")
    assert len(body) <= text.MAX_EXCERPT + 2
    start, count = _caret_column(excerpt, carets)
    assert body[start : start + count] == cell


def test_caret_lines_up_after_wide_characters_and_tabs() -> None:
    source = "| 株式会社メルカリ\t| Japan |"
    column = source.index("Japan") + 1
    finding = Finding("p.md", 1, column, "field-mismatch", Severity.ERROR, "m")
    excerpt, carets = _render(source, finding)[2:4]
    assert "\t" not in excerpt
    # Eight wide characters take two columns each: the carets sit under "Japan" on screen.
    prefix = excerpt.split("Japan")[0]
    screen = sum(2 if "\u3000" <= c <= "\u9fff" or "\u30a0" <= c <= "\u30ff" else 1 for c in prefix)
    assert carets.index("^") == screen
    assert carets.count("^") == len("Japan")


def test_caret_after_the_end_of_a_short_row() -> None:
    source = "| AWS | USA |"
    finding = Finding("p.md", 1, len(source) + 1, "malformed-row", Severity.ERROR, "m")
    excerpt, carets = _render(source, finding)[2:4]
    assert carets.index("^") == excerpt.index("|") + 2 + len(source)
    assert carets.count("^") == 1


def test_readme_sample_is_what_the_tool_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text()
    sample = readme.split("description edited:\n\n```\n", 1)[1].split("```", 1)[0]
    page = (root / "examples" / "subprocessors.md").read_text()
    page = page.replace("PostgresAI Team", "Postgres.ai Team")
    page = "".join(line for line in page.splitlines(True) if "pgMustard" not in line)
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "subprocessors.md").write_text(page)
    (tmp_path / "subprocessors.yml").write_text((root / "examples" / "registry.yml").read_text())
    monkeypatch.chdir(tmp_path)
    code, out, _ = cli("check", "docs/subprocessors.md", "-r", "subprocessors.yml")
    assert code == 1
    assert out == sample


def test_unusual_spaces_are_spaces_and_invisible_characters_are_visible() -> None:
    assert text.safe("a\u00a0b\u2003c") == "a b c"
    assert text.safe("Mars\u202eUSA\u200b") == "Mars\ufffdUSA\ufffd"
    assert text.safe("\x1b[31mred\x07") == "\ufffd[31mred\ufffd"
