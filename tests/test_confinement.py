"""Reads stay inside the repository, and no input is read without a bound.

A pull request controls the config (which names the pages, the registry and the link cache),
the files themselves, symbolic links included, and the workflow that passes the action its
inputs. These tests plant what such a pull request can plant: links to a file outside that
holds a secret, to ``/etc/passwd`` and to ``.git/config`` holding a token, a linked folder
in the middle of a path, ``..`` and absolute paths, FIFOs, sockets and device files. They
assert what a user sees: the exit code, one line naming the file and the reason, and no
secret in any output. Every run that could block is a subprocess with a time limit, so a
hang fails the test instead of stalling the suite.

The rule itself is ``checker.load.files.allowed``; the writes are ``checker.load.files.write_file``
(the action's report files are attacked in ``tests/test_action_outputs.py``).
"""

from __future__ import annotations

import os
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from checker.errors import InputError
from checker.load import files, gitbase
from tests.action_support import DISPATCH_PAYLOAD, Host, Repo, git_env, snapshot

ROOT = Path(__file__).resolve().parents[1]
PAGE = (ROOT / "examples" / "subprocessors.md").read_text("utf-8")
REGISTRY = (ROOT / "examples" / "registry.yml").read_text("utf-8")
LIMIT_S = 60  # a hang, not slowness, is what the limit catches

SECRET = "SENTINEL-secret-5e1f0c"
"""In the files outside the repository; must never appear in any output."""
TOKEN = "ghs_SENTINELtoken0123456789abcdef"
"""The checkout's persisted credential in .git/config; must never appear either."""
PASSWD = "root:x:0:0"

# A page and a registry that, if read, would put SECRET into findings (a vendor name, the
# effective date) and into the excerpts the text output shows.
SECRET_PAGE = (
    f"Effective date: {SECRET}\n\n| Name | Location | Description |\n| --- | --- | --- |\n"
    f"| [{SECRET}](https://example.com/) | EU | {SECRET} |\n"
)
SECRET_REGISTRY = (
    f"subprocessors:\n  - {{name: {SECRET}, url: 'https://example.com/', location: EU, "
    f"description: {SECRET}}}\n"
)
GIT_CONFIG = f'[http "https://github.com/"]\n\textraheader = AUTHORIZATION: basic {TOKEN}\n'
# The label that made .git/config's token the page's "effective date" (issue 10).
TOKEN_LABEL = "date: {labels: ['extraheader = AUTHORIZATION']}\n"


@dataclass
class Layout:
    repo: Path
    """A git repository with the example page and registry, and a token in .git/config."""
    outside: Path
    """A folder next to it holding secret.md, secret.yml and a secret folder."""


@pytest.fixture
def layout(tmp_path: Path) -> Layout:
    outside = tmp_path / "outside"
    (outside / "folder").mkdir(parents=True)
    for folder in (outside, outside / "folder"):
        (folder / "secret.md").write_text(SECRET_PAGE, encoding="utf-8")
        (folder / "secret.yml").write_text(SECRET_REGISTRY, encoding="utf-8")
    home = tmp_path / "home"
    home.mkdir()
    repo = Repo.init(tmp_path / "repo", home)
    repo.commit({"page.md": PAGE, "registry.yml": REGISTRY}, "page")
    with (repo.path / ".git" / "config").open("a", encoding="utf-8") as stream:
        stream.write(GIT_CONFIG)
    return Layout(repo.path, outside)


def run_cli(cwd: Path, *argv: str, stdin: int | None = None) -> subprocess.CompletedProcess[str]:
    env = {**git_env(cwd.parent / "home"), "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-P", "-m", "checker", *argv],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=LIMIT_S,
        stdin=stdin,
        check=False,
    )


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        for secret in (SECRET, TOKEN, PASSWD):
            assert secret not in text, text[-2000:]


def assert_refused(done: subprocess.CompletedProcess[str], shown: str, reason: str) -> None:
    """Exit 2 with one line naming the file and the reason, and nothing else seen."""
    assert done.returncode == 2, (done.returncode, done.stdout[-800:], done.stderr[-800:])
    assert "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1, done.stderr
    assert done.stderr.startswith(f"subprocessor-check: {shown}: "), done.stderr
    assert reason in done.stderr, done.stderr
    assert done.stdout == ""
    assert_no_secret(done.stdout, done.stderr)


