"""Errors that stop the checker from running (exit code 2), each naming a file and a reason."""

from __future__ import annotations


class InputError(Exception):
    """A file the checker needs cannot be used: missing, unreadable, invalid.

    ``line`` is 1-based when the problem has a place in the file. The CLI prints
    ``path:line: reason`` once and exits with code 2.
    """

    def __init__(self, path: str, reason: str, line: int | None = None) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
        self.line = line

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.reason}"
