"""What the action writes, and what it does when the runner's files are not what they seem.

The report files (``sarif-file``, ``report-file``, ``html-report``) and the link cache are
written into a workspace a pull request filled: it can plant a symbolic link at the name, a
linked folder on the way, or a hard link to a file elsewhere. The container runs as root
next to a workspace owned by the runner's user (uid 1001), so a write through such a link,
or a chown of it, would change a file that is not the workspace's. These tests plant each of
them in a workspace handed to uid 1001 and assert that the victim keeps its content, mode
and owner, that nothing outside the workspace changes owner, that what the action creates
belongs to 1001, and that each refusal is one clear error with exit code 2.

They also cover the runner's own files: an unwritable ``GITHUB_OUTPUT`` or
``GITHUB_STEP_SUMMARY`` is a warning and the step goes on, and an event payload that is not
usable (not JSON, not an object, too large, a pipe) is a full audit that says so.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from checker import action
from checker.model import CheckResult
from tests.action_support import (
    CONFIG,
    CONFIG_TEXT,
    DISPATCH_PAYLOAD,
    PAGE,
    SCHEDULE_PAYLOAD,
    ActionRun,
    Host,
    Repo,
    page,
    pull_request,
    seed,
    snapshot,
)
from tests.test_action import assert_clean_exit, seed_files

RUNNER_UID = 1001
SECRET = "SENTINEL-victim-b47d21"

as_root = pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() != 0, reason="changing owners needs root"
)


def owners(folder: Path) -> dict[str, tuple[int, int, int]]:
    """(uid, gid, mode) of everything under ``folder``, links not followed."""
    found = {}
    for path in [folder, *folder.rglob("*")]:
        info = path.lstat()
        found[path.relative_to(folder).as_posix()] = (info.st_uid, info.st_gid, info.st_mode)
    return found


class Outside:
    """A folder next to the workspace: a victim file and an empty folder, both root's."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.folder = path / "folder"
        self.folder.mkdir(parents=True)
        self.victim = path / "victim.txt"
        self.victim.write_text(SECRET, encoding="utf-8")
        self.victim.chmod(0o640)
        self.before = (snapshot(path), owners(path), self.victim.stat().st_ino)

    def unchanged(self) -> bool:
        return (snapshot(self.path), owners(self.path), self.victim.stat().st_ino) == self.before


@pytest.fixture
def outside(tmp_path: Path) -> Iterator[Outside]:
    place = Outside(tmp_path / "outside")
    yield place
    assert place.unchanged()  # content, mode, owner and inode of everything there


def workspace(tmp_path: Path, home: Path, *, foreign: bool = True) -> Repo:
    """The seed layout, committed, and (as on GitHub's machines) owned by uid 1001."""
    repo = Repo.init(tmp_path / "ws", home)
    seed(repo, "98458b5")
    if foreign and os.geteuid() == 0:
        for path in [repo.path, *repo.path.rglob("*")]:
            os.chown(path, RUNNER_UID, RUNNER_UID, follow_symlinks=False)
    return repo


def assert_no_secret(run: ActionRun) -> None:
    for text in (run.stdout, run.stderr, run.summary, *run.outputs.values()):
        assert SECRET not in text


# ---------------------------------------------------------------------------------------------
# report files and the cache: written in place, owned by the workspace's owner


@as_root
def test_reports_are_created_for_the_workspace_owner_and_nothing_else_changes_hands(
    host: Host, home: Path, tmp_path: Path, outside: Outside
) -> None:
    repo = workspace(tmp_path, home)
    # A file of a third user inside the workspace, and a hard link to the victim where the
    # JSON report goes: neither may change owner, and the victim keeps its content.
    os.chown(repo.path / "registry.yml", 2002, 2002)
    os.link(outside.victim, repo.path / "report.json")
    inputs = {
        "sarif-file": "out/deep/results.sarif",
        "report-file": "report.json",
        "html-report": "audit.html",
        "cache": ".cache/links.json",
    }
    run = host.run(repo.path, "workflow_dispatch", DISPATCH_PAYLOAD, inputs)
    assert_clean_exit(run)
    assert run.code == 0
    assert (run.outputs["sarif"], run.outputs["report"]) == (
        "out/deep/results.sarif",
        "report.json",
    )
    assert run.outputs["html-report"] == "audit.html"
    created = ["out", "out/deep", "out/deep/results.sarif", "report.json", "audit.html"]
    for name in [*created, ".cache", ".cache/links.json"]:
        info = (repo.path / name).lstat()
        assert (info.st_uid, info.st_gid) == (RUNNER_UID, RUNNER_UID), name
    assert (repo.path / "registry.yml").stat().st_uid == 2002
    assert json.loads((repo.path / "report.json").read_text("utf-8"))["summary"]["errors"] == 0
    assert_no_secret(run)


