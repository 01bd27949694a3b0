"""Every finding, in every output format, names its rule and links to the rule's section."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from checker import RULES_DOC_URL_ENV, rules_doc_url
from checker.cli import run
from checker.engine import RunOptions
from checker.engine import run as run_check
from checker.load.config import Config
from checker.reporters import summary
from tests.runner_commands import Runner

PAGE = """\
Effective date: 2024-02-30

| Name | Location | Description |
| ---- | -------- | ----------- |
| [Stripe](https://stripe.com/) | Germany | Payments |
| Slack | USA | Chat |
"""

REGISTRY = """\
subprocessors:
  - name: Stripe
    url: https://stripe.com/
    location: USA
    description: Payments
  - name: Slack
    url: https://slack.com/
    location: USA
    description: Chat
  - name: Zoom
    url: https://zoom.us/
    location: USA
    description: Video
"""

WEB = "https://github.com/acme/subprocessor-check/blob/v1.0.0/docs/rules.md"
RULES = {"date-invalid", "field-mismatch", "link-missing", "missing-from-document"}


@pytest.fixture
def files(tmp_path: Path) -> tuple[str, str]:
    (tmp_path / "page.md").write_text(PAGE)
    (tmp_path / "registry.yml").write_text(REGISTRY)
    return str(tmp_path / "page.md"), str(tmp_path / "registry.yml")


def output(files: tuple[str, str], fmt: str) -> str:
    out = io.StringIO()
    code = run(["check", files[0], "-r", files[1], "-f", fmt], stdout=out, stderr=io.StringIO())
    assert code == 1
    return out.getvalue()


@pytest.fixture(params=["web", "repository"])
def base(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "web":
        monkeypatch.setenv(RULES_DOC_URL_ENV, WEB)
        return WEB
    monkeypatch.delenv(RULES_DOC_URL_ENV, raising=False)
    return "docs/rules.md"


def test_text(files: tuple[str, str], base: str) -> None:
    blocks = output(files, "text").strip().split("\n\n")[:-1]
    assert {b.split("[", 1)[1].split("]", 1)[0] for b in blocks} == RULES
    for block in blocks:
        rule = block.split("[", 1)[1].split("]", 1)[0]
        assert block.splitlines()[-1].endswith(f"= see: {base}#{rule}"), block


def test_github_annotations(files: tuple[str, str], base: str) -> None:
    runner = Runner()
    runner.feed(output(files, "github"))
    annotations = [c for c in runner.executed if c.command == "error"]
    assert {c.properties["title"].split("]")[0].lstrip("[") for c in annotations} == RULES
    for command in annotations:
        rule = command.properties["title"].split("]")[0].lstrip("[")
        assert command.data.endswith(f"Rule: {rule} ({base}#{rule})"), command.data


def test_sarif(files: tuple[str, str], base: str) -> None:
    run_ = json.loads(output(files, "sarif"))["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    assert {r["ruleId"] for r in run_["results"]} == RULES
    for result in run_["results"]:
        rule = rules[result["ruleIndex"]]
        assert rule["id"] == result["ruleId"]
        link = f"{base}#{rule['id']}"
        assert link in rule["help"]["text"]
        # SARIF's helpUri must be absolute: a repository path stays in the help text only.
        assert rule.get("helpUri") == (link if base == WEB else None)


def test_job_summary(files: tuple[str, str], base: str) -> None:
    result = run_check(
        Config(), RunOptions(documents=[files[0]], registry=files[1], rule_doc_base=rules_doc_url())
    )
    rows = [line for line in summary.render(result).splitlines() if line.startswith("| ❌")]
    assert len(rows) == len(RULES)
    for row in rows:
        rule_cell = row.split(" | ")[2]
        rule = rule_cell.strip("[").split("]")[0].replace("\\-", "-")
        assert rule in RULES
        if base == WEB:
            assert rule_cell == f"[{rule.replace('-', chr(92) + '-')}]({WEB}#{rule})"
        else:
            assert rule_cell == rule.replace("-", "\\-")  # no link a summary could not follow


def test_html(files: tuple[str, str], base: str) -> None:
    report = output(files, "html")
    for rule in RULES:
        if base == WEB:
            assert f'href="{WEB}#{rule}"' in report
        else:
            assert f'title="docs/rules.md#{rule}"' in report
