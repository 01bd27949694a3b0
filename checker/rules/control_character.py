r"""control-character: the page holds a control character, such as NUL or ESC, or a lone CR.

A text page has no characters below U+0020 but tab and its line endings, and none of DEL
(U+007F) or the C1 controls (U+0080 to U+009F). One that slipped in (pasted from a terminal,
a PDF or a spreadsheet) is reported on its line, once per line, at the first of them; the
checker reads each as U+FFFD and checks the rest of the page as usual. A carriage return
not followed by a line feed (a "lone CR", the old Mac line ending) is one too: git and
GitHub's diff view do not end a line there, while most renderers do, so the line numbers of
the page, of a review and of the rendered list disagree. Line numbers here count line feeds
only, as GitHub's diff view does. A file that is mostly control characters is not read at
all: it is binary, and the check stops (exit code 2).

Why it matters: renderers drop, garble or show such characters as boxes, so the published
list may not read as the source does (a name with a hidden NUL matches nothing), and a
review cannot see them at all.

Options: none.

Fails (``\x00`` is a NUL byte)::

    | [Stripe](https://stripe.com/) | US\x00A | Payments |

Fails (``\x0d`` is a carriage return with no line feed after it)::

    Effective date: 2025-02-05\x0dLast reviewed: 2025-03-01

Passes::

    | [Stripe](https://stripe.com/) | USA | Payments |
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checker.model import Severity
from checker.rules.base import Problem, RuleContext

ID = "control-character"
SEVERITY = Severity.WARNING
NEEDS_REGISTRY = False
TAGS: frozenset[str] = frozenset()
OPTIONS: dict[str, Any] = {}
SETTINGS: frozenset[str] = frozenset()

_NAMES = {
    "\x00": "NUL",
    "\x07": "BEL",
    "\x08": "backspace",
    "\x0b": "vertical tab",
    "\x0c": "form feed",
    "\x1b": "ESC",
    "\x7f": "DEL",
    "\x85": "next line",
}


def describe(char: str) -> str:
    """A control character as a reader can look it up: ``U+0000 (NUL)``."""
    code = f"U+{ord(char):04X}"
    return f"{code} ({_NAMES[char]})" if char in _NAMES else code


def check(ctx: RuleContext, options: dict[str, Any]) -> Iterator[Problem]:
    for found in ctx.document.control_characters:
        more = f" (and {found.count - 1} more on this line)" if found.count > 1 else ""
        if found.char == "\r":
            message = (
                "A carriage return (U+000D) without a line feed after it: git and GitHub's "
                f"diff view do not end the line there, most renderers do{more}."
            )
            suggestion = "Use LF (or CR LF) line endings throughout the page."
        else:
            message = (
                f"The control character {describe(found.char)} is in the text{more}; it is "
                "invisible here and renderers drop or garble it (it was read as U+FFFD)."
            )
            suggestion = "Delete it, or type the character it stands for."
        yield Problem(
            found.line,
            found.column,
            message,
            suggestion=suggestion,
            end_column=found.column + 1,
            context={"character": f"U+{ord(found.char):04X}", "count": found.count},
        )