LINK_OUT = "is a symbolic link to a file outside the repository"
FOLDER_OUT = "is reached through a symbolic link that leads outside the repository"
NOT_THROUGH = "files are never written through one"
LINK_GIT = "is a symbolic link into .git/"
FOLDER_IN = f"is reached through a symbolic link; {NOT_THROUGH}"  # one that stays inside


@pytest.mark.parametrize(
    ("inputs", "plants", "message"),
    [
        ({"sarif-file": "r.sarif"}, {"r.sarif": "{victim}"}, f"r.sarif: {LINK_OUT}"),
        ({"report-file": "r.json"}, {"r.json": ".git/config"}, f"r.json: {LINK_GIT}"),
        ({"report-file": ".git/config"}, {}, ".git/config: is under .git/"),
        ({"report-file": ".git/hooks/pre-commit"}, {}, ".git/hooks/pre-commit: is under .git/"),
        ({"html-report": "site/a.html"}, {"site": "{folder}"}, f"site/a.html: {FOLDER_OUT}"),
        ({"html-report": "site/a.html"}, {"site": "docs"}, f"site/a.html: {FOLDER_IN}"),
        ({"sarif-file": "gone.sarif"}, {"gone.sarif": "{outside}/new"}, f"gone.sarif: {LINK_OUT}"),
        ({"cache": "links.json"}, {"links.json": "{victim}"}, f"links.json: {LINK_OUT}"),
        ({"cache": "c/links.json"}, {"c": "{folder}"}, f"c/links.json: {FOLDER_OUT}"),
    ],
)  # fmt: skip
def test_a_planted_link_at_an_output_is_refused_before_the_check(
    host: Host,
    home: Path,
    tmp_path: Path,
    outside: Outside,
    inputs: dict[str, str],
    plants: dict[str, str],
    message: str,
) -> None:
    repo = workspace(tmp_path, home, foreign=False)
    (repo.path / "docs").mkdir()
    where = {"victim": outside.victim, "folder": outside.folder, "outside": outside.path}
    for name, target in plants.items():
        (repo.path / name).symlink_to(target.format(**where))
    git_before = snapshot(repo.path / ".git")
    run = host.run(repo.path, "workflow_dispatch", DISPATCH_PAYLOAD, inputs)
    assert run.code == 2 and run.outputs["exit-code"] == "2"
    (error,) = run.annotations
    assert (error.kind, error.message) == ("error", message)
    assert "Traceback" not in run.stderr
    assert snapshot(repo.path / ".git") == git_before
    assert list((repo.path / "docs").iterdir()) == []
    assert not (outside.path / "new").exists()
    assert_no_secret(run)


def test_an_output_that_cannot_be_written_fails_the_step_after_the_check(
    host: Host, home: Path, tmp_path: Path
) -> None:
    repo = workspace(tmp_path, home, foreign=False)
    (repo.path / "out").write_text("a file, not a folder\n")
    inputs = {"sarif-file": "out/results.sarif", "report-file": "report.json"}
    run = host.run(repo.path, "workflow_dispatch", DISPATCH_PAYLOAD, inputs)
    assert run.code == 2 and run.outputs["exit-code"] == "2"
    errors = [a for a in run.annotations if a.kind == "error"]
    assert [e.message for e in errors] == [
        f"could not write the sarif file out/results.sarif: {repo.path}/out is not a folder"
    ]
    # The rest is still written and reported.
    assert (run.outputs["sarif"], run.outputs["report"]) == ("", "report.json")
    assert (repo.path / "report.json").is_file()
    assert "Subprocessor check" in run.summary


def test_a_link_planted_after_the_check_is_still_not_followed(
    tmp_path: Path, outside: Outside
) -> None:
    # The early refusal is a courtesy; the write itself follows no link, whenever it appears.
    ws = tmp_path / "ws"
    (ws / "out").mkdir(parents=True)
    inputs = action.read_inputs({"INPUT_SARIF-FILE": "out/r.sarif", "INPUT_REPORT-FILE": "r.json"})
    targets = action.output_targets(inputs, ws.resolve())
    (ws / "out").rmdir()
    (ws / "out").symlink_to(outside.folder)
    (ws / "r.json").symlink_to(outside.victim)
    written, problems = action.write_reports(CheckResult(), inputs, targets)
    assert written == {"sarif": "", "report": "", "html-report": ""}
    assert problems == [
        f"could not write the sarif file out/r.sarif: {ws}/out is a symbolic link; {NOT_THROUGH}",
        f"could not write the report file r.json: is a symbolic link; {NOT_THROUGH}",
    ]


