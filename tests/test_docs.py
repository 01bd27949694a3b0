"""The rule reference: generated from the docstrings, complete, true to the code and the CLI."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, ClassVar

import pytest

from checker import RULES_DOC_URL_ENV, action_rules_doc_url, docs, rules_doc_url
from checker.cli import run
from checker.load.validation import schema
from checker.rules import RULES

ROOT = Path(__file__).resolve().parents[1]
RULES_MD = ROOT / "docs" / "rules.md"


def cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(list(argv), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_committed_rule_reference_is_current() -> None:
    assert RULES_MD.read_text(encoding="utf-8") == docs.markdown(), (
        "docs/rules.md is stale: run `python -m checker.docs` and commit the result"
    )


def test_generator_check_mode_reports_a_stale_file(tmp_path: Path) -> None:
    target = tmp_path / "rules.md"
    target.write_text("# old\n")
    command = [sys.executable, "-m", "checker.docs", "--output", str(target)]
    stale = subprocess.run([*command, "--check"], capture_output=True, text=True, cwd=ROOT)
    assert stale.returncode == 1 and "stale" in stale.stderr
    assert target.read_text() == "# old\n"
    subprocess.run(command, check=True, capture_output=True, cwd=ROOT)
    assert target.read_text() == docs.markdown()
    fresh = subprocess.run([*command, "--check"], capture_output=True, text=True, cwd=ROOT)
    assert fresh.returncode == 0


def _section(rule_id: str) -> str:
    text = RULES_MD.read_text(encoding="utf-8")
    start = text.index(f"\n## {rule_id}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


@pytest.mark.parametrize("rule_id", list(RULES))
def test_every_rule_has_a_complete_section(rule_id: str) -> None:
    doc = docs.parse(RULES[rule_id])
    assert doc.checks, f"{rule_id}: say what it checks"
    assert doc.why, f"{rule_id}: say why it matters ('Why it matters: …')"
    assert any(not e.passes for e in doc.examples), f"{rule_id}: needs a failing example"
    assert any(e.passes for e in doc.examples), f"{rule_id}: needs a passing example"
    section = _section(rule_id)
    severity = RULES[rule_id].SEVERITY.value
    assert f"**Default severity:** {severity}" in section
    assert f"| `rules.{rule_id}` | `{severity}` |" in section
    assert "**Why it matters.**" in section
    assert "**Fails" in section and "**Passes" in section
    # The index links to the section, whose heading anchor is the rule id.
    assert f"| [`{rule_id}`](#{rule_id}) | {severity} |" in RULES_MD.read_text()


def _schema_has(path: list[str], node: dict[str, Any], defs: dict[str, Any]) -> bool:
    while "$ref" in node:
        node = defs[node["$ref"].rsplit("/", 1)[1]]
    if not path:
        return True
    properties = node.get("properties", {})
    if path[0] in properties:
        return _schema_has(path[1:], properties[path[0]], defs)
    return False


@pytest.mark.parametrize("rule_id", list(RULES))
def test_documented_options_are_exactly_those_the_rule_takes(rule_id: str) -> None:
    # A rule's own options (OPTIONS, under rules.<id>) and the shared config keys that
    # change what it reports (SETTINGS): the docstring lists each of them, and nothing else.
    module = RULES[rule_id]
    doc = docs.parse(module)
    documented = {o.key for o in doc.options}
    takes = {f"rules.{rule_id}.{name}" for name in module.OPTIONS} | module.SETTINGS
    assert documented == takes, (
        f"{rule_id}: documented but not taken {sorted(documented - takes)}, "
        f"taken but not documented {sorted(takes - documented)}"
    )
    config = schema("config")
    for key in module.SETTINGS:
        assert _schema_has(key.split("."), config, config["$defs"]), f"no config key {key}"
    assert all(o.default and o.text for o in doc.options)


def test_malformed_docstring_is_refused() -> None:
    class Fake:
        ID = "fake-rule"
        SEVERITY = RULES["blank-cell"].SEVERITY
        NEEDS_REGISTRY = False
        OPTIONS: ClassVar[dict[str, object]] = {}
        __file__ = "fake_rule.py"
        __doc__ = "fake-rule: a thing.\n\nFails::\n\n    x\n\nA stray paragraph.\n"

    with pytest.raises(ValueError, match="out of place"):
        docs.parse(Fake)  # type: ignore[arg-type]


def test_rules_lists_every_rule_with_its_default_severity() -> None:
    code, out, _ = cli("rules")
    assert code == 0
    listed = {line.split()[0]: line.split()[1] for line in out.splitlines()}
    assert listed == {rule_id: m.SEVERITY.value for rule_id, m in RULES.items()}


def test_explain_prints_the_whole_rule_doc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(RULES_DOC_URL_ENV, raising=False)
    code, out, err = cli("explain", "field-mismatch")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0].startswith("field-mismatch: a vendor's URL, location")
    assert "Default severity: error; needs a registry" in out
    assert "Why it matters:" in out
    assert "compare (default [name, url, location, description])" in out
    assert "    | [Hetzner](https://hetzner.com/) | Germany | Hosting |" in out
    assert lines[-1] == "Reference: docs/rules.md#field-mismatch"


def test_explain_links_the_configured_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(RULES_DOC_URL_ENV, "https://example.org/spc/blob/v1/docs/rules.md")
    _, out, _ = cli("explain", "link-broken")
    assert out.splitlines()[-1] == (
        "Reference: https://example.org/spc/blob/v1/docs/rules.md#link-broken"
    )


def test_explain_unknown_rule_is_exit_2_with_the_list() -> None:
    code, out, err = cli("explain", "feild-mismatch\x1b[2J")
    assert code == 2 and out == ""
    first, *rest = err.splitlines()
    assert "unknown rule" in first and "\x1b" not in err
    assert [line.split()[0] for line in rest] == list(RULES)


def test_rules_doc_url_setting() -> None:
    assert rules_doc_url({}) == "docs/rules.md"
    url = "https://github.com/acme/spc/blob/v1.2.0/docs/rules.md"
    assert rules_doc_url({RULES_DOC_URL_ENV: url}) == url
    assert rules_doc_url({RULES_DOC_URL_ENV: url + "#x"}) == url
    assert rules_doc_url({RULES_DOC_URL_ENV: "bad value\n"}) == "docs/rules.md"


def test_action_rules_doc_url_from_the_actions_environment() -> None:
    env = {
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_ACTION_REPOSITORY": "acme/subprocessor-check",
        "GITHUB_ACTION_REF": "v1.2.0",
    }
    assert action_rules_doc_url(env) == (
        "https://github.com/acme/subprocessor-check/blob/v1.2.0/docs/rules.md"
    )
    assert action_rules_doc_url({**env, "GITHUB_ACTION_REF": ""}) is None
    assert action_rules_doc_url({**env, "GITHUB_ACTION_REF": "../../evil"}) is None
    assert action_rules_doc_url({**env, "GITHUB_SERVER_URL": "javascript:alert(1)"}) is None
    assert action_rules_doc_url({**env, "GITHUB_ACTION_REPOSITORY": "a/b)[x](y"}) is None


# --- editor support: the schemas ------------------------------------------------------------


def _described(node: dict[str, Any], defs: dict[str, Any]) -> bool:
    while "description" not in node and "$ref" in node:
        node = defs[node["$ref"].rsplit("/", 1)[1]]
    return "description" in node


def _undescribed(node: Any, where: str, defs: dict[str, Any]) -> list[str]:
    """Paths of properties and definitions that lack a description (directly or by $ref)."""
    missing: list[str] = []
    if isinstance(node, dict):
        for name, prop in node.get("properties", {}).items():
            if not _described(prop, defs):
                missing.append(f"{where}.{name}")
            missing += _undescribed(prop, f"{where}.{name}", defs)
        for key in ("items", "additionalProperties"):
            if isinstance(node.get(key), dict):
                missing += _undescribed(node[key], f"{where}[]", defs)
        for key in ("oneOf", "anyOf"):
            for i, option in enumerate(node.get(key, [])):
                missing += _undescribed(option, f"{where}<{i}>", defs)
        for name, definition in node.get("$defs", {}).items():
            if "description" not in definition:
                missing.append(f"$defs.{name}")
            missing += _undescribed(definition, f"$defs.{name}", defs)
    return missing


@pytest.mark.parametrize("name", ["registry", "config"])
def test_schema_command_prints_the_shipped_schema(name: str) -> None:
    code, out, _ = cli("schema", name)
    assert code == 0
    printed = json.loads(out)
    shipped = ROOT / "checker" / "schemas" / f"{name}.schema.json"
    assert printed == json.loads(shipped.read_text())
    assert printed["$id"] and printed["$schema"].startswith("https://json-schema.org/")
    assert _undescribed(printed, name, printed.get("$defs", {})) == []


def test_schema_command_refuses_other_names() -> None:
    code, _, err = cli("schema", "page")
    assert code == 2 and "invalid choice" in err


def test_readme_and_example_point_to_a_real_schema() -> None:
    readme = (ROOT / "README.md").read_text()
    pointers = re.findall(r"yaml-language-server: \$schema=(\S+)", readme)
    assert pointers, "the README's registry example should carry a $schema line"
    for pointer in pointers:
        assert not pointer.startswith("http"), pointer
        # A file in this repository, or one the README says how to write.
        kind = "config" if "config" in pointer else "registry"
        made = f"subprocessor-check schema {kind} > {pointer}" in " ".join(readme.split())
        assert (ROOT / pointer).is_file() or made, pointer
    for example in (ROOT / "examples").glob("*.yml"):
        line = example.read_text().splitlines()[0]
        target = line.split("$schema=", 1)[1]
        assert (example.parent / target).resolve().is_file(), example


def test_readme_rule_table_lists_every_rule_with_its_default_severity() -> None:
    from checker.rules import RULES

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    rows = {
        cells[1].strip("` "): cells[2].strip()
        for line in readme.splitlines()
        if line.startswith("| `") and len(cells := line.split("|")) > 3
    }
    for rule_id, module in RULES.items():
        assert rows.get(rule_id) == module.SEVERITY.value, rule_id


def test_security_md_points_only_at_files_that_exist() -> None:
    # Each promise names the test that keeps it; a renamed or deleted test must not leave
    # SECURITY.md pointing at nothing.
    text = (ROOT / "SECURITY.md").read_text("utf-8")
    named = set(re.findall(r"`((?:tests|checker|benchmarks|scripts)/[\w/.-]+\.(?:py|sh))`", text))
    assert {"tests/test_tokens.py", "tests/test_confinement.py", "tests/test_linear.py"} <= named
    missing = sorted(path for path in named if not (ROOT / path).is_file())
    assert missing == []
