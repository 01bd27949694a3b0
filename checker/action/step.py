"""The step: inputs → layout → event and scope → the engine → annotations, reports, outputs."""

from __future__ import annotations

import io
import os
import sys
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TextIO

from checker import __version__, action_rules_doc_url, rules_doc_url
from checker.action.event import AUDIT_EVENTS, CHANGE_EVENTS, Event, event_notice, read_event
from checker.action.inputs import Inputs, UsageError, read_inputs
from checker.action.layout import Layout, find_layout
from checker.action.outputs import (
    Targets,
    error_command,
    fail,
    hand_out,
    log,
    output_targets,
    summary_page,
    write_reports,
)
from checker.action.scope import Scope, annotated, find_base, measure_change, take_changes
from checker.cli import Progress, exit_code
from checker.engine import RunOptions
from checker.engine import run as run_check
from checker.errors import InputError
from checker.load.files import Origin
from checker.model import CheckResult, Severity
from checker.net.credentials import token_policy
from checker.reporters import REPORTERS, github
from checker.reporters.words import plural, totals


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
        notes.append(event_notice(event, env))
    if scope.degraded:
        notes.append(
            f"Not compared with the base: {scope.degraded}. The base-vs-head rules "
            "(date-not-updated) were skipped and every finding is annotated. Check out with "
            "enough history (actions/checkout fetch-depth: 0) or allow fetching from origin."
        )
    return notes


@dataclass(slots=True)
class Prepared:
    """Everything decided before the engine runs."""

    inputs: Inputs
    """The workflow's inputs."""
    targets: Targets
    """Where the reports asked for go (cleared for writing)."""
    layout: Layout
    """The config, the pages, the registry."""
    event: Event
    """The event payload, or why it could not be used."""
    scope: Scope
    """The base and the lines the change touched."""
    options: RunOptions
    """What the engine is asked to do."""


def _prepare(inputs: Inputs, env: Mapping[str, str], workspace: Path, err: TextIO) -> Prepared:
    """Layout → event → scope → run options; UsageError or InputError on bad input."""
    event_name = env.get("GITHUB_EVENT_NAME", "")
    targets = output_targets(inputs, workspace)
    os.chdir(workspace)
    layout = find_layout(inputs, workspace)
    os.chdir(layout.root)
    event = read_event(env)
    is_change = event_name in CHANGE_EVENTS or any(
        isinstance(event.payload.get(key), dict) for key in ("pull_request", "merge_group")
    )
    scope = find_base(layout.repo, event_name, event.payload, env)
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
    return Prepared(inputs, targets, layout, event, scope, options)


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
    inputs: Inputs | None = None
    layout: Layout | None = None
    try:
        inputs = read_inputs(env)
        prepared = _prepare(inputs, env, workspace, err)
        layout = prepared.layout
        result = run_check(layout.config, prepared.options)
    except UsageError as exc:
        command = github.command("error", {"title": "subprocessor-check"}, str(exc))
        return fail(command, str(exc), inputs, env, out)
    except InputError as exc:
        root = layout.root if layout is not None else workspace
        return fail(error_command(exc, root), str(exc), inputs, env, out)
    take_changes(prepared.scope, result)
    return _present(prepared, result, env, out)


def _present(prepared: Prepared, result: CheckResult, env: Mapping[str, str], out: TextIO) -> int:
    """The log, the annotations, the reports, the summary and the outputs; the exit code."""
    inputs, scope = prepared.inputs, prepared.scope
    shown = annotated(result.findings, inputs.annotate, scope)
    # Left out by the change filter (annotate: none leaves out everything, as asked).
    left_out = len(result.findings) - len(shown) if inputs.annotate != "none" else 0
    event_name = env.get("GITHUB_EVENT_NAME", "")
    lead = _lead_notes(prepared.event, event_name, scope, env)
    notes = [*lead]
    if left_out:
        notes.append(
            f"{plural(left_out, 'finding')} on lines this change did not touch "
            f"{'is' if left_out == 1 else 'are'} not annotated (annotate: {inputs.annotate}); "
            "the job summary lists every finding."
        )
    _write_log(out, prepared, result, event_name)
    for note in lead:
        out.write(github.command("notice", {"title": "subprocessor-check"}, note) + "\n")
    for line in github.annotation_lines(replace(result, findings=shown), notices_used=len(notes)):
        out.write(line + "\n")
    if left_out:
        out.write(github.command("notice", {"title": "subprocessor-check"}, notes[-1]) + "\n")
    code = exit_code(result, inputs.fail_on)
    written, problems = write_reports(result, inputs, prepared.targets)
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
    page = summary_page(result, scope, notes, prepared.layout, env) if inputs.summary else None
    hand_out(env, outputs, page, out)
    log(out, f"subprocessor-check: {totals(result)}; {len(shown)} annotated; exit code {code}")
    out.flush()
    return code


def _write_log(out: TextIO, prepared: Prepared, result: CheckResult, event_name: str) -> None:
    """What was checked, and every finding in full, folded into one log group."""
    layout, scope = prepared.layout, prepared.scope
    out.write(f"::group::subprocessor-check {__version__}\n")
    log(out, f"event: {event_name or 'none'}; documents: {', '.join(layout.documents)}")
    log(out, f"registry: {layout.registry or 'none'}")
    log(out, f"compared with: {scope.how or 'nothing (full audit)'}")
    buffer = io.StringIO()
    REPORTERS["text"](result, buffer)
    with github.stop_commands(out):
        log(out, buffer.getvalue().rstrip("\n"))
    out.write("::endgroup::\n")


def run() -> None:
    """The container's entrypoint: ``main``, with a bug reported as a failed step (exit 2)."""
    try:
        code = main()
    except Exception as exc:  # a bug: an annotation that says so, the traceback in the log
        title = {"title": "subprocessor-check failed unexpectedly"}
        sys.stdout.write(github.command("error", title, f"{type(exc).__name__}: {exc}") + "\n")
        log(sys.stderr, traceback.format_exc())
        code = 2
    sys.exit(code)
