"""Bad input of every kind: exit 2 or a finding with a clear message, never a traceback or hang.

Each case runs the real command line in a subprocess with a time limit, so a hang or an
unbounded allocation fails the test instead of stalling the suite.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGE = (ROOT / "examples" / "subprocessors.md").read_text()
REGISTRY = (ROOT / "examples" / "registry.yml").read_text()
LIMIT_S = 60  # generous: a hang, not slowness, is what this catches


def run(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "checker", *argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=LIMIT_S,
    )


def assert_clean_exit_2(done: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert done.returncode == 2, (done.returncode, done.stdout[-500:], done.stderr[-500:])
    assert "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1, done.stderr
    for fragment in fragments:
        assert fragment in done.stderr, done.stderr


BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
subprocessors: *i
"""


@pytest.mark.parametrize("kind", ["registry", "config"])
def test_alias_bomb_is_refused_quickly(tmp_path: Path, kind: str) -> None:
    (tmp_path / "page.md").write_text(PAGE)
    (tmp_path / "bomb.yml").write_text(BILLION_LAUGHS)
    flag = "-r" if kind == "registry" else "-c"
    done = run("check", "page.md", flag, "bomb.yml", cwd=tmp_path)
    assert_clean_exit_2(done, "bomb.yml", "after expanding aliases")


def test_recursive_alias_is_refused(tmp_path: Path) -> None:
    (tmp_path / "page.md").write_text(PAGE)
    (tmp_path / "r.yml").write_text("subprocessors: &x [*x]\n")
    assert_clean_exit_2(run("check", "page.md", "-r", "r.yml", cwd=tmp_path), "r.yml")


@pytest.mark.parametrize(
    ("registry", "fragment"),
    [
        ("[]\n", "must be a mapping"),
        ("'just a string'\n", "must be a mapping"),
        ("42\n", "must be a mapping"),
        ("", "the registry is empty"),
        ("subprocessors: {}\n", "'subprocessors' must be a list"),
        ("subprocessors: [1, 2]\n", "'subprocessors[0]' must be a mapping"),
        (
            "subprocessors:\n  - {name: [a], url: 'https://a.example/', location: X,"
            " description: Y}\n",
            "'subprocessors[0].name' must be text",
        ),
        (
            "subprocessors:\n  - {name: A, url: https://a.example/, location: 1, description: x}\n",
            "'subprocessors[0].location' must be text",
        ),
        ("privacy_policy: true\nsubprocessors: []\n", "'privacy_policy' must be text"),
        ("effective_date: 2024-13-01\nsubprocessors: []\n", "not a real date"),
        ("effective_date: yesterday\nsubprocessors: []\n", "must be a date written YYYY-MM-DD"),
        ("subprocessors: []\n---\nsubprocessors: []\n", "expected one YAML document"),
        ("subprocessors: []\nsubprocessors: []\n", "duplicate key 'subprocessors'"),
        ("\t- x\n", "invalid YAML"),
        ("subprocessors: []\n<<: {a: 1}\n", "invalid"),
    ],
)
def test_wrong_registry_shapes(tmp_path: Path, registry: str, fragment: str) -> None:
    (tmp_path / "page.md").write_text(PAGE)
    (tmp_path / "reg.yml").write_text(registry)
    assert_clean_exit_2(run("check", "page.md", "-r", "reg.yml", cwd=tmp_path), "reg.yml", fragment)


@pytest.mark.parametrize(
    ("config", "fragment"),
    [
        ("documents: page.md\n", "'documents' must be a list"),
        ("documents: [42]\n", "documents[0]"),
        ("links: {mode: sometimes}\n", "'links.mode' has an invalid value"),
        ("links: {concurrency: 0}\n", "links.concurrency"),
        ("date: {formats: []}\n", "date.formats"),
        ("max_document_bytes: -1\n", "max_document_bytes"),
        ("rules: [a]\n", "'rules' must be a mapping"),
        # A pull request's config must not choose how long the job runs.
        ("links: {budget: 1000000000}\n", "links.budget"),
        ("links: {timeout: 86400}\n", "links.timeout"),
        ("links: {budget: .inf}\n", "not a finite number"),
        ("links: {budget: .nan}\n", "not a finite number"),
        ("links: {timeout: -.Inf}\n", "not a finite number"),
        ("notice_period_days: " + "9" * 5000 + "\n", "is too long"),
        ("date: {labels: ['(']}\n", "date.labels: invalid pattern '('"),
        ("date: {labels: ['(?=x)y']}\n", "RE2 syntax"),
        ("documents: [{path: page.md, date: {labels: ['(a)\\1']}}]\n", "date.labels"),
        ("links: {exclude: ['[z-a]']}\n", "links.exclude"),
        ("links: {accept: {'(?<=x)': [403]}}\n", "links.accept"),
        ("date: {labels: ['.{1,1000}Q']}\n", "too complex"),
        ("date: {labels: [" + ", ".join(["'x'"] * 21) + "]}\n", "date.labels"),
        # A line break YAML obeys and a reviewer never sees: the comment hides a setting.
        ("# reviewed\rrules: {date-missing: off}\n", "cfg.yml:1: invalid config: a carriage"),
        ("documents: [page.md]\nx: 'a\u2028b'\n", "cfg.yml:2: invalid config: the line separator"),
    ],
)
def test_wrong_config_shapes(tmp_path: Path, config: str, fragment: str) -> None:
    (tmp_path / "page.md").write_text(PAGE)
    (tmp_path / "cfg.yml").write_text(config)
    assert_clean_exit_2(run("check", "page.md", "-c", "cfg.yml", cwd=tmp_path), "cfg.yml", fragment)


