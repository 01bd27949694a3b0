"""The GitHub Action's entrypoint: what the runner starts in the container.

``python -m checker.action`` reads what the runner hands a Docker action and nothing else:

* the inputs of ``action.yml`` as ``INPUT_<NAME>`` variables, upper-cased with hyphens kept
  (``fail-on`` arrives as ``INPUT_FAIL-ON``); the runner fills in the defaults;
* ``GITHUB_EVENT_NAME`` and the event payload at ``GITHUB_EVENT_PATH``;
* ``GITHUB_WORKSPACE`` (the checkout), ``GITHUB_OUTPUT`` and ``GITHUB_STEP_SUMMARY``.

What it does on each trigger:

* ``pull_request`` (any event whose payload has a ``pull_request``): the base is what the
  pull request is compared with. actions/checkout checks out GitHub's merge commit of the head
  into the base branch; its first parent is the base branch exactly as merged, so diffing the
  two gives the pull request's own changes on the files as checked out. When the head itself
  is checked out instead, the base is the merge base of ``pull_request.base.sha`` and the head
  (diffing ``base.sha`` directly would count the base branch's changes since the fork). A
  shallow clone gets the missing commits fetched; when that is impossible a notice says so and
  the check runs without base rules. Findings are annotated only on the lines the change
  added or modified (reviewdog's ``added``), except those the change causes elsewhere:
  ``date-not-updated`` on the untouched date line, and findings about a vendor whose row or
  registry entry the change added, removed or edited (a removed row has no line of its own).
* ``push``: the same comparison with the commit before the push (``before``);
  ``merge_group``: with the merge-queue's ``base_sha``.
* ``workflow_dispatch`` and ``schedule``: a full audit with no base; every finding is
  annotated (up to GitHub's cap) and ``links: auto`` checks every link. Other events: a full
  audit with links as the config says.

It writes the step outputs, then the job summary (either unwritable is a warning, not a
failure), and the SARIF log, JSON report, HTML report and link cache only where the inputs ask;
nothing else in the workspace. Every path it reads or writes is cleared by ``files.allowed``
against the workspace, and every file it writes goes through ``files.write_file``, which
follows no symbolic link. Every line it prints that carries text from the repository is
escaped (``reporters.github``) so a page cannot issue workflow commands. An event payload that
cannot be used (not JSON, not an object, too large) is a full audit, with a notice saying so.

Exit codes: 0 nothing at or above ``fail-on``, 1 findings at or above it, 2 the check could not
run (bad input, a missing or invalid file).
"""

from __future__ import annotations

import io
import json
import os
import re
import secrets
import sys
import traceback
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TextIO

from checker import __version__, action_rules_doc_url, rules_doc_url
from checker.cli import Progress, exit_code
from checker.compare.baseline import Baseline, diff, list_changes, page_vendors, registry_vendors
from checker.compare.matching import name_key
from checker.engine import RunOptions, active_rules, load_baseline, registry_source
from checker.engine import run as run_check
from checker.errors import InputError
from checker.load import files, gitbase
from checker.load.config import Config, load_config
from checker.load.files import Origin
from checker.load.registry import is_remote, load_registry
from checker.model import CheckResult, Finding, ListChanges, Registry, Severity
from checker.net.credentials import token_policy
from checker.page import markdown
from checker.page.tables import find_tables
from checker.reporters import REPORTERS, github, html, json_report, sarif, summary

DEFAULTS: Mapping[str, str] = {
    "config": ".subprocessor-check.yml",
    "registry": "",
    "documents": "",
    "links": "auto",
    "fail-on": "error",
    "annotate": "changed-lines",
    "sarif-file": "",
    "report-file": "",
    "html-report": "",
    "summary": "true",
    "allow-private": "false",
    "cache": "",
}
"""Every input but ``token``, with the default ``action.yml`` gives it (a test keeps them equal)."""

CHOICES: Mapping[str, tuple[str, ...]] = {
    "links": ("auto", "none", "changed", "all"),
    "fail-on": ("error", "warning", "never"),
    "annotate": ("changed-lines", "changed-files", "all", "none"),
}

