"""Reading YAML the way a checker needs it: with line numbers and no surprises.

PyYAML's own loaders lose positions, turn ``2021-05-02`` into a ``date``, silently keep the
last of two duplicate keys and expand aliases without limit. Registries and configs are
hand-edited by people who need to be told *which key, on which line* is wrong, so we compose
the node tree ourselves and build plain Python values from it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import yaml

# libyaml's composer gives the same nodes and marks as the pure-Python one, several times
# faster; it is absent only where PyYAML was built without it.
_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# A registry of a few thousand vendors is a few hundred thousand nodes at most; anything
# far beyond that is an alias bomb ("billion laughs"), not a real document.
MAX_NODES = 2_000_000


class YamlError(Exception):
    """The YAML cannot be used; ``line`` is 1-based when known."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


@dataclass(slots=True)
class Positions:
    """Where each value came from: JSON-pointer-like paths to 1-based lines."""

    lines: dict[tuple[str | int, ...], int] = field(default_factory=dict)
    """Path of a value (keys and list indexes) → line of the value."""
    key_lines: dict[tuple[str | int, ...], int] = field(default_factory=dict)
    """Path of a mapping entry → line of its key."""

    def line_of(self, path: tuple[str | int, ...] | list[str | int]) -> int | None:
        """Line of the value at ``path``, or of its nearest ancestor that has one."""
        parts = tuple(path)
        while True:
            if parts in self.key_lines:
                return self.key_lines[parts]
            if parts in self.lines:
                return self.lines[parts]
            if not parts:
                return None
            parts = parts[:-1]


_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_NULL = "tag:yaml.org,2002:null"


class _Builder:
    def __init__(self) -> None:
        self.positions = Positions()
        self.nodes = 0
        self._constructor = yaml.SafeLoader("")

    def build(self, node: yaml.Node, path: tuple[str | int, ...]) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise YamlError(
                f"more than {MAX_NODES:,} values after expanding aliases; refusing to go on",
                node.start_mark.line + 1,
            )
        self.positions.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise YamlError(
                        "merge keys (<<) are not supported", key_node.start_mark.line + 1
                    )
                if not isinstance(key_node, yaml.ScalarNode):
                    raise YamlError("keys must be plain text", key_node.start_mark.line + 1)
                key = str(key_node.value)
                if key in result:
                    first = self.positions.key_lines[(*path, key)]
                    raise YamlError(
                        f"duplicate key '{key}' (first defined on line {first})",
                        key_node.start_mark.line + 1,
                    )
                self.positions.key_lines[(*path, key)] = key_node.start_mark.line + 1
                result[key] = self.build(value_node, (*path, key))
            return result
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.ScalarNode)
        # Dates, timestamps and everything else stay text: "2021-05-02" must reach the
        # rules exactly as the user wrote it.
        if node.tag in (_BOOL, _INT, _FLOAT, _NULL):
            return self._scalar(node)
        return str(node.value)

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        """A YAML 1.1 boolean, number or null; numbers must be finite and of sane length.

        ``.inf`` and ``.nan`` pass every ``minimum``/``maximum`` in a schema (NaN compares
        false to everything), so a time budget of ``.nan`` would never run out.
        """
        line = node.start_mark.line + 1
        try:
            value = self._constructor.construct_object(node)
        except ValueError:  # an integer of thousands of digits
            raise YamlError(f"the number {str(node.value)[:20]}… is too long", line) from None
        if isinstance(value, float) and not math.isfinite(value):
            raise YamlError(f"{node.value!r} is not a finite number", line)
        return value


def load(text: str) -> tuple[Any, Positions]:
    """Parse one YAML document into plain values and their line numbers.

    Raises ``YamlError`` with a line number for syntax errors, duplicate keys, several
    documents in one file and alias bombs.
    """
    try:
        nodes = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlError(problem, mark.line + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise YamlError(str(exc).splitlines()[0] if str(exc) else "invalid YAML") from None
    if len(nodes) > 1:
        second = nodes[1]
        raise YamlError(
            "expected one YAML document, found several",
            second.start_mark.line + 1 if second is not None else None,
        )
    if not nodes or nodes[0] is None:
        return None, Positions()
    builder = _Builder()
    try:
        data = builder.build(nodes[0], ())
    except RecursionError:
        raise YamlError("nesting too deep (a recursive alias?)") from None
    return data, builder.positions