def write_config(layout: Layout, text: str) -> None:
    (layout.repo / ".subprocessor-check.yml").write_text(text, encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# paths in the config must stay inside the repository, as written and as resolved

OUTSIDE = "is outside the repository"
LINK_OUT = "is a symbolic link to a file outside the repository"
FOLDER_OUT = "is reached through a symbolic link that leads outside the repository"
LINK_GIT = "is a symbolic link into .git/"
UNDER_GIT = "is under .git/"


@pytest.mark.parametrize(
    ("documents", "registry", "shown"),
    [
        ("'{outside}/secret.md'", "registry.yml", "{outside}/secret.md"),
        ("'../outside/secret.md'", "registry.yml", "../outside/secret.md"),
        ("'docs/../../outside/secret.md'", "registry.yml", "docs/../../outside/secret.md"),
        ("/etc/passwd", "registry.yml", "/etc/passwd"),
        ("page.md", "'{outside}/secret.yml'", "{outside}/secret.yml"),
        ("page.md", "../outside/secret.yml", "../outside/secret.yml"),
        ("page.md", "/etc/passwd", "/etc/passwd"),
    ],
)
def test_config_paths_outside_the_repository_are_refused(
    layout: Layout, documents: str, registry: str, shown: str
) -> None:
    outside = str(layout.outside)
    config = f"documents: [{documents}]\nregistry: {registry}\n".format(outside=outside)
    write_config(layout, config)
    done = run_cli(layout.repo, "check")
    assert_refused(done, shown.format(outside=outside), OUTSIDE)


def plant(layout: Layout, name: str, target: str) -> None:
    path = layout.repo / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to(target.format(outside=layout.outside))


LINKS = [
    # (planted link, its target, what to check, the reason)
    ("page.md", "{outside}/secret.md", "page.md", LINK_OUT),
    ("page.md", "../outside/secret.md", "page.md", LINK_OUT),
    ("page.md", "/etc/passwd", "page.md", LINK_OUT),
    ("page.md", ".git/config", "page.md", LINK_GIT),
    ("docs/page.md", "../.git/config", "docs/page.md", LINK_GIT),
    ("docs", "{outside}/folder", "docs/secret.md", FOLDER_OUT),
    ("docs", ".git", "docs/config", FOLDER_OUT.replace("outside the repository", "into .git/")),
    ("a.md", "b.md", "a.md", LINK_OUT),  # a chain: a.md -> b.md -> outside
]


@pytest.mark.parametrize("how", ["config", "command line"])
@pytest.mark.parametrize(("link", "target", "page", "reason"), LINKS)
def test_a_planted_link_is_refused_wherever_the_page_is_named(
    layout: Layout, how: str, link: str, target: str, page: str, reason: str
) -> None:
    (layout.repo / "page.md").unlink()
    if link == "a.md":
        plant(layout, "b.md", "{outside}/secret.md")
    plant(layout, link, target)
    # The label makes .git/config's token the page's effective date, had it been read.
    config = f"registry: registry.yml\n{TOKEN_LABEL}"
    if how == "config":
        write_config(layout, config + f"documents: ['{page}']\n")
        done = run_cli(layout.repo, "check")
    else:  # pre-commit passes the repository's own file names
        write_config(layout, config)
        done = run_cli(layout.repo, "check", page)
    assert_refused(done, page, reason)


@pytest.mark.parametrize(
    ("target", "reason"),
    [("{outside}/secret.yml", LINK_OUT), (".git/config", LINK_GIT)],
)
@pytest.mark.parametrize("how", ["config", "command line"])
def test_a_planted_registry_link_is_refused(
    layout: Layout, how: str, target: str, reason: str
) -> None:
    (layout.repo / "registry.yml").unlink()
    plant(layout, "registry.yml", target)
    if how == "config":
        write_config(layout, "documents: [page.md]\nregistry: registry.yml\n")
        done = run_cli(layout.repo, "check")
    else:
        done = run_cli(layout.repo, "check", "page.md", "--registry", "registry.yml")
    assert_refused(done, "registry.yml", reason)


def test_a_config_that_is_a_link_to_outside_is_refused(layout: Layout) -> None:
    (layout.outside / "config.yml").write_text(
        "documents: [secret.md]\nregistry: secret.yml\n", encoding="utf-8"
    )
    plant(layout, ".subprocessor-check.yml", "{outside}/config.yml")
    done = run_cli(layout.repo, "check")
    assert done.returncode == 2 and LINK_OUT in done.stderr, done.stderr
    assert_no_secret(done.stdout, done.stderr)


@pytest.mark.parametrize(
    "page", [".git/config", "./.git/config", "docs/../.git/config", ".GIT/config", ".git"]
)
def test_nothing_under_git_is_read_even_when_named(layout: Layout, page: str) -> None:
    write_config(layout, f"registry: registry.yml\n{TOKEN_LABEL}documents: ['{page}']\n")
    assert_refused(run_cli(layout.repo, "check"), page, UNDER_GIT)
    write_config(layout, f"registry: registry.yml\n{TOKEN_LABEL}")
    assert_refused(run_cli(layout.repo, "check", page), page, UNDER_GIT)


def test_a_nested_repository_or_worktree_git_file_is_not_read(layout: Layout) -> None:
    nested = layout.repo / "vendor" / "lib" / ".git"
    nested.mkdir(parents=True)
    (nested / "config").write_text(GIT_CONFIG, encoding="utf-8")
    (layout.repo / "wt").mkdir()
    (layout.repo / "wt" / ".git").write_text(f"gitdir: {TOKEN}\n", encoding="utf-8")
    for page in ("vendor/lib/.git/config", "wt/.git"):
        write_config(layout, f"registry: registry.yml\n{TOKEN_LABEL}documents: ['{page}']\n")
        assert_refused(run_cli(layout.repo, "check"), page, UNDER_GIT)


def test_links_that_stay_inside_the_repository_are_followed(layout: Layout) -> None:
    (layout.repo / "docs").mkdir()
    (layout.repo / "page.md").rename(layout.repo / "docs" / "real.md")
    plant(layout, "page.md", "docs/real.md")
    plant(layout, "pages", "docs")
    write_config(layout, "documents: [page.md, pages/real.md]\nregistry: registry.yml\n")
    done = run_cli(layout.repo, "check")
    assert done.returncode == 0, done.stderr


def test_a_page_typed_outside_the_repository_is_the_users_choice(layout: Layout) -> None:
    # Typed on the command line and outside the repository as written: the user chose it.
    done = run_cli(layout.repo, "check", "../outside/secret.md", "-r", "registry.yml")
    assert done.returncode == 1, done.stderr
    assert SECRET in done.stdout  # the user's own file, shown to the user


def test_without_git_the_config_folder_is_the_root(tmp_path: Path) -> None:
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret.md").write_text(SECRET_PAGE, encoding="utf-8")
    folder = tmp_path / "project"
    folder.mkdir()
    (folder / "registry.yml").write_text(REGISTRY, encoding="utf-8")
    (folder / "cfg.yml").write_text(
        "documents: [../outside/secret.md]\nregistry: registry.yml\n", encoding="utf-8"
    )
    done = run_cli(folder, "check", "-c", "cfg.yml")
    assert_refused(done, "../outside/secret.md", OUTSIDE)


# ---------------------------------------------------------------------------------------------
# only regular files are opened, and never read past a limit


def fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


@pytest.mark.parametrize(
    ("argv", "shown", "kind"),
    [
        (["check", "/dev/zero", "-r", "registry.yml"], "/dev/zero", "a character device"),
        (["check", "page.md", "-r", "/dev/urandom"], "/dev/urandom", "a character device"),
        (["check", "page.md", "-r", "registry.yml", "-c", "/dev/zero"], "/dev/zero", "device"),
        (["check", "/proc/self/fd/1", "-r", "registry.yml"], "/proc/self/fd/1", "a named pipe"),
        (["check", "/proc/self/fd/0", "-r", "registry.yml"], "/proc/self/fd/0", "a named pipe"),
        (["check", "pipe.md", "-r", "registry.yml"], "pipe.md", "a named pipe"),
        (["check", "page.md", "-r", "pipe.md"], "pipe.md", "a named pipe"),
        (["check", "page.md", "-r", "registry.yml", "-c", "pipe.md"], "pipe.md", "a named pipe"),
        (["fix", "pipe.md", "-r", "registry.yml"], "pipe.md", "a named pipe"),
        (["changelog", "pipe.md", "registry.yml"], "pipe.md", "a named pipe"),
        (["init", "pipe.md", "-o", "out"], "pipe.md", "a named pipe"),
        (["check", "sock.md", "-r", "registry.yml"], "sock.md", "a socket"),
    ],
)
def test_devices_pipes_and_sockets_are_refused_without_blocking(
    layout: Layout, argv: list[str], shown: str, kind: str
) -> None:
    fifo(layout.repo / "pipe.md")
    (layout.repo / "out").mkdir()
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(layout.repo / "sock.md"))
        # stdin and stdout are pipes that stay open: reading them would block for ever.
        done = run_cli(layout.repo, *argv, stdin=subprocess.PIPE)
    assert_refused(done, shown, "is not a regular file")
    assert kind in done.stderr


