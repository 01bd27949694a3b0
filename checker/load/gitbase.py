"""Everything the checker needs from git, run through the ``git`` command line.

On a pull request the checker compares the page and the registry as they were at the base
commit with the head; this module answers the questions that needs: where the repository is,
what a file contained at a commit, which lines of a file a change added or modified, how a
file was renamed, and which commits touched it. It also fetches a missing base commit into a
shallow CI checkout.

How git is run, and why:

* Every call passes ``-c safe.directory=<repo>``. GitHub runs container actions with the
  workspace owned by another uid (1001) than the container user, and git then refuses to
  read it ("detected dubious ownership"). Naming the one repository we were pointed at on the
  command line (a protected configuration scope git honours for this key) makes the reads
  work whatever the user's global configuration says, without trusting any other directory
  and without writing any configuration. ``repo_root`` is the exception: it cannot know the
  top level before asking, so it trusts ``*`` for a single ``rev-parse``, which runs nothing
  from the repository's configuration.
* ``LC_ALL=C`` keeps git's messages parseable and stable; ``GIT_TERMINAL_PROMPT=0`` and a
  closed stdin mean git never waits for a password; ``GIT_OPTIONAL_LOCKS=0`` stops read
  commands from refreshing the index as a side effect; ``GIT_LITERAL_PATHSPECS=1`` makes
  every path a literal path (a page may be called ``*.md`` or contain ``:``).
* ``GIT_DIR``, ``GIT_WORK_TREE``, ``GIT_INDEX_FILE`` and friends inherited from a caller (a
  git hook sets them) are dropped, so the ``repo`` argument alone says which repository is
  read.
* Diffs are asked for with ``--no-ext-diff --no-textconv --no-color`` so user configuration
  cannot change their shape, and paths come back NUL-separated (``-z``) so spaces, newlines
  and non-ASCII names need no unquoting.

Nothing here modifies the repository: no configuration is written, the index is never
touched, and the only write is the fetch ``ensure_commit`` performs when asked.

File contents are read as bytes (``read_bytes_at_ref``); ``read_at_ref`` decodes them the way
the checker's loader decodes a file on disk: strict UTF-8, a leading BOM removed, line endings
kept. Invalid UTF-8 raises ``GitError`` rather than being silently replaced, so a finding
never points at text the file does not contain.

Functions taking ``repo`` expect the top level of a working tree, as ``repo_root`` returns
it; paths are relative to that top level, or absolute paths inside it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

__all__ = [
    "ChangedLines",
    "Commit",
    "GitError",
    "changed_lines",
    "ensure_commit",
    "fetch_merge_base",
    "file_history",
    "is_shallow",
    "merge_base",
    "parents",
    "read_at_ref",
    "read_bytes_at_ref",
    "ref_exists",
    "remote_url",
    "repo_root",
    "resolve_commit",
]

FETCH_TIMEOUT = 300.0
"""Seconds one ``git fetch`` may take before ``ensure_commit`` gives up on it."""

MAX_BLOB_BYTES = 64 * 1024 * 1024
"""Largest file ``read_bytes_at_ref`` reads by default (the checker's own input limit)."""
_SYMLINK_MODE = "120000"

_DROPPED_ENV = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_COMMON_DIR",
    "GIT_PREFIX",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
)
_DIFF_OPTIONS = ("--no-color", "--no-ext-diff", "--no-textconv", "--find-renames")
_SHA = re.compile(r"[0-9a-fA-F]{4,64}")
_HUNK = re.compile(rb"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


class GitError(Exception):
    """git could not answer.

    The message is meant for the user as is: it names the git command, the revision or path
    involved, and the first line git wrote to stderr.
    """


@dataclass(slots=True)
class ChangedLines:
    """How one file differs between a base commit and a head (commit or working tree)."""

    added: set[int] = field(default_factory=set)
    """1-based line numbers, in the head version, of lines added or modified."""
    file_status: str = "unchanged"
    """``added``, ``modified``, ``deleted``, ``renamed`` or ``unchanged``."""
    base_path: str | None = None
    """Where the file was at the base (the old name for a rename); None if it did not exist."""


@dataclass(slots=True, frozen=True)
class Commit:
    """One commit in the history of a file."""

    sha: str
    """Full object name of the commit."""
    author_date: str
    """Author date, strict ISO 8601 with offset (``2024-05-01T10:00:00+02:00``)."""
    subject: str
    """First line of the commit message."""
    path: str
    """The file's path in that commit (differs from the asked path before a rename)."""
    author: str = ""
    """Author name, as the commit records it."""


# ---------------------------------------------------------------------------------------------
# running git


def _env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _DROPPED_ENV}
    env.update(
        LC_ALL="C",
        GIT_TERMINAL_PROMPT="0",
        GIT_OPTIONAL_LOCKS="0",
        GIT_LITERAL_PATHSPECS="1",
        GIT_PAGER="cat",
    )
    if extra:
        env.update(extra)
    return env


