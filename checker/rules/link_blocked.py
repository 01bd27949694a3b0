"""link-blocked: a link points at a private, loopback or link-local address.

Such URLs are refused before any packet is sent, in every spelling (``http://2130706433/``,
``[::ffff:127.0.0.1]``, a public name resolving to a private address) and on every redirect
hop. Checked only when links are checked.

Why it matters: a public subprocessor page has no business linking to ``localhost``,
``10.0.0.0/8`` or the cloud metadata address ``169.254.169.254``, and a link checker running
in CI with a token must never be made to request them.

Options:

- ``links.allow_private`` (default ``false``): lift the guard for intranet docs (also
  ``--allow-private``).

Given the link check found::

    http://169.254.169.254/latest/: {verdict: blocked, error: a link-local address}
    https://aws.amazon.com/: {verdict: ok, status: 200}

Fails::

    | [Metadata](http://169.254.169.254/latest/) | USA | Hosting |

Passes::

    | [AWS](https://aws.amazon.com/) | USA | Hosting |
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checker.model import Severity, Verdict
from checker.rules._links import checked_links
from checker.rules.base import Problem, RuleContext

ID = "link-blocked"
SEVERITY = Severity.ERROR
NEEDS_REGISTRY = False
TAGS: frozenset[str] = frozenset({"link"})
OPTIONS: dict[str, Any] = {}
SETTINGS: frozenset[str] = frozenset({"links.allow_private"})


def check(ctx: RuleContext, options: dict[str, Any]) -> Iterator[Problem]:
    for link, what, result in checked_links(ctx, Verdict.BLOCKED):
        yield Problem(
            link.line,
            link.column,
            f"{what} was not requested: {link.url} leads to a non-public address "
            f"({result.error or 'refused by the network guard'}).",
            end_column=link.column + len(link.url) if link.column else None,
            context={"url": link.url},
        )