def test_a_fifo_named_in_the_config_does_not_block(layout: Layout) -> None:
    fifo(layout.repo / "list.md")
    fifo(layout.repo / "list.yml")
    write_config(layout, "documents: [list.md]\nregistry: registry.yml\n")
    assert_refused(run_cli(layout.repo, "check"), "list.md", "a named pipe")
    write_config(layout, "documents: [page.md]\nregistry: list.yml\n")
    # A registry from the config is named by its full path (as before this rule).
    assert_refused(run_cli(layout.repo, "check"), str(layout.repo / "list.yml"), "a named pipe")


def test_a_file_whose_size_lies_is_still_read_only_up_to_the_limit() -> None:
    # /proc files say they are 0 bytes long; what stat says must not lift the limit.
    assert os.stat("/proc/self/environ").st_size == 0
    with pytest.raises(InputError, match="larger than the limit of 8 bytes"):
        files.read_bytes("/proc/self/environ", "environ", "file", limit=8)
    assert files.read_bytes("/proc/self/environ", "environ", "file")  # the default cap


def test_a_page_over_the_limit_is_not_read(tmp_path: Path) -> None:
    page = tmp_path / "big.md"
    page.write_bytes(b"x" * 1000)
    with pytest.raises(InputError, match="is 1,000 bytes, larger than the limit of 999"):
        files.read_text(page, "big.md", "Markdown file", limit=999)


