"""What the link rules share: the links of the list and their live results."""

from __future__ import annotations

from collections.abc import Iterator

from checker.compare.matching import privacy_link
from checker.model import Link, LinkResult, Verdict
from checker.rules.base import RuleContext


def checked_links(ctx: RuleContext, verdict: Verdict) -> Iterator[tuple[Link, str, LinkResult]]:
    """(link, what it is, result) for each link of the list whose result has ``verdict``."""
    if not ctx.links:
        return
    for table in ctx.tables:
        for row in table.vendors:
            if row.link is None:
                continue
            result = ctx.links.get(row.link.url)
            if result is not None and result.verdict is verdict:
                yield row.link, f"The link of '{row.name}'", result
    link = privacy_link(ctx.document, ctx.privacy_policy) if ctx.privacy_policy else None
    if link is not None:
        result = ctx.links.get(link.url)
        if result is not None and result.verdict is verdict:
            yield link, "The privacy-policy link", result


def status_text(result: LinkResult) -> str:
    if result.status is not None:
        return f"HTTP {result.status}"
    return result.error or "no answer"
