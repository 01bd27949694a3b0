"""The rules, one module each, registered in one explicit table.

Order matters only for output of equal positions: structure first, then content, then
the registry, then dates and links.
"""

from __future__ import annotations

from types import ModuleType

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
