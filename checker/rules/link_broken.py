"""link-broken: a vendor's link (or the privacy-policy link) is dead.

Checked live only when links are checked (``--links``, or the action's ``links`` input). A
link is broken when the server says so for certain: 404, 410 or another 4xx after falling
back from HEAD to GET, too many redirects, or a redirect loop. Codes that some sites send to
robots (403, 999) can be accepted per URL pattern under ``links.accept``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checker.model import Severity, Verdict
from checker.rules._links import checked_links, status_text
from checker.rules.base import Problem, RuleContext

ID = "link-broken"
SEVERITY = Severity.ERROR
NEEDS_REGISTRY = False
OPTIONS: dict[str, Any] = {}


def check(ctx: RuleContext, options: dict[str, Any]) -> Iterator[Problem]:
    for link, what, result in checked_links(ctx, Verdict.BROKEN):
        yield Problem(
            link.line,
            link.column,
            f"{what} is broken: {link.url} answers {status_text(result)}.",
            end_column=link.column + len(link.url) if link.column else None,
            context={"url": link.url, "status": result.status},
        )
