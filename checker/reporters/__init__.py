"""Reporters turn a ``CheckResult`` into output on a stream.

Each reporter is a function ``(result, stream) -> None`` registered by name in
``REPORTERS``; the CLI picks one with ``--format``. Reporters never decide what is wrong,
only how it reads.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from checker.model import CheckResult
from checker.reporters import github, html, json_report, sarif, text

Reporter = Callable[[CheckResult, TextIO], None]

REPORTERS: dict[str, Reporter] = {
    "text": text.report,
    "json": json_report.report,
    "github": github.report,
    "sarif": sarif.report,
    "html": html.report,
}