def test_the_config_cannot_send_the_cache_out_of_the_workspace(
    host: Host, home: Path, tmp_path: Path, outside: Outside
) -> None:
    repo = workspace(tmp_path, home, foreign=False)
    for cache in (f"{outside.victim}", "../outside/victim.txt", ".git/config"):
        (repo.path / CONFIG).write_text(
            CONFIG_TEXT.replace("links:\n", f"links:\n  cache: '{cache}'\n"), encoding="utf-8"
        )
        run = host.run(repo.path, "workflow_dispatch", DISPATCH_PAYLOAD)
        assert run.code == 2, run.stdout
        (error,) = run.annotations
        assert error.message.startswith(f"{cache}: is "), error.message


# ---------------------------------------------------------------------------------------------
# GITHUB_OUTPUT and GITHUB_STEP_SUMMARY


def warnings(run: ActionRun) -> list[str]:
    return [a.message for a in run.annotations if a.kind == "warning"]


@pytest.mark.parametrize("broken", ["directory", "/dev/full", "missing folder"])
def test_an_unwritable_output_file_is_a_warning_and_the_summary_is_still_written(
    host: Host, home: Path, tmp_path: Path, broken: str
) -> None:
    pr = pull_request(tmp_path / "ws", home, seed_files("d836b2a"), {PAGE: page("98458b5")})
    target = {"directory": str(tmp_path), "missing folder": str(tmp_path / "no" / "out")}
    path = target.get(broken, broken)
    run = host.run(pr.repo.path, "pull_request", pr.payload(), env={"GITHUB_OUTPUT": path})
    assert "Traceback" not in run.stderr
    assert run.code == 1  # the check's verdict, as without the problem
    (warning,) = warnings(run)
    assert warning.startswith(f"could not write the step outputs ({path}): ")
    assert "date\\-not\\-updated" in run.summary or "date-not-updated" in run.summary


@pytest.mark.parametrize("broken", ["directory", "/dev/full"])
def test_an_unwritable_summary_is_a_warning_and_the_outputs_are_still_written(
    host: Host, home: Path, tmp_path: Path, broken: str
) -> None:
    pr = pull_request(tmp_path / "ws", home, seed_files("d836b2a"), {PAGE: page("98458b5")})
    path = str(tmp_path) if broken == "directory" else broken
    run = host.run(pr.repo.path, "pull_request", pr.payload(), env={"GITHUB_STEP_SUMMARY": path})
    assert "Traceback" not in run.stderr
    assert run.code == 1
    assert (run.outputs["errors"], run.outputs["exit-code"]) == ("1", "1")
    (warning,) = warnings(run)
    assert warning.startswith(f"could not write the job summary ({path}): ")


def test_a_failed_run_with_unwritable_runner_files_still_ends_cleanly(
    host: Host, home: Path, tmp_path: Path
) -> None:
    repo = workspace(tmp_path, home, foreign=False)
    env = {"GITHUB_OUTPUT": str(tmp_path), "GITHUB_STEP_SUMMARY": "/dev/full"}
    run = host.run(repo.path, "workflow_dispatch", DISPATCH_PAYLOAD, {"fail-on": "x"}, env=env)
    assert run.code == 2 and "Traceback" not in run.stderr
    assert [a.kind for a in run.annotations] == ["error", "warning", "warning"]
    first, second = warnings(run)  # the outputs are written first
    assert "step outputs" in first and "job summary" in second


# ---------------------------------------------------------------------------------------------
# the event payload


def payload_file(tmp_path: Path, kind: str) -> str:
    path = tmp_path / "event.json"
    if kind == "not json":
        path.write_text('{"pull_request": {"number": 7,', encoding="utf-8")
    elif kind == "a list":
        path.write_text('[{"pull_request": {"number": 7}}]', encoding="utf-8")
    elif kind == "nested":
        path.write_text("[" * 200_000, encoding="utf-8")
    elif kind == "not utf-8":
        path.write_bytes(b'{"pull_request": "\xff\xfe"}')
    elif kind == "too large":
        with path.open("wb") as stream:  # valid JSON, but larger than GitHub ever sends
            stream.write(b'{"pull_request": {}, "pad": "')
            stream.write(b"x" * (action.MAX_EVENT_BYTES + 1))
            stream.write(b'"}')
    elif kind.startswith("{"):
        path.write_text(kind, encoding="utf-8")  # JSON, but not the shape GitHub sends
    elif kind == "a pipe":
        os.mkfifo(path)  # nobody writes to it: reading it would wait for ever
    elif kind == "missing":
        return str(tmp_path / "nowhere.json")
    else:
        return kind  # a device path
    return str(path)


