"""The link audit through the command line, against a real server on 127.0.0.1."""

from __future__ import annotations

import http.server
import io
import json
import os
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest

from checker.cli import run


class _Site(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def _answer(self) -> None:
        type(self).hits.append(self.path)
        if self.path.startswith("/ok"):
            self.send_response(200)
        elif self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ok/new-home")
        else:
            self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_HEAD = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def site() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Site.hits = []
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def page(base: str, extra_row: str = "") -> str:
    return f"""\
Effective date: 2024-03-01

| Name | Location | Description |
| ---- | -------- | ----------- |
| [Alive]({base}/ok/1) | USA | Hosting |
| [Gone]({base}/gone) | USA | Email |
| [Moved]({base}/moved) | USA | Chat |
{extra_row}
See the [Privacy Policy]({base}/ok/privacy).
"""


def config(folder: Path, base: str) -> str:
    """A config naming the privacy policy, whose link the audit checks too."""
    path = folder / "cfg.yml"
    path.write_text(f"privacy_policy: {base}/ok/privacy\n")
    return str(path)


def cli(*argv: str, cwd: Path | None = None) -> tuple[int, dict[str, Any], str]:
    out, err = io.StringIO(), io.StringIO()
    old = Path.cwd()
    if cwd:
        os.chdir(cwd)
    try:
        code = run([*argv, "--format", "json"], stdout=out, stderr=err)
    finally:
        os.chdir(old)
    return code, json.loads(out.getvalue()), err.getvalue()


def test_audit_reports_broken_and_moved_links_on_their_lines(site: str, tmp_path: Path) -> None:
    doc = tmp_path / "page.md"
    doc.write_text(page(site))
    code, report, _ = cli(
        "check", str(doc), "-c", config(tmp_path, site), "--links", "all", "--allow-private", "-q"
    )
    assert code == 1
    by_rule = {f["rule"]: f for f in report["findings"]}
    assert by_rule["link-broken"]["line"] == 6
    assert by_rule["link-broken"]["column"] == 10
    assert "HTTP 404" in by_rule["link-broken"]["message"]
    assert by_rule["link-redirected"]["severity"] == "warning"
    assert by_rule["link-redirected"]["suggestion"] == f"{site}/ok/new-home"
    verdicts = {link["url"]: link["verdict"] for link in report["links"]}
    assert verdicts == {
        f"{site}/ok/1": "ok",
        f"{site}/gone": "broken",
        f"{site}/moved": "redirected",
        f"{site}/ok/privacy": "ok",
    }
    link = next(x for x in report["links"] if x["url"].endswith("/gone"))
    assert link["lines"] == [{"path": str(doc), "line": 6}]
    assert {"status", "final_url", "attempts", "seconds"} <= set(link)


def test_guard_blocks_loopback_without_allow_private(site: str, tmp_path: Path) -> None:
    doc = tmp_path / "page.md"
    doc.write_text(page(site))
    code, report, _ = cli("check", str(doc), "-c", config(tmp_path, site), "--links", "--quiet")
    assert code == 1
    assert {x["verdict"] for x in report["links"]} == {"blocked"}
    assert [f["rule"] for f in report["findings"]].count("link-blocked") == 4
    assert _Site.hits == []  # not a single request reached the server


def test_no_links_checked_by_default(site: str, tmp_path: Path) -> None:
    doc = tmp_path / "page.md"
    doc.write_text(page(site))
    code, report, _ = cli("check", str(doc))
    assert code == 0 and report["links"] == [] and _Site.hits == []


def test_changed_mode_checks_only_rows_that_differ_from_the_base(site: str, tmp_path: Path) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@x"}  # fmt: skip

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, env=env, check=True, capture_output=True)

    git("init", "-q", "-b", "main")
    (tmp_path / "page.md").write_text(page(site))
    git("add", "-A")
    git("commit", "-q", "-m", "base")
    (tmp_path / "page.md").write_text(page(site, f"| [New]({site}/ok/new) | UK | Support |\n"))
    code, report, _ = cli(
        "check", "page.md", "--links", "changed", "--base", "HEAD", "--allow-private",
        "-q", cwd=tmp_path,
    )  # fmt: skip
    assert [x["url"] for x in report["links"]] == [f"{site}/ok/new"]
    assert set(_Site.hits) == {"/ok/new"}
    # The new row came without a new date, and that is what fails the change.
    assert [f["rule"] for f in report["findings"]] == ["date-not-updated"]
    assert code == 1


def test_progress_lines_on_stderr_unless_quiet(site: str, tmp_path: Path) -> None:
    doc = tmp_path / "page.md"
    doc.write_text(page(site))
    _, _, err = cli("check", str(doc), "--links", "--allow-private")
    assert "checking links: 3/3" in err
    _, _, err = cli("check", str(doc), "--links", "--allow-private", "--quiet")
    assert err == ""
