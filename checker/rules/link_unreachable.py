"""link-unreachable: a link could not be checked: no answer, a timeout, or 5xx after retries.

Checked live only when links are checked. Timeouts, connection errors, 429 and 5xx are
retried with backoff, and ``Retry-After`` is honoured, before a link is called unreachable;
links still unchecked when the time budget runs out are unreachable too.

Why it matters: an unreachable link may be a vendor's passing outage or a vendor that is
gone. A vendor's outage must not fail an unrelated pull request, so this is a warning by
default; a scheduled audit can make it an error.

Options:

- ``links.unreachable`` (default ``warning``): the severity of this rule's findings (a
  severity under ``rules.link-unreachable`` wins).
- ``links.timeout`` (default ``12``): seconds to wait for an answer.
- ``links.retries`` (default ``3``): retries after a timeout, reset, 429 or 5xx.
- ``links.budget`` (default ``120``): seconds for the whole link audit.

Given the link check found::

    https://acme.invalid/: {verdict: unreachable, error: name does not resolve, attempts: 4}
    https://acme.example/: {verdict: ok, status: 200}

Fails (the host does not resolve)::

    | [Acme](https://acme.invalid/) | USA | Analytics |

Passes (the server answers 200)::

    | [Acme](https://acme.example/) | USA | Analytics |
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checker.load.config import Config
from checker.model import Severity, Verdict
from checker.rules._links import checked_links, status_text
from checker.rules.base import Defaults, Problem, RuleContext

ID = "link-unreachable"
SEVERITY = Severity.WARNING
NEEDS_REGISTRY = False
TAGS: frozenset[str] = frozenset({"link"})
OPTIONS: dict[str, Any] = {}
SETTINGS: frozenset[str] = frozenset(
    {"links.unreachable", "links.timeout", "links.retries", "links.budget"}
)


def defaults(config: Config) -> Defaults:
    """``links.unreachable`` is the default severity: a scheduled audit can make outages
    errors while pull requests keep them warnings (``rules.link-unreachable`` still wins)."""
    return Defaults(config.links.unreachable, dict(OPTIONS))


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