def _first_line(stderr: bytes) -> str:
    for line in stderr.decode("utf-8", "replace").splitlines():
        if line.strip():
            return line.strip()
    return "no message"


def _describe(args: Sequence[str]) -> str:
    """``git <subcommand> <revisions and paths>``: what a user needs to retry it by hand."""
    shown = [args[0], *(a for a in args[1:] if not a.startswith("-"))]
    text = " ".join(shown)
    return "git " + (text if len(text) <= 160 else text[:159] + "…")


def _git(
    cwd: Path,
    args: Sequence[str],
    *,
    trust: str | None = None,
    ok: tuple[int, ...] = (0,),
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
) -> subprocess.CompletedProcess[bytes]:
    """Run ``git args`` in ``cwd``; raise GitError unless the exit code is in ``ok``.

    Output stays bytes: file contents must be decoded strictly and paths come NUL-separated.
    """
    safe = trust if trust is not None else str(cwd)
    cmd = ["git", "-c", f"safe.directory={safe}", "-c", "core.quotepath=off", *args]
    try:
        proc = subprocess.run(
            cmd,
            cwd=cwd,
            capture_output=True,
            stdin=subprocess.DEVNULL,
            env=_env(env),
            check=False,
            timeout=timeout,
        )
    except FileNotFoundError as exc:
        if not cwd.is_dir():
            raise GitError(f"{cwd} is not a directory") from exc
        raise GitError("git is not installed (or not on PATH)") from exc
    except subprocess.TimeoutExpired as exc:
        raise GitError(f"{_describe(args)} timed out after {timeout:g}s in {cwd}") from exc
    if proc.returncode not in ok:
        raise GitError(f"{_describe(args)} failed in {cwd}: {_first_line(proc.stderr)}")
    return proc


def _repo(repo: str | Path) -> Path:
    """The top level ``repo`` names, as git spells it; GitError for anything else.

    Paths are resolved relative to it, and safe.directory must name the path git itself
    computes for the working tree: the real path (symlinks resolved), no trailing slash. A
    subdirectory would silently shift every path, so it is refused (a top level always holds
    a ``.git`` directory or file) rather than looked up at the cost of a git call each time.
    """
    root = Path(repo).resolve()
    if not (root / ".git").exists():
        raise GitError(f"{repo} is not the top level of a git working tree")
    return root


def _relpath(repo: Path, path: str | Path) -> str:
    """``path`` as git names it: POSIX, relative to the top level, ``..`` refused."""
    p = Path(path)
    if p.is_absolute():
        # Resolve the directory but not the file itself: a symlink in the repository is a
        # file of its own, not its target.
        full = p.parent.resolve() / p.name
        try:
            rel = PurePosixPath(full.relative_to(repo).as_posix())
        except ValueError:
            raise GitError(f"{path} is not inside the repository {repo}") from None
    else:
        rel = PurePosixPath(os.path.normpath(p.as_posix()).replace(os.sep, "/"))
    text = rel.as_posix()
    if text in ("", ".") or text == ".." or text.startswith("../"):
        raise GitError(f"{path} is not a file inside the repository {repo}")
    return text


def _resolve_commit(repo: Path, ref: str) -> str:
    """Full sha of the commit ``ref`` names; GitError naming ``ref`` if there is none."""
    sha = _commit_or_none(repo, ref)
    if sha is None:
        hint = " in this shallow clone; fetch it first" if is_shallow(repo) else ""
        raise GitError(f"unknown revision {ref!r} in {repo}: no such commit{hint}")
    return sha


