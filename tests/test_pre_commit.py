"""The pre-commit hook, installed and run by pre-commit itself from this checkout.

``pre-commit try-repo`` builds the hook's environment the way a user's ``pre-commit install``
does (a virtualenv with this package installed from the repository), then runs the hook in
a real repository holding the bundled example.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples"


def _git(repo: Path, *args: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.com",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.com",
    }
    subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)


def _try_repo(repo: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    hook = [str(ROOT), "subprocessor-check", "--all-files"]
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", *hook],
        cwd=repo,
        env={**os.environ, "PRE_COMMIT_HOME": str(cache)},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_manifest_names_the_command_line() -> None:
    (hook,) = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))
    assert hook["id"] == "subprocessor-check"
    assert hook["entry"] == "subprocessor-check check"
    assert hook["pass_filenames"] is False


def _package_index_reachable() -> bool:
    probe = subprocess.run(
        [sys.executable, "-m", "pip", "index", "versions", "pip", "--disable-pip-version-check"],
        capture_output=True,
        timeout=60,
        check=False,
    )
    return probe.returncode == 0


def test_hook_passes_the_example_and_fails_a_drifted_page(tmp_path: Path) -> None:
    # pre-commit installs the hook's dependencies from the package index, as it does for
    # users. Offline, a developer's run skips this test; CI, which reaches the index, runs it.
    if not os.environ.get("CI") and not _package_index_reachable():
        pytest.skip("pre-commit needs the package index to build the hook's environment")
    repo = tmp_path / "site"
    repo.mkdir()
    for name in (".subprocessor-check.yml", "registry.yml", "subprocessors.md"):
        (repo / name).write_bytes((EXAMPLE / name).read_bytes())
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "page")
    cache = tmp_path / "pre-commit"

    clean = _try_repo(repo, cache)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "subprocessor-check" in clean.stdout and "Passed" in clean.stdout

    page = repo / "subprocessors.md"
    page.write_text(page.read_text("utf-8").replace("| USA |", "| Canada |", 1), "utf-8")
    _git(repo, "commit", "-q", "-am", "drift")
    drifted = _try_repo(repo, cache)
    assert drifted.returncode == 1, drifted.stdout + drifted.stderr
    assert "Failed" in drifted.stdout and "field-mismatch" in drifted.stdout
