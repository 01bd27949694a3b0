"""What the action leaves behind: step outputs, the job summary, the reports asked for, and the
log lines, every one made inert for the runner."""

from __future__ import annotations

import io
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TextIO

from checker.action.inputs import Inputs
from checker.action.layout import Layout, relative, target
from checker.action.scope import Scope
from checker.errors import InputError
from checker.load import files, gitbase
from checker.model import CheckResult
from checker.reporters import REPORTERS, github, summary


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


def log(stream: TextIO, text: str) -> None:
    """Plain log text (possibly from the repository), made inert for the runner."""
    for line in github.neutralize(text).split("\n"):
        stream.write(line + "\n")


def error_command(exc: InputError, layout_root: Path | None) -> str:
    path = Path(exc.path)
    props: dict[str, str | int | None] = {"title": "subprocessor-check could not run"}
    if layout_root is not None and (layout_root / path).is_file():
        props["file"] = relative(layout_root / path, layout_root)
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


def hand_out(
    env: Mapping[str, str], outputs: Mapping[str, str], page: str | None, out: TextIO
) -> None:
    """The step outputs first (later steps read them), then the job summary ``page``."""
    _runner_file("step outputs", env.get("GITHUB_OUTPUT"), lambda p: write_outputs(p, outputs), out)
    if page is not None:
        _runner_file("job summary", env.get("GITHUB_STEP_SUMMARY"), lambda p: _append(p, page), out)


def fail(
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
    hand_out(env, outputs, page, stdout)
    return 2


@dataclass(slots=True)
class Targets:
    """The files the inputs ask for, each cleared by ``files.allowed`` (None: not asked)."""

    sarif: Path | None
    report: Path | None
    html: Path | None
    cache: Path | None


def output_targets(inputs: Inputs, workspace: Path) -> Targets:
    return Targets(
        sarif=target(workspace, inputs.sarif_file, "sarif-file"),
        report=target(workspace, inputs.report_file, "report-file"),
        html=target(workspace, inputs.html_report, "html-report"),
        cache=target(workspace, inputs.cache, "cache"),
    )


def _render(reporter: str, result: CheckResult) -> str:
    """A report as ``check --format`` writes it: one reporter, chosen by name."""
    buffer = io.StringIO()
    REPORTERS[reporter](result, buffer)
    return buffer.getvalue()


def write_reports(
    result: CheckResult, inputs: Inputs, targets: Targets
) -> tuple[dict[str, str], list[str]]:
    """Write the SARIF log, the JSON report and the HTML report where the inputs ask.

    Returns the outputs naming what was written, and why anything could not be (each an
    error annotation; the step then ends with exit code 2). ``files.write_file`` follows no
    link and gives what it creates to the workspace's owner.
    """
    outputs = {"sarif": "", "report": "", "html-report": ""}
    problems = []
    for output, where, shown, reporter in (
        ("sarif", targets.sarif, inputs.sarif_file, "sarif"),
        ("report", targets.report, inputs.report_file, "json"),
        ("html-report", targets.html, inputs.html_report, "html"),
    ):
        if where is None:
            continue
        try:
            files.write_file(where, _render(reporter, result).encode("utf-8"), shown)
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


def summary_page(
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
