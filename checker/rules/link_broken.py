"""link-broken: a vendor's link (or the privacy-policy link) is dead.

Checked live only when links are checked (``--links``, ``links.mode`` or the action's
``links`` input). A link is broken when the server says so for certain: 404, 410 or another
4xx after falling back from HEAD to GET, too many redirects, or a redirect loop.

Why it matters: a dead vendor link sends customers looking for a vendor's terms to an error
page, and often means the vendor was renamed or acquired, which the list should say.

Options:

- ``links.mode`` (default ``none``): ``changed`` checks the rows that differ from the base,
  ``all`` every vendor link and the privacy-policy link.
- ``links.accept`` (default ``{}``): extra status codes that count as alive, per URL regular
  expression, for sites that answer robots with 403 or 999.
- ``links.exclude`` (default ``[]``): regular expressions of URLs not to request.

Given the link check found::

    https://acme.example/old-page: {verdict: broken, status: 404}
    https://acme.example/: {verdict: ok, status: 200}

Fails (the server answers 404)::

    | [Acme](https://acme.example/old-page) | USA | Analytics |

Passes (the server answers 200)::

    | [Acme](https://acme.example/) | USA | Analytics |
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
TAGS: frozenset[str] = frozenset({"link"})
OPTIONS: dict[str, Any] = {}
SETTINGS: frozenset[str] = frozenset({"links.mode", "links.accept", "links.exclude"})


def check(ctx: RuleContext, options: dict[str, Any]) -> Iterator[Problem]:
    for link, what, result in checked_links(ctx, Verdict.BROKEN):
        yield Problem(
            link.line,
            link.column,
            f"{what} is broken: {link.url} answers {status_text(result)}.",
            end_column=link.column + len(link.url) if link.column else None,
            context={"url": link.url, "status": result.status},
        )
