"""Reading the user's files, with one clear reason when a file cannot be used.

Pages, registries and configs fail in the same ways (missing, a directory, unreadable, too
large, binary, not UTF-8); each failure is an ``InputError`` naming the file, and, for
encoding errors, the line.
"""

from __future__ import annotations

from pathlib import Path

from checker.errors import InputError


def file_size(path: str | Path, shown: str, what: str) -> int:
    """Size in bytes of a regular file; ``what`` names it in messages ("registry file")."""
    p = Path(path)
    try:
        if p.is_dir():
            raise InputError(shown, f"is a directory, not a {what}")
        return p.stat().st_size
    except FileNotFoundError:
        raise InputError(shown, "no such file") from None
    except PermissionError:
        raise InputError(shown, "permission denied") from None
    except OSError as exc:
        raise InputError(shown, exc.strerror or str(exc)) from None


def read_text(path: str | Path, shown: str, what: str, *, limit: int | None = None) -> str:
    """The file decoded as UTF-8 (BOM removed); refused over ``limit`` bytes."""
    size = file_size(path, shown, what)
    if limit is not None and size > limit:
        raise InputError(shown, f"is {size:,} bytes, larger than the limit of {limit:,}")
    try:
        data = Path(path).read_bytes()
    except PermissionError:
        raise InputError(shown, "permission denied") from None
    except OSError as exc:
        raise InputError(shown, exc.strerror or str(exc)) from None
    return decode_text(data, shown)


def decode_text(data: bytes, shown: str) -> str:
    """UTF-8 text without a BOM; binary or non-UTF-8 input is an ``InputError``."""
    if b"\x00" in data[:8192]:
        raise InputError(shown, "looks like a binary file (it contains NUL bytes)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            shown, f"is not valid UTF-8 (byte 0x{data[exc.start]:02x})", line
        ) from None
    return text.removeprefix("\ufeff")
