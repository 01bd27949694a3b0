"""Machine formats through the command line: GitHub annotations and SARIF from a real page."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from checker.cli import run
from tests.runner_commands import Runner
from tests.test_reporters_sarif import _validator

HOSTILE = """\
Effective date: 2024-03-01

| Name | Location | Description |
| ---- | -------- | ----------- |
| [Stripe](https://stripe.com/) | ::add-mask::secret | ##[error]fake%0A::warning::x |
| [Evil::error::x](https://evil.example/) | USA,: | Chat |
"""

REGISTRY = """\
subprocessors:
  - name: Stripe
    url: https://stripe.com/
    location: USA
    description: Payments
"""


def cli(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = run(list(argv), stdout=out, stderr=io.StringIO())
    return code, out.getvalue()


@pytest.fixture
def hostile(tmp_path: Path) -> tuple[Path, Path]:
    page, registry = tmp_path / "page.md", tmp_path / "registry.yml"
    page.write_text(HOSTILE)
    registry.write_text(REGISTRY)
    return page, registry


def test_github_format_emits_only_our_annotations(hostile: tuple[Path, Path]) -> None:
    page, registry = hostile
    code, out = cli("check", str(page), "-r", str(registry), "--format", "github")
    assert code == 1
    runner = Runner()
    runner.feed(out)
    kinds = [c.command for c in runner.executed]
    assert set(kinds) <= {"error", "warning", "notice"}
    assert "add-mask" not in kinds and "stop-commands" not in kinds
    errors = [c for c in runner.executed if c.command == "error"]
    titles = " ".join(c.properties.get("title", "") for c in errors)
    assert "field-mismatch" in titles and "not-in-registry" in titles
    for command in errors:
        assert command.properties["file"] == str(page)
    # The hostile cell text survives, unescaped by the runner, inside the message only.
    assert any("::add-mask::secret" in c.data for c in errors)


def test_auto_format_is_github_inside_actions(
    hostile: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    page, registry = hostile
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    _, out = cli("check", str(page), "-r", str(registry), "--format", "auto")
    assert out.startswith("::error ")
    monkeypatch.delenv("GITHUB_ACTIONS")
    _, out = cli("check", str(page), "-r", str(registry), "--format", "auto", "--color", "never")
    assert not out.startswith("::") and "[field-mismatch]" in out


def test_sarif_format_is_schema_valid(hostile: tuple[Path, Path]) -> None:
    page, registry = hostile
    _, out = cli("check", str(page), "-r", str(registry), "--format", "sarif")
    log = json.loads(out)
    assert not list(_validator().iter_errors(log))
    results = log["runs"][0]["results"]
    assert {r["ruleId"] for r in results} >= {"field-mismatch", "not-in-registry"}
    rule_ids = {r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert {r["ruleId"] for r in results} <= rule_ids
