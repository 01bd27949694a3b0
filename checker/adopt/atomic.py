"""Replace a file so that a crash at any moment leaves either the old or the new content.

The new content is written to a temporary file in the same directory (so the final rename
never crosses file systems), flushed and fsynced, given the old file's permission bits, and
renamed over the old file with ``os.replace``, which POSIX and Windows make atomic. The
directory is then fsynced so the rename itself survives a power cut. If anything fails
before the rename, the temporary file is removed and the old file was never touched.

A symbolic link is followed: the file it points to is replaced, and the link stays a link.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path


def write_atomic(path: str | Path, data: bytes) -> None:
    """Replace (or create) ``path`` with ``data`` atomically; ``OSError`` if it cannot."""
    target = Path(os.path.realpath(path))
    try:
        mode: int | None = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = None
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
            if mode is not None:
                os.chmod(temp, mode)
            else:
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(temp, 0o666 & ~umask)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    _sync_directory(target.parent)


def _sync_directory(folder: Path) -> None:
    if not hasattr(os, "O_DIRECTORY"):
        return  # Windows cannot open a directory; its rename is durable enough
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