ALWAYS_ANNOTATED = frozenset({"date-not-updated"})
"""Rules whose findings the change causes on a line it usually does not touch."""

AUDIT_EVENTS = frozenset({"workflow_dispatch", "schedule"})
"""Events that audit the whole page: links default to ``all``."""

CHANGE_EVENTS = frozenset({"push", "pull_request", "pull_request_target", "merge_group"})
"""Events about a change, even when their payload cannot be read."""

MAX_EVENT_BYTES = 25 * 1024 * 1024
"""GitHub caps webhook payloads at 25 MB; a larger file is not an event it sent."""

_SHA = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")
_ZERO_SHA = re.compile(r"0+")


class UsageError(Exception):
    """An input the action cannot work with; exit code 2."""


# ---------------------------------------------------------------------------------------------
# inputs


@dataclass(slots=True)
class Inputs:
    config: str
    registry: str
    documents: list[str]
    links: str
    fail_on: str
    annotate: str
    sarif_file: str
    report_file: str
    html_report: str
    summary: bool
    allow_private: bool
    cache: str
    token: str | None


def _input(env: Mapping[str, str], name: str) -> str:
    """``INPUT_<NAME>`` as the runner spells it, trimmed; the default when unset."""
    key = "INPUT_" + name.replace(" ", "_").upper()
    value = env.get(key)
    if value is None:
        return DEFAULTS.get(name, "")
    return value.strip()


def _boolean(name: str, value: str) -> bool:
    """YAML 1.2 core booleans, as ``@actions/core`` ``getBooleanInput`` accepts them."""
    if value in ("true", "True", "TRUE"):
        return True
    if value in ("false", "False", "FALSE"):
        return False
    raise UsageError(f"input '{name}' must be true or false, not {value!r}")


def _choice(env: Mapping[str, str], name: str) -> str:
    value = _input(env, name) or DEFAULTS[name]
    if value not in CHOICES[name]:
        allowed = ", ".join(CHOICES[name])
        raise UsageError(f"input '{name}' must be one of {allowed}, not {value!r}")
    return value


def _list(value: str) -> list[str]:
    """A list input: one item per line, or separated by commas."""
    return [item.strip() for item in re.split(r"[\n,]", value) if item.strip()]


def read_inputs(env: Mapping[str, str]) -> Inputs:
    token = _input(env, "token") or env.get("GITHUB_TOKEN") or None
    return Inputs(
        config=_input(env, "config"),
        registry=_input(env, "registry"),
        documents=_list(_input(env, "documents")),
        links=_choice(env, "links"),
        fail_on=_choice(env, "fail-on"),
        annotate=_choice(env, "annotate"),
        sarif_file=_input(env, "sarif-file"),
        report_file=_input(env, "report-file"),
        html_report=_input(env, "html-report"),
        summary=_boolean("summary", _input(env, "summary") or DEFAULTS["summary"]),
        allow_private=_boolean(
            "allow-private", _input(env, "allow-private") or DEFAULTS["allow-private"]
        ),
        cache=_input(env, "cache"),
        token=token,
    )


# ---------------------------------------------------------------------------------------------
# where things are


@dataclass(slots=True)
class Layout:
    """The workspace, the repository in it, and the files to check, repository-relative."""

    workspace: Path
    repo: Path | None
    """Top level of the git working tree the config (or the workspace) is in."""
    config: Config
    documents: list[str]
    """Pages to check, relative to ``root`` (POSIX)."""
    registry: str | None
    """Registry as the engine gets it: a path relative to ``root``, or an https URL."""

    @property
    def root(self) -> Path:
        return self.repo or self.workspace


def _inside(path: Path, root: Path) -> bool:
    return path == root or path.is_relative_to(root)


def _relative(path: Path, root: Path) -> str:
    return github.relative_path(path, root)


def _workspace_path(workspace: Path, value: str, what: str) -> Path:
    """An input path, relative to the workspace, that must stay inside it."""
    path = Path(os.path.normpath(workspace / value))
    if not _inside(path, workspace):
        raise UsageError(f"input '{what}' must name a path inside the workspace, not {value!r}")
    return path


