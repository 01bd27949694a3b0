"""The command-line contract: exit codes, error lines, JSON shape, the bundled example."""

from __future__ import annotations

import http.server
import io
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest

from checker.cli import run

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"

PAGE = """\
---
title: Subprocessors
---
Effective date: 2024-03-01

| Name | Location | Description |
| ---- | -------- | ----------- |
| [Stripe](https://stripe.com/) | USA | Payments |
| [Slack](https://slack.com/) | USA | Chat |

See our [Privacy Policy](https://example.com/privacy).
"""

REGISTRY = """\
privacy_policy: https://example.com/privacy
effective_date: 2024-03-01
subprocessors:
  - name: Stripe
    url: https://stripe.com/
    location: USA
    description: Payments
  - name: Slack
    url: https://slack.com/
    location: USA
    description: Chat
"""


def cli(*argv: str, cwd: Path | None = None) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    old = Path.cwd()
    if cwd:
        os.chdir(cwd)
    try:
        code = run(list(argv), stdout=out, stderr=err)
    finally:
        os.chdir(old)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "page.md").write_text(PAGE)
    (tmp_path / "registry.yml").write_text(REGISTRY)
    return tmp_path


def test_bundled_example_passes_clean() -> None:
    code, out, err = cli("check", "--config", str(EXAMPLES / ".subprocessor-check.yml"))
    assert (code, err) == (0, "")
    assert out == "0 errors, 0 warnings in 1 file; 15 vendors checked\n"


def test_config_in_current_directory_is_found(project: Path) -> None:
    (project / ".subprocessor-check.yml").write_text(
        "registry: registry.yml\ndocuments: [page.md]\n"
    )
    code, out, _ = cli("check", "--format", "json", cwd=project)
    assert code == 0
    assert json.loads(out)["summary"]["vendors"] == 2


def test_json_contract(project: Path) -> None:
    page = project / "page.md"
    page.write_text(PAGE.replace("| USA | Chat |", "| Germany | Chat |"))
    code, out, err = cli("check", str(page), "-r", str(project / "registry.yml"), "-f", "json")
    assert code == 1 and err == ""
    report = json.loads(out)
    assert report["summary"]["errors"] == 1
    assert report["summary"]["warnings"] == 0
    (finding,) = report["findings"]
    assert {"rule", "severity", "path", "line", "column", "message"} <= set(finding)
    assert finding["rule"] == "field-mismatch"
    assert finding["severity"] == "error"
    assert (finding["line"], finding["column"]) == (9, 33)
    assert finding["suggestion"] == "USA"
    assert "Germany" in finding["message"] and "USA" in finding["message"]


def test_text_format_is_path_line_col_severity_rule(project: Path) -> None:
    page = project / "page.md"
    page.write_text(PAGE.replace("2024-03-01", "2024-02-30"))
    code, out, _ = cli("check", str(page), "-r", str(project / "registry.yml"), "--color", "never")
    assert code == 1
    first = out.splitlines()[0]
    assert first.startswith(f"{page}:4:17: error [date-invalid] ")


def test_no_registry_skips_registry_rules_with_a_note(project: Path) -> None:
    code, out, _ = cli("check", str(project / "page.md"), "-f", "json")
    assert code == 0
    report = json.loads(out)
    assert any("not-in-registry" in n for n in report["notices"])


def test_fail_on_warning_and_never(project: Path) -> None:
    page = project / "page.md"
    page.write_text(PAGE.replace("[Slack](https://slack.com/)", "Slack"))
    (project / "cfg.yml").write_text("rules:\n  link-missing: warning\n")
    args = ["check", str(page), "-r", str(project / "registry.yml"), "-c", str(project / "cfg.yml")]
    assert cli(*args)[0] == 0
    assert cli(*args, "--fail-on", "warning")[0] == 1
    (project / "cfg.yml").write_text("rules:\n  link-missing: error\n")
    assert cli(*args)[0] == 1
    assert cli(*args, "--fail-on", "never")[0] == 0


def test_rule_turned_off(project: Path) -> None:
    page = project / "page.md"
    page.write_text(PAGE.replace("Effective date: 2024-03-01\n", ""))
    (project / "cfg.yml").write_text("rules:\n  date-missing: 'off'\n  date-mismatch: 'off'\n")
    code, out, _ = cli("check", str(page), "-c", str(project / "cfg.yml"), "-f", "json")
    assert code == 0, out


@pytest.mark.parametrize(
    ("registry_text", "expected"),
    [
        (
            "subprocessors:\n  - name: A\n    url: https://a.example/\n    location: X\n",
            "registry.yml:2: invalid registry: 'subprocessors[0]' is missing the required key "
            "'description'",
        ),
        (
            "subprocessors:\n  - name: A\n    url: https://a.example/\n    location: X\n"
            "    description: Y\n    locaton: Z\n",
            "registry.yml:6: invalid registry: unknown key 'subprocessors[0].locaton'",
        ),
        (
            "subprocessors:\n  - name: A\n    name: B\n",
            "registry.yml:3: invalid YAML: duplicate key 'name' (first defined on line 2)",
        ),
        ("subprocessors: [\n", "registry.yml:2: invalid YAML"),
        ("- name: A\n", "registry.yml:1: the registry must be a mapping"),
        ("just text\n", "registry.yml:1: the registry must be a mapping"),
        (
            "effective_date: 2021-02-30\nsubprocessors: []\n",
            "registry.yml:1: invalid registry: '2021-02-30' is not a real date",
        ),
        (
            "subprocessors:\n  - name: 12\n    url: https://a.example/\n    location: X\n"
            "    description: Y\n",
            "registry.yml:2: invalid registry: 'subprocessors[0].name' must be text",
        ),
        (
            "subprocessors:\n  - name: A\n    url: ftp://a.example/\n    location: X\n"
            "    description: Y\n",
            "registry.yml:3: invalid registry: 'subprocessors[0].url' must be an http(s) URL",
        ),
    ],
)
def test_invalid_registry_is_exit_2_with_file_line_and_key(
    project: Path, registry_text: str, expected: str
) -> None:
    (project / "registry.yml").write_text(registry_text)
    code, out, err = cli("check", str(project / "page.md"), "-r", str(project / "registry.yml"))
    assert code == 2 and out == ""
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    assert f"{project}/{expected}" in err, err


