"""The HTML audit report: what a compliance lead sees, checked as HTML and in a real browser.

The browser tests load the report in Debian's headless chromium. Without chromium they are
skipped locally and fail in CI (``CI`` set), where ``.ci/run`` installs it. Screenshots are
written to ``test-artifacts/`` (ignored by git) for a person, or a CI job, to look at.
"""

from __future__ import annotations

import http.server
import io
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest

from checker.cli import run
from checker.model import (
    CheckResult,
    Finding,
    LinkResult,
    PageReport,
    RuleInfo,
    Severity,
    Verdict,
)
from checker.model import VendorListing as Vendor
from checker.reporters import html

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"


class _Site(http.server.BaseHTTPRequestHandler):
    def _answer(self) -> None:
        if self.path.startswith("/ok"):
            self.send_response(200)
        elif self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ok/new-home")
        elif self.path == "/down":
            self.send_response(503)
        else:
            self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_HEAD = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


HOSTILE_NAME = "[<img src=x onerror=alert(1)>Evil</td>](javascript:alert(1))"
HOSTILE_DESCRIPTION = "<script>document.title='pwned'</script> & \"quoted\" <b>bold</b>"


def _page(base: str, date: str, extra: str = "") -> str:
    return f"""\
Effective date: {date}

| Name | Location | Description |
| ---- | -------- | ----------- |
| [Alive]({base}/ok/1) | USA | Hosting |
| [Gone]({base}/gone) | USA | Email |
| [Moved]({base}/moved) | USA | Chat |
| [Down]({base}/down) | Germany | Video |
{extra}
See the [Privacy Policy]({base}/ok/privacy).
"""


def _registry(base: str) -> str:
    entries = [
        ("Alive", "/ok/1", "USA", "Hosting"),
        ("Gone", "/gone", "USA", "Email"),
        ("Moved", "/moved", "USA", "Chat"),
        ("Down", "/down", "USA", "Video"),
        ("Newcomer", "/ok/new", "EU", "Search"),
        ("Forgotten", "/ok/forgotten", "USA", "Backups"),
    ]
    lines = [f"privacy_policy: {base}/ok/privacy", "subprocessors:"]
    for name, path, location, description in entries:
        lines += [
            f"  - name: {name}",
            f"    url: {base}{path}",
            f"    location: {location}",
            f"    description: {description}",
        ]
    return "\n".join(lines) + "\n"


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
    )


@dataclass
class Audit:
    html: str
    path: Path
    vendors: list[str] = field(default_factory=list)
    broken: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def audit(site: str, tmp_path_factory: pytest.TempPathFactory) -> Audit:
    """A real run: a git repository whose page gained two rows since the base, links checked
    live against a local server (ok, 404, 301, 503), a hostile row, a vendor missing."""
    repo = tmp_path_factory.mktemp("audit")
    (repo / "registry.yml").write_text(_registry(site))
    (repo / ".subprocessor-check.yml").write_text(
        "registry: registry.yml\ndocuments: [subprocessors.md]\nlinks: {retries: 2}\n"
    )
    (repo / "subprocessors.md").write_text(_page(site, "2024-03-01"))
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "base")
    extra = (
        f"| [Newcomer]({site}/ok/new) | EU | Search |\n"
        f"| {HOSTILE_NAME} | Mars\u202eUSA | {HOSTILE_DESCRIPTION} |\n"
    )
    (repo / "subprocessors.md").write_text(_page(site, "2024-03-01", extra))
    out, err = io.StringIO(), io.StringIO()
    cwd = Path.cwd()
    os.chdir(repo)
    try:
        code = run(
            ["check", "--links", "all", "--allow-private", "--base", "HEAD", "-q", "-f", "html"],
            stdout=out,
            stderr=err,
        )
    finally:
        os.chdir(cwd)
    assert code == 1, err.getvalue()
    report = repo / "report.html"
    report.write_text(out.getvalue(), encoding="utf-8")
    return Audit(
        html=out.getvalue(),
        path=report,
        vendors=["Alive", "Gone", "Moved", "Down", "Newcomer", "[Evil](javascript:alert(1))"],
        broken=[f"{site}/gone"],
    )