def test_max_document_bytes_cannot_lift_the_read_limit(layout: Layout) -> None:
    write_config(layout, "documents: [page.md]\nmax_document_bytes: 1000000000000\n")
    done = run_cli(layout.repo, "check")
    assert done.returncode == 2 and "max_document_bytes may be at most" in done.stderr


# ---------------------------------------------------------------------------------------------
# the base revision is read from git, bounded, and a link there is not followed


def test_a_link_at_the_base_revision_is_not_followed(layout: Layout) -> None:
    repo = Repo(layout.repo, layout.repo.parent / "home")
    (layout.repo / "page.md").unlink()
    (layout.repo / "page.md").symlink_to(layout.outside / "secret.md")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "page is a link")
    base = repo.head()
    (layout.repo / "page.md").unlink()
    repo.commit({"page.md": PAGE}, "page is a file again")
    done = run_cli(layout.repo, "check", "page.md", "-r", "registry.yml", "--base", base)
    assert_refused(done, "page.md", "is a symbolic link at")


def test_a_base_blob_over_the_limit_is_not_read(layout: Layout) -> None:
    repo = Repo(layout.repo, layout.repo.parent / "home")
    base = repo.commit({"page.md": PAGE + "x" * 5000}, "long page")
    repo.commit({"page.md": PAGE}, "short page")
    write_config(layout, f"max_document_bytes: {len(PAGE.encode()) + 10}\n")
    done = run_cli(layout.repo, "check", "page.md", "-r", "registry.yml", "--base", base)
    assert_refused(done, "page.md", "larger than the limit")
    with pytest.raises(gitbase.GitError, match="larger than the limit of 100"):
        gitbase.read_at_ref(layout.repo, base, "page.md", limit=100)


# ---------------------------------------------------------------------------------------------
# the one rule, directly


def test_the_rule_for_repository_and_command_line_paths(layout: Layout) -> None:
    root = layout.repo
    repo_origin, typed = files.Origin.REPOSITORY, files.Origin.COMMAND_LINE
    secret = layout.outside / "secret.md"
    plant(layout, "out.md", str(secret))
    assert files.allowed("page.md", "p", root=root, origin=repo_origin, base=root) == (
        root / "page.md"
    )
    assert files.allowed(secret, "s", root=root, origin=typed) == secret
    for path, origin, reason in [
        (secret, repo_origin, OUTSIDE),
        (root / "out.md", repo_origin, LINK_OUT),
        (root / "out.md", typed, LINK_OUT),  # inside as written: the link is refused
        (root / ".git" / "config", typed, UNDER_GIT),
    ]:
        with pytest.raises(InputError, match=reason):
            files.allowed(path, "x", root=root, origin=origin)
    # Typed outside, but it leads into .git: still never read.
    (layout.outside / "to-git").symlink_to(root / ".git" / "config")
    with pytest.raises(InputError, match=r"into \.git/"):
        files.allowed(layout.outside / "to-git", "x", root=root, origin=typed)


