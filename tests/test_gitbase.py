"""checker.load.gitbase against real git repositories built in tmp_path."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from checker.load.gitbase import (
    ChangedLines,
    GitError,
    changed_lines,
    ensure_commit,
    file_history,
    is_shallow,
    merge_base,
    read_at_ref,
    read_bytes_at_ref,
    ref_exists,
    repo_root,
)

PAGE = "".join(f"line {i}\n" for i in range(1, 11))  # ten lines: "line 1" … "line 10"


@pytest.fixture(autouse=True)
def isolated_git(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No user or system git configuration (no safe.directory = * sneaking in), fixed names."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for var in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_CONFIG_PARAMETERS"):
        monkeypatch.delenv(var, raising=False)
    for role in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{role}_NAME", "Test Author")
        monkeypatch.setenv(f"GIT_{role}_EMAIL", "author@example.com")


def git(repo: Path, *args: str, env: Mapping[str, str] | None = None) -> str:
    proc = subprocess.run(
        ["git", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {})},
    )
    assert proc.returncode == 0, f"git {args}: {proc.stderr}"
    return proc.stdout.strip()


def init(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    return path


def write(repo: Path, files: Mapping[str, str | bytes | None]) -> None:
    for name, content in files.items():
        target = repo / name
        if content is None:
            target.unlink()
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            content = content.encode()
        target.write_bytes(content)


_clock = iter(range(1_700_000_000, 1_800_000_000, 3600))


def commit(repo: Path, files: Mapping[str, str | bytes | None], message: str) -> str:
    """Write (None: delete) files, commit everything with a strictly increasing date."""
    write(repo, files)
    git(repo, "add", "-A")
    date = f"@{next(_clock)} +0200"
    git(
        repo,
        "commit",
        "-q",
        "-m",
        message,
        env={"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date},
    )
    return git(repo, "rev-parse", "HEAD")


def move(repo: Path, old: str, new: str) -> None:
    (repo / new).parent.mkdir(parents=True, exist_ok=True)
    git(repo, "mv", old, new)


def edit(text: str, **replace: str) -> str:
    """PAGE with lines replaced: edit(PAGE, l3="x") replaces line 3 by "x"."""
    lines = text.splitlines(keepends=True)
    for key, value in replace.items():
        lines[int(key[1:]) - 1] = value
    return "".join(lines)


def snapshot(repo: Path) -> dict[str, tuple[int, bytes]]:
    """Every file under .git with its mtime and content."""
    gitdir = repo / ".git"
    return {
        str(p.relative_to(gitdir)): (p.stat().st_mtime_ns, p.read_bytes())
        for p in sorted(gitdir.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return init(tmp_path / "repo")


# ------------------------------------------------------------------------------------------
# repo_root, ref_exists, merge_base, is_shallow


def test_repo_root_from_subdirectory_file_and_outside(tmp_path: Path, repo: Path) -> None:
    commit(repo, {"docs/page.md": PAGE}, "page")
    assert repo_root(repo) == repo.resolve()
    assert repo_root(repo / "docs") == repo.resolve()
    assert repo_root(repo / "docs" / "page.md") == repo.resolve()
    outside = tmp_path / "plain"
    outside.mkdir()
    assert repo_root(outside) is None
    assert repo_root(tmp_path / "does-not-exist" / "x.md") is None


def test_repo_must_be_the_top_level(tmp_path: Path, repo: Path) -> None:
    commit(repo, {"docs/page.md": PAGE}, "one")
    with pytest.raises(GitError, match="not the top level"):
        read_at_ref(repo / "docs", "HEAD", "page.md")
    with pytest.raises(GitError, match="not the top level"):
        changed_lines(tmp_path, "HEAD", None, "page.md")


def test_ref_exists(repo: Path) -> None:
    first = commit(repo, {"page.md": PAGE}, "one")
    commit(repo, {"page.md": PAGE + "more\n"}, "two")
    git(repo, "tag", "v1", first)
    for ref in ("main", "HEAD", "HEAD~1", "v1", first, first[:10]):
        assert ref_exists(repo, ref), ref
    for ref in ("HEAD~2", "nope", "0" * 40, "-h", "", "HEAD:page.md"):
        assert not ref_exists(repo, ref), ref


def test_merge_base(repo: Path) -> None:
    fork = commit(repo, {"page.md": PAGE}, "fork point")
    git(repo, "switch", "-q", "-c", "feature")
    feature = commit(repo, {"page.md": PAGE + "feature\n"}, "feature")
    git(repo, "switch", "-q", "main")
    main = commit(repo, {"other.md": "x\n"}, "main moves on")
    assert merge_base(repo, main, feature) == fork
    assert merge_base(repo, "main", "feature") == fork
    git(repo, "switch", "-q", "--orphan", "unrelated")
    lone = commit(repo, {"lone.md": "x\n"}, "unrelated history")
    assert merge_base(repo, main, lone) is None
    with pytest.raises(GitError, match="no-such-branch"):
        merge_base(repo, main, "no-such-branch")


def test_is_shallow(tmp_path: Path, repo: Path) -> None:
    commit(repo, {"page.md": PAGE}, "one")
    commit(repo, {"page.md": PAGE + "x\n"}, "two")
    git(tmp_path, "clone", "-q", "--depth", "1", repo.as_uri(), "shallow")
    git(tmp_path, "clone", "-q", repo.as_uri(), "full")
    assert is_shallow(tmp_path / "shallow")
    assert not is_shallow(tmp_path / "full")
    assert not is_shallow(repo)


# ------------------------------------------------------------------------------------------
# read_at_ref


def test_read_at_ref_reads_each_version_and_missing_files(repo: Path) -> None:
    first = commit(repo, {"docs/page.md": PAGE}, "one")
    second = commit(repo, {"docs/page.md": edit(PAGE, l2="changed\n"), "new.md": "new\n"}, "two")
    write(repo, {"docs/page.md": "uncommitted\n"})
    assert read_at_ref(repo, first, "docs/page.md") == PAGE
    assert read_at_ref(repo, second, "docs/page.md") == edit(PAGE, l2="changed\n")
    assert read_at_ref(repo, "HEAD", repo / "docs" / "page.md") == edit(PAGE, l2="changed\n")
    assert read_at_ref(repo, "HEAD", "./docs/../docs/page.md") == edit(PAGE, l2="changed\n")
    assert read_at_ref(repo, first, "new.md") is None
    assert read_at_ref(repo, second, "new.md") == "new\n"
    assert read_at_ref(repo, second, "docs/missing.md") is None
    assert read_at_ref(repo, second, "page.md") is None  # only docs/page.md exists


def test_read_at_ref_unknown_ref_names_it(repo: Path) -> None:
    commit(repo, {"page.md": PAGE}, "one")
    with pytest.raises(GitError, match="no-such-ref"):
        read_at_ref(repo, "no-such-ref", "page.md")
    with pytest.raises(GitError, match="deadbeef"):
        read_at_ref(repo, "deadbeef" * 5, "page.md")


def test_read_at_ref_rejects_directories_and_paths_outside(tmp_path: Path, repo: Path) -> None:
    commit(repo, {"docs/page.md": PAGE}, "one")
    with pytest.raises(GitError, match="directory"):
        read_at_ref(repo, "HEAD", "docs")
    with pytest.raises(GitError, match="not inside"):
        read_at_ref(repo, "HEAD", tmp_path / "elsewhere.md")
    with pytest.raises(GitError, match="not a file inside"):
        read_at_ref(repo, "HEAD", "../repo/docs/page.md")


def test_read_at_ref_decodes_like_the_loader(repo: Path) -> None:
    crlf = "| Name |\r\n|---|\r\n| Ünïcode |\r\n"
    commit(repo, {"bom.md": b"\xef\xbb\xbf" + crlf.encode(), "bad.md": b"ok\n\xff\xfe\n"}, "x")
    assert read_at_ref(repo, "HEAD", "bom.md") == crlf  # BOM gone, CRLF kept
    assert read_bytes_at_ref(repo, "HEAD", "bom.md") == b"\xef\xbb\xbf" + crlf.encode()
    assert read_bytes_at_ref(repo, "HEAD", "bad.md") == b"ok\n\xff\xfe\n"
    with pytest.raises(GitError, match=r"bad\.md at HEAD is not valid UTF-8 .*0xff at offset 3"):
        read_at_ref(repo, "HEAD", "bad.md")


def test_read_at_ref_paths_with_spaces_unicode_and_glob_characters(repo: Path) -> None:
    names = ["docs/sous-traitants é.md", "données/liste *.md", "a:b [1].md", "-dash.md"]
    commit(repo, dict.fromkeys(names, PAGE) | {"données/liste x.md": "other\n"}, "odd")
    for name in names:
        assert read_at_ref(repo, "HEAD", name) == PAGE, name
        assert read_at_ref(repo, "HEAD", repo / name) == PAGE, name


# ------------------------------------------------------------------------------------------
# changed_lines between commits


def test_changed_lines_insertions(repo: Path) -> None:
    base = commit(repo, {"page.md": PAGE}, "one")
    lines = PAGE.splitlines(keepends=True)
    head = commit(
        repo, {"page.md": "".join([*lines[:3], "new a\n", "new b\n", *lines[3:], "end\n"])}, "two"
    )
    assert changed_lines(repo, base, head, "page.md") == ChangedLines(
        {4, 5, 13}, "modified", "page.md"
    )


def test_changed_lines_modifications_in_several_hunks(repo: Path) -> None:
    base = commit(repo, {"page.md": PAGE}, "one")
    head = commit(repo, {"page.md": edit(PAGE, l1="first\n", l6="six\n", l7="seven\n")}, "two")
    result = changed_lines(repo, base, head, "page.md")
    assert result == ChangedLines({1, 6, 7}, "modified", "page.md")


def test_changed_lines_deletions_only_add_nothing_but_modify(repo: Path) -> None:
    base = commit(repo, {"page.md": PAGE}, "one")
    lines = PAGE.splitlines(keepends=True)
    head = commit(repo, {"page.md": "".join(lines[:2] + lines[5:])}, "drop lines 3-5")
    assert changed_lines(repo, base, head, "page.md") == ChangedLines(set(), "modified", "page.md")


def test_changed_lines_new_and_deleted_files(repo: Path) -> None:
    base = commit(repo, {"old.md": PAGE}, "one")
    head = commit(repo, {"old.md": None, "new.md": "a\nb\nc\n", "empty.md": ""}, "two")
    assert changed_lines(repo, base, head, "new.md") == ChangedLines({1, 2, 3}, "added", None)
    assert changed_lines(repo, base, head, "empty.md") == ChangedLines(set(), "added", None)
    assert changed_lines(repo, base, head, "old.md") == ChangedLines(set(), "deleted", "old.md")


def test_changed_lines_unchanged_and_absent(repo: Path) -> None:
    base = commit(repo, {"page.md": PAGE}, "one")
    head = commit(repo, {"other.md": "x\n"}, "two")
    assert changed_lines(repo, base, head, "page.md") == ChangedLines(set(), "unchanged", "page.md")
    assert changed_lines(repo, base, head, "nowhere.md") == ChangedLines(set(), "unchanged", None)


def test_changed_lines_follows_a_rename_with_edits(repo: Path) -> None:
    base = commit(repo, {"docs/subprocessors.md": PAGE, "README.md": "readme\n"}, "one")
    move(repo, "docs/subprocessors.md", "legal/sous-traitants é.md")
    head = commit(repo, {"legal/sous-traitants é.md": edit(PAGE, l4="four\n")}, "move and edit")
    result = changed_lines(repo, base, head, "legal/sous-traitants é.md")
    assert result == ChangedLines({4}, "renamed", "docs/subprocessors.md")
    # Asked by its old name, the page is gone from the head.
    gone = changed_lines(repo, base, head, "docs/subprocessors.md")
    assert gone == ChangedLines(set(), "deleted", "docs/subprocessors.md")


def test_changed_lines_no_rename_when_a_new_file_takes_the_old_name(repo: Path) -> None:
    """As git sees it (no break detection): the old name was modified, the new one added."""
    base = commit(repo, {"page.md": PAGE}, "one")
    move(repo, "page.md", "moved.md")
    head = commit(repo, {"moved.md": edit(PAGE, l9="nine\n"), "page.md": "a\nb\n"}, "swap")
    assert changed_lines(repo, base, head, "moved.md") == ChangedLines(
        set(range(1, 11)), "added", None
    )
    assert changed_lines(repo, base, head, "page.md").file_status == "modified"


def test_changed_lines_crlf_file(repo: Path) -> None:
    crlf = PAGE.replace("\n", "\r\n")
    base = commit(repo, {"page.md": crlf}, "one")
    head = commit(repo, {"page.md": edit(crlf, l3="three\r\n", l8="eight\r\n") + "tail\r\n"}, "two")
    result = changed_lines(repo, base, head, "page.md")
    assert result == ChangedLines({3, 8, 11}, "modified", "page.md")


def test_changed_lines_only_line_endings_changed(repo: Path) -> None:
    base = commit(repo, {"page.md": PAGE}, "one")
    head = commit(repo, {"page.md": PAGE.replace("\n", "\r\n")}, "to CRLF")
    assert changed_lines(repo, base, head, "page.md").added == set(range(1, 11))


def test_changed_lines_missing_final_newline(repo: Path) -> None:
    base = commit(repo, {"page.md": PAGE.rstrip("\n")}, "one")
    head = commit(repo, {"page.md": PAGE + "eleven"}, "two")
    assert changed_lines(repo, base, head, "page.md").added == {10, 11}


def test_changed_lines_ignores_user_diff_configuration(repo: Path) -> None:
    base = commit(repo, {"page.md": PAGE}, "one")
    move(repo, "page.md", "moved.md")
    head = commit(repo, {"moved.md": edit(PAGE, l5="five\n")}, "two")
    (repo / ".git" / "info" / "attributes").write_text("*.md diff=shifted\n")
    for key, value in {
        "diff.shifted.textconv": "sed 1d",  # would move every line number up by one
        "diff.external": "false",  # would make git diff fail
        "color.diff": "always",  # would hide hunk headers behind escape codes
        "diff.renames": "false",
        "diff.noprefix": "true",
        "core.pager": "false",
    }.items():
        git(repo, "config", key, value)
    assert changed_lines(repo, base, head, "moved.md") == ChangedLines({5}, "renamed", "page.md")


def test_changed_lines_unknown_refs(repo: Path) -> None:
    head = commit(repo, {"page.md": PAGE}, "one")
    with pytest.raises(GitError, match="'base-that-is-not'"):
        changed_lines(repo, "base-that-is-not", head, "page.md")
    with pytest.raises(GitError, match="'head-that-is-not'"):
        changed_lines(repo, head, "head-that-is-not", "page.md")


# ------------------------------------------------------------------------------------------
# changed_lines against the working tree


def test_working_tree_unstaged_and_staged_changes(repo: Path) -> None:
    base = commit(repo, {"page.md": PAGE, "staged.md": PAGE}, "one")
    commit(repo, {"page.md": edit(PAGE, l2="committed\n")}, "two")
    write(repo, {"page.md": edit(PAGE, l2="committed\n", l9="not yet committed\n")})
    write(repo, {"staged.md": edit(PAGE, l1="staged\n")})
    git(repo, "add", "staged.md")
    assert changed_lines(repo, base, None, "page.md") == ChangedLines({2, 9}, "modified", "page.md")
    assert changed_lines(repo, "HEAD", None, "page.md").added == {9}
    assert changed_lines(repo, base, None, "staged.md").added == {1}


def test_working_tree_diff_leaves_stale_index_stat_data_alone(repo: Path) -> None:
    # A step before the check (chown -R, a cache restore) changes the files' stat data;
    # git would refresh .git/index while diffing the working tree, as root in the action.
    base = commit(repo, {"page.md": PAGE}, "one")
    stamp = (repo / "page.md").stat().st_mtime_ns + 5_000_000_000
    os.utime(repo / "page.md", ns=(stamp, stamp))
    index = repo / ".git" / "index"
    before = (index.stat().st_mtime_ns, index.read_bytes())
    assert changed_lines(repo, base, None, "page.md").added == set()
    assert (index.stat().st_mtime_ns, index.read_bytes()) == before


def test_working_tree_untracked_file_is_added(repo: Path) -> None:
    base = commit(repo, {"page.md": PAGE}, "one")
    write(repo, {"drafts/new page.md": "a\nb\n", ".gitignore": "drafts/\n"})
    result = changed_lines(repo, base, None, "drafts/new page.md")
    assert result == ChangedLines({1, 2}, "added", None)


def test_working_tree_unstaged_move_is_a_rename(repo: Path) -> None:
    base = commit(repo, {"page.md": PAGE}, "one")
    (repo / "page.md").rename(repo / "moved é.md")
    write(repo, {"moved é.md": edit(PAGE, l7="seven\n")})
    before = snapshot(repo)
    assert changed_lines(repo, base, None, "moved é.md") == ChangedLines({7}, "renamed", "page.md")
    assert snapshot(repo) == before  # scratch index and objects only
    assert git(repo, "ls-files") == "page.md"  # still untracked for the user


def test_working_tree_untracked_file_in_a_repository_whose_path_has_a_colon(tmp_path: Path) -> None:
    repo = init(tmp_path / 'odd: "name"')
    base = commit(repo, {"page.md": PAGE}, "one")
    (repo / "page.md").rename(repo / "moved.md")
    write(repo, {"moved.md": edit(PAGE, l2="two\n")})
    assert changed_lines(repo, base, None, "moved.md") == ChangedLines({2}, "renamed", "page.md")


def test_working_tree_deleted_file(repo: Path) -> None:
    base = commit(repo, {"page.md": PAGE}, "one")
    (repo / "page.md").unlink()
    assert changed_lines(repo, base, None, "page.md") == ChangedLines(set(), "deleted", "page.md")


def test_reading_never_touches_the_repository(repo: Path) -> None:
    base = commit(repo, {"page.md": PAGE}, "one")
    commit(repo, {"page.md": edit(PAGE, l1="x\n")}, "two")
    write(repo, {"page.md": edit(PAGE, l1="x\n", l2="y\n"), "untracked.md": "u\n"})
    os.utime(repo / "page.md", ns=(1, 1))  # stale stat data invites an index refresh
    before = snapshot(repo)
    read_at_ref(repo, base, "page.md")
    changed_lines(repo, base, None, "page.md")
    changed_lines(repo, base, None, "untracked.md")
    changed_lines(repo, base, "HEAD", "page.md")
    file_history(repo, "page.md")
    merge_base(repo, base, "HEAD")
    assert ensure_commit(repo, base)
    assert snapshot(repo) == before


def test_inherited_git_dir_does_not_redirect_reads(tmp_path: Path, repo: Path) -> None:
    """A git hook exports GIT_DIR/GIT_INDEX_FILE; the repo argument must still win."""
    commit(repo, {"page.md": PAGE}, "ours")
    other = init(tmp_path / "other")
    commit(other, {"page.md": "theirs\n"}, "theirs")
    os.environ["GIT_DIR"] = str(other / ".git")
    os.environ["GIT_INDEX_FILE"] = str(other / ".git" / "index")
    try:
        assert read_at_ref(repo, "HEAD", "page.md") == PAGE
        assert changed_lines(repo, "HEAD", None, "page.md").file_status == "unchanged"
    finally:
        del os.environ["GIT_DIR"], os.environ["GIT_INDEX_FILE"]


# ------------------------------------------------------------------------------------------
# ensure_commit on shallow clones


@pytest.fixture
def origin_and_clone(tmp_path: Path) -> Iterator[tuple[Path, Path, list[str]]]:
    origin = init(tmp_path / "origin")
    shas = [commit(origin, {"page.md": edit(PAGE, l1=f"version {i}\n")}, f"v{i}") for i in range(4)]
    git(tmp_path, "clone", "-q", "--depth", "1", origin.as_uri(), "clone")
    yield origin, tmp_path / "clone", shas


def test_ensure_commit_fetches_a_missing_base(
    origin_and_clone: tuple[Path, Path, list[str]],
) -> None:
    _origin, clone, shas = origin_and_clone
    assert is_shallow(clone)
    assert not ref_exists(clone, shas[1])
    with pytest.raises(GitError, match=f"'{shas[1]}' .*shallow clone"):
        read_at_ref(clone, shas[1], "page.md")
    assert ensure_commit(clone, shas[1], depth=1)
    assert read_at_ref(clone, shas[1], "page.md") == edit(PAGE, l1="version 1\n")
    assert changed_lines(clone, shas[1], "HEAD", "page.md").added == {1}
    assert is_shallow(clone)  # fetched with a depth: still shallow, not the whole history
    assert not ref_exists(clone, shas[0])
    assert not (clone / ".git" / "FETCH_HEAD").exists()


def test_ensure_commit_deepens_when_the_server_refuses_a_sha(
    origin_and_clone: tuple[Path, Path, list[str]],
) -> None:
    origin, clone, shas = origin_and_clone
    # Protocol v0 without uploadpack.allow*SHA1InWant: fetching an unadvertised sha fails.
    git(clone, "config", "protocol.version", "0")
    git(origin, "config", "uploadpack.allowReachableSHA1InWant", "false")
    refused = subprocess.run(
        ["git", "fetch", "--depth=1", "origin", shas[0]],
        cwd=clone,
        capture_output=True,
        check=False,
    )
    assert refused.returncode != 0
    assert ensure_commit(clone, shas[2], depth=1)  # one --deepen=1 round reaches it
    assert read_at_ref(clone, shas[2], "page.md") == edit(PAGE, l1="version 2\n")
    assert is_shallow(clone)
    assert not ref_exists(clone, shas[1])
    assert ensure_commit(clone, shas[0], depth=1)
    assert read_at_ref(clone, shas[0], "page.md") == edit(PAGE, l1="version 0\n")


def test_ensure_commit_keeps_a_full_clone_full(tmp_path: Path, repo: Path) -> None:
    commit(repo, {"page.md": PAGE}, "one")
    git(tmp_path, "clone", "-q", repo.as_uri(), "full")
    later = commit(repo, {"page.md": PAGE + "later\n"}, "pushed after the clone")
    assert not ref_exists(tmp_path / "full", later)
    assert ensure_commit(tmp_path / "full", later)
    assert read_at_ref(tmp_path / "full", later, "page.md") == PAGE + "later\n"
    assert not is_shallow(tmp_path / "full")


def test_ensure_commit_present_commit_needs_no_remote(repo: Path) -> None:
    sha = commit(repo, {"page.md": PAGE}, "one")
    assert ensure_commit(repo, sha)  # no origin at all


def test_ensure_commit_gives_up_without_raising(
    origin_and_clone: tuple[Path, Path, list[str]], tmp_path: Path
) -> None:
    origin, clone, shas = origin_and_clone
    assert not ensure_commit(clone, "--upload-pack=touch pwned")  # not a sha: no git at all
    assert not ensure_commit(clone, "main:refs/heads/evil")
    assert not (clone / "pwned").exists()
    shutil.rmtree(origin)  # origin unreachable: every fetch fails
    assert not ensure_commit(clone, shas[1])
    git(clone, "remote", "remove", "origin")
    assert not ensure_commit(clone, shas[1])
    assert not ensure_commit(tmp_path / "not-a-repo", shas[1])
    assert not ref_exists(clone, shas[1])


def test_ensure_commit_unknown_sha_after_trying_everything(
    origin_and_clone: tuple[Path, Path, list[str]],
) -> None:
    _origin, clone, shas = origin_and_clone
    assert not ensure_commit(clone, "f" * 40, depth=1)
    # The last resort fetched the whole history; that is the bound.
    assert not is_shallow(clone)
    assert ref_exists(clone, shas[0])


# ------------------------------------------------------------------------------------------
# a workspace owned by someone else (GitHub mounts it as uid 1001)


def test_reads_a_workspace_owned_by_another_user(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = init(tmp_path / "workspace")
    base = commit(ws, {"docs/page.md": PAGE}, "one")
    commit(ws, {"docs/page.md": edit(PAGE, l3="three\n")}, "two")
    write(ws, {"docs/page.md": edit(PAGE, l3="three\n", l4="four\n"), "docs/new.md": "n\n"})
    if os.geteuid() == 0:
        subprocess.run(["chown", "-R", "1001:1001", str(tmp_path)], check=True)
    else:  # git's own switch for testing the guard without root
        monkeypatch.setenv("GIT_TEST_ASSUME_DIFFERENT_OWNER", "1")
    guarded = subprocess.run(["git", "log"], cwd=ws, capture_output=True, text=True, check=False)
    assert "dubious ownership" in guarded.stderr  # the guard is armed; no global escape hatch

    assert repo_root(ws / "docs") == ws.resolve()
    assert ref_exists(ws, base)
    assert read_at_ref(ws, base, "docs/page.md") == PAGE
    assert changed_lines(ws, base, "HEAD", "docs/page.md").added == {3}
    assert changed_lines(ws, base, None, "docs/page.md").added == {3, 4}
    assert changed_lines(ws, base, None, "docs/new.md") == ChangedLines({1}, "added", None)
    assert [c.subject for c in file_history(ws, "docs/page.md")] == ["one", "two"]
    assert not is_shallow(ws)


# ------------------------------------------------------------------------------------------
# file_history


def test_file_history_oldest_first_following_renames(repo: Path) -> None:
    first = commit(repo, {"registry.yaml": "a: 1\n", "other.md": "x\n"}, "Add registry")
    commit(repo, {"other.md": "y\n"}, "Unrelated change")
    second = commit(repo, {"registry.yaml": "a: 1\nb: 2\n"}, "Add b")
    move(repo, "registry.yaml", "data/subprocessors é.yaml")
    third = commit(repo, {}, "Move the registry")
    fourth = commit(repo, {"data/subprocessors é.yaml": "a: 1\nb: 3\n"}, "Change b — ünïcode")

    history = file_history(repo, "data/subprocessors é.yaml")
    assert [c.sha for c in history] == [first, second, third, fourth]
    assert [c.subject for c in history] == [
        "Add registry",
        "Add b",
        "Move the registry",
        "Change b — ünïcode",
    ]
    assert [c.path for c in history] == ["registry.yaml"] * 2 + ["data/subprocessors é.yaml"] * 2
    assert history[0].author_date.endswith("+02:00")
    assert history[0].author_date < history[-1].author_date

    newest = file_history(repo, "data/subprocessors é.yaml", max_count=2)
    assert [c.sha for c in newest] == [third, fourth]


def test_file_history_takes_the_path_literally(repo: Path) -> None:
    star = commit(repo, {"data/list *.yaml": "a: 1\n", "data/list x.yaml": "b: 1\n"}, "both")
    commit(repo, {"data/list x.yaml": "b: 2\n"}, "only x")
    assert [c.sha for c in file_history(repo, "data/list *.yaml")] == [star]


def test_file_history_of_unknown_path_and_empty_repository(repo: Path) -> None:
    assert file_history(repo, "registry.yaml") == []  # no commit at all yet
    commit(repo, {"page.md": PAGE}, "one")
    assert file_history(repo, "registry.yaml") == []