def _target(workspace: Path, value: str, what: str) -> Path | None:
    """Where an output file input points (inside the workspace), or None when unset.

    Refused before the check runs when it could not be written safely: a link planted by
    the pull request, a folder, anything under ``.git`` (``files.allowed``).
    """
    if not value:
        return None
    path = _workspace_path(workspace, value, what)
    if path.is_dir():
        raise UsageError(f"input '{what}' names a directory, not a file: {value!r}")
    return files.allowed(path, value, root=workspace, origin=Origin.REPOSITORY, writing=True)


def find_layout(inputs: Inputs, workspace: Path) -> Layout:
    """The config, the pages and the registry; every path cleared by ``files.allowed``.

    The root is the workspace: on a pull request the config, the inputs (the workflow is the
    pull request's too) and every file they name may come from its author.
    """
    config_path = _workspace_path(workspace, inputs.config or DEFAULTS["config"], "config")
    if os.path.lexists(config_path) or inputs.config != DEFAULTS["config"]:
        config = load_config(config_path, root=workspace, origin=Origin.REPOSITORY)
    else:
        config = Config(base_dir=workspace)  # no config file: defaults plus the inputs
    start = config_path.parent if config_path.parent.is_dir() else workspace
    try:
        repo = gitbase.repo_root(start)
    except gitbase.GitError:
        repo = None
    root = repo or workspace
    if inputs.documents:
        pages = [_workspace_path(workspace, d, "documents") for d in inputs.documents]
        shown = list(inputs.documents)
    else:
        pages = [Path(os.path.normpath(config.base_dir / d.path)) for d in config.documents]
        shown = [d.path for d in config.documents]
    for page, name in zip(pages, shown, strict=True):
        files.allowed(page, name, root=workspace, origin=Origin.REPOSITORY)
    if not pages:
        raise UsageError(
            "no documents to check: set the 'documents' input or list them under 'documents' "
            f"in {inputs.config or DEFAULTS['config']}"
        )
    registry: str | None
    cleared = RunOptions(root=workspace, origin=Origin.REPOSITORY)
    if inputs.registry:
        registry = (
            inputs.registry
            if is_remote(inputs.registry)
            else _relative(_workspace_path(workspace, inputs.registry, "registry"), root)
        )
        registry_source(config, replace(cleared, registry=inputs.registry))
    else:
        source = registry_source(config, cleared)
        registry = (
            source
            if source is None or is_remote(source)
            else _relative(Path(os.path.normpath(Path.cwd() / source)), root)
        )
    return Layout(workspace, repo, config, [_relative(p, root) for p in pages], registry)


# ---------------------------------------------------------------------------------------------
# what the change is compared with


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


@dataclass(slots=True)
class Event:
    """The event payload the runner wrote to ``GITHUB_EVENT_PATH``."""

    payload: dict[str, Any]
    problem: str | None = None
    """Why the payload could not be used (it is then empty: a full audit)."""


def read_event(env: Mapping[str, str]) -> Event:
    """The payload, read with a size cap; a broken one is empty, with the reason."""
    path = env.get("GITHUB_EVENT_PATH")
    if not path:
        return Event({})
    try:
        data = json.loads(files.read_bytes(path, path, "event payload", limit=MAX_EVENT_BYTES))
    except InputError as exc:
        return Event({}, exc.reason)
    except (ValueError, RecursionError):  # RecursionError: "[[[[…" nested past the stack
        return Event({}, "it is not JSON")
    if not isinstance(data, dict):
        return Event({}, "it is not a JSON object")
    problem = _shape_problem(env.get("GITHUB_EVENT_NAME", ""), data)
    return Event({}, problem) if problem else Event(data)


_SHAPES: Mapping[str, tuple[str, ...]] = {
    "pull_request": ("pull_request",),
    "pull_request_target": ("pull_request",),
    "pull_request_review": ("pull_request",),
    "merge_group": ("merge_group",),
}
"""The mapping each change event's payload must carry; GitHub always sends it."""


def _shape_problem(event_name: str, data: Mapping[str, Any]) -> str | None:
    """Why a payload does not look like what GitHub sends for ``event_name``, or None."""
    for key in _SHAPES.get(event_name, ()):
        if not isinstance(data.get(key), dict):
            return f"its '{key}' is not an object"
        for side in ("base", "head"):
            if side in data[key] and not isinstance(data[key][side], dict):
                return f"its '{key}.{side}' is not an object"
    if event_name == "push" and not isinstance(data.get("before", ""), str):
        return "its 'before' is not a commit"
    return None


