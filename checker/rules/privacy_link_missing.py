"""privacy-link-missing: the page does not link the privacy policy.

The page must contain a link to the privacy policy's URL, anywhere in the page. URLs are
compared after lower-casing the scheme and host and ignoring a trailing slash. With no
configured URL there is nothing to check.

Why it matters: the subprocessor list is part of the privacy notice; readers must be able to
reach the policy it belongs to.

Options:

- ``privacy_policy`` (default the registry's ``privacy_policy``): the URL the page must
  link, globally or per document.

Given the config::

    privacy_policy: https://example.com/privacy

Fails::

    Questions? Write to privacy@example.com.

Passes::

    See also: [Privacy Policy](https://example.com/privacy).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checker.compare.matching import privacy_link
from checker.model import Severity
from checker.rules.base import Problem, RuleContext

ID = "privacy-link-missing"
SEVERITY = Severity.ERROR
NEEDS_REGISTRY = False
TAGS: frozenset[str] = frozenset()
OPTIONS: dict[str, Any] = {}
SETTINGS: frozenset[str] = frozenset({"privacy_policy"})


def check(ctx: RuleContext, options: dict[str, Any]) -> Iterator[Problem]:
    wanted = ctx.privacy_policy
    if not wanted:
        return
    if privacy_link(ctx.document, wanted) is not None:
        return
    yield Problem(
        None,
        None,
        f"The page does not link the privacy policy ({wanted}).",
        suggestion=f"See also: [Privacy Policy]({wanted}).",
        context={"expected": wanted},
    )
