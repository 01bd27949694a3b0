"""link-redirected: a link moved permanently (301/308) to another URL.

Checked live only when links are checked. Temporary redirects (302, 303, 307) are not
reported. The suggestion is the final URL.

Why it matters: the link still works, but the page should name where it leads now, so that
customers, and the registry, see the vendor's current address; permanent redirects also
break without notice when the old domain lapses.

Options:

- ``links.mode`` (default ``none``): which links are checked (``changed`` or ``all``).

Given the link check found::

    http://stripe.com/: {verdict: redirected, status: 301, final_url: "https://stripe.com/"}
    https://stripe.com/: {verdict: ok, status: 200}

Fails (http://stripe.com/ answers 301 to https://stripe.com/)::

    | [Stripe](http://stripe.com/) | USA | Payments |

Passes::

    | [Stripe](https://stripe.com/) | USA | Payments |
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
TAGS: frozenset[str] = frozenset({"link"})
OPTIONS: dict[str, Any] = {}
SETTINGS: frozenset[str] = frozenset({"links.mode"})


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
