"""GitHub workflow-command annotations: findings shown on the pull request's "Files changed" tab.

Each finding becomes one ``::error``/``::warning``/``::notice`` line that the Actions runner turns
into an annotation. The text of those lines comes partly from the checked page (vendor names,
URLs, cell text), so it is untrusted: a page must not be able to make the runner obey a command
of its own (``add-mask``, ``stop-commands``, a fake annotation …). How the runner reads our
output (``actions/runner``: ``src/Runner.Common/ActionCommand.cs`` and
``src/Runner.Worker/ActionCommandManager.cs``), and what this module does about each point:

* It reads the step's output line by line (``\\n``, ``\\r`` or ``\\r\\n`` end a line). A line is a
  command when, after trimming leading white space, it starts with ``::`` (``TryParseV2``); if
  it is not, the legacy form ``##[name …]data`` is looked for *anywhere* in the line
  (``TryParse``). We percent-escape CR and LF, so every message stays on our own line, and every
  line we print starts with our own ``::error`` / ``::warning`` / ``::notice``.
* The runner finds ``::`` and ``##[`` with culture-sensitive ``StartsWith``/``IndexOf`` (no
  ``StringComparison`` argument). On Linux .NET uses ICU for these, and ICU skips characters of
  zero collation weight: control characters, format characters such as U+200B ZERO WIDTH SPACE,
  variation selectors. So ``#\\u200b#[add-mask]x`` *is* a legacy command to the runner, and a
  zero-width character inserted into ``##[`` would not defuse it. :func:`neutralize` therefore
  first rewrites every invisible or control character as a visible ``\\uXXXX`` escape, and then
  breaks each ``##[`` (allowing combining marks between its characters) by writing its second
  ``#`` as the three visible characters ``%23``. The runner's unescaping only ever decodes
  ``%25``, ``%0D``, ``%0A`` (plus ``%3A``, ``%2C`` in properties, ``%3B``, ``%5D`` in the legacy
  form); it never decodes ``%23``, so it cannot turn the text back into ``##[``.
* A decoded message line that starts with ``::`` is harmless inside an annotation, but the same
  text may be printed raw elsewhere; :func:`neutralize` writes the first ``:`` of such a line as
  ``%3A`` so the result is safe to print on its own too.
* GitHub keeps only the first 10 annotations of each type per step and drops the rest silently.
  We choose which ones survive (the first by path and line) and add one notice with the totals.
"""

from __future__ import annotations

import os
import secrets
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TextIO

from checker.model import CheckResult, Finding, RuleInfo, Severity
from checker.reporters.words import plural, visible

ANNOTATIONS_PER_TYPE = 10
"""GitHub keeps this many annotations of each type (error, warning, notice) per step."""

MAX_MESSAGE_CHARS = 4096
"""GitHub cuts annotation messages at this many characters; we shorten ours to fit first."""

_SEVERITY_ORDER: tuple[Severity, ...] = (Severity.ERROR, Severity.WARNING, Severity.NOTICE)

# Default_Ignorable_Code_Point characters (Unicode DerivedCoreProperties.txt) outside the C*
# categories; the C* ones are caught by category. ICU gives most of these zero weight.
_IGNORABLE_RANGES: tuple[tuple[int, int], ...] = (
    (0x034F, 0x034F),  # COMBINING GRAPHEME JOINER
    (0x115F, 0x1160),  # HANGUL CHOSEONG/JUNGSEONG FILLER
    (0x17B4, 0x17B5),  # KHMER VOWEL INHERENT AQ/AA
    (0x180B, 0x180F),  # MONGOLIAN FREE VARIATION SELECTORS
    (0x3164, 0x3164),  # HANGUL FILLER
    (0xFE00, 0xFE0F),  # VARIATION SELECTORS
    (0xFFA0, 0xFFA0),  # HALFWIDTH HANGUL FILLER
    (0xE0100, 0xE01EF),  # VARIATION SELECTORS SUPPLEMENT
)


def _is_hidden(char: str) -> bool:
    """True for characters that are invisible, control the display, or may be zero-weight.

    Tab and line feed are kept (they display as what they are); carriage returns are folded
    into line feeds before this is asked. Unassigned code points count as hidden because a newer
    Unicode version on the runner may assign them as format characters.
    """
    if char in "\t\n":
        return False
    category = unicodedata.category(char)
    if category in ("Cc", "Cf", "Cs", "Cn", "Zl", "Zp"):
        return True
    code = ord(char)
    return any(low <= code <= high for low, high in _IGNORABLE_RANGES)


def _is_mark(char: str) -> bool:
    return unicodedata.category(char).startswith("M")


def _break_legacy_prefix(text: str) -> str:
    """Rewrite every ``##[`` (marks allowed between its characters) as ``#%23[``."""
    if "[" not in text or "#" not in text:
        return text
    chars = list(text)
    for index, char in enumerate(chars):
        if char != "[":
            continue
        second = index - 1
        while second >= 0 and _is_mark(chars[second]):
            second -= 1
        if second < 0 or chars[second] != "#":
            continue
        first = second - 1
        while first >= 0 and _is_mark(chars[first]):
            first -= 1
        if first >= 0 and chars[first] == "#":
            chars[second] = "%23"
    return "".join(chars)