def test_huge_page_is_a_finding_in_bounded_time_and_memory(tmp_path: Path) -> None:
    page = tmp_path / "huge.md"
    row = "| [Vendor](https://vendor.example/) | USA | Hosting |\n"
    with page.open("w") as out:
        out.write(PAGE)
        for _ in range(50 * 1024 * 1024 // len(row)):
            out.write(row)
    done = run("check", "huge.md", "-f", "json", cwd=tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    (finding,) = json.loads(done.stdout)["findings"]
    assert finding["rule"] == "document-too-large"
    assert "over the limit of 10,485,760" in finding["message"]
    assert finding["line"] is None


def test_size_limit_is_configurable(tmp_path: Path) -> None:
    (tmp_path / "page.md").write_text(PAGE)
    (tmp_path / "cfg.yml").write_text("max_document_bytes: 100\n")
    done = run("check", "page.md", "-c", "cfg.yml", "-f", "json", cwd=tmp_path)
    assert [f["rule"] for f in json.loads(done.stdout)["findings"]] == ["document-too-large"]


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"\xff\xfe" + "| a | b |\n".encode("utf-16-le"),
        "caf\u00e9 | x |\n".encode("latin-1"),
    ],
)
def test_binary_and_non_utf8_pages(tmp_path: Path, content: bytes) -> None:
    (tmp_path / "page.md").write_bytes(content)
    assert_clean_exit_2(run("check", "page.md", cwd=tmp_path), "page.md")


def test_non_utf8_registry(tmp_path: Path) -> None:
    (tmp_path / "page.md").write_text(PAGE)
    latin1 = "subprocessors:\n  - name: Gitl\u00e4b\n".encode("latin-1")
    (tmp_path / "reg.yml").write_bytes(latin1)
    assert_clean_exit_2(run("check", "page.md", "-r", "reg.yml", cwd=tmp_path), "not valid UTF-8")


def test_directories_instead_of_files(tmp_path: Path) -> None:
    (tmp_path / "page.md").write_text(PAGE)
    (tmp_path / "d").mkdir()
    assert_clean_exit_2(run("check", "d", cwd=tmp_path), "is a directory")
    assert_clean_exit_2(run("check", "page.md", "-r", "d", cwd=tmp_path), "is a directory")
    assert_clean_exit_2(run("check", "page.md", "-c", "d", cwd=tmp_path), "is a directory")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "\n\n\n",
        "|",
        "| a |\n|---|\n",
        "---\n",
        "---\n: : :\n---\n",
        "---\n- a list\n---\n| Name | Location |\n|---|---|\n| A | B |\n",
        "<table><tr><td>" * 200,
        "| " * 5000 + "\n" + "|---" * 5000 + "\n",
        "> " * 300 + "| a | b |\n",
        "\u2028| Name | Location |\u2029|---|---|\x85| A | B |\r",
    ],
)
def test_odd_pages_give_findings_not_tracebacks(tmp_path: Path, text: str) -> None:
    (tmp_path / "page.md").write_text(text)
    done = run("check", "page.md", "-r", str(ROOT / "examples" / "registry.yml"), "-f", "json",
               cwd=tmp_path)  # fmt: skip
    assert done.returncode in (0, 1), done.stderr[-800:]
    report = json.loads(done.stdout)
    lines = max(1, len(text.splitlines()) + 1)
    for finding in report["findings"]:
        assert finding["path"] and finding["rule"]
        assert finding["line"] is None or 1 <= finding["line"] <= lines + 1


def test_front_matter_that_is_not_yaml_is_a_warning_and_the_page_is_still_checked(
    tmp_path: Path,
) -> None:
    body = PAGE.split("---\n", 2)[2]
    (tmp_path / "page.md").write_text("---\ntitle: ok\nsidebar: [unclosed\n---\n" + body)
    done = run("check", "page.md", "-r", str(ROOT / "examples" / "registry.yml"), "-f", "json",
               cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    report = json.loads(done.stdout)
    (finding,) = report["findings"]
    assert (finding["rule"], finding["severity"], finding["line"]) == (
        "front-matter-invalid",
        "warning",
        4,  # the line after "[unclosed", where the YAML parser gives up
    )
    assert report["summary"]["vendors"] == 15  # the table was checked all the same
