"""document-too-large: the page is larger than the configured limit and was not checked.

A subprocessor page is a few kilobytes; a page of megabytes is a mistake (a generated file,
an embedded image) or an attempt to slow CI down. Pages over ``max_document_bytes`` (default
10 MiB) are not read at all, so time and memory stay bounded, and no other rule runs on them.
Raise the limit in the config if a real page needs it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checker.model import Severity
from checker.rules.base import Problem, RuleContext

ID = "document-too-large"
SEVERITY = Severity.ERROR
NEEDS_REGISTRY = False
OPTIONS: dict[str, Any] = {}


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