class _Dom(HTMLParser):
    """Elements, attributes and text of a document, for asserting what a reader gets."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.stack: list[str] = []
        self.texts: list[tuple[tuple[str, ...], str]] = []
        self.rows: list[dict[str, object]] = []
        self._row: dict[str, object] | None = None
        self._cell: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag not in ("meta", "br", "img", "input", "link"):
            self.stack.append(tag)
        if tag == "tr" and "data-status" in attributes:
            self._row = {"status": attributes["data-status"], "cells": {}, "badges": []}
            self.rows.append(self._row)
        if tag == "td" and self._row is not None:
            self._cell = attributes.get("data-label") or ""
        if tag == "span" and self._row is not None and "badge" in (attributes.get("class") or ""):
            self._row["badges"].append(attributes.get("class"))  # type: ignore[attr-defined]

    def handle_endtag(self, tag: str) -> None:
        while self.stack and self.stack.pop() != tag:
            pass
        if tag == "tr":
            self._row = None
        if tag == "td":
            self._cell = None

    def handle_data(self, data: str) -> None:
        self.texts.append((tuple(self.stack), data))
        if self._row is not None and self._cell:
            cells: dict[str, str] = self._row["cells"]  # type: ignore[assignment]
            cells[self._cell] = cells.get(self._cell, "") + data

    def text(self) -> str:
        """The visible text, one space between pieces from different elements."""
        return " ".join(t for stack, t in self.texts if not {"style", "title"} & set(stack))


def _dom(markup: str) -> _Dom:
    dom = _Dom()
    dom.feed(markup)
    dom.close()
    return dom


def _vendor_rows(dom: _Dom) -> dict[str, dict[str, object]]:
    rows = {}
    for row in dom.rows:
        cells: dict[str, str] = row["cells"]  # type: ignore[assignment]
        name = cells.get("Vendor", "")
        for url_start in ("http://", "https://"):
            name = name.split(url_start)[0]
        rows[name.strip()] = row
    return rows


# --- the report as HTML ---------------------------------------------------------------------


def test_every_vendor_has_a_row_with_its_status_badge(audit: Audit) -> None:
    dom = _dom(audit.html)
    rows = _vendor_rows(dom)
    statuses = {name: row["status"] for name, row in rows.items()}
    # On failure, show what the report says about the links and findings.
    context = " ".join(dom.text().split())
    assert statuses == {
        "Alive": "ok",
        "Gone": "broken",
        "Moved": "redirected",
        "Down": "unreachable drift",  # 503, and Germany where the registry says USA
        "Newcomer": "ok",
        "[Evil](javascript:alert(1))": "drift",  # not in the registry
        "Forgotten": "missing",  # in the registry, not on the page
    }, context


def test_header_shows_verdict_date_and_totals(audit: Audit) -> None:
    dom = _dom(audit.html)
    text = " ".join(dom.text().split())
    assert "Failed" in text
    assert "Effective date 2024-03-01" in text
    assert re.search(r"\d+ errors, \d+ warnings? in 1 file; 6 vendors checked", text)
    title = next(t for stack, t in dom.texts if stack and stack[-1] == "title")
    assert title.startswith("Subprocessor audit: failed (")


def test_link_verdicts_are_counted_in_bars(audit: Audit) -> None:
    dom = _dom(audit.html)
    (bars,) = [a for tag, a in dom.tags if tag == "div" and a.get("class") == "bars"]
    label = bars["aria-label"] or ""
    # Alive, Newcomer, the privacy policy; Gone; Moved; Down.
    assert label == "Link verdicts: 3 ok, 1 redirected, 1 broken, 1 unreachable"
    widths = [
        a["style"]
        for tag, a in dom.tags
        if tag == "span" and (a.get("style") or "").startswith("width")
    ]
    assert widths[:4] == ["width:100.0%", "width:33.3%", "width:33.3%", "width:33.3%"]


def test_findings_quote_their_line_and_link_their_rule(audit: Audit) -> None:
    dom = _dom(audit.html)
    findings = [a for tag, a in dom.tags if tag == "article"]
    rules = {a["data-rule"] for a in findings}
    assert {
        "link-broken",
        "link-redirected",
        "field-mismatch",
        "not-in-registry",
        "missing-from-document",
        "date-not-updated",
    } <= rules
    marked = [t for stack, t in dom.texts if stack and stack[-1] == "mark"]
    assert "Germany" in marked  # the mismatching cell is marked in its source line


def test_changes_since_the_base(audit: Audit) -> None:
    text = " ".join(_dom(audit.html).text().split())
    assert "Changes since the base" in text
    assert "subprocessors.md since HEAD" in text
    assert "Added: Newcomer" in text and "Added: [Evil](javascript:alert(1))" in text
    assert "Effective date unchanged: 2024-03-01" in text


def test_hostile_cells_stay_text(audit: Audit) -> None:
    dom = _dom(audit.html)
    tags = {tag for tag, _ in dom.tags}
    assert not tags & {"script", "img", "iframe", "object", "embed", "form", "b", "td>"}
    for _, attributes in dom.tags:
        for name, value in attributes.items():
            assert not name.startswith("on"), name
            assert "javascript:" not in (value or "").lower(), (name, value)
    text = dom.text()
    assert "<script>document.title='pwned'</script>" in text  # shown in the source line
    assert "<img src=x onerror=alert(1)>" in text
    assert "Mars\\u202eUSA" in text and "\u202e" not in audit.html


def test_self_contained_and_locked_down(audit: Audit) -> None:
    dom = _dom(audit.html)
    head = audit.html.split("<title>")[0]
    assert "Content-Security-Policy" in head and "default-src 'none'" in head
    assert not [t for t, a in dom.tags if t in ("link", "script")]
    assert not [a for _, a in dom.tags if "src" in a]
    assert "url(" not in audit.html and "@import" not in audit.html
    hrefs = [a["href"] or "" for t, a in dom.tags if t == "a"]
    assert hrefs and all(h.startswith(("http://", "https://")) for h in hrefs)
    assert all(a.get("rel") == "noopener noreferrer nofollow" for t, a in dom.tags if t == "a")
    viewport = [a for t, a in dom.tags if t == "meta" and a.get("name") == "viewport"]
    assert viewport and "width=device-width" in (viewport[0]["content"] or "")


def test_rule_links_only_when_the_reference_is_a_web_address() -> None:
    finding = Finding("p.md", 1, 1, "field-mismatch", Severity.ERROR, "m")

    def rendered(uri: str) -> _Dom:
        rule = RuleInfo("field-mismatch", "s", "d", Severity.ERROR, uri)
        return _dom(html.render(CheckResult(findings=[finding], rules=[rule])))

    web = rendered("https://example.org/docs/rules.md#field-mismatch")
    assert [a["href"] for t, a in web.tags if t == "a"] == [
        "https://example.org/docs/rules.md#field-mismatch"
    ]
    local = rendered("docs/rules.md#field-mismatch")
    assert not [t for t, _ in local.tags if t == "a"]
    assert any(a.get("title") == "docs/rules.md#field-mismatch" for _, a in local.tags)


def test_passing_run_without_links() -> None:
    result = CheckResult(
        documents=["p.md"],
        vendors=1,
        pages=[
            PageReport(
                "p.md",
                effective_date=None,
                vendors=[Vendor("p.md", 5, "Stripe", "https://stripe.com/", "USA", "Payments")],
            )
        ],
        links=[],
    )
    dom = _dom(html.render(result))
    text = " ".join(dom.text().split())
    assert "Passed" in text and "Effective date not stated" in text
    assert "Links were not checked in this run" in text
    assert "No findings" in text
    assert _vendor_rows(dom)["Stripe"]["status"] == "ok"


def test_link_problem_table_lists_broken_links_with_their_places() -> None:
    result = CheckResult(
        links=[
            LinkResult("https://a.example/", Verdict.BROKEN, status=404, lines=[("p.md", 7)]),
            LinkResult("https://b.example/", Verdict.OK, status=200),
        ]
    )
    text = " ".join(_dom(html.render(result)).text().split())
    assert "https://a.example/ HTTP 404 p.md:7" in text
    assert "https://b.example/" not in text  # ok links are counted, not listed


# --- in a real browser ------------------------------------------------------------------------


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    if os.environ.get("CI"):
        pytest.fail("chromium is required in CI (.ci/run installs Debian's chromium)")
    pytest.skip("chromium is not installed (apt-get install chromium); CI runs this test")


def _browser(profile: Path, *args: str, timeout: float = 90) -> subprocess.CompletedProcess[str]:
    command = [
        _chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        *args,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=True)


def test_browser_shows_every_vendor_and_every_broken_link(audit: Audit, tmp_path: Path) -> None:
    done = _browser(tmp_path / "profile", "--dump-dom", audit.path.as_uri())
    dom = _dom(done.stdout)
    rows = _vendor_rows(dom)
    for vendor in audit.vendors:
        assert vendor in rows, f"{vendor} missing from the rendered vendor table"
    assert rows["Gone"]["status"] == "broken"
    link_text = " ".join(dom.text().split())
    for url in audit.broken:
        assert url in link_text
    # The browser built no element from page text, and no script ran (the title is ours).
    assert not {t for t, _ in dom.tags} & {"script", "img", "iframe", "b"}
    title = next(t for stack, t in dom.texts if stack and stack[-1] == "title")
    assert title.startswith("Subprocessor audit: failed")


@pytest.mark.parametrize(("name", "size"), [("desktop", "1200,1800"), ("phone", "390,1800")])
def test_browser_screenshot(audit: Audit, tmp_path: Path, name: str, size: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / f"html-report-{name}.png"
    target.unlink(missing_ok=True)
    _browser(
        tmp_path / "profile",
        f"--window-size={size}",
        f"--screenshot={target}",
        audit.path.as_uri(),
    )
    data = target.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == tuple(int(n) for n in size.split(","))
    shutil.copy(audit.path, ARTIFACTS / "html-report.html")


def test_missing_browser_skips_locally_and_fails_in_ci(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="chromium is not installed"):
        _chromium()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="required in CI"):
        _chromium()