def _break_line_command(line: str) -> str:
    """Rewrite a line that would start a ``::`` command (after white space) as ``%3A:…``."""
    stripped = line.lstrip()
    if not stripped.startswith("::"):
        return line
    start = len(line) - len(stripped)
    return f"{line[:start]}%3A{line[start + 1 :]}"


def neutralize(text: str) -> str:
    """Make untrusted text safe for the runner and readable, keeping it as close as possible.

    * CR LF and lone CR become LF (a lone CR could overwrite a log line's start);
    * control, format, line/paragraph-separator, bidi-override and other invisible or
      zero-weight characters (including ANSI escape introducers) become visible escapes such
      as ``\\x1b`` or ``\\u2028``;
    * ``##[`` becomes ``#%23[``, so the legacy command form never appears;
    * a line starting (after white space) with ``::`` starts with ``%3A:`` instead.

    Text without any of these comes back unchanged; the result is stable under a second call.
    The result contains no CR, so printed raw it still cannot issue a command; inside a command
    it must also be escaped with :func:`escape_data` or :func:`escape_property`.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not (text.isascii() and text.isprintable()):
        text = "".join(visible(c) if _is_hidden(c) else c for c in text)
    text = _break_legacy_prefix(text)
    if "::" in text:
        text = "\n".join(_break_line_command(line) for line in text.split("\n"))
    return text


def _percent_escape(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_data(text: str) -> str:
    """Escape a command's message (the part after ``::``), after :func:`neutralize`-ing it.

    Same escaping as ``@actions/core`` (``%`` first, then CR, LF); the runner's
    ``UnescapeData`` gives back exactly ``neutralize(text)``.
    """
    return _percent_escape(neutralize(text))


def escape_property(text: str) -> str:
    """Escape a command property value (``file=…``, ``title=…``), after :func:`neutralize`-ing it.

    Adds ``:`` and ``,`` to the data escaping, since they end the property list and a property;
    the runner's ``UnescapeProperty`` gives back exactly ``neutralize(text)``.
    """
    return _percent_escape(neutralize(text)).replace(":", "%3A").replace(",", "%2C")


def command(name: str, properties: Mapping[str, str | int | None], message: str) -> str:
    """One workflow-command line (without newline): ``::name k=v,k=v::message``.

    Properties whose value is ``None`` or empty are left out (the runner ignores ``k=``).
    ``name`` and the property keys are ours and must be plain words.
    """
    props = ",".join(
        f"{key}={escape_property(str(value))}"
        for key, value in properties.items()
        if value is not None and str(value) != ""
    )
    head = f"{name} {props}" if props else name
    return f"::{head}::{escape_data(message)}"


@contextmanager
def stop_commands(stream: TextIO) -> Iterator[str]:
    """Suspend command processing while raw untrusted text is printed to ``stream``.

    Prints ``::stop-commands::<token>`` with a fresh random token, yields the token and, even if
    the body raises, prints ``::<token>::`` to resume. The token is unguessable, so text printed
    inside cannot resume processing early. Control characters in that text still reach the
    log; pass it through :func:`neutralize` too when it should also render harmlessly.
    """
    token = f"spc-{secrets.token_hex(16)}"
    stream.write(f"::stop-commands::{token}\n")
    try:
        yield token
    finally:
        stream.write(f"::{token}::\n")


def relative_path(path: str | os.PathLike[str], root: str | os.PathLike[str]) -> str:
    """``path`` as a repository-relative POSIX path, the form annotations and SARIF need.

    A relative ``path`` is taken relative to the current directory. Backslashes are read as
    separators. A path outside ``root`` is returned absolute (POSIX form): GitHub cannot place
    it on a file, but it still names the file to a reader.
    """
    raw = os.fspath(path).replace("\\", "/")
    base = os.path.abspath(os.fspath(root).replace("\\", "/"))
    full = os.path.abspath(raw)
    try:
        inside = os.path.commonpath([full, base]) == base
    except ValueError:  # different drives on Windows
        inside = False
    if not inside:
        return full.replace("\\", "/")
    return os.path.relpath(full, base).replace("\\", "/")


def _display_path(path: str) -> str:
    """``Finding.path`` as printed: backslashes to ``/``, no leading ``./``."""
    shown = path.replace("\\", "/")
    while shown.startswith("./"):
        shown = shown[2:]
    return shown


def _rule_title(rule_id: str, info: RuleInfo | None) -> str:
    summary = info.summary if info is not None and info.summary.strip() else None
    if summary is None:
        summary = rule_id.replace("-", " ").replace("_", " ").strip().capitalize()
    return " ".join(f"[{rule_id}] {summary}".split())


def _message(finding: Finding, info: RuleInfo | None) -> str:
    """The annotation text: the finding, its suggestion, then the rule and its documentation."""
    body = finding.message.strip() or f"Rule {finding.rule} reported a problem."
    if finding.suggestion is not None and finding.suggestion.strip():
        body = f"{body}\nSuggestion: {finding.suggestion.strip()}"
    tail = f"Rule: {finding.rule}"
    if info is not None and info.help_uri:
        tail = f"{tail} ({info.help_uri})"
    body = neutralize(body)
    tail = neutralize(tail)
    room = MAX_MESSAGE_CHARS - len(tail) - 1
    if len(body) > room:
        body = body[: max(room - 1, 0)] + "…"
    return f"{body}\n{tail}"


def _positive(value: int | None) -> int | None:
    return value if value is not None and value >= 1 else None


def _properties(finding: Finding, title: str) -> dict[str, str | int | None]:
    """The annotation's place, following the runner's rules for which combinations count.

    Columns only go with a line and only when the annotation stays on one line (the runner
    drops them otherwise); an end before its start is left out rather than sent.
    """
    path = _display_path(finding.path) if finding.path else ""
    line = _positive(finding.line) if path else None
    end_line = _positive(finding.end_line) if line is not None else None
    if end_line is not None and line is not None and end_line < line:
        end_line = None
    single_line = end_line is None or end_line == line
    col = _positive(finding.column) if line is not None and single_line else None
    end_col = _positive(finding.end_column) if col is not None else None
    if end_col is not None and col is not None and end_col < col:
        end_col = None
    return {
        "file": path or None,
        "line": line,
        "endLine": end_line,
        "col": col,
        "endColumn": end_col,
        "title": title,
    }


@dataclass(frozen=True, slots=True)
class Selection:
    """Which findings get an annotation, and the per-type totals."""

    annotated: list[Finding]
    """The findings to annotate, in path/line order."""
    totals: dict[Severity, int]
    """All findings per severity."""
    shown: dict[Severity, int]
    """Annotated findings per severity."""

    @property
    def truncated(self) -> bool:
        return any(self.shown[s] < self.totals[s] for s in _SEVERITY_ORDER)


def select(
    findings: Iterable[Finding], per_type: int = ANNOTATIONS_PER_TYPE, *, notices_used: int = 0
) -> Selection:
    """Choose the findings to annotate: the first ``per_type`` of each severity by path/line.

    When any severity overflows, a totals notice is printed too, and it counts against the
    notice budget, so notices then get ``per_type - 1`` places. ``notices_used`` is the number
    of notice commands the caller prints in the same step besides these (they share GitHub's
    budget of ``per_type`` notices).
    """
    ordered = sorted(findings, key=Finding.sort_key)
    totals = {s: sum(1 for f in ordered if f.severity is s) for s in _SEVERITY_ORDER}
    limits = dict.fromkeys(_SEVERITY_ORDER, per_type)
    limits[Severity.NOTICE] = max(per_type - notices_used, 0)
    if any(totals[s] > limits[s] for s in _SEVERITY_ORDER):
        limits[Severity.NOTICE] = max(limits[Severity.NOTICE] - 1, 0)
    shown = dict.fromkeys(_SEVERITY_ORDER, 0)
    annotated: list[Finding] = []
    for finding in ordered:
        if shown[finding.severity] < limits[finding.severity]:
            shown[finding.severity] += 1
            annotated.append(finding)
    return Selection(annotated=annotated, totals=totals, shown=shown)


def _totals_message(selection: Selection) -> str:
    totals = selection.totals
    counts = ", ".join(
        plural(totals[s], s.value) for s in (Severity.ERROR, Severity.WARNING, Severity.NOTICE)
    )
    cut = [
        f"the first {plural(selection.shown[s], s.value)}"
        for s in _SEVERITY_ORDER
        if selection.shown[s] < totals[s]
    ]
    return (
        f"subprocessor-check found {counts}; GitHub keeps {ANNOTATIONS_PER_TYPE} annotations "
        f"of each type, so only {' and '.join(cut)} are annotated here. "
        "See the job summary for all findings."
    )


def annotation_lines(result: CheckResult, *, notices_used: int = 0) -> list[str]:
    """The command lines for ``result``: the selected annotations, then the totals notice.

    ``notices_used``: notices the caller prints besides these in the same step (see
    :func:`select`).
    """
    rules = {rule.id: rule for rule in result.rules}
    selection = select(result.findings, notices_used=notices_used)
    lines = []
    for finding in selection.annotated:
        info = rules.get(finding.rule)
        title = _rule_title(finding.rule, info)
        lines.append(
            command(finding.severity.value, _properties(finding, title), _message(finding, info))
        )
    if selection.truncated:
        lines.append(command("notice", {}, _totals_message(selection)))
    return lines


def report(result: CheckResult, stream: TextIO) -> None:
    """Print one annotation command per selected finding (see :func:`select`) to ``stream``."""
    for line in annotation_lines(result):
        stream.write(line + "\n")
