"""The user's files: which paths may be used, reading them boundedly, writing them safely.

Pages, registries and configs fail in the same ways (missing, a directory, unreadable, too
large, binary, not UTF-8); each failure is an ``InputError`` naming the file, and, for
encoding errors, the line.

On a pull request every path the checker is given can come from the pull request: the
config names the pages, the registry and the link cache, and the files themselves can be
symbolic links planted to point anywhere. Three functions keep that safe:

* ``allowed`` is the one rule for every path the checker opens (see there): it decides
  from the *root*, ``find_root`` for the command line and ``GITHUB_WORKSPACE`` for the
  action, and from who chose the path (``Origin``).
* ``read_bytes`` and ``read_text`` open regular files only, without blocking, and never read
  more than a limit, whatever the file's size claims (``/dev/zero`` claims 0).
* ``write_file`` replaces a file atomically without following any symbolic link on its way,
  and gives what it creates to the owner of the folder it creates it in when running as root.
"""

from __future__ import annotations

import contextlib
import enum
import os
import secrets
import stat
from pathlib import Path

from checker.errors import InputError
from checker.load import gitbase

MAX_INPUT_BYTES = 64 * 1024 * 1024
"""No input is read past this many bytes (``max_document_bytes`` may not exceed it)."""

_READ_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)  # a FIFO swapped in after the check must not block
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
)
# O_PATH needs only search permission on a folder, not read permission (Linux).
_FOLDER_FLAGS = (
    getattr(os, "O_PATH", os.O_RDONLY)
    | getattr(os, "O_DIRECTORY", 0)
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
)
_NEW_FILE_FLAGS = (
    os.O_WRONLY
    | os.O_CREAT
    | os.O_EXCL
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
)
_CHUNK = 1024 * 1024


class Origin(enum.Enum):
    """Who chose a path, which decides where it may lead (``allowed``)."""

    COMMAND_LINE = "command line"
    """Typed by the user running the command: it may name any file."""
    REPOSITORY = "repository"
    """Written in a config file or an action input, which a pull request can change."""


# ---------------------------------------------------------------------------------------------
# which paths may be used


def find_root(folder: str | Path) -> Path:
    """The root for the command line: the git top level of ``folder``, else ``folder``.

    ``folder`` is the config's folder, or the current directory when there is no config.
    The action's root is ``GITHUB_WORKSPACE`` instead. Started inside a ``.git`` folder, the
    search starts above it, so that ``.git`` can never be the root itself.
    """
    start = Path(os.path.abspath(folder))
    names = [part.casefold() for part in start.parts]
    if ".git" in names:
        start = Path(*start.parts[: names.index(".git")])
    start = start.resolve()
    try:
        top = gitbase.repo_root(start)
    except gitbase.GitError:  # git is not installed: the folder alone
        top = None
    return top.resolve() if top is not None else start


def allowed(
    path: str | Path,
    shown: str,
    *,
    root: Path,
    origin: Origin,
    base: Path | None = None,
    writing: bool = False,
) -> Path:
    """The path to open for ``path`` (its real path), or ``InputError`` saying why not.

    A relative ``path`` is taken from ``base`` (default: the current directory). The rule:

    * a path from the repository (``Origin.REPOSITORY``) must lie inside the root as
      written; one typed on the command line may lie anywhere, since the user chose it;
    * a path that lies inside the root as written must still lead inside it once symbolic
      links are followed (pre-commit passes the repository's own file names, and a page
      there may be a link to ``/etc/passwd``);
    * nothing under ``.git`` is ever used, as written or as resolved;
    * a file to be written (``writing``) is never reached through a symbolic link inside
      the root, and is not a folder.

    A path typed outside the root that also resolves outside it is returned as typed.
    Whether the file is a regular file is checked when it is opened (``read_bytes``).
    """
    if "\0" in os.fspath(path):  # YAML can spell one ("\0"); no file name holds it
        raise InputError(shown.replace("\0", "\\0"), "is not a valid path (it holds a NUL)")
    root = Path(os.path.realpath(root))
    lexical = Path(os.path.normpath(os.path.join(base or os.getcwd(), path)))
    real = Path(os.path.realpath(lexical))
    if os.path.islink(real):  # realpath stops where links go round in a circle
        raise InputError(shown, "is a loop of symbolic links")
    inside = lexical.is_relative_to(root)
    if origin is Origin.REPOSITORY and not inside:
        raise InputError(shown, f"is outside the repository ({root})")
    if inside and not real.is_relative_to(root):
        raise InputError(shown, _link_reason(lexical, _OUTSIDE))
    if _in_git(lexical, root):
        raise InputError(shown, "is under .git/")
    if _in_git(real, root):
        raise InputError(shown, _link_reason(lexical, _INTO_GIT))
    if writing:
        if inside and real != lexical:
            raise InputError(shown, _link_reason(lexical, _NOT_WRITTEN))
        if real.is_dir():
            raise InputError(shown, "is a directory, not a file")
    elif not inside and not real.is_relative_to(root):
        # Typed, and nowhere near the root: opened as typed, so that /proc/self/fd/0 is
        # the pipe it names (its "real path" is no path at all) and says so when refused.
        return lexical
    return real


