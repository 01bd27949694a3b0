"""Reading YAML the way a checker needs it: with line numbers and no surprises.

PyYAML's own loaders lose positions, turn ``2021-05-02`` into a ``date``, silently keep the
last of two duplicate keys and expand aliases without limit. Registries and configs are
hand-edited by people who need to be told *which key, on which line* is wrong, so we compose
the node tree ourselves and build plain Python values from it.
"""

from __future__ import annotations

import math
import re
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
    def __init__(self, first_line: int = 1) -> None:
        self.first_line = first_line
        self.positions = Positions()
        self.nodes = 0
        self._constructor = yaml.SafeLoader("")

    def _line(self, node: yaml.Node) -> int:
        return node.start_mark.line + self.first_line

    def build(self, node: yaml.Node, path: tuple[str | int, ...]) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise YamlError(
                f"more than {MAX_NODES:,} values after expanding aliases; refusing to go on",
                self._line(node),
            )
        self.positions.lines[path] = self._line(node)
        if isinstance(node, yaml.MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise YamlError("merge keys (<<) are not supported", self._line(key_node))
                if not isinstance(key_node, yaml.ScalarNode):
                    raise YamlError("keys must be plain text", self._line(key_node))
                key = str(key_node.value)
                if key in result:
                    first = self.positions.key_lines[(*path, key)]
                    raise YamlError(
                        f"duplicate key '{key}' (first defined on line {first})",
                        self._line(key_node),
                    )
                self.positions.key_lines[(*path, key)] = self._line(key_node)
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
        line = self._line(node)
        try:
            value = self._constructor.construct_object(node)
        except ValueError:  # an integer of thousands of digits
            raise YamlError(f"the number {str(node.value)[:20]}… is too long", line) from None
        if isinstance(value, float) and not math.isfinite(value):
            raise YamlError(f"{node.value!r} is not a finite number", line)
        return value


_HIDDEN_BREAK = re.compile("\r(?!\n)|[\x85\u2028\u2029]")


def _refuse_hidden_breaks(text: str, first_line: int) -> None:
    """Refuse line breaks that YAML obeys but git and GitHub's diff view do not show.

    YAML ends a line at a lone CR, NEL, U+2028 or U+2029; a reviewer sees one line. So
    ``# reviewed\rrules: {}`` looks like a comment in a pull request and is a setting to
    YAML, and every line number after it would point at the wrong line.
    """
    found = _HIDDEN_BREAK.search(text)
    if found is not None:
        line = text.count("\n", 0, found.start()) + first_line
        what = (
            "a carriage return without a line feed"
            if found.group() == "\r"
            else (f"the line separator U+{ord(found.group()):04X}")
        )
        raise YamlError(f"{what}: YAML starts a new line there but a reviewer sees none", line)


def load(text: str, first_line: int = 1) -> tuple[Any, Positions]:
    """Parse one YAML document into plain values and their line numbers.

    Raises ``YamlError`` with a line number for syntax errors, duplicate keys, several
    documents in one file and alias bombs. Lines are numbered from ``first_line`` (front
    matter starts on the page's second line), in positions and in messages alike.
    """
    _refuse_hidden_breaks(text, first_line)
    try:
        nodes = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        raise YamlError(problem, mark.line + first_line if mark else None) from None
    except yaml.YAMLError as exc:
        raise YamlError(str(exc).splitlines()[0] if str(exc) else "invalid YAML") from None
    if len(nodes) > 1:
        second = nodes[1]
        raise YamlError(
            "expected one YAML document, found several",
            second.start_mark.line + first_line if second is not None else None,
        )
    if not nodes or nodes[0] is None:
        return None, Positions()
    builder = _Builder(first_line)
    try:
        data = builder.build(nodes[0], ())
    except RecursionError:
        raise YamlError("nesting too deep (a recursive alias?)") from None
    return data, builder.positions
