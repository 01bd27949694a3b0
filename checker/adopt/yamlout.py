"""Write YAML scalars that the checker's loader reads back as exactly the same text."""

from __future__ import annotations

import json
import re

import yaml

_PLAIN_SAFE = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`].*$")


def scalar(value: str) -> str:
    """``value`` as a YAML scalar: plain when that reads back unchanged, else double-quoted.

    A plain scalar is used only when it survives a round trip as text (so ``2021-05-02``,
    ``yes``, ``null``, ``1.0`` and anything with ``: `` or `` #`` are quoted); the quoted form
    is a JSON string, which is valid YAML and keeps every character, non-ASCII included.
    """
    if value and "\n" not in value and value == value.strip() and _PLAIN_SAFE.match(value):
        try:
            loaded = yaml.safe_load(f"k: {value}\n")
        except yaml.YAMLError:
            loaded = None
        if isinstance(loaded, dict) and loaded.get("k") == value and isinstance(loaded["k"], str):
            return value
    return json.dumps(value, ensure_ascii=False)


def key(value: str) -> str:
    """A mapping key (quoted unless it is a plain word sequence)."""
    return scalar(value)


def comment(text: str, indent: str = "") -> list[str]:
    """``text`` as YAML comment lines (one per line of ``text``)."""
    return [f"{indent}# {line}".rstrip() for line in text.splitlines()]