# Why a path is refused: (the path is a link itself, a folder on its way is one). The
# message names the path as the user wrote it, never where the link leads.
_OUTSIDE = (
    "is a symbolic link to a file outside the repository",
    "is reached through a symbolic link that leads outside the repository",
)
_INTO_GIT = (
    "is a symbolic link into .git/",
    "is reached through a symbolic link that leads into .git/",
)
_NOT_WRITTEN = (
    "is a symbolic link; files are never written through one",
    "is reached through a symbolic link; files are never written through one",
)


def _link_reason(lexical: Path, reasons: tuple[str, str]) -> str:
    return reasons[0] if lexical.is_symlink() else reasons[1]


def _in_git(path: Path, root: Path) -> bool:
    if not path.is_relative_to(root):
        return False
    return any(part.casefold() == ".git" for part in path.relative_to(root).parts)


# ---------------------------------------------------------------------------------------------
# reading


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a file"


def _require_regular(info: os.stat_result, shown: str, what: str) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise InputError(shown, f"is a directory, not a {what}")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(shown, f"is not a regular file ({_kind(info.st_mode)})")


def _os_error(exc: OSError, shown: str) -> InputError:
    if isinstance(exc, FileNotFoundError | NotADirectoryError):
        return InputError(shown, "no such file")
    if isinstance(exc, PermissionError):
        return InputError(shown, "permission denied")
    return InputError(shown, exc.strerror or str(exc))


def _open_regular(path: str | Path, shown: str, what: str) -> int:
    """A descriptor of the regular file ``path``; never opens a device, FIFO or folder."""
    try:
        _require_regular(os.stat(path), shown, what)  # a device is never even opened
        fd = os.open(path, _READ_FLAGS)
    except OSError as exc:
        raise _os_error(exc, shown) from None
    try:
        _require_regular(os.fstat(fd), shown, what)  # what was opened, if it changed meanwhile
    except BaseException:
        os.close(fd)
        raise
    return fd


def file_size(path: str | Path, shown: str, what: str) -> int:
    """Size in bytes of a regular file; ``what`` names it in messages ("registry file")."""
    fd = _open_regular(path, shown, what)
    try:
        return os.fstat(fd).st_size
    finally:
        os.close(fd)


def read_bytes(path: str | Path, shown: str, what: str, *, limit: int = MAX_INPUT_BYTES) -> bytes:
    """The bytes of a regular file, refused over ``limit`` bytes whatever its size claims."""
    fd = _open_regular(path, shown, what)
    try:
        size = os.fstat(fd).st_size
        if size > limit:
            raise InputError(shown, f"is {size:,} bytes, larger than the limit of {limit:,}")
        data = _read_at_most(fd, limit + 1, shown)
    finally:
        os.close(fd)
    if len(data) > limit:  # a file that grew, or one whose size is not its length (/proc)
        raise InputError(shown, f"is larger than the limit of {limit:,} bytes")
    return data


def _read_at_most(fd: int, count: int, shown: str) -> bytes:
    parts: list[bytes] = []
    left = count
    try:
        while left > 0:
            chunk = os.read(fd, min(left, _CHUNK))
            if not chunk:
                break
            parts.append(chunk)
            left -= len(chunk)
    except OSError as exc:
        raise _os_error(exc, shown) from None
    return b"".join(parts)


def read_text(path: str | Path, shown: str, what: str, *, limit: int | None = None) -> str:
    """The file decoded as UTF-8 (BOM removed); refused over ``limit`` bytes.

    Without a ``limit``, ``MAX_INPUT_BYTES`` applies: no input is read without one.
    """
    data = read_bytes(path, shown, what, limit=MAX_INPUT_BYTES if limit is None else limit)
    return decode_text(data, shown)


# ---------------------------------------------------------------------------------------------
# writing


def write_file(path: str | Path, data: bytes, shown: str) -> None:
    """Replace or create ``path`` with ``data`` atomically, following no symbolic link.

    Every folder from ``/`` down is opened relative to the one before without following a
    link (missing ones are created), so no link on the way, planted before or during the
    write, can send it elsewhere; pass the path ``allowed`` returned. The data goes to a
    temporary file in the same folder, flushed and fsynced, given the old file's permission
    bits, and renamed over the old name: a crash leaves the old or the new file, and a hard
    link at the name keeps the old content (the rename replaces the name, not the file it
    shared). A link at the name itself is refused. Running as root, what this creates (the
    file, new folders) gets the owner of the folder it is created in, so the workspace's
    owner can replace or delete it; nothing else is ever chowned.
    """
    target = Path(os.path.abspath(path))
    folder = _open_folder(target.parent, shown)
    try:
        _replace(folder, target.name, data, shown)
    except OSError as exc:
        raise InputError(shown, f"could not write: {exc.strerror or exc}") from None
    finally:
        os.close(folder)


