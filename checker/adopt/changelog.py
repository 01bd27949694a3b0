"""Changes to the list as Markdown (a pull-request summary, a customer notice) or JSON.

The Markdown reads as a notice a customer can act on: which vendors were added (with what
they do and where), removed, or changed (each changed field, before and after), which are
planned and from when, and the effective dates before and after. GDPR Art. 28(2) requires
informing customers of intended changes; this is the text to send.
"""

from __future__ import annotations

import json
from typing import Any

from checker.compare.diff import Changes, VendorChange, status
from checker.model import RegistryEntry
from checker.page.markdown import plain_inline

FIELD_LABELS = {
    "name": "name",
    "url": "website",
    "location": "location",
    "description": "description",
    "legal_entity": "legal entity",
    "purpose": "purpose",
    "data_categories": "data categories",
    "transfer_mechanism": "transfer mechanism",
    "added": "start date",
}


def label(field: str) -> str:
    return field.removeprefix("column:") if field.startswith("column:") else FIELD_LABELS[field]


def _quote(value: str | None) -> str:
    return f'"{plain_inline(value)}"' if value else "(none)"


def _vendor_line(entry: RegistryEntry) -> str:
    details = [plain_inline(entry.description)] if entry.description else []
    if entry.location:
        details.append(plain_inline(entry.location))
    name = f"[{entry.name}]({entry.url})" if entry.url else entry.name
    return f"- **{name}**" + (f": {'; '.join(details)}" if details else "")


def _change_lines(change: VendorChange) -> list[str]:
    lines = [f"- **{change.name}**"]
    for f in change.fields:
        lines.append(f"  - {label(f.field)}: {_quote(f.old)} → {_quote(f.new)}")
    return lines


def dates_line(changes: Changes) -> str | None:
    before, after = changes.base.effective_date, changes.head.effective_date
    if before == after:
        return f"Effective date: {after} (unchanged)" if after else None
    return f"Effective date: {before or '(none)'} → {after or '(none)'}"


def markdown(changes: Changes, title: str = "Subprocessor changes") -> str:
    """The changes as Markdown; says so in one line when the list did not change."""
    out = [f"## {title}", ""]
    out.append(f"Comparing {changes.base.label} with {changes.head.label}.")
    dates = dates_line(changes)
    if dates:
        out += ["", dates]
    if not changes:
        out += ["", "No vendor was added, removed or changed."]
    sections = [
        ("Added", [_vendor_line(e) for e in changes.added]),
        ("Removed", [_vendor_line(e) for e in changes.removed]),
        ("Changed", [line for c in changes.changed for line in _change_lines(c)]),
        (
            "Upcoming",
            [
                _vendor_line(e) + (f" (from {e.extra['added']})" if e.extra.get("added") else "")
                for e in changes.upcoming
            ],
        ),
    ]
    for heading, lines in sections:
        if lines:
            out += ["", f"### {heading}", "", *lines]
    return "\n".join(out) + "\n"


def _entry_json(entry: RegistryEntry) -> dict[str, Any]:
    data: dict[str, Any] = {"name": entry.name}
    for name in ("url", "location", "description"):
        data[name] = getattr(entry, name)
    for key in ("added", "legal_entity", "transfer_mechanism", "data_categories"):
        if key in entry.extra:
            data[key] = entry.extra[key]
    data["status"] = status(entry)
    return data


def as_json(changes: Changes) -> str:
    data = {
        "base": {"label": changes.base.label, "effective_date": changes.base.effective_date},
        "head": {"label": changes.head.label, "effective_date": changes.head.effective_date},
        "changed_list": bool(changes.added or changes.removed or changes.changed),
        "added": [_entry_json(e) for e in changes.added],
        "removed": [_entry_json(e) for e in changes.removed],
        "changed": [
            {
                "name": c.name,
                "fields": [{"field": f.field, "old": f.old, "new": f.new} for f in c.fields],
            }
            for c in changes.changed
        ],
        "upcoming": [_entry_json(e) for e in changes.upcoming],
        "planned": [_entry_json(e) for e in changes.planned],
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def summary(changes: Changes) -> str:
    """One line: ``Added pgMustard; removed Mailgun; changed Google Workspace``."""
    parts = []
    if changes.added:
        parts.append("Added " + ", ".join(e.name for e in changes.added))
    if changes.removed:
        parts.append("removed " + ", ".join(e.name for e in changes.removed))
    if changes.changed:
        parts.append("changed " + ", ".join(c.name for c in changes.changed))
    if changes.upcoming:
        parts.append("planned " + ", ".join(e.name for e in changes.upcoming))
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] if text else "No change to the list"