def _dig(data: Any, *keys: str) -> Any:
    """``data[k1][k2]…``, or None where a level is missing or not a mapping."""
    for key in keys:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data


def _event_notice(event: Event, env: Mapping[str, str]) -> str:
    return (
        f"The event payload ({env.get('GITHUB_EVENT_PATH')}) could not be used: "
        f"{event.problem}. Checked as a full audit instead: nothing was compared with a base, "
        "so the base-vs-head rules (date-not-updated) were skipped and every finding is "
        "annotated."
    )


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
    base_sha = _sha(_dig(pull, "base", "sha"))
    head_sha = _sha(_dig(pull, "head", "sha"))
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


def _head_registry(layout: Layout) -> Registry | None:
    if layout.registry is None or is_remote(layout.registry):
        return None
    try:
        return load_registry(layout.registry)
    except InputError:
        return None


def _merge(into: ListChanges, more: ListChanges) -> None:
    into.added += [name for name in more.added if name not in into.added]
    into.removed += [name for name in more.removed if name not in into.removed]
    known = {name for name, _ in into.changed}
    into.changed += [(name, f) for name, f in more.changed if name not in known]
    if into.base_date is None and into.head_date is None:
        into.base_date, into.head_date = more.base_date, more.head_date


def _vendor_keys(changes: ListChanges) -> set[str]:
    names = [*changes.added, *changes.removed, *(name for name, _ in changes.changed)]
    return {name_key(name) for name in names}


def measure_change(scope: Scope, layout: Layout) -> None:
    """Fill in the changed lines, the vendors touched and the list changes for ``scope``."""
    if scope.base is None or layout.repo is None:
        return
    repo, base = layout.repo, scope.base
    config = layout.config
    count = config.count_description_changes
    files = [*layout.documents]
    if layout.registry is not None and not is_remote(layout.registry):
        files.append(layout.registry)
    try:
        for path in files:
            scope.changed[path] = gitbase.changed_lines(repo, base, None, path)
        head_registry = _head_registry(layout)
        changes = ListChanges()
        base_registry: Registry | None = None
        for path in layout.documents:
            settings = config.document(path)
            labels = settings.date.labels
            baseline: Baseline = load_baseline(
                base, path, path, layout.registry, labels, max_bytes=config.max_document_bytes
            )
            base_registry = base_registry or baseline.registry
            head_doc = markdown.load_document(
                path, display_path=path, max_bytes=config.max_document_bytes, date_labels=labels
            )
            base_tables = (
                find_tables(baseline.document, settings.table) if baseline.document else []
            )
            page_diff = diff(
                page_vendors(base_tables),
                page_vendors(find_tables(head_doc, settings.table)),
                count_descriptions=count,
            )
            scope.touched |= _vendor_keys(page_diff)
            _merge(
                changes,
                list_changes(baseline, head_doc, head_registry, settings, count_descriptions=count),
            )
        if base_registry is not None and head_registry is not None:
            registry_diff = diff(
                registry_vendors(base_registry),
                registry_vendors(head_registry),
                count_descriptions=count,
            )
            scope.touched |= _vendor_keys(registry_diff)
        scope.changes = changes
    except (gitbase.GitError, InputError) as exc:
        # The engine reports unusable files itself; here it only costs the filtering.
        scope.changed.clear()
        scope.touched.clear()
        scope.changes = None
        scope.base = None
        scope.how = ""
        scope.degraded = f"the change could not be measured ({exc})"


# ---------------------------------------------------------------------------------------------
# which findings are annotated


def caused_by_change(finding: Finding, scope: Scope) -> bool:
    """A finding the change itself causes, wherever it sits."""
    if finding.rule in ALWAYS_ANNOTATED:
        return True
    vendor = finding.context.get("vendor")
    return isinstance(vendor, str) and name_key(vendor) in scope.touched


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


