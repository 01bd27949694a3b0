"""checker.load.gitbase helpers the action uses to find a pull request's base, on real repos."""

from __future__ import annotations

import shutil
from pathlib import Path

from checker.load.gitbase import (
    fetch_merge_base,
    is_shallow,
    parents,
    ref_exists,
    remote_url,
    resolve_commit,
)
from tests.test_gitbase import PAGE, commit, edit, git, init, isolated_git

__all__ = ["isolated_git"]  # the autouse fixture: no user or system git configuration here


def fork(tmp_path: Path) -> tuple[Path, str, str, str]:
    """origin: main with 6 commits; a branch forks at the 2nd and adds 2; main adds 4 more.

    Returns (origin, fork point, branch head, main tip).
    """
    origin = init(tmp_path / "origin")
    shas = [commit(origin, {"page.md": edit(PAGE, l1=f"main {i}\n")}, f"m{i}") for i in range(2)]
    point = shas[-1]
    git(origin, "checkout", "-q", "-b", "topic")
    for i in range(2):
        topic = edit(PAGE, l1="main 1\n", l9=f"topic {i}\n")
        head = commit(origin, {"page.md": topic}, f"t{i}")
    git(origin, "checkout", "-q", "main")
    for i in range(2, 6):
        tip = commit(origin, {"page.md": edit(PAGE, l1=f"main {i}\n")}, f"m{i}")
    return origin, point, head, tip


def shallow_head(tmp_path: Path, origin: Path, head: str) -> Path:
    """The pull request's head alone, depth 1, as actions/checkout with ref: head.sha."""
    clone = init(tmp_path / "clone")
    git(clone, "remote", "add", "origin", origin.as_uri())
    git(clone, "fetch", "-q", "--depth=1", "origin", head)
    git(clone, "checkout", "-q", "--detach", head)
    return clone


def test_fetch_merge_base_deepens_a_shallow_head_until_the_fork(tmp_path: Path) -> None:
    origin, point, head, tip = fork(tmp_path)
    clone = shallow_head(tmp_path, origin, head)
    assert not ref_exists(clone, tip) and not ref_exists(clone, point)
    assert fetch_merge_base(clone, tip, head, depth=1) == point
    assert ref_exists(clone, tip)
    refs_before = git(clone, "for-each-ref")
    assert fetch_merge_base(clone, tip, head, depth=1) == point  # present now: no fetch
    assert git(clone, "for-each-ref") == refs_before


def test_fetch_merge_base_unshallows_as_a_last_resort(tmp_path: Path) -> None:
    origin, point, head, tip = fork(tmp_path)
    clone = shallow_head(tmp_path, origin, head)
    # One round of --deepen=1 does not reach the fork; the final --unshallow does.
    assert fetch_merge_base(clone, tip, head, depth=1, rounds=1) == point
    assert not is_shallow(clone)


def test_fetch_merge_base_gives_up_without_raising(tmp_path: Path) -> None:
    origin, _point, head, tip = fork(tmp_path)
    clone = shallow_head(tmp_path, origin, head)
    assert fetch_merge_base(clone, "--upload-pack=touch x", head) is None
    assert fetch_merge_base(clone, tip, "HEAD") is None  # names, not shas, are refused
    shutil.rmtree(origin)
    assert fetch_merge_base(clone, tip, head) is None
    assert fetch_merge_base(tmp_path / "nowhere", tip, head) is None


def test_fetch_merge_base_of_unrelated_histories(tmp_path: Path) -> None:
    one = init(tmp_path / "one")
    a = commit(one, {"page.md": PAGE}, "a")
    git(one, "checkout", "-q", "--orphan", "other")
    b = commit(one, {"page.md": edit(PAGE, l2="other\n")}, "b")
    assert fetch_merge_base(one, a, b) is None


def test_parents_of_a_merge_commit_even_at_a_shallow_boundary(tmp_path: Path) -> None:
    origin, _point, head, tip = fork(tmp_path)
    git(origin, "merge", "-q", "--no-ff", "--no-edit", head)
    merge = resolve_commit(origin, "HEAD")
    assert merge is not None
    assert parents(origin, merge) == [tip, head]
    assert parents(origin, resolve_commit(origin, "main~6") or "") == []  # the root commit
    clone = shallow_head(tmp_path, origin, merge)
    assert is_shallow(clone)
    assert parents(clone, "HEAD") == [tip, head]  # recorded in the commit, though not fetched
    assert not ref_exists(clone, tip)


def test_resolve_commit_and_remote_url(tmp_path: Path) -> None:
    repo = init(tmp_path / "repo")
    assert resolve_commit(repo, "HEAD") is None  # no commit yet
    sha = commit(repo, {"page.md": PAGE}, "one")
    assert resolve_commit(repo, "HEAD") == sha
    assert resolve_commit(repo, "main") == sha
    assert resolve_commit(repo, "-n") is None
    assert remote_url(repo) is None
    git(repo, "remote", "add", "origin", "https://github.com/acme/docs.git")
    assert remote_url(repo) == "https://github.com/acme/docs.git"
    assert remote_url(repo, "upstream") is None
    assert remote_url(repo, "--list") is None
