"""The rules, one module each, registered in one explicit table.

Order matters only for output of equal positions: structure first, then content, then
the registry, then dates and links.

Nothing outside this package names a rule: the rest of the checker asks the rules what it
needs to know (``checker/rules/base.py`` lists what a rule module says about itself). The
tags a rule may carry in ``TAGS``, and who asks for them:

- ``link``: it reports a link's live verdict (``--links``); the HTML report shows the
  verdict as the vendor's badge instead of listing the rule as drift.
- ``caused-by-change``: its finding is caused by the change but sits on a line the change
  need not touch (the effective date it forgot to move); the action annotates it even
  when it annotates only the changed lines.
- ``missing-row``: its finding is a registry entry without a row on the page, with the
  vendor in its context; the HTML report adds the row the page lacks.
- ``row-defect``: it reports how a row is written (cell count, an empty cell), which no
  registry can absorb; ``init`` adopts such findings as warnings to fix later.
- ``unread-page``: it reports on a page too large to be read; the only rules the engine
  runs on such a page.
"""

from __future__ import annotations

from types import ModuleType

from checker.load.config import Config
from checker.rules import (
    blank_cell,
    control_character,
    date_invalid,
    date_mismatch,
    date_missing,
    date_not_updated,
    document_too_large,
    duplicate_entry,
    field_mismatch,
    front_matter_invalid,
    link_blocked,
    link_broken,
    link_missing,
    link_redirected,
    link_unreachable,
    malformed_row,
    missing_column,
    missing_from_document,
    not_in_registry,
    notice_period,
    privacy_link_missing,
    table_missing,
)
from checker.rules.base import Defaults

RULES: dict[str, ModuleType] = {
    module.ID: module
    for module in (
        document_too_large,
        control_character,
        front_matter_invalid,
        table_missing,
        missing_column,
        malformed_row,
        blank_cell,
        duplicate_entry,
        not_in_registry,
        missing_from_document,
        field_mismatch,
        link_missing,
        date_missing,
        date_invalid,
        date_mismatch,
        date_not_updated,
        notice_period,
        privacy_link_missing,
        link_broken,
        link_redirected,
        link_unreachable,
        link_blocked,
    )
}


def summary(module: ModuleType) -> str:
    """The first line of a rule's docstring, without its id."""
    first = (module.__doc__ or "").strip().splitlines()[0]
    return first.split(":", 1)[1].strip() if ":" in first else first


def description(module: ModuleType) -> str:
    """The rule's documentation after its first line."""
    doc = (module.__doc__ or "").strip()
    return doc.split("\n", 1)[1].strip() if "\n" in doc else doc


TAGS = frozenset({"link", "caused-by-change", "missing-row", "row-defect", "unread-page"})
"""Every tag a rule may carry (a test holds each rule's ``TAGS`` to these)."""


def tagged(tag: str) -> frozenset[str]:
    """The ids of the rules that carry ``tag``; ``KeyError`` for a tag no rule may carry."""
    if tag not in TAGS:
        raise KeyError(f"no rule tag {tag!r} (known: {', '.join(sorted(TAGS))})")
    return frozenset(rule_id for rule_id, module in RULES.items() if tag in module.TAGS)


def defaults(module: ModuleType, config: Config) -> Defaults:
    """A rule's severity and options before its own ``rules.<id>`` entry is applied.

    Most rules have fixed defaults; a rule whose defaults come from another config key
    (``links.unreachable``, ``notice_period_days``) says so in its ``defaults(config)``.
    """
    own = getattr(module, "defaults", None)
    if own is not None:
        given: Defaults = own(config)
        return given
    return Defaults(module.SEVERITY, dict(module.OPTIONS))
