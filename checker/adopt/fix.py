"""``fix``: render each configured page from the registry, show the diff, write atomically.

Pages are read as bytes and written back as bytes: a UTF-8 BOM is kept, line endings are
whatever ``render`` kept, and a page whose rendering equals its content is never written
(so its modification time does not move, and a second ``fix`` changes nothing).
"""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass

from checker.adopt.render import Rendered, render, split_keep
from checker.engine import RunOptions, document_paths, registry_source, with_root
from checker.errors import InputError
from checker.load import files
from checker.load.config import Config
from checker.load.registry import load_registry
from checker.page import markdown

BOM = b"\xef\xbb\xbf"


@dataclass(slots=True)
class PageFix:
    """One page before and after ``fix``."""

    path: str
    """The page as the user named it (in messages and diffs)."""
    open_path: str
    before: bytes
    after: bytes
    rendered: Rendered

    @property
    def changed(self) -> bool:
        return self.before != self.after

    def diff(self) -> str:
        """A unified diff of the page (``\\ No newline at end of file`` as git writes it)."""
        old = self.before.removeprefix(BOM).decode("utf-8")
        new = self.after.removeprefix(BOM).decode("utf-8")
        out = []
        for line in difflib.unified_diff(
            _diff_lines(old), _diff_lines(new), f"a/{self.path}", f"b/{self.path}"
        ):
            out.append(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")
        return "".join(out)


def _diff_lines(text: str) -> list[str]:
    return [content + ending for content, ending in split_keep(text)]


def plan(
    config: Config,
    options: RunOptions,
    *,
    day: dt.date | None = None,
) -> list[PageFix]:
    """Each page and what ``fix`` would make of it; ``InputError`` if one cannot be fixed."""
    options = with_root(config, options)
    source = registry_source(config, options)
    if source is None:
        raise InputError(
            config.path or "subprocessor-check",
            "fix renders the table from the registry: pass --registry or set 'registry' in "
            ".subprocessor-check.yml",
        )
    registry = load_registry(source, token=options.token)
    fixes = []
    for open_path, shown in document_paths(config, options):
        settings = config.document(open_path)
        data = files.read_bytes(open_path, shown, "Markdown file", limit=config.max_document_bytes)
        text = files.decode_text(data, shown)
        doc = markdown.parse_document(text, shown, date_labels=settings.date.labels)
        rendered = render(
            doc,
            settings,
            registry,
            day=day or dt.date.today(),
            count_descriptions=config.count_description_changes,
        )
        after = (BOM if data.startswith(BOM) else b"") + rendered.text.encode("utf-8")
        fixes.append(PageFix(shown, open_path, data, after if after != data else data, rendered))
    return fixes


def apply(fixes: list[PageFix]) -> list[PageFix]:
    """Write the pages that change (``files.write_file``); returns those written.

    ``open_path`` is the page's real path, cleared by ``files.allowed`` when it was read: a
    page that is a link inside the repository gets its target rewritten, the link kept.
    """
    written = []
    for page in fixes:
        if page.changed:
            files.write_file(page.open_path, page.after, page.path)
            written.append(page)
    return written


def describe(page: PageFix) -> str:
    """One line saying what ``fix`` changes (or changed) on a page."""
    changes = page.rendered.changes
    if not page.changed:
        return f"{page.path}: up to date"
    parts = []
    if changes.added:
        parts.append(f"{len(changes.added)} added")
    if changes.removed:
        parts.append(f"{len(changes.removed)} removed")
    if changes.changed:
        parts.append(f"{len(changes.changed)} changed")
    if not parts:
        parts.append("table rewritten (no vendor changed)")
    r = page.rendered
    if r.date_after and r.date_after != r.date_before:
        parts.append(f"effective date {r.date_before} → {r.date_after}")
    return f"{page.path}: " + ", ".join(parts)