def _commit_or_none(repo: Path, ref: str) -> str | None:
    if not ref or ref.startswith("-"):
        return None
    proc = _git(repo, ["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], ok=(0, 1, 128))
    if proc.returncode != 0:
        return None
    return proc.stdout.decode("ascii", "replace").strip() or None


def _split_z(data: bytes) -> list[str]:
    parts = data.split(b"\0")
    if parts and parts[-1] == b"":
        parts.pop()
    return [p.decode("utf-8", "surrogateescape") for p in parts]


# ---------------------------------------------------------------------------------------------
# repository and revisions


def repo_root(start: str | Path) -> Path | None:
    """The top level of the working tree containing ``start`` (a file or directory).

    None when ``start`` is not inside a working tree (or does not exist). GitError only when
    git itself cannot be run.
    """
    p = Path(start).resolve()
    if not p.is_dir():
        p = p.parent
    if not p.is_dir():
        return None
    proc = _git(p, ["rev-parse", "--show-toplevel"], trust="*", ok=(0, 128))
    out = proc.stdout.decode("utf-8", "surrogateescape").strip()
    if proc.returncode != 0 or not out:
        return None
    return Path(out)


def ref_exists(repo: str | Path, ref: str) -> bool:
    """Whether ``ref`` (branch, tag, sha, ``HEAD~2`` …) names a commit present locally."""
    return _commit_or_none(_repo(repo), ref) is not None


def resolve_commit(repo: str | Path, ref: str) -> str | None:
    """The full name of the commit ``ref`` names (``HEAD``, a branch, a sha); None if none."""
    return _commit_or_none(_repo(repo), ref)


def remote_url(repo: str | Path, remote: str = "origin") -> str | None:
    """The fetch URL configured for ``remote``; None when there is no such remote."""
    if not remote or remote.startswith("-"):
        return None
    proc = _git(_repo(repo), ["config", "--get", f"remote.{remote}.url"], ok=(0, 1))
    url = proc.stdout.decode("utf-8", "replace").strip()
    return url or None


def is_shallow(repo: str | Path) -> bool:
    """Whether the repository is a shallow clone (history cut off, as CI checkouts are)."""
    proc = _git(_repo(repo), ["rev-parse", "--is-shallow-repository"])
    return proc.stdout.strip() == b"true"


def merge_base(repo: str | Path, a: str, b: str) -> str | None:
    """The best common ancestor of commits ``a`` and ``b``; None if they share no history.

    In a shallow clone the answer may be None only because history is cut off; deepen it
    with ``ensure_commit`` first. GitError if either revision is unknown.
    """
    root = _repo(repo)
    sha_a, sha_b = _resolve_commit(root, a), _resolve_commit(root, b)
    proc = _git(root, ["merge-base", sha_a, sha_b], ok=(0, 1))
    out = proc.stdout.decode("ascii", "replace").strip()
    return out if proc.returncode == 0 and out else None


# ---------------------------------------------------------------------------------------------
# file contents


def read_bytes_at_ref(
    repo: str | Path, ref: str, path: str | Path, *, limit: int = MAX_BLOB_BYTES
) -> bytes | None:
    """The bytes of ``path`` as committed at ``ref``; None if no such file existed there.

    GitError if ``ref`` names no commit, if ``path`` was a directory, submodule or symbolic
    link at ``ref``, or if the blob is larger than ``limit`` bytes. The size is the one git
    records for the object, asked before the content is read. A link is refused rather than
    followed: its target could be any file on the machine. The bytes are the blob as stored
    (no line-ending or filter conversion).
    """
    root = _repo(repo)
    rel = _relpath(root, path)
    sha = _resolve_commit(root, ref)
    proc = _git(root, ["ls-tree", "-z", "--long", "--full-tree", sha, "--", rel])
    for entry in _split_z(proc.stdout):
        meta, _, name = entry.partition("\t")
        if name != rel:
            continue
        mode, kind, oid, size = meta.split()
        if kind != "blob":
            what = {"tree": "directory", "commit": "submodule"}.get(kind, kind)
            raise GitError(f"{rel} is a {what}, not a file, at {ref}")
        if mode == _SYMLINK_MODE:
            raise GitError(f"{rel} is a symbolic link at {ref}; it is not followed")
        if int(size) > limit:
            raise GitError(
                f"{rel} is {int(size):,} bytes at {ref}, larger than the limit of {limit:,}"
            )
        return _git(root, ["cat-file", "blob", oid]).stdout
    return None


def read_at_ref(
    repo: str | Path, ref: str, path: str | Path, *, limit: int = MAX_BLOB_BYTES
) -> str | None:
    """The text of ``path`` at ``ref``, decoded like the checker's loader; None if absent.

    Strict UTF-8 with a leading BOM removed and line endings kept. GitError if ``ref`` is
    unknown, if the file is not valid UTF-8 (the message gives the byte offset), or for the
    reasons ``read_bytes_at_ref`` gives.
    """
    data = read_bytes_at_ref(repo, ref, path, limit=limit)
    if data is None:
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GitError(
            f"{path} at {ref} is not valid UTF-8 "
            f"(byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None


# ---------------------------------------------------------------------------------------------
# diffs


@dataclass(slots=True)
class _Pair:
    status: str
    old: str
    new: str


def _name_status(
    root: Path, revs: Sequence[str], paths: Sequence[str], env: Mapping[str, str] | None
) -> list[_Pair]:
    proc = _git(root, ["diff", *_DIFF_OPTIONS, "--name-status", "-z", *revs, "--", *paths], env=env)
    fields = _split_z(proc.stdout)
    pairs: list[_Pair] = []
    i = 0
    while i < len(fields):
        status = fields[i][:1]
        if status in ("R", "C"):
            pairs.append(_Pair(status, fields[i + 1], fields[i + 2]))
            i += 3
        else:
            pairs.append(_Pair(status, fields[i + 1], fields[i + 1]))
            i += 2
    return pairs


def _hunk_lines(patch: bytes, section: int) -> set[int]:
    """Lines added in the new side of the ``section``-th file of a ``-U0`` patch."""
    added: set[int] = set()
    current = -1
    for line in patch.split(b"\n"):
        if line.startswith(b"diff --git "):
            current += 1
        elif current == section and line.startswith(b"@@"):
            m = _HUNK.match(line)
            if m:
                start = int(m.group(1))
                count = 1 if m.group(2) is None else int(m.group(2))
                added.update(range(start, start + count))
    return added


def changed_lines(repo: str | Path, base: str, head: str | None, path: str | Path) -> ChangedLines:
    """Which lines of ``path`` in ``head`` were added or modified since ``base``.

    ``head`` None means the working tree, uncommitted and unstaged changes included, and an
    untracked file too. Renames are detected across the whole tree (``--find-renames``), so a
    page moved and edited reports ``renamed`` with its old path in ``base_path`` and only
    the edited lines as added. A file that exists only in ``head`` is ``added`` with every
    line listed; ``deleted`` (also when ``path`` was renamed away) and deletions inside a
    file add no lines. Binary files report their status but no lines. Line numbers count
    ``\\n``-terminated lines, so CRLF files number as editors do.

    GitError if either revision is unknown.
    """
    root = _repo(repo)
    rel = _relpath(root, path)
    revs = [_resolve_commit(root, base)]
    if head is not None:
        revs.append(_resolve_commit(root, head))
        return _changed_lines(root, revs, rel, env=None)
    # Working tree: always through a throwaway copy of the index. A diff against the working
    # tree refreshes stale stat data in the index it reads, GIT_OPTIONAL_LOCKS=0 or not
    # (git 2.39), and the user's .git/index would end up rewritten, and owned by root in the
    # action's container. An untracked file, invisible to ``git diff``, is added to the copy
    # (with its own object directory, since ``add -N`` stores the empty blob).
    with tempfile.TemporaryDirectory(prefix="gitbase-") as tmp:
        env = _scratch_index(root, Path(tmp))
        if (root / rel).is_file() and not _is_tracked(root, rel):
            _git(root, ["add", "--intent-to-add", "--force", "--", rel], env=env)
        return _changed_lines(root, revs, rel, env=env)


def _is_tracked(root: Path, rel: str) -> bool:
    proc = _git(root, ["ls-files", "-z", "--cached", "--", rel])
    return rel in _split_z(proc.stdout)


def _scratch_index(root: Path, tmp: Path) -> dict[str, str]:
    args = ["rev-parse", "--path-format=absolute", "--git-path", "index", "--git-path", "objects"]
    out = _git(root, args).stdout.decode("utf-8", "surrogateescape")
    index_line, objects = out.rstrip("\n").split("\n")
    index = Path(index_line)
    if ":" in objects or objects.startswith('"'):  # the variable is a ':'-separated list
        objects = '"' + objects.replace("\\", "\\\\").replace('"', '\\"') + '"'
    scratch = tmp / "index"
    if index.is_file():
        shutil.copyfile(index, scratch)
    (tmp / "objects").mkdir()
    return {
        "GIT_INDEX_FILE": str(scratch),
        "GIT_OBJECT_DIRECTORY": str(tmp / "objects"),
        "GIT_ALTERNATE_OBJECT_DIRECTORIES": objects,
    }


def _changed_lines(
    root: Path, revs: list[str], rel: str, env: Mapping[str, str] | None
) -> ChangedLines:
    whole = _name_status(root, revs, [], env)
    pair = next((p for p in whole if p.new == rel and p.status != "D"), None)
    if pair is None:
        if any(p.old == rel for p in whole):  # deleted, or renamed away from this path
            return ChangedLines(set(), "deleted", rel)
        existed = _exists_at(root, revs[0], rel)
        return ChangedLines(set(), "unchanged", rel if existed else None)
    if pair.status == "A":
        status, base_path = "added", None
    elif pair.status == "R":
        status, base_path = "renamed", pair.old
    else:  # M (modified), T (type change), U (unmerged, conflict markers in the file)
        status, base_path = "modified", rel
    # Diff only the pair, and find its section by position: git emits one ``diff --git``
    # header per file pair, in the same order as --name-status lists them, whatever the
    # names look like; parsing the (possibly quoted) names in the headers is not needed.
    paths = [rel] if base_path in (None, rel) else [base_path, rel]
    limited = _name_status(root, revs, paths, env)
    index = next((i for i, p in enumerate(limited) if p.new == rel and p.status != "D"), None)
    if index is None:  # the limited diff paired differently; should not happen
        raise GitError(f"git diff did not list {rel} between {revs[0]} and the head")
    proc = _git(root, ["diff", *_DIFF_OPTIONS, "-U0", *revs, "--", *paths], env=env)
    return ChangedLines(_hunk_lines(proc.stdout, index), status, base_path)


def _exists_at(root: Path, sha: str, rel: str) -> bool:
    proc = _git(root, ["cat-file", "-e", f"{sha}:{rel}"], ok=(0, 1, 128))
    return proc.returncode == 0


# ---------------------------------------------------------------------------------------------
# shallow clones


def ensure_commit(
    repo: str | Path, sha: str, *, depth: int = 50, remote: str = "origin", rounds: int = 3
) -> bool:
    """Make commit ``sha`` (a hexadecimal object name) available locally, fetching if needed.

    CI checkouts are usually shallow (``fetch-depth: 1``), so the base commit of a pull
    request is missing. This first fetches ``sha`` itself (``--depth=depth`` in a shallow
    clone; a full clone stays full). Servers that refuse to send an unadvertised commit get
    up to ``rounds`` deepenings of the existing history (``--deepen``, doubling from
    ``depth``) and a final ``--unshallow``. Returns whether the commit is present in the end;
    never raises, so the caller can fall back with a notice. The fetch writes objects (and
    the shallow list) into ``.git``; no ref and no configuration is changed.
    """
    if not _SHA.fullmatch(sha):  # never let a caller's string reach git as an option/refspec
        return False
    try:
        root = _repo(repo)
        if _present(root, sha):
            return True
        if _git(root, ["remote"]).stdout.decode("utf-8", "replace").split().count(remote) == 0:
            return False
        shallow = is_shallow(root)
        base = ["fetch", "--quiet", "--no-tags", "--no-recurse-submodules", "--no-auto-gc"]
        base.append("--no-write-fetch-head")
        attempts = [[*base, *([f"--depth={depth}"] if shallow else []), remote, sha]]
        if shallow:
            attempts += [[*base, f"--deepen={depth * 2**i}", remote] for i in range(rounds)]
            attempts.append([*base, "--unshallow", remote])
        for args in attempts:
            try:
                _git(root, args, timeout=FETCH_TIMEOUT)
            except GitError:
                continue
            if _present(root, sha):
                return True
        return False
    except (GitError, OSError):
        return False


def _present(root: Path, sha: str) -> bool:
    return _git(root, ["cat-file", "-e", f"{sha}^{{commit}}"], ok=(0, 1, 128)).returncode == 0


def fetch_merge_base(
    repo: str | Path, a: str, b: str, *, depth: int = 50, remote: str = "origin", rounds: int = 3
) -> str | None:
    """The merge base of commits ``a`` and ``b`` (hexadecimal names), fetching what it needs.

    A pull request checked out at its head in a shallow clone has neither the base commit
    nor the history down to where the branches forked. This fetches both commits if missing
    (``ensure_commit``), then, while no common ancestor is visible in a shallow clone,
    deepens the history of both (``--deepen``, doubling from ``depth``, ``rounds`` times)
    and finally unshallows. None when the commits cannot be fetched or share no history;
    never raises. Like ``ensure_commit`` it only adds objects (and rewrites the shallow
    list); no ref and no configuration changes.
    """
    if not (_SHA.fullmatch(a) and _SHA.fullmatch(b)):
        return None
    if not (ensure_commit(repo, a, depth=depth, remote=remote) and ensure_commit(repo, b)):
        return None
    try:
        root = _repo(repo)
        found = merge_base(root, a, b)
        if found is not None or not is_shallow(root):
            return found
        base = ["fetch", "--quiet", "--no-tags", "--no-recurse-submodules", "--no-auto-gc"]
        base.append("--no-write-fetch-head")
        attempts = [[*base, f"--deepen={depth * 2**i}", remote, a, b] for i in range(rounds)]
        attempts.append([*base, "--unshallow", remote, a, b])
        for args in attempts:
            try:
                _git(root, args, timeout=FETCH_TIMEOUT)
            except GitError:
                continue
            found = merge_base(root, a, b)
            if found is not None or not is_shallow(root):
                return found
        return None
    except (GitError, OSError):
        return None


def parents(repo: str | Path, ref: str) -> list[str]:
    """Full names of the parents of commit ``ref``, as the commit object records them.

    Read from the object itself, so a shallow clone's boundary commit (whose parents git
    otherwise pretends not to have) still names them, though they may be missing locally.
    GitError if ``ref`` names no commit.
    """
    root = _repo(repo)
    sha = _resolve_commit(root, ref)
    raw = _git(root, ["cat-file", "commit", sha]).stdout
    header = raw.split(b"\n\n", 1)[0]
    return [
        line[len(b"parent ") :].decode("ascii").strip()
        for line in header.split(b"\n")
        if line.startswith(b"parent ")
    ]


# ---------------------------------------------------------------------------------------------
# history


def file_history(
    repo: str | Path, path: str | Path, *, max_count: int | None = None
) -> list[Commit]:
    """Commits that changed ``path``, oldest first, following renames (``git log --follow``).

    With ``max_count`` only the newest ``max_count`` commits are kept (still oldest first).
    Each commit carries the file's path at that commit. Empty if the path has no history
    (in a shallow clone, only the history that was fetched).
    """
    root = _repo(repo)
    rel = _relpath(root, path)
    args = ["log", "--follow", "--no-color", "--no-show-signature", "--name-only", "-z"]
    args.append("--format=%x1e%H%x1f%aI%x1f%an%x1f%s")
    if max_count is not None:
        args.append(f"--max-count={max_count}")
    proc = _git(root, [*args, "HEAD", "--", rel], ok=(0, 128))
    if proc.returncode == 128:
        if _commit_or_none(root, "HEAD") is None:  # no commit yet
            return []
        raise GitError(f"git log failed for {rel} in {root}: {_first_line(proc.stderr)}")
    commits: list[Commit] = []
    for record in proc.stdout.split(b"\x1e")[1:]:
        header, _, names = record.partition(b"\0")
        sha, date, author, subject = header.decode("utf-8", "replace").split("\x1f", 3)
        paths = _split_z(names.lstrip(b"\n"))
        commits.append(Commit(sha, date, subject, paths[0] if paths else rel, author))
    commits.reverse()
    return commits
