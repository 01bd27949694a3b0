"""document-too-large: the page is larger than the configured limit and was not checked.

Pages over ``max_document_bytes`` are not read at all, so time and memory stay bounded, and
no other rule runs on them: this finding is the only one the page gets. Raise the limit in
the config if a real page needs it.

Why it matters: a subprocessor page is a few kilobytes; a page of megabytes is a mistake (a
generated file, an embedded image) or an attempt to slow CI down, and in both cases its list
cannot be trusted without a look.

Options:

- ``max_document_bytes`` (default ``10485760``, 10 MiB): the largest page that is checked.

Given the config::

    max_document_bytes: 100

Fails (the page is 119 bytes)::

    | Name | Location | Description |
    | ---- | -------- | ----------- |
    | [AWS](https://aws.amazon.com/) | USA | Hosting |

Passes (27 bytes)::

    Effective date: 2025-02-05
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checker.model import Severity
from checker.rules.base import Problem, RuleContext

ID = "document-too-large"
SEVERITY = Severity.ERROR
NEEDS_REGISTRY = False
TAGS: frozenset[str] = frozenset({"unread-page"})
OPTIONS: dict[str, Any] = {}
SETTINGS: frozenset[str] = frozenset({"max_document_bytes"})


def check(ctx: RuleContext, options: dict[str, Any]) -> Iterator[Problem]:
    if ctx.document.too_large is None:
        return
    size, limit = ctx.document.too_large
    yield Problem(
        None,
        None,
        f"The page is {size:,} bytes, over the limit of {limit:,}; it was not checked.",
        suggestion="Split or shrink the page, or raise max_document_bytes in "
        ".subprocessor-check.yml.",
        context={"size": size, "limit": limit},
    )
