"""An Atom feed (RFC 4287) of the changes to the list, built from the registry's git history.

One entry per commit that changed the list (vendors added, removed or changed, or a vendor
announced as planned); commits that only touched comments, notes or formatting are left out.
Customers subscribe to the feed to hear of intended changes (GDPR Art. 28(2)).

Identifiers are stable: regenerating the feed from the same history gives the same ids, so
feed readers never show an entry twice. An entry's id is a name-based UUID (RFC 4122,
version 5) of the commit's SHA and the registry's path; the feed's id is one of the commit
that created the registry and its path, unless ``--feed-id`` names one. Dates are the commits'
author dates, which git records in RFC 3339 form.
"""

from __future__ import annotations

import datetime as dt
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from checker.adopt.changelog import label, markdown, summary
from checker.compare.diff import Changes, Version, compare, from_registry
from checker.errors import InputError
from checker.load import gitbase
from checker.load.registry import parse_registry

ATOM = "http://www.w3.org/2005/Atom"
_NAMESPACE = uuid.UUID("6f3c2a8e-5d1b-4c1e-9a57-3b0f1d2e4c6a")
"""Namespace of this tool's name-based UUIDs (fixed forever: ids depend on it)."""


@dataclass(slots=True)
class FeedEntry:
    sha: str
    date: str
    author: str
    subject: str
    changes: Changes


def entry_id(sha: str, path: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'entry:{sha}:{path}')}"


def feed_id(first_sha: str, path: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'feed:{first_sha}:{path}')}"


def history(
    repo: Path, registry: Path, *, descriptions: bool = True
) -> tuple[list[FeedEntry], list[gitbase.Commit]]:
    """Entries for the commits that changed the list (oldest first), and every commit seen."""
    commits = gitbase.file_history(repo, registry)
    entries: list[FeedEntry] = []
    previous = Version("(nothing)", [])
    for commit in commits:
        text = gitbase.read_at_ref(repo, commit.sha, repo / commit.path)
        if text is None:  # the commit deleted the file
            current = Version(commit.sha[:12], [])
        else:
            try:
                current = from_registry(
                    parse_registry(text, f"{commit.path}@{commit.sha[:12]}"), commit.sha[:12]
                )
            except InputError:
                continue  # a broken version: compare the next one with the last good one
        changes = compare(previous, current, descriptions=descriptions)
        if changes:
            entries.append(
                FeedEntry(commit.sha, commit.author_date, commit.author, commit.subject, changes)
            )
        previous = current
    return entries, commits


def _html(changes: Changes) -> str:
    """The entry's content: the Markdown notice as simple HTML (escaped by ElementTree)."""
    from markdown_it import MarkdownIt

    text = markdown(changes).split("\n", 2)[2]  # without the "## …" title and blank line
    return str(MarkdownIt("commonmark").render(text))


def _text(parent: ET.Element, tag: str, text: str, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
    element.text = text
    return element


def _person(parent: ET.Element, tag: str, name: str) -> None:
    person = ET.SubElement(parent, f"{{{ATOM}}}{tag}")
    _text(person, "name", name or "unknown")


def feed(
    entries: list[FeedEntry],
    commits: list[gitbase.Commit],
    path: str,
    *,
    title: str = "Subprocessor changes",
    link: str | None = None,
    identifier: str | None = None,
    author: str | None = None,
    limit: int | None = None,
) -> str:
    """The feed as XML text, newest entry first."""
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed")
    first = commits[0].sha if commits else "0" * 40
    _text(root, "id", identifier or feed_id(first, path))
    _text(root, "title", title)
    newest = entries[-1].date if entries else (commits[-1].author_date if commits else None)
    _text(root, "updated", newest or dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
    _person(root, "author", author or (commits[-1].author if commits else "unknown"))
    if link:
        ET.SubElement(root, f"{{{ATOM}}}link", {"rel": "alternate", "href": link})
    _text(root, "generator", "subprocessor-check")
    shown = list(reversed(entries))
    if limit is not None:
        shown = shown[:limit]
    for item in shown:
        entry = ET.SubElement(root, f"{{{ATOM}}}entry")
        _text(entry, "id", entry_id(item.sha, path))
        _text(entry, "title", summary(item.changes))
        _text(entry, "updated", item.date)
        _text(entry, "published", item.date)
        _person(entry, "author", item.author)
        if link:
            ET.SubElement(entry, f"{{{ATOM}}}link", {"rel": "alternate", "href": link})
        fields = sorted({label(f.field) for c in item.changes.changed for f in c.fields})
        text = summary(item.changes) + (f" ({', '.join(fields)})" if fields else "")
        _text(entry, "summary", f"{text}. Commit {item.sha[:12]}: {item.subject}")
        _text(entry, "content", _html(item.changes), type="html")
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, "unicode") + "\n"