@pytest.mark.parametrize(
    ("config_text", "expected"),
    [
        ("registy: r.yml\n", "cfg.yml:1: invalid config: unknown key 'registy'"),
        (
            "documents:\n  - path: a.md\n    compare: [name, colour]\n",
            "cfg.yml:3: invalid config: 'documents[0].compare[1]' has an invalid value 'colour'",
        ),
        (
            "rules:\n  no-such-rule: error\n",
            "cfg.yml:2: invalid config: unknown rule 'no-such-rule'",
        ),
        ("rules:\n  date-missing: loud\n", "cfg.yml:2: invalid config: 'rules.date-missing'"),
        ("[1, 2]\n", "cfg.yml:1: invalid config: the file must be a mapping"),
    ],
)
def test_invalid_config_is_exit_2_with_line(project: Path, config_text: str, expected: str) -> None:
    (project / "cfg.yml").write_text(config_text)
    code, _, err = cli("check", str(project / "page.md"), "-c", str(project / "cfg.yml"))
    assert code == 2
    assert f"{project}/{expected}" in err, err


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda p: p / "nope.md", "no such file"),
        (lambda p: p, "is a directory"),
        (lambda p: (p / "bin.md").write_bytes(b"\x00\x01\x02") and p / "bin.md", "binary"),
        (
            lambda p: (p / "latin.md").write_bytes(b"ok\ncaf\xe9\n") and p / "latin.md",
            "latin.md:2: is not valid UTF-8 (byte 0xe9)",
        ),
    ],
)
def test_unusable_page_is_exit_2(project: Path, make: object, reason: str) -> None:
    target = make(project)  # type: ignore[operator]
    code, out, err = cli("check", str(target))
    assert code == 2 and out == ""
    assert reason in err and str(target) in err


def test_empty_page_is_a_finding_not_a_crash(project: Path) -> None:
    (project / "empty.md").write_text("")
    code, out, _ = cli("check", str(project / "empty.md"), "-f", "json")
    assert code == 1
    rules = {f["rule"] for f in json.loads(out)["findings"]}
    assert rules == {"table-missing", "date-missing"}


def test_bad_usage_is_exit_2(project: Path) -> None:
    code, _, err = cli("check", "--format", "xml")
    assert code == 2 and "invalid choice" in err
    code, _, err = cli("check", cwd=project)
    assert code == 2 and "no documents to check" in err


class _RegistryServer(http.server.BaseHTTPRequestHandler):
    seen_auth: ClassVar[list[str | None]] = []

    def do_GET(self) -> None:
        type(self).seen_auth.append(self.headers.get("Authorization"))
        body = REGISTRY.encode() if self.path == "/registry.yml" else b"not found"
        self.send_response(200 if self.path == "/registry.yml" else 404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def registry_server() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _RegistryServer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _RegistryServer.seen_auth = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_registry_from_url(project: Path, registry_server: str) -> None:
    page, url = str(project / "page.md"), f"{registry_server}/registry.yml"
    # Plain http, on loopback: refused unless asked for, before any connection.
    code, _out, err = cli("check", page, "-r", url, "--token", "s3cret")
    assert code == 2 and "only https" in err
    assert _RegistryServer.seen_auth == []
    code, _out, err = cli("check", page, "-r", url, "--token", "s3cret", "--allow-private")
    assert (code, err) == (0, "")
    # A token is only ever sent to GitHub over https, so this fetch carries none.
    assert _RegistryServer.seen_auth == [None]
    missing = f"{registry_server}/missing.yml"
    code, _, err = cli("check", page, "-r", missing, "--allow-private")
    assert code == 2 and "HTTP 404" in err


def test_offline_check_does_not_import_requests(project: Path) -> None:
    script = (
        "import sys; from checker.cli import run; "
        f"code = run(['check', {str(project / 'page.md')!r}, '-r', "
        f"{str(project / 'registry.yml')!r}]); "
        "print('requests' in sys.modules, code)"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True
    ).stdout
    assert out.strip().splitlines()[-1] == "False 0"


def test_module_entry_point_and_version() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "checker", "--version"], capture_output=True, text=True, cwd=ROOT
    )
    assert done.returncode == 0 and done.stdout.startswith("subprocessor-check ")


def test_no_color_and_tty(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from checker.reporters.text import use_color

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert use_color(Tty()) is True
    assert use_color(io.StringIO()) is False
    monkeypatch.setenv("NO_COLOR", "1")
    assert use_color(Tty()) is False
    assert use_color(Tty(), "always") is True