@pytest.mark.parametrize(
    ("kind", "why"),
    [
        ("not json", "it is not JSON"),
        ("a list", "it is not a JSON object"),
        ("nested", "it is not JSON"),
        ("not utf-8", "it is not JSON"),
        ("too large", "larger than the limit of 26,214,400"),
        ("a pipe", "is not a regular file (a named pipe)"),
        ("/dev/zero", "is not a regular file (a character device)"),
        ("missing", "no such file"),
        ('{"pull_request": "x"}', "its 'pull_request' is not an object"),
        ('{"pull_request": [1]}', "its 'pull_request' is not an object"),
        ('{"pull_request": {"number": 1}, "pull_request": 3}', "'pull_request' is not an"),
        ('{"pull_request": {"base": "main"}}', "its 'pull_request.base' is not an object"),
        ('{"pull_request": {"head": 5}}', "its 'pull_request.head' is not an object"),
    ],
)
def test_an_unusable_pull_request_payload_is_a_full_audit_that_says_so(
    host: Host, home: Path, tmp_path: Path, kind: str, why: str
) -> None:
    pr = pull_request(tmp_path / "ws", home, seed_files("d836b2a"), {PAGE: page("98458b5")})
    event = payload_file(tmp_path, kind)
    run = host.run(pr.repo.path, "pull_request", {}, env={"GITHUB_EVENT_PATH": event})
    assert_clean_exit(run)
    # The head page itself is clean: without a base there is no date-not-updated.
    assert run.code == 0 and run.outputs["base"] == ""
    (notice,) = run.notices
    assert notice.startswith(f"The event payload ({event}) could not be used: "), notice
    assert why in notice and "full audit" in notice and "date-not-updated" in notice
    assert "could not be used" in run.summary and "full audit" in run.summary
    assert "compared with: nothing (full audit)" in run.stdout


def test_an_unusable_payload_on_a_scheduled_audit_needs_no_notice(
    host: Host, home: Path, tmp_path: Path
) -> None:
    repo = workspace(tmp_path, home, foreign=False)
    event = payload_file(tmp_path, "not json")
    run = host.run(repo.path, "schedule", SCHEDULE_PAYLOAD, env={"GITHUB_EVENT_PATH": event})
    assert_clean_exit(run)
    assert run.notices == []  # a schedule audits everything anyway


def test_read_event_names_each_problem_without_quoting_the_file(tmp_path: Path) -> None:
    path = tmp_path / "event.json"
    path.write_text(f'{{"pull_request": "{SECRET}"', encoding="utf-8")
    event = action.read_event({"GITHUB_EVENT_PATH": str(path)})
    assert (event.payload, event.problem) == ({}, "it is not JSON")
    path.write_text('{"pull_request": {"number": 7}}', encoding="utf-8")
    assert action.read_event({"GITHUB_EVENT_PATH": str(path)}).payload["pull_request"]
    assert action.read_event({}) == action.Event({})
    path.write_text('{"before": {"a": 1}, "after": 3}', encoding="utf-8")
    event = action.read_event({"GITHUB_EVENT_PATH": str(path), "GITHUB_EVENT_NAME": "push"})
    assert (event.payload, event.problem) == ({}, "its 'before' is not a commit")


def test_write_reports_reports_refusals_as_input_errors(tmp_path: Path) -> None:
    # write_reports turns InputError from files.write_file into messages, nothing else.
    inputs = action.read_inputs({"INPUT_REPORT-FILE": "r.json"})
    ws = tmp_path.resolve()
    targets = action.output_targets(inputs, ws)
    (ws / "r.json").mkdir()
    written, problems = action.write_reports(CheckResult(), inputs, targets)
    assert written["report"] == "" and problems == [
        "could not write the report file r.json: is a directory, not a file"
    ]
    with pytest.raises(action.UsageError, match="names a directory"):
        action.output_targets(inputs, ws)  # now that it is one, refused before the check
    assert stat.S_ISDIR((ws / "r.json").stat().st_mode)