# ---------------------------------------------------------------------------------------------
# output


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _totals(result: CheckResult) -> str:
    counts = ", ".join(
        _plural(result.count(s), s.value)
        for s in (Severity.ERROR, Severity.WARNING, Severity.NOTICE)
    )
    return f"subprocessor-check: {counts} in {_plural(len(result.documents), 'document')}"


def write_outputs(path: str | None, outputs: Mapping[str, str]) -> None:
    """Append ``outputs`` to the ``GITHUB_OUTPUT`` file in the runner's multi-line form."""
    if not path:
        return
    with open(path, "a", encoding="utf-8") as stream:
        for name, value in outputs.items():
            delimiter = f"ghadelimiter_{secrets.token_hex(16)}"
            while delimiter in value:  # pragma: no cover - 128 random bits
                delimiter = f"ghadelimiter_{secrets.token_hex(16)}"
            stream.write(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")


def _log(stream: TextIO, text: str) -> None:
    """Plain log text (possibly from the repository), made inert for the runner."""
    for line in github.neutralize(text).split("\n"):
        stream.write(line + "\n")


def _error_command(exc: InputError, layout_root: Path | None) -> str:
    path = Path(exc.path)
    props: dict[str, str | int | None] = {"title": "subprocessor-check could not run"}
    if layout_root is not None and (layout_root / path).is_file():
        props["file"] = _relative(layout_root / path, layout_root)
        props["line"] = exc.line
    return github.command("error", props, str(exc))


def _failure_summary(message: str) -> str:
    return (
        "## Subprocessor check\n\n❌ **subprocessor-check could not run**: "
        f"{summary.escape_text(message, limit=2000)}\n"
    )


def _runner_file(kind: str, path: str | None, write: Callable[[str], None], out: TextIO) -> None:
    """Write one of the runner's files; an unwritable one is a warning, and the step goes on.

    The check's verdict does not depend on it: the exit code and the other files still tell.
    """
    if not path:
        return
    try:
        write(path)
        return
    except OSError as exc:
        reason = exc.strerror or str(exc)
    except UnicodeError:  # a value that is no text (an input with undecodable bytes)
        reason = "a value is not valid text"
    message = f"could not write the {kind} ({path}): {reason}"
    out.write(github.command("warning", {"title": "subprocessor-check"}, message) + "\n")


def _append(path: str, text: str) -> None:
    with open(path, "a", encoding="utf-8") as stream:
        stream.write(text)


def _hand_out(
    env: Mapping[str, str], outputs: Mapping[str, str], page: str | None, out: TextIO
) -> None:
    """The step outputs first (later steps read them), then the job summary ``page``."""
    _runner_file("step outputs", env.get("GITHUB_OUTPUT"), lambda p: write_outputs(p, outputs), out)
    if page is not None:
        _runner_file("job summary", env.get("GITHUB_STEP_SUMMARY"), lambda p: _append(p, page), out)


def _fail(
    message_line: str,
    message: str,
    inputs: Inputs | None,
    env: Mapping[str, str],
    stdout: TextIO,
) -> int:
    stdout.write(message_line + "\n")
    outputs = {
        "errors": "",
        "warnings": "",
        "notices": "",
        "report": "",
        "sarif": "",
        "html-report": "",
        "base": "",
        "exit-code": "2",
    }
    page = _failure_summary(message) if inputs is None or inputs.summary else None
    _hand_out(env, outputs, page, stdout)
    return 2


@dataclass(slots=True)
class Targets:
    """The files the inputs ask for, each cleared by ``files.allowed`` (None: not asked)."""

    sarif: Path | None
    report: Path | None
    html: Path | None
    cache: Path | None


def _targets(inputs: Inputs, workspace: Path) -> Targets:
    return Targets(
        sarif=_target(workspace, inputs.sarif_file, "sarif-file"),
        report=_target(workspace, inputs.report_file, "report-file"),
        html=_target(workspace, inputs.html_report, "html-report"),
        cache=_target(workspace, inputs.cache, "cache"),
    )


def _sarif_text(result: CheckResult, scope: Scope) -> str:
    return json.dumps(sarif.to_sarif(result), ensure_ascii=True, indent=2) + "\n"


def _report_text(result: CheckResult, scope: Scope) -> str:
    data = json_report.as_dict(result)
    data["base"] = scope.base
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _html_text(result: CheckResult, scope: Scope) -> str:
    page = io.StringIO()
    html.report(result, page)
    return page.getvalue()


def write_reports(
    result: CheckResult, scope: Scope, inputs: Inputs, targets: Targets
) -> tuple[dict[str, str], list[str]]:
    """Write the SARIF log, the JSON report and the HTML report where the inputs ask.

    Returns the outputs naming what was written, and why anything could not be (each an
    error annotation; the step then ends with exit code 2). ``files.write_file`` follows no
    link and gives what it creates to the workspace's owner.
    """
    outputs = {"sarif": "", "report": "", "html-report": ""}
    problems = []
    for output, target, shown, render in (
        ("sarif", targets.sarif, inputs.sarif_file, _sarif_text),
        ("report", targets.report, inputs.report_file, _report_text),
        ("html-report", targets.html, inputs.html_report, _html_text),
    ):
        if target is None:
            continue
        try:
            files.write_file(target, render(result, scope).encode("utf-8"), shown)
        except InputError as exc:
            problems.append(f"could not write the {output} file {exc}")
            continue
        outputs[output] = shown
    return outputs, problems


def _head(repo: Path | None) -> str | None:
    try:
        return gitbase.resolve_commit(repo, "HEAD") if repo is not None else None
    except gitbase.GitError:
        return None


def checked_out_repository(repo: Path | None, env: Mapping[str, str]) -> str | None:
    """``owner/name`` of the repository in the workspace, for links to its files.

    Usually the workflow's own (``GITHUB_REPOSITORY``), but an audit may check out another
    one (actions/checkout ``repository:``); its ``origin`` on the same server says which.
    """
    server = (env.get("GITHUB_SERVER_URL") or "").rstrip("/")
    try:
        url = gitbase.remote_url(repo) if repo is not None and server else None
    except gitbase.GitError:
        url = None
    if url and url.startswith(server + "/"):
        name = url[len(server) + 1 :].removesuffix("/").removesuffix(".git")
        if re.fullmatch(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+", name):
            return name
    return env.get("GITHUB_REPOSITORY")


def _links_mode(inputs: Inputs, event_name: str, scope: Scope, is_change: bool) -> str | None:
    if inputs.links != "auto":
        return inputs.links
    if event_name in AUDIT_EVENTS:
        return "all"
    if is_change:
        # Without a base there is no telling which rows are new; an unrelated vendor's outage
        # must not fail a pull request, so the links wait for the next audit.
        return "changed" if scope.base is not None else "none"
    return None  # the config's links.mode


def _lead_notes(event: Event, event_name: str, scope: Scope, env: Mapping[str, str]) -> list[str]:
    """Notices printed before the annotations: why the run is not what the event asked."""
    notes = []
    if event.problem and event_name not in AUDIT_EVENTS:
        notes.append(_event_notice(event, env))
    if scope.degraded:
        notes.append(
            f"Not compared with the base: {scope.degraded}. The base-vs-head rules "
            "(date-not-updated) were skipped and every finding is annotated. Check out with "
            "enough history (actions/checkout fetch-depth: 0) or allow fetching from origin."
        )
    return notes


def _summary_page(
    result: CheckResult, scope: Scope, notes: list[str], layout: Layout, env: Mapping[str, str]
) -> str:
    page_result = replace(
        result,
        notices=[
            *notes,
            *([f"Compared with {scope.how}."] if scope.how else []),
            *result.notices,
        ],
    )
    head = scope.head or _head(layout.repo)
    blob = summary.blob_base(
        env.get("GITHUB_SERVER_URL"), checked_out_repository(layout.repo, env), head
    )
    return summary.render(page_result, changes=scope.changes, blob_url=blob)


def main(
    env: Mapping[str, str] | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run the action; returns the exit code."""
    env = os.environ if env is None else env
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    workspace = Path(env.get("GITHUB_WORKSPACE") or os.getcwd()).resolve()
    event_name = env.get("GITHUB_EVENT_NAME", "")
    inputs: Inputs | None = None
    layout: Layout | None = None
    try:
        inputs = read_inputs(env)
        targets = _targets(inputs, workspace)
        os.chdir(workspace)
        layout = find_layout(inputs, workspace)
        os.chdir(layout.root)
        event = read_event(env)
        payload = event.payload
        is_change = event_name in CHANGE_EVENTS or any(
            isinstance(payload.get(key), dict) for key in ("pull_request", "merge_group")
        )
        scope = find_base(layout.repo, event_name, payload, env)
        measure_change(scope, layout)
        options = RunOptions(
            documents=layout.documents,
            registry=layout.registry,
            token=token_policy(inputs.token, env),
            trust_config_network=False,
            base=scope.base,
            links=_links_mode(inputs, event_name, scope, is_change),
            allow_private=inputs.allow_private,
            link_cache=str(targets.cache) if targets.cache else None,
            root=workspace,
            origin=Origin.REPOSITORY,
            progress=Progress(err, interval=10.0),
            rule_doc_base=action_rules_doc_url(env) or rules_doc_url(env),
        )
        active_rules(layout.config)
        result = run_check(layout.config, options)
    except UsageError as exc:
        return _fail(
            github.command("error", {"title": "subprocessor-check"}, str(exc)),
            str(exc),
            inputs,
            env,
            out,
        )
    except InputError as exc:
        root = layout.root if layout is not None else workspace
        return _fail(_error_command(exc, root), str(exc), inputs, env, out)
    assert inputs is not None and layout is not None

    shown = annotated(result.findings, inputs.annotate, scope)
    # Left out by the change filter (annotate: none leaves out everything, as asked).
    left_out = len(result.findings) - len(shown) if inputs.annotate != "none" else 0
    lead = _lead_notes(event, event_name, scope, env)
    notes = [*lead]
    if left_out:
        notes.append(
            f"{_plural(left_out, 'finding')} on lines this change did not touch "
            f"{'is' if left_out == 1 else 'are'} not annotated (annotate: {inputs.annotate}); "
            "the job summary lists every finding."
        )

    # The log: what was checked, every finding in full, then the annotations.
    out.write(f"::group::subprocessor-check {__version__}\n")
    _log(out, f"event: {event_name or 'none'}; documents: {', '.join(layout.documents)}")
    _log(out, f"registry: {layout.registry or 'none'}")
    _log(out, f"compared with: {scope.how or 'nothing (full audit)'}")
    buffer = io.StringIO()
    REPORTERS["text"](result, buffer)
    with github.stop_commands(out):
        _log(out, buffer.getvalue().rstrip("\n"))
    out.write("::endgroup::\n")
    for note in lead:
        out.write(github.command("notice", {"title": "subprocessor-check"}, note) + "\n")
    for line in github.annotation_lines(replace(result, findings=shown), notices_used=len(notes)):
        out.write(line + "\n")
    if left_out:
        out.write(github.command("notice", {"title": "subprocessor-check"}, notes[-1]) + "\n")

    code = exit_code(result, inputs.fail_on)
    written, problems = write_reports(result, scope, inputs, targets)
    for problem in problems:
        out.write(github.command("error", {"title": "subprocessor-check"}, problem) + "\n")
    code = 2 if problems else code
    outputs = {
        "errors": str(result.count(Severity.ERROR)),
        "warnings": str(result.count(Severity.WARNING)),
        "notices": str(result.count(Severity.NOTICE)),
        **written,
        "base": scope.base or "",
        "exit-code": str(code),
    }
    page = _summary_page(result, scope, notes, layout, env) if inputs.summary else None
    _hand_out(env, outputs, page, out)
    _log(out, f"{_totals(result)}; {len(shown)} annotated; exit code {code}")
    out.flush()
    return code


def run() -> None:
    """The container's entrypoint: ``main``, with a bug reported as a failed step (exit 2)."""
    try:
        code = main()
    except Exception as exc:  # a bug: an annotation that says so, the traceback in the log
        title = {"title": "subprocessor-check failed unexpectedly"}
        sys.stdout.write(github.command("error", title, f"{type(exc).__name__}: {exc}") + "\n")
        _log(sys.stderr, traceback.format_exc())
        code = 2
    sys.exit(code)


if __name__ == "__main__":
    run()