def test_find_root_is_the_git_top_level_never_git_itself(layout: Layout, tmp_path: Path) -> None:
    (layout.repo / "docs" / "deep").mkdir(parents=True)
    assert files.find_root(layout.repo / "docs" / "deep") == layout.repo
    assert files.find_root(layout.repo / ".git" / "hooks") == layout.repo
    assert files.find_root(tmp_path / "outside") == tmp_path / "outside"


# ---------------------------------------------------------------------------------------------
# writing: no link is followed, the victim of a hard link keeps its content


def state(path: Path) -> tuple[bytes, int, int, int, int]:
    """What a victim must keep: content, mode, owner, group, inode."""
    info = path.lstat()
    return path.read_bytes(), info.st_mode, info.st_uid, info.st_gid, info.st_ino


@pytest.fixture
def victim(tmp_path: Path) -> Iterator[Path]:
    """A file outside the repository; after the test its folder must be as it was."""
    path = tmp_path / "victim" / "file.txt"
    path.parent.mkdir()
    path.write_text(SECRET, encoding="utf-8")
    path.chmod(0o640)
    before, folder = state(path), snapshot(path.parent)
    yield path
    assert state(path) == before
    assert snapshot(path.parent) == folder


def test_write_file_never_follows_a_link_at_the_name(tmp_path: Path, victim: Path) -> None:
    folder = tmp_path / "ws"
    folder.mkdir()
    (folder / "out.json").symlink_to(victim)
    with pytest.raises(InputError, match="is a symbolic link; files are never written"):
        files.write_file(folder / "out.json", b"{}", "out.json")
    assert (folder / "out.json").is_symlink()
    assert [p.name for p in folder.iterdir()] == ["out.json"]  # no temporary file left


def test_write_file_never_follows_a_linked_folder(tmp_path: Path, victim: Path) -> None:
    # A link swapped in after the path was cleared (a race) is refused by the write itself.
    folder = tmp_path / "ws"
    folder.mkdir()
    (folder / "reports").symlink_to(victim.parent)
    with pytest.raises(InputError, match="reports is a symbolic link"):
        files.write_file(folder / "reports" / "file.txt", b"{}", "reports/file.txt")
    with pytest.raises(InputError, match="reports is a symbolic link"):
        files.write_file(folder / "reports" / "new" / "x.json", b"{}", "reports/new/x.json")


def test_a_hard_link_at_the_name_leaves_its_other_name_unchanged(
    tmp_path: Path, victim: Path
) -> None:
    folder = tmp_path / "ws"
    folder.mkdir()
    os.link(victim, folder / "report.json")
    files.write_file(folder / "report.json", b'{"ok": true}\n', "report.json")
    assert (folder / "report.json").read_bytes() == b'{"ok": true}\n'
    assert (folder / "report.json").stat().st_ino != victim.stat().st_ino


@pytest.mark.parametrize("kind", ["fifo", "directory", "device"])
def test_write_file_replaces_only_regular_files(tmp_path: Path, kind: str) -> None:
    folder = tmp_path / "ws"
    folder.mkdir()
    target = folder / "out"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "directory":
        target.mkdir()
    else:
        target = Path("/dev/null")  # as root, a rename here would replace the device node
    before = target.lstat()
    with pytest.raises(InputError, match=r"is not a regular file|is a directory"):
        files.write_file(target, b"{}", str(target))
    after = target.lstat()
    assert (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode)


def test_write_file_keeps_the_mode_but_no_set_id_bits(tmp_path: Path) -> None:
    target = tmp_path / "page.md"
    target.write_text("old\n")
    target.chmod(0o4750)
    files.write_file(target, b"new\n", "page.md")
    assert target.read_text() == "new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o750


