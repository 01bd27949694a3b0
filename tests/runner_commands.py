"""A port of how the GitHub Actions runner finds workflow commands in a step's output.

Ported from ``actions/runner`` (C#):

* ``src/Runner.Common/ActionCommand.cs`` — ``TryParseV2`` (``::name k=v,k=v::data``),
  ``TryParse`` (legacy ``##[name k=v;k=v]data``) and their unescaping tables;
* ``src/Runner.Worker/ActionCommandManager.cs`` — ``TryProcessCommand`` (V2 first, then legacy;
  the registered command names; ``stop-commands`` and its resume token).

Two .NET behaviours matter and are modelled explicitly:

* The runner reads output with ``StreamReader.ReadLine``: ``\\n``, ``\\r`` and ``\\r\\n`` end a
  line (``split_lines``).
* ``string.StartsWith(string)`` and ``string.IndexOf(string[, int])`` are culture-sensitive. With
  ICU (the runner on Linux and macOS), characters of zero collation weight are skipped while
  matching, so ``"#\\u200b#["`` contains ``"##["``. ``maybe_ignorable`` over-approximates that set
  (controls, format characters, unassigned and default-ignorable code points, combining marks),
  so this port finds every match the runner could find, and possibly a few more: it errs on the
  side of reporting an injection. ``Split``, ``IndexOf(char)`` and ``Replace`` are ordinal.
  ``TrimStart()`` and ``Trim()`` remove ``char.IsWhiteSpace`` characters (``DOTNET_WHITESPACE``).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

PREFIX = "##["
COMMAND_KEY = "::"

# ActionCommandManager registers "stop-commands" plus every IActionCommandExtension's Command.
REGISTERED_COMMANDS = frozenset(
    {
        "stop-commands",
        "set-env",
        "set-output",
        "save-state",
        "add-mask",
        "add-path",
        "add-matcher",
        "remove-matcher",
        "debug",
        "warning",
        "error",
        "notice",
        "group",
        "endgroup",
        "echo",
        "internal-set-repo-path",  # only while a plugin enables it; counted here to be strict
    }
)

# Token → replacement, applied in this order with ordinal Replace (ActionCommand.cs).
ESCAPE_MAPPINGS = ((";", "%3B"), ("\r", "%0D"), ("\n", "%0A"), ("]", "%5D"), ("%", "%25"))
ESCAPE_DATA_MAPPINGS = (("\r", "%0D"), ("\n", "%0A"), ("%", "%25"))
ESCAPE_PROPERTY_MAPPINGS = (
    ("\r", "%0D"),
    ("\n", "%0A"),
    (":", "%3A"),
    (",", "%2C"),
    ("%", "%25"),
)

# char.IsWhiteSpace: Zs, Zl, Zp, U+0009–U+000D, U+0085.
DOTNET_WHITESPACE = frozenset(
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u2028\u2029\u202f\u205f\u3000"
)

_DEFAULT_IGNORABLE = (
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)


def maybe_ignorable(char: str) -> bool:
    """Could ICU give ``char`` zero weight in a linguistic match? (over-approximation)

    TAB, LF, VT, FF, CR and NEL have weights in ICU's root collation, but counting them too
    only makes the port stricter, except that the runner never sees CR or LF inside a line.
    """
    category = unicodedata.category(char)
    if category in ("Cc", "Cf", "Cn", "Cs") or category.startswith("M"):
        return True
    code = ord(char)
    return any(low <= code <= high for low, high in _DEFAULT_IGNORABLE)


def _match_at(text: str, start: int, needle: str) -> int | None:
    """End of a linguistic match of ``needle`` starting exactly at ``start``, else ``None``."""
    position = start
    for wanted in needle:
        while position < len(text) and text[position] != wanted and maybe_ignorable(text[position]):
            position += 1
        if position >= len(text) or text[position] != wanted:
            return None
        position += 1
    return position


def culture_index_of(text: str, needle: str, start: int = 0) -> int:
    """``text.IndexOf(needle, start)`` with ICU's skipping of zero-weight characters."""
    for index in range(start, len(text)):
        if maybe_ignorable(text[index]):
            continue
        if _match_at(text, index, needle) is not None:
            return index
    return -1


def culture_starts_with(text: str, prefix: str) -> bool:
    """``text.StartsWith(prefix)``: leading zero-weight characters do not count."""
    index = 0
    while index < len(text) and maybe_ignorable(text[index]):
        index += 1
    return _match_at(text, index, prefix) is not None


def trim_start(text: str) -> str:
    index = 0
    while index < len(text) and text[index] in DOTNET_WHITESPACE:
        index += 1
    return text[index:]


def trim(text: str) -> str:
    end = len(text)
    while end > 0 and text[end - 1] in DOTNET_WHITESPACE:
        end -= 1
    return trim_start(text[:end])


def _unescape(escaped: str, mappings: tuple[tuple[str, str], ...]) -> str:
    for token, replacement in mappings:
        escaped = escaped.replace(replacement, token)
    return escaped


def unescape_data(escaped: str) -> str:
    return _unescape(escaped, ESCAPE_DATA_MAPPINGS)


def unescape_property(escaped: str) -> str:
    return _unescape(escaped, ESCAPE_PROPERTY_MAPPINGS)


