"""Base-vs-head checks on real git history: the list may not change without a later date."""

from __future__ import annotations

import io
import json
import os
import subprocess
from pathlib import Path

import pytest

from checker.cli import run
from tests.support import CORPUS

# Oldest first, as SOURCES.md lists them.
HISTORY = [
    "165c613", "6659615", "529a95b", "ef6f11e", "5edd056",
    "57d9d2c", "29a89ff", "3afc8f4", "d836b2a", "98458b5",
]  # fmt: skip
# Versions that changed the list but kept the previous date (SOURCES.md).
UNBUMPED = {"ef6f11e", "29a89ff", "d836b2a", "98458b5"}


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}  # fmt: skip
    done = subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def check(*argv: str, cwd: Path) -> tuple[int, dict[str, object], str]:
    out, err = io.StringIO(), io.StringIO()
    old = Path.cwd()
    os.chdir(cwd)
    try:
        code = run([*argv, "--format", "json"], stdout=out, stderr=err)
    finally:
        os.chdir(old)
    return code, json.loads(out.getvalue()) if out.getvalue() else {}, err.getvalue()


@pytest.fixture
def history(tmp_path: Path) -> tuple[Path, list[str]]:
    repo = tmp_path / "docs"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    shas = []
    for version in HISTORY:
        (repo / "service-providers.md").write_bytes(
            (CORPUS / f"postgres-ai-{version}.md").read_bytes()
        )
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", version)
        shas.append(git(repo, "rev-parse", "HEAD"))
    return repo, shas


def test_real_history_flags_exactly_the_unbumped_transitions(
    history: tuple[Path, list[str]],
) -> None:
    repo, shas = history
    flagged = set()
    for i in range(1, len(HISTORY)):
        git(repo, "checkout", "-q", shas[i])
        _, report, err = check("check", "service-providers.md", "--base", shas[i - 1], cwd=repo)
        assert err == ""
        rules = [f for f in report["findings"] if f["rule"] == "date-not-updated"]  # type: ignore[index]
        if rules:
            flagged.add(HISTORY[i])
            (finding,) = rules
            assert finding["line"] == 5  # the "Effective date:" line
            assert finding["severity"] == "error"
    assert flagged == UNBUMPED


def test_message_names_what_changed(history: tuple[Path, list[str]]) -> None:
    repo, shas = history
    git(repo, "checkout", "-q", shas[-1])
    code, report, _ = check("check", "service-providers.md", "--base", shas[-2], cwd=repo)
    assert code == 1
    (finding,) = [f for f in report["findings"] if f["rule"] == "date-not-updated"]  # type: ignore[index]
    assert "added pgMustard" in finding["message"]
    assert "still 2025-02-05" in finding["message"]
    assert finding["context"]["added"] == ["pgMustard"]


def test_description_edits_can_be_ignored(history: tuple[Path, list[str]]) -> None:
    repo, shas = history
    d836 = HISTORY.index("d836b2a")  # only a description changed ("PostgresAI Team")
    git(repo, "checkout", "-q", shas[d836])
    (repo / "cfg.yml").write_text("date_change: {count_description_changes: false}\n")
    args = ("check", "service-providers.md", "--base", shas[d836 - 1])
    _, report, _ = check(*args, "-c", "cfg.yml", cwd=repo)
    assert not [f for f in report["findings"] if f["rule"] == "date-not-updated"]  # type: ignore[index]
    _, report, _ = check(*args, cwd=repo)
    assert [f for f in report["findings"] if f["rule"] == "date-not-updated"]  # type: ignore[index]


def test_date_going_backwards_is_flagged(tmp_path: Path) -> None:
    repo = tmp_path
    git(repo, "init", "-q", "-b", "main")
    page = (CORPUS / "postgres-ai-57d9d2c.md").read_text()
    (repo / "p.md").write_text(page)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    (repo / "p.md").write_text(
        page.replace("Effective date: 2025-02-05", "Effective date: 2024-01-01")
    )
    _, report, _ = check("check", "p.md", "--base", "HEAD", cwd=repo)
    (finding,) = [f for f in report["findings"] if f["rule"] == "date-not-updated"]  # type: ignore[index]
    assert "went backwards" in finding["message"]


def test_registry_change_counts_even_when_the_page_is_untouched(tmp_path: Path) -> None:
    repo = tmp_path
    git(repo, "init", "-q", "-b", "main")
    example = Path(__file__).resolve().parents[1] / "examples"
    (repo / "page.md").write_text((example / "subprocessors.md").read_text())
    registry = (example / "registry.yml").read_text()
    (repo / "registry.yml").write_text(registry)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    (repo / "registry.yml").write_text(registry.replace("location: UK, Finland", "location: UK"))
    _, report, _ = check("check", "page.md", "-r", "registry.yml", "--base", "HEAD", cwd=repo)
    rules = {f["rule"] for f in report["findings"]}  # type: ignore[index]
    assert "date-not-updated" in rules and "field-mismatch" in rules


def test_base_outside_a_repository_or_unknown_ref_is_exit_2(tmp_path: Path) -> None:
    (tmp_path / "p.md").write_text("# x\n")
    code, _, err = check("check", "p.md", "--base", "main", cwd=tmp_path)
    assert code == 2 and "not inside a git repository" in err
    git(tmp_path, "init", "-q", "-b", "main")
    code, _, err = check("check", "p.md", "--base", "no-such-ref", cwd=tmp_path)
    assert code == 2 and "no-such-ref" in err and "Traceback" not in err


def test_page_new_at_head_is_not_flagged(tmp_path: Path) -> None:
    git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "README").write_text("x\n")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "base")
    (tmp_path / "p.md").write_text((CORPUS / "postgres-ai-98458b5.md").read_text())
    code, report, _ = check("check", "p.md", "--base", "HEAD", cwd=tmp_path)
    assert code == 0, report