@pytest.mark.skipif(os.geteuid() != 0, reason="changing owners needs root")
def test_as_root_what_is_created_goes_to_the_folder_owner_and_nothing_else(
    tmp_path: Path, victim: Path
) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    os.chown(workspace, 1001, 1001)
    os.link(victim, workspace / "report.json")  # a hard link: its inode must keep its owner
    files.write_file(workspace / "out" / "deep" / "r.sarif", b"{}", "out/deep/r.sarif")
    files.write_file(workspace / "report.json", b"{}", "report.json")
    for path in ("out", "out/deep", "out/deep/r.sarif", "report.json"):
        info = (workspace / path).lstat()
        assert (info.st_uid, info.st_gid) == (1001, 1001), path


# ---------------------------------------------------------------------------------------------
# the command line's writes: --cache, fix, init


LINKS_OFFLINE = "links: {exclude: ['.']}\n"  # links are "checked" but none is requested


def test_the_cache_is_not_written_through_a_link(layout: Layout, victim: Path) -> None:
    write_config(layout, f"documents: [page.md]\nregistry: registry.yml\n{LINKS_OFFLINE}")
    plant(layout, "cache.json", str(victim))
    done = run_cli(layout.repo, "check", "--links", "--cache", "cache.json")
    assert_refused(done, "cache.json", LINK_OUT)
    plant(layout, "cached", str(victim.parent))
    done = run_cli(layout.repo, "check", "--links", "--cache", "cached/file.txt")
    assert_refused(done, "cached/file.txt", FOLDER_OUT)
    (layout.repo / "inside").mkdir()
    plant(layout, "to-inside", "inside")  # even a link that stays inside is not written through
    done = run_cli(layout.repo, "check", "--links", "--cache", "to-inside/c.json")
    assert_refused(done, "to-inside/c.json", "files are never written through one")
    assert list((layout.repo / "inside").iterdir()) == []


@pytest.mark.parametrize(
    ("cache", "reason"),
    [
        ("../victim/file.txt", OUTSIDE),
        ("{victim}/../new-cache.json", OUTSIDE),
        (".git/hooks/post-checkout", UNDER_GIT),
        (".git/config", UNDER_GIT),
    ],
)
def test_the_config_cannot_point_the_cache_anywhere(
    layout: Layout, victim: Path, cache: str, reason: str
) -> None:
    cache = cache.format(victim=victim.parent)
    write_config(
        layout,
        f"documents: [page.md]\nregistry: registry.yml\n"
        f"links: {{exclude: ['.'], cache: '{cache}'}}\n",
    )
    before = snapshot(layout.repo / ".git")
    assert_refused(run_cli(layout.repo, "check", "--links"), cache, reason)
    assert snapshot(layout.repo / ".git") == before
    assert not (victim.parent.parent / "new-cache.json").exists()


def test_the_cache_in_the_config_is_written_next_to_it(layout: Layout) -> None:
    (layout.repo / "sub").mkdir()
    (layout.repo / "sub" / "cfg.yml").write_text(
        "documents: [../page.md]\nregistry: ../registry.yml\n"
        "links: {exclude: ['.'], cache: .cache/links.json}\n",
        encoding="utf-8",
    )
    done = run_cli(layout.repo, "check", "-c", "sub/cfg.yml", "--links")
    assert done.returncode == 0, done.stderr
    assert (layout.repo / "sub" / ".cache" / "links.json").is_file()


def test_fix_and_init_never_write_through_a_planted_link(layout: Layout, victim: Path) -> None:
    (layout.repo / "page.md").unlink()
    plant(layout, "page.md", str(victim))
    assert_refused(
        run_cli(layout.repo, "fix", "page.md", "-r", "registry.yml"), "page.md", LINK_OUT
    )
    (layout.repo / "adopt").mkdir()
    (layout.repo / "adopt" / "page.md").write_text(PAGE, encoding="utf-8")
    plant(layout, "adopt/subprocessors.yml", str(victim))
    done = run_cli(layout.repo, "init", "adopt/page.md", "-o", "adopt", "--force")
    done.stdout, found = "", done.stdout
    assert_refused(done, "adopt/subprocessors.yml", LINK_OUT)
    assert_no_secret(found)  # what init found in the page, before writing


