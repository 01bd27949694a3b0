"""link-redirected: a link moved permanently (301/308) to another URL.

The link still works, but the page should name where it leads now, so that customers (and
the registry) see the vendor's current address. Temporary redirects (302, 303, 307) are
not reported. The suggestion is the final URL.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checker.model import Severity, Verdict
from checker.rules._links import checked_links
from checker.rules.base import Problem, RuleContext

ID = "link-redirected"
SEVERITY = Severity.WARNING
NEEDS_REGISTRY = False
OPTIONS: dict[str, Any] = {}


def check(ctx: RuleContext, options: dict[str, Any]) -> Iterator[Problem]:
    for link, what, result in checked_links(ctx, Verdict.REDIRECTED):
        yield Problem(
            link.line,
            link.column,
            f"{what} moved permanently: {link.url} redirects to {result.final_url}.",
            suggestion=result.final_url,
            end_column=link.column + len(link.url) if link.column else None,
            context={"url": link.url, "final_url": result.final_url},
        )
