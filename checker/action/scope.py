"""The scope of a change: which base the head is compared with, which lines and vendors the
change touched, and so which findings are annotated."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from checker import rules
from checker.action.event import dig
from checker.action.layout import Layout
from checker.compare.matching import vendor_key
from checker.load import gitbase
from checker.load.registry import is_remote
from checker.model import CheckResult, Finding, ListChanges

_SHA = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")
_ZERO_SHA = re.compile(r"0+")


@dataclass(slots=True)
class Scope:
    """The base the head is compared with, and what that comparison found."""

    base: str | None = None
    """Commit the change is compared with; None for a full audit or when it is unavailable."""
    head: str | None = None
    """Commit checked out in the workspace."""
    how: str = ""
    """How the base was chosen, in words, for the log and the summary."""
    degraded: str | None = None
    """Why a comparison that should have happened did not (a notice)."""
    changed: dict[str, gitbase.ChangedLines] = field(default_factory=dict)
    """Repository-relative path → lines the change added or modified there."""
    touched: set[str] = field(default_factory=set)
    """Name keys of vendors the change added, removed or edited (page row or registry entry)."""
    changes: ListChanges | None = None
    """What changed in the subprocessor list, for the summary."""


def _sha(value: Any) -> str | None:
    return value.lower() if isinstance(value, str) and _SHA.fullmatch(value.lower()) else None


def find_base(
    repo: Path | None, event_name: str, payload: Mapping[str, Any], env: Mapping[str, str]
) -> Scope:
    """Choose the base commit for this event, fetching it into a shallow clone if needed."""
    pull = payload.get("pull_request")
    queue = payload.get("merge_group")
    if isinstance(queue, dict):  # a merge queue's commit: the target branch plus the group
        pull = {"base": {"sha": queue.get("base_sha")}, "head": {"sha": queue.get("head_sha")}}
    is_pull = isinstance(pull, dict)
    before = _sha(payload.get("before")) if event_name == "push" else None
    if not is_pull and before is None:
        return Scope()
    if repo is None:
        return Scope(degraded="the workspace is not a git repository (run actions/checkout first)")
    try:
        head = gitbase.resolve_commit(repo, "HEAD")
    except gitbase.GitError:
        head = None
    if head is None:
        return Scope(degraded="the workspace has no commit checked out")
    if before is not None:
        if _ZERO_SHA.fullmatch(before):
            return Scope(head=head)
        if gitbase.ensure_commit(repo, before):
            return Scope(before, head, f"the commit before the push ({before[:12]})")
        return Scope(
            head=head,
            degraded=f"the commit before the push ({before[:12]}) could not be fetched",
        )
    assert isinstance(pull, dict)
    base_sha = _sha(dig(pull, "base", "sha"))
    head_sha = _sha(dig(pull, "head", "sha"))
    try:
        parents = gitbase.parents(repo, head)
    except gitbase.GitError:
        parents = []
    # GitHub's merge commit (refs/pull/N/merge): the head merged into the base branch. Only
    # on pull_request is GITHUB_SHA that commit; pull_request_target checks out the base
    # branch, whose tip may be an unrelated merge.
    merged = len(parents) == 2 and (
        parents[1] == head_sha
        or (event_name == "pull_request" and head == _sha(env.get("GITHUB_SHA")))
    )
    if merged:
        first = parents[0]
        if gitbase.ensure_commit(repo, first):
            return Scope(
                first,
                head,
                f"the base branch the pull request's merge commit was made on ({first[:12]})",
            )
        return Scope(
            head=head,
            degraded=f"the base branch commit {first[:12]} could not be fetched",
        )
    if base_sha is None:
        return Scope(head=head, degraded="the event names no pull request base commit")
    found = gitbase.fetch_merge_base(repo, base_sha, head)
    if found is not None:
        return Scope(
            found,
            head,
            f"where the pull request forked from the base branch ({found[:12]}, the merge base "
            f"of {base_sha[:12]} and {head[:12]})",
        )
    return Scope(
        head=head,
        degraded=f"the base commit {base_sha[:12]} or its history could not be fetched",
    )


def _merge(into: ListChanges, more: ListChanges) -> None:
    into.added += [name for name in more.added if name not in into.added]
    into.removed += [name for name in more.removed if name not in into.removed]
    known = {name for name, _ in into.changed}
    into.changed += [(name, f) for name, f in more.changed if name not in known]
    if into.base_date is None and into.head_date is None:
        into.base_date, into.head_date = more.base_date, more.head_date


def measure_change(scope: Scope, layout: Layout) -> None:
    """Fill in the lines the change added or modified in each page and a local registry.

    What the change did to the list (vendors added, removed, edited) the engine measures
    while it checks (``PageReport.changes`` and ``touched``); ``take_changes`` reads it.
    """
    if scope.base is None or layout.repo is None:
        return
    files = [*layout.documents]
    if layout.registry is not None and not is_remote(layout.registry):
        files.append(layout.registry)
    try:
        for path in files:
            scope.changed[path] = gitbase.changed_lines(layout.repo, scope.base, None, path)
    except gitbase.GitError as exc:
        # The engine reports unusable files itself; here it only costs the filtering.
        scope.changed.clear()
        scope.base = None
        scope.how = ""
        scope.degraded = f"the change could not be measured ({exc})"


def take_changes(scope: Scope, result: CheckResult) -> None:
    """The vendors the change touched and how the list moved, from the engine's pages."""
    changes: ListChanges | None = None
    for page in result.pages:
        scope.touched |= {vendor_key(name) for name in page.touched}
        if page.changes is not None:
            changes = changes or ListChanges()
            _merge(changes, page.changes)
    scope.changes = changes


_CAUSED_BY_CHANGE = rules.tagged("caused-by-change")
"""Rules whose findings the change causes on lines it need not touch (asked once)."""


def caused_by_change(finding: Finding, scope: Scope) -> bool:
    """A finding the change itself causes, wherever it sits."""
    if finding.rule in _CAUSED_BY_CHANGE:
        return True
    vendor = finding.context.get("vendor")
    return isinstance(vendor, str) and vendor_key(vendor) in scope.touched


def on_changed_lines(finding: Finding, changed: gitbase.ChangedLines) -> bool:
    if finding.line is None:
        return True  # a problem of the whole file (no table, no date): the file changed
    last = max(finding.end_line or finding.line, finding.line)
    return any(n in changed.added for n in range(finding.line, last + 1))


def annotated(findings: Iterable[Finding], mode: str, scope: Scope) -> list[Finding]:
    """The findings to annotate under ``mode`` (changed-lines, changed-files, all, none)."""
    if mode == "none":
        return []
    if mode == "all" or scope.base is None:
        return list(findings)
    chosen = []
    for finding in findings:
        changed = scope.changed.get(finding.path)
        if caused_by_change(finding, scope) or changed is None:
            chosen.append(finding)
        elif changed.file_status == "unchanged":
            continue
        elif mode == "changed-files" or on_changed_lines(finding, changed):
            chosen.append(finding)
    return chosen