def _open_folder(folder: Path, shown: str) -> int:
    fd = os.open("/", _FOLDER_FLAGS)
    walked = Path("/")
    try:
        for name in folder.parts[1:]:
            walked /= name
            fd = _step(fd, name, walked, shown)
    except OSError as exc:
        os.close(fd)
        raise InputError(shown, f"could not write: {exc.strerror or exc}") from None
    except BaseException:
        os.close(fd)
        raise
    return fd


def _step(parent: int, name: str, walked: Path, shown: str) -> int:
    """Open (or create) the folder ``name`` in ``parent``, which it closes; never a link."""
    try:
        child = os.open(name, _FOLDER_FLAGS, dir_fd=parent)
    except FileNotFoundError:
        os.mkdir(name, 0o777, dir_fd=parent)
        _give_away(parent, name)
        child = os.open(name, _FOLDER_FLAGS, dir_fd=parent)
    except (NotADirectoryError, OSError) as exc:
        if _is_link(parent, name):
            raise InputError(
                shown, f"{walked} is a symbolic link; files are never written through one"
            ) from None
        if isinstance(exc, NotADirectoryError):
            raise InputError(shown, f"{walked} is not a folder") from None
        raise
    os.close(parent)
    return child


def _is_link(folder: int, name: str) -> bool:
    try:
        return stat.S_ISLNK(os.stat(name, dir_fd=folder, follow_symlinks=False).st_mode)
    except OSError:
        return False


def _replace(folder: int, name: str, data: bytes, shown: str) -> None:
    mode = _mode_for(folder, name, shown)
    temp = f".{name}.{secrets.token_hex(4)}.tmp"
    fd = os.open(temp, _NEW_FILE_FLAGS, 0o600, dir_fd=folder)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(fd)
            os.fchmod(fd, mode)
            owner = _owner_for(folder)
            if owner is not None:
                os.fchown(fd, *owner)
        os.rename(temp, name, src_dir_fd=folder, dst_dir_fd=folder)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp, dir_fd=folder)
        raise
    _sync(folder)


def _mode_for(folder: int, name: str, shown: str) -> int:
    """The old file's permission bits (set-id bits dropped), else what umask allows."""
    try:
        info = os.stat(name, dir_fd=folder, follow_symlinks=False)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
    if stat.S_ISLNK(info.st_mode):
        raise InputError(shown, "is a symbolic link; files are never written through one")
    if stat.S_ISDIR(info.st_mode):
        raise InputError(shown, "is a directory, not a file")
    if not stat.S_ISREG(info.st_mode):  # as root, the rename would replace a device node
        raise InputError(shown, f"is not a regular file ({_kind(info.st_mode)})")
    return stat.S_IMODE(info.st_mode) & 0o777


def _owner_for(folder: int) -> tuple[int, int] | None:
    """(uid, gid) that something created in ``folder`` should get; None: leave it ours."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return None
    info = os.fstat(folder)
    if (info.st_uid, info.st_gid) == (os.geteuid(), os.getegid()):
        return None
    return info.st_uid, info.st_gid


def _give_away(folder: int, name: str) -> None:
    owner = _owner_for(folder)
    if owner is not None:
        os.chown(name, *owner, dir_fd=folder, follow_symlinks=False)


def _sync(folder: int) -> None:
    """fsync the folder so the rename survives a power cut (best effort)."""
    try:
        fd = os.open(".", os.O_RDONLY | getattr(os, "O_DIRECTORY", 0), dir_fd=folder)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def decode_text(data: bytes, shown: str, *, allow_controls: bool = False) -> str:
    """UTF-8 text without a BOM; binary or non-UTF-8 input is an ``InputError``.

    A NUL byte refuses the file, on its line, unless ``allow_controls``: a page keeps its
    stray control characters, which the parser reads as U+FFFD and reports as findings on
    their lines. A file that is binary as a whole is refused either way (``_BINARY_SHARE``).
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if b"\x00" in data[:8192]:  # an image or an archive, not text in another encoding
            raise InputError(shown, "looks like a binary file (it contains NUL bytes)") from None
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            shown, f"is not valid UTF-8 (byte 0x{data[exc.start]:02x})", line
        ) from None
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    if controls > _BINARY_SHARE * len(data):
        share = controls / len(data)
        raise InputError(
            shown, f"looks like a binary file ({share:.0%} of its bytes are control characters)"
        )
    if not allow_controls and (nul := data.find(b"\x00")) >= 0:
        line = data.count(b"\n", 0, nul) + 1
        raise InputError(shown, "contains a NUL byte, as binary files do; remove it", line)
    return text.removeprefix("\ufeff")


# Bytes that are control characters in UTF-8 text whatever surrounds them (no multi-byte
# sequence holds a byte below 0x80): C0 controls but tab, LF and CR, and DEL.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
# A file whose bytes are more than this share of control characters is binary, not text
# with stray ones. Text has none, or a handful pasted by accident; binary formats have far
# more: UTF-16 or UTF-32 text read as UTF-8 is half NUL bytes or more, a file of zeros all
# of them, compressed data about an eighth (and it is rarely valid UTF-8 anyway). A tenth
# keeps a page with a few stray characters checkable even when the page is short.
_BINARY_SHARE = 0.1
