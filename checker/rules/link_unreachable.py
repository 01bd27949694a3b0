"""link-unreachable: a link could not be checked: no answer, a timeout, or 5xx after retries.

A vendor's outage must not fail an unrelated pull request, so this is a warning by default
(``links.unreachable`` in the config, or this rule's severity, makes it an error for
scheduled audits). Timeouts, connection errors, 429 and 5xx are retried with backoff, and
``Retry-After`` is honoured, before a link is called unreachable.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checker.model import Severity, Verdict
from checker.rules._links import checked_links, status_text
from checker.rules.base import Problem, RuleContext

ID = "link-unreachable"
SEVERITY = Severity.WARNING
NEEDS_REGISTRY = False
OPTIONS: dict[str, Any] = {}


def check(ctx: RuleContext, options: dict[str, Any]) -> Iterator[Problem]:
    for link, what, result in checked_links(ctx, Verdict.UNREACHABLE):
        yield Problem(
            link.line,
            link.column,
            f"{what} could not be reached: {link.url} ({status_text(result)} after "
            f"{result.attempts} attempt{'s' if result.attempts != 1 else ''}).",
            end_column=link.column + len(link.url) if link.column else None,
            context={"url": link.url, "error": result.error},
        )
