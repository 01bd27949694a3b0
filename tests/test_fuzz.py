"""Property-based fuzzing of the parser, the rules and every reporter.

Pages are real corpus pages and the bundled example, mutated with the characters and
strings that break parsers and CI logs; registries are generated. Properties: nothing
raises, every finding has a path, a rule and a line inside the file (or none, for problems
without a place), the JSON report is valid JSON, and the GitHub output runs no workflow
command but the annotations we mean.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from checker.engine import active_rules, check_document, rule_info
from checker.load.config import Config
from checker.model import CheckResult, Registry, RegistryEntry
from checker.page.markdown import parse_document
from checker.reporters import REPORTERS
from checker.reporters import summary as summary_reporter
from tests.runner_commands import Runner
from tests.support import CORPUS

ROOT = Path(__file__).resolve().parents[1]
SEEDS = [(ROOT / "examples" / "subprocessors.md").read_text()] + [
    p.read_text(encoding="utf-8") for p in sorted(CORPUS.glob("*.md*"))
]
EVIL = [
    "|", "\\|", "\\", "::error::x", "::add-mask::s3cret", "::stop-commands::tok", "##[error]x",
    "##[add-mask]y", "%0A", "%25", "\r", "\n", "\r\n", "\u2028", "\u2029", "\x85", "\x1b[31m",
    "\ufeff", "\u00a0", "\u200b", "`", "<br>", "<table><tr><td>", "</td></tr></table>", "**",
    "[x](http://a.example/)", "<http://b.example/>", "---\n", "Effective date: ", "2021-02-30",
    "| Name | Location | Description |\n| - | - | - |\n", "&amp;", "<script>", "\t", ",", ":",
]  # fmt: skip
RULES = active_rules(Config())
RULE_INFO = [rule_info(r.module) for r in RULES]


@st.composite
def pages(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(0, 8))):
        pos = draw(st.integers(0, len(text)))
        piece = draw(st.one_of(st.sampled_from(EVIL), st.text(max_size=20)))
        if draw(st.integers(0, 4)) == 0:  # sometimes delete instead of insert
            end = min(len(text), pos + draw(st.integers(1, 200)))
            text = text[:pos] + text[end:]
        else:
            text = text[:pos] + piece + text[pos:]
    return text


names = st.one_of(st.sampled_from(["Stripe", "GitLab", "Amazon Web Services (AWS)", "Zoom"]),
                  st.text(min_size=1, max_size=12))  # fmt: skip
entries = st.builds(
    lambda n, loc, d, i: RegistryEntry(n, f"https://v{i}.example/", loc, d, line=i + 3),
    names,
    st.sampled_from(["USA", "UK, Finland", "Germany", "::warning::x"]),
    st.text(min_size=1, max_size=30),
    st.integers(0, 50),
)
registries = st.one_of(
    st.none(),
    st.builds(
        lambda e, date: Registry("registry.yml", e, "https://postgres.ai/privacy", date),
        st.lists(entries, max_size=8),
        st.sampled_from([None, "2025-02-05", "2021-05-02"]),
    ),
)


def check(text: str, registry: Registry | None) -> CheckResult:
    doc = parse_document(text, "docs/page.md")
    findings, vendors = check_document(doc, Config().defaults, registry, RULES)
    return CheckResult(findings=findings, documents=[doc.path], vendors=vendors, rules=RULE_INFO)


@given(st.text(max_size=400))
def test_parser_never_raises_on_any_text(text: str) -> None:
    doc = parse_document(text)
    for table in doc.tables:
        for row in [table.header, *table.rows]:
            assert 1 <= row.line <= len(doc.lines)
            assert all(cell.column >= 1 for cell in row.cells)
    for link in doc.links:
        assert 1 <= link.line <= max(1, len(doc.lines))


@given(pages(), registries)
def test_findings_are_well_formed(text: str, registry: Registry | None) -> None:
    result = check(text, registry)
    lines = len(parse_document(text).lines)
    for finding in result.findings:
        assert finding.path and finding.rule and finding.message
        assert finding.line is None or 1 <= finding.line <= max(1, lines)
        assert finding.column is None or finding.column >= 1


@given(pages(), registries)
def test_every_reporter_survives_and_github_output_runs_only_annotations(
    text: str, registry: Registry | None
) -> None:
    result = check(text, registry)
    outputs = {}
    for name, reporter in REPORTERS.items():
        stream = io.StringIO()
        reporter(result, stream)
        outputs[name] = stream.getvalue()
    json.loads(outputs["json"])
    json.loads(outputs["sarif"])
    assert all(ch.isprintable() or ch in "\n" for ch in outputs["text"])
    runner = Runner()
    runner.feed(outputs["github"])
    commands = [c.command for c in runner.executed]
    assert set(commands) <= {"error", "warning", "notice"}, commands
    for kind in ("error", "warning"):
        assert commands.count(kind) <= 10
    summary_reporter.render(result, max_bytes=20_000)
