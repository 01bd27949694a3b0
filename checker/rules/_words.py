"""Quoting page text in a message without letting one long cell grow every finding."""

from __future__ import annotations

from collections.abc import Sequence

MOST = 5
"""Items named before "and N more"."""
WIDTH = 60
"""Characters of one item kept before "…"."""


def some(items: Sequence[str], *, quote: bool = False) -> str:
    """A few of ``items``, each cut short: header text is repeated in every row's finding,
    so a page with one 100 KB header cell and many short rows must not repeat it in full.

    >>> some(["Name", "Location"])
    'Name, Location'
    >>> some([str(i) for i in range(8)], quote=True)
    "'0', '1', '2', '3', '4' and 3 more"
    >>> some(["x" * 100])
    'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx…'
    """
    shown = [_cut(item) for item in items[:MOST]]
    if quote:
        shown = [repr(item) for item in shown]
    text = ", ".join(shown)
    return f"{text} and {len(items) - MOST} more" if len(items) > MOST else text


def _cut(item: str) -> str:
    return item if len(item) <= WIDTH else item[: WIDTH - 1] + "…"