def unescape_legacy(escaped: str) -> str:
    return _unescape(escaped, ESCAPE_MAPPINGS)


def _split_remove_empty(text: str, separator: str, count: int | None = None) -> list[str]:
    """``String.Split(separator, [count,] RemoveEmptyEntries)``."""
    if count is None:
        return [part for part in text.split(separator) if part]
    parts: list[str] = []
    rest = text
    while rest:
        if len(parts) == count - 1:
            parts.append(rest)
            break
        head, sep, rest = rest.partition(separator)
        if head:
            parts.append(head)
        if not sep:
            break
    return parts


@dataclass
class ActionCommand:
    command: str
    properties: dict[str, str] = field(default_factory=dict)
    data: str = ""
    legacy: bool = False

    def prop(self, key: str) -> str | None:
        """Properties are an OrdinalIgnoreCase dictionary in the runner."""
        for name, value in self.properties.items():
            if name.lower() == key.lower():
                return value
        return None


def _registered(name: str, registered: frozenset[str] | set[str]) -> bool:
    return name.lower() in {r.lower() for r in registered}


def try_parse_v2(message: str, registered: frozenset[str] | set[str]) -> ActionCommand | None:
    """``ActionCommand.TryParseV2``."""
    if not message:
        return None
    message = trim_start(message)
    if not culture_starts_with(message, COMMAND_KEY):
        return None
    end_index = culture_index_of(message, COMMAND_KEY, len(COMMAND_KEY))
    if end_index < 0:
        return None
    cmd_index = len(COMMAND_KEY)
    cmd_info = message[cmd_index:end_index]
    space_index = cmd_info.find(" ")
    name = cmd_info if space_index < 0 else cmd_info[:space_index]
    if not _registered(name, registered):
        return None
    command = ActionCommand(name)
    if space_index > 0:
        properties_str = trim(cmd_info[space_index + 1 :])
        for property_str in _split_remove_empty(properties_str, ","):
            pair = _split_remove_empty(property_str, "=", 2)
            if len(pair) == 2:
                command.properties[pair[0]] = unescape_property(pair[1])
    command.data = unescape_data(message[end_index + len(COMMAND_KEY) :])
    return command


def try_parse_legacy(message: str, registered: frozenset[str] | set[str]) -> ActionCommand | None:
    """``ActionCommand.TryParse``: ``##[name k=v;k=v]data`` anywhere in the line."""
    if not message:
        return None
    prefix_index = culture_index_of(message, PREFIX)
    if prefix_index < 0:
        return None
    rb_index = message.find("]", prefix_index)
    if rb_index < 0:
        return None
    # The matched prefix may span skipped characters; the runner still adds Prefix.Length.
    cmd_index = prefix_index + len(PREFIX)
    cmd_info = message[cmd_index:rb_index]
    space_index = cmd_info.find(" ")
    name = cmd_info if space_index < 0 else cmd_info[:space_index]
    if not _registered(name, registered):
        return None
    command = ActionCommand(name, legacy=True)
    if space_index > 0:
        for property_str in _split_remove_empty(cmd_info[space_index + 1 :], ";"):
            pair = _split_remove_empty(property_str, "=", 2)
            if len(pair) == 2:
                command.properties[pair[0]] = unescape_legacy(pair[1])
    command.data = unescape_legacy(message[rb_index + 1 :])
    return command


def legacy_prefix_present(line: str) -> bool:
    """Whether the runner's ``IndexOf("##[")`` would find anything in ``line``.

    Stricter than ``try_parse_legacy``: it ignores whether a registered name follows.
    """
    return culture_index_of(line, PREFIX) >= 0


def split_lines(output: str) -> list[str]:
    """``StreamReader.ReadLine`` over the whole output."""
    lines: list[str] = []
    current: list[str] = []
    index = 0
    while index < len(output):
        char = output[index]
        if char in "\r\n":
            lines.append("".join(current))
            current = []
            if char == "\r" and index + 1 < len(output) and output[index + 1] == "\n":
                index += 1
        else:
            current.append(char)
        index += 1
    if current:
        lines.append("".join(current))
    return lines


@dataclass
class Runner:
    """``ActionCommandManager.TryProcessCommand`` over a whole output, with its stop state."""

    registered: set[str] = field(default_factory=lambda: set(REGISTERED_COMMANDS))
    stopped: bool = False
    stop_token: str | None = None
    executed: list[ActionCommand] = field(default_factory=list)
    """Commands the runner acted on (stop/resume included)."""
    plain: list[str] = field(default_factory=list)
    """Lines that were only printed."""

    def feed(self, output: str) -> None:
        for line in split_lines(output):
            self.process(line)

    def process(self, line: str) -> None:
        command = try_parse_v2(line, self.registered) or try_parse_legacy(line, self.registered)
        if command is None:
            self.plain.append(line)
            return
        if self.stopped:
            if self.stop_token and command.command.lower() == self.stop_token.lower():
                self.registered.discard(self.stop_token)
                self.stopped = False
                self.stop_token = None
                self.executed.append(command)
            else:
                self.plain.append(line)
            return
        if command.command.lower() == "stop-commands":
            self.stop_token = command.data
            self.stopped = True
            self.registered.add(command.data)
        self.executed.append(command)