@pytest.mark.parametrize(
    ("argv", "config"),
    [
        (["check", "loop1", "-r", "registry.yml"], None),
        (["check", "page.md", "-r", "loop1"], None),
        (["check", "-c", "cfg.yml"], "documents: [loop1]\nregistry: registry.yml\n"),
        (["check", "-c", "cfg.yml"], "documents: [page.md]\nregistry: loop1\n"),
        (["check", "-c", "cfg.yml"], "documents: [sub/../loop1]\n"),
    ],
)
def test_a_loop_of_symbolic_links_is_refused_not_a_traceback(
    layout: Layout, argv: list[str], config: str | None
) -> None:
    (layout.repo / "loop1").symlink_to("loop2")
    (layout.repo / "loop2").symlink_to("loop1")
    (layout.repo / "sub").mkdir()
    if config is not None:
        (layout.repo / "cfg.yml").write_text(config, encoding="utf-8")
    shown = "sub/../loop1" if config and "sub/" in config else "loop1"
    assert_refused(run_cli(layout.repo, *argv), shown, "is a loop of symbolic links")


@pytest.mark.parametrize("into", ["git", "outside"])
def test_init_never_writes_through_a_linked_output_folder(
    layout: Layout, victim: Path, into: str
) -> None:
    # The output folder is a link the repository carries: its target must not become the root.
    target = layout.repo / ".git" / "hooks" if into == "git" else victim.parent
    target.mkdir(exist_ok=True)
    before = snapshot(target)
    (layout.repo / "g").symlink_to(target)
    done = run_cli(layout.repo, "init", "page.md", "-o", "g")
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert "symbolic link" in done.stderr
    assert snapshot(target) == before


def test_init_writes_nothing_when_one_of_its_targets_is_refused(
    layout: Layout, victim: Path
) -> None:
    (layout.repo / "adopt").mkdir()
    (layout.repo / "adopt" / "page.md").write_text(PAGE, encoding="utf-8")
    plant(layout, "adopt/.subprocessor-check.yml", str(victim))
    done = run_cli(layout.repo, "init", "adopt/page.md", "-o", "adopt", "--force")
    assert_refused(done, "adopt/.subprocessor-check.yml", LINK_OUT)
    assert not (layout.repo / "adopt" / "subprocessors.yml").exists()


# ---------------------------------------------------------------------------------------------
# the action: the same rule, with the workspace as the root


SECRET_MD, SECRET_YML = "{outside}/secret.md", "{outside}/secret.yml"


@pytest.mark.parametrize(
    ("inputs", "plants", "shown", "reason"),
    [
        ({"documents": "page.md"}, {"page.md": SECRET_MD}, "page.md", LINK_OUT),
        ({"documents": "page.md"}, {"page.md": "/etc/passwd"}, "page.md", LINK_OUT),
        ({"documents": "page.md"}, {"page.md": ".git/config"}, "page.md", LINK_GIT),
        ({"documents": ".git/config"}, {}, ".git/config", UNDER_GIT),
        ({"documents": "d/secret.md"}, {"d": "{outside}/folder"}, "d/secret.md", FOLDER_OUT),
        ({"registry": "registry.yml"}, {"registry.yml": SECRET_YML}, "registry.yml", LINK_OUT),
        ({"config": "cfg.yml"}, {"cfg.yml": SECRET_YML}, "cfg.yml", LINK_OUT),
        ({}, {".subprocessor-check.yml": SECRET_YML}, ".subprocessor-check.yml", LINK_OUT),
        ({"cache": "c.json"}, {"c.json": SECRET_YML}, "c.json", LINK_OUT),
    ],
)
def test_the_action_refuses_planted_links_in_its_inputs(
    host: Host,
    layout: Layout,
    inputs: dict[str, str],
    plants: dict[str, str],
    shown: str,
    reason: str,
) -> None:
    write_config(layout, "")  # the built-in defaults, plus the inputs
    for name, target in plants.items():
        (layout.repo / name).unlink(missing_ok=True)
        plant(layout, name, target)
    chosen = {"documents": "page.md", "registry": "registry.yml", **inputs}
    run = host.run(layout.repo, "workflow_dispatch", DISPATCH_PAYLOAD, chosen)
    assert run.code == 2, run.stdout
    (error,) = run.annotations
    # The config is named by its full path, the other inputs as written.
    names = (shown, str(layout.repo / shown))
    assert error.kind == "error" and error.message in [f"{n}: {reason}" for n in names]
    assert run.outputs["exit-code"] == "2"
    assert_no_secret(run.stdout, run.stderr, run.summary, *run.outputs.values())


@pytest.mark.parametrize(
    ("config", "shown", "reason"),
    [
        ("documents: ['{outside}/secret.md']", "{outside}/secret.md", OUTSIDE),
        ("documents: ['../outside/secret.md']", "../outside/secret.md", OUTSIDE),
        ("documents: [.git/config]", ".git/config", UNDER_GIT),
        ("registry: ../outside/secret.yml", "../outside/secret.yml", OUTSIDE),
        ("registry: '{outside}/secret.yml'", "{outside}/secret.yml", OUTSIDE),
        ("links: {{cache: ../outside/c.json, exclude: ['.']}}", "../outside/c.json", OUTSIDE),
        ("links: {{cache: .git/hooks/pre-push, exclude: ['.']}}", ".git/hooks/pre-push", UNDER_GIT),
    ],
)  # fmt: skip
def test_the_action_refuses_config_paths_outside_the_workspace(
    host: Host, layout: Layout, config: str, shown: str, reason: str
) -> None:
    settings = {"documents": "documents: [page.md]", "registry": "registry: registry.yml"}
    # links: auto is "all" on workflow_dispatch; no link may leave this machine.
    settings["links"] = "links: {exclude: ['.']}"
    settings[config.split(":")[0]] = config.format(outside=layout.outside)
    write_config(layout, "\n".join(settings.values()) + f"\n{TOKEN_LABEL}")
    run = host.run(layout.repo, "workflow_dispatch", DISPATCH_PAYLOAD)
    assert run.code == 2, run.stdout
    (error,) = run.annotations
    assert error.message == f"{shown.format(outside=layout.outside)}: {reason}" or (
        error.message.startswith(f"{shown.format(outside=layout.outside)}: {reason} (")
    ), error.message
    assert_no_secret(run.stdout, run.stderr, run.summary, *run.outputs.values())
    assert not (layout.outside / "c.json").exists()
    assert not (layout.repo / ".git" / "hooks" / "pre-push").exists()


def test_the_action_does_not_block_on_a_fifo(host: Host, layout: Layout) -> None:
    fifo(layout.repo / "list.md")
    inputs = {"documents": "list.md", "registry": "registry.yml"}
    write_config(layout, "")
    run = host.run(layout.repo, "workflow_dispatch", DISPATCH_PAYLOAD, inputs)
    assert run.code == 2
    (error,) = run.annotations
    assert error.message == "list.md: is not a regular file (a named pipe)"


@pytest.mark.parametrize("target", ["../../../../../../../../etc/passwd", ".git/config"])
def test_a_pull_request_that_commits_a_link_as_the_page_is_refused(
    host: Host, tmp_path: Path, target: str
) -> None:
    # What a pull request really can plant: git stores a symbolic link as a link.
    home = tmp_path / "home"
    home.mkdir()
    repo = Repo.init(tmp_path / "ws", home)
    config = "registry: registry.yml\ndocuments: [page.md]\nlinks: {exclude: ['.']}\n"
    base = repo.commit(
        {"page.md": PAGE, "registry.yml": REGISTRY, ".subprocessor-check.yml": config}, "base"
    )
    with (repo.path / ".git" / "config").open("a", encoding="utf-8") as stream:
        stream.write(GIT_CONFIG)
    repo.git("checkout", "-q", "-b", "attack")
    (repo.path / "page.md").unlink()
    (repo.path / "page.md").symlink_to(target)
    head = repo.commit({".subprocessor-check.yml": config + TOKEN_LABEL}, "page is a link")
    merge = repo.merge_commit(base, head)
    payload = {"pull_request": {"base": {"sha": base}, "head": {"sha": head}}}
    run = host.run(repo.path, "pull_request", payload, sha=merge)
    assert run.code == 2
    (error,) = run.annotations
    assert error.message.startswith("page.md: is a symbolic link ")
    assert (error.file, run.outputs["exit-code"]) == ("page.md", "2")
    assert_no_secret(run.stdout, run.stderr, run.summary, *run.outputs.values())


@pytest.mark.parametrize(
    "config",
    [
        'documents: ["page\\0.md"]\n',
        'documents: [page.md]\nregistry: "registry.yml\\0"\n',
        'documents: [page.md]\nlinks: {exclude: ["."], cache: "c\\0.json"}\n',
    ],
)
def test_a_nul_in_a_config_path_is_refused_not_a_traceback(layout: Layout, config: str) -> None:
    write_config(layout, config)
    done = run_cli(layout.repo, "check", "--links")
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert done.stderr.endswith("is not a valid path (it holds a NUL)\n"), done.stderr
