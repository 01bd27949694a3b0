"""The real container: build the Dockerfile and run the image the way GitHub's runner does.

GitHub builds ``runs.image: Dockerfile`` at the start of the job and starts it with the
workspace, the event folder and the file-command folder mounted, the workspace owned by the
runner's user (uid 1001) and the container running as root. Here the image is built with
podman on a locally built Debian base (no registry can be pulled) and run with
``buildah run --isolation chroot`` (see ../shared/container/README.md), with the entrypoint
read from the image itself.

When podman is missing the test skips on a workstation and fails when ``CI`` is set: CI must
run it (``.ci/run`` installs podman first).
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.action_support import (
    DATE_LINE,
    PAGE,
    REPOSITORY,
    ROOT,
    SCHEDULE_PAYLOAD,
    SERVER,
    ActionRun,
    Repo,
    github_env,
    input_env,
    page,
    pull_request,
    read_run,
    seed,
    write_event,
)

pytestmark = pytest.mark.container

IMAGE = "localhost/subprocessor-check:test"
BASE_IMAGE = "localhost/python-base:bookworm"
BASE_SCRIPT = ROOT.parent / "shared" / "container" / "base-image.sh"
RUNNER_UID = 1001  # the runner's user, who owns the workspace on GitHub's machines

# A folder named like our package in the checked repository: importing it instead of the
# installed package would run the repository's code.
SHADOW = {"checker/__init__.py": "raise SystemExit('the workspace shadowed the action')\n"}


def _missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must run the container test (.ci/run installs podman)")
    pytest.skip(reason)


def _run(args: list[str], timeout: float = 900) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=False)


@dataclass(frozen=True)
class Image:
    name: str
    entrypoint: list[str]


@pytest.fixture(scope="module")
def image() -> Image:
    if shutil.which("podman") is None or shutil.which("buildah") is None:
        _missing("podman and buildah are not installed")
    if _run(["podman", "image", "exists", BASE_IMAGE]).returncode != 0:
        made = _run(["bash", str(BASE_SCRIPT), BASE_IMAGE])
        assert made.returncode == 0, f"base image: {made.stdout}\n{made.stderr}"
    build_args = ["--isolation", "chroot", "--build-arg", f"BASE_IMAGE={BASE_IMAGE}"]
    build = _run(["podman", "build", *build_args, "-t", IMAGE, str(ROOT)])
    assert build.returncode == 0, f"podman build failed:\n{build.stdout}\n{build.stderr}"
    inspect = _run(["podman", "inspect", IMAGE, "--format", "{{json .Config.Entrypoint}}"])
    assert inspect.returncode == 0, inspect.stderr
    entrypoint = json.loads(inspect.stdout)
    assert isinstance(entrypoint, list) and entrypoint[0].startswith("/"), entrypoint
    config = _run(["podman", "inspect", IMAGE, "--format", "{{json .Config}}"])
    settings = json.loads(config.stdout)
    assert settings.get("User", "") in ("", "root", "0"), (
        "GitHub needs the container to run as root"
    )
    return Image(IMAGE, entrypoint)


@dataclass
class Runner:
    """The runner's side for a Docker action: its temp folders, the mounts and the env."""

    tmp: Path
    image: Image

    def run(
        self,
        workspace: Path,
        event_name: str,
        payload: Mapping[str, Any],
        inputs: Mapping[str, str] | None = None,
        *,
        sha: str,
        mounts: Mapping[Path, str] | None = None,
    ) -> ActionRun:
        workflow = self.tmp / "_github_workflow"
        commands = self.tmp / "_runner_file_commands"
        home = self.tmp / "_github_home"
        for folder in (commands, home):
            folder.mkdir(parents=True, exist_ok=True)
        write_event(workflow, payload)
        output = commands / "set_output_1"
        summary = commands / "step_summary_1"
        output.write_text("")
        summary.write_text("")
        env = {
            "HOME": "/github/home",
            **github_env(
                event_name,
                "/github/workflow/event.json",
                "/github/file_commands/set_output_1",
                "/github/file_commands/step_summary_1",
                "/github/workspace",
                sha,
            ),
            **input_env(inputs),
        }
        volumes = {
            workspace: "/github/workspace",
            workflow: "/github/workflow",
            commands: "/github/file_commands",
            home: "/github/home",
            **(mounts or {}),
        }
        container = f"spc-test-{secrets.token_hex(6)}"
        made = _run(["buildah", "from", "--name", container, self.image.name])
        assert made.returncode == 0, made.stderr
        try:
            args = ["buildah", "run", "--isolation", "chroot", "--workingdir", "/github/workspace"]
            for source, target in volumes.items():
                args += ["-v", f"{source}:{target}"]
            for key, value in env.items():
                args += ["-e", f"{key}={value}"]
            done = _run([*args, container, "--", *self.image.entrypoint], timeout=300)
        finally:
            _run(["buildah", "rm", container])
        return read_run(done.returncode, done.stdout, done.stderr, output, summary)


@pytest.fixture
def runner(tmp_path: Path, image: Image) -> Runner:
    return Runner(tmp_path / "runner", image)


@pytest.fixture
def home(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "home"
    path.mkdir()
    yield path


def hand_to_runner_user(folder: Path) -> None:
    """``chown -R 1001`` as on GitHub's machines, so git inside sees a foreign owner."""
    if os.geteuid() != 0:
        _missing("changing the workspace owner needs root")
    for path in [folder, *folder.rglob("*")]:
        os.chown(path, RUNNER_UID, RUNNER_UID, follow_symlinks=False)


def owners(folder: Path) -> dict[str, int]:
    return {p.relative_to(folder).as_posix(): p.lstat().st_uid for p in folder.rglob("*")}


def test_pull_request_in_the_container_on_a_shallow_foreign_owned_checkout(
    runner: Runner, home: Path, tmp_path: Path
) -> None:
    base_files: dict[str, str | None] = {
        PAGE: page("d836b2a"),
        "registry.yml": (ROOT / "examples" / "registry.yml").read_text("utf-8"),
        ".subprocessor-check.yml": (
            f"registry: registry.yml\ndocuments: [{PAGE}]\nlinks: {{exclude: ['^https?://']}}\n"
        ),
        **SHADOW,
    }
    pr = pull_request(tmp_path / "origin", home, base_files, {PAGE: page("98458b5")})
    pr.repo.git("update-ref", "refs/pull/7/merge", pr.merge)
    # actions/checkout's default: only the merge commit, depth 1; the base must be fetched.
    clone = Repo.init(tmp_path / "ws", home)
    clone.git("remote", "add", "origin", pr.repo.path.as_uri())
    clone.git("fetch", "-q", "--no-tags", "--depth=1", "origin", f"+{pr.merge}:refs/pull/7/merge")
    clone.git("checkout", "-q", "--detach", "refs/pull/7/merge")
    hand_to_runner_user(clone.path)
    hand_to_runner_user(pr.repo.path)
    before = owners(clone.path)

    run = runner.run(
        clone.path,
        "pull_request",
        pr.payload(),
        {"sarif-file": "results.sarif"},
        sha=pr.merge,
        mounts={pr.repo.path: str(pr.repo.path)},  # origin, at the URL the clone knows
    )
    assert "Traceback" not in run.stderr, run.stderr
    assert "dubious ownership" not in run.stdout + run.stderr
    assert run.code == 1, run.stdout + run.stderr
    assert run.outputs == {
        "errors": "1",
        "warnings": "0",
        "notices": "0",
        "report": "",
        "sarif": "results.sarif",
        "html-report": "",
        "base": pr.base,
        "exit-code": "1",
    }
    (error,) = run.annotations
    assert (error.kind, error.file, error.line, error.rule) == (
        "error",
        PAGE,
        DATE_LINE,
        "date-not-updated",
    )
    assert "| ➕ added | pgMustard | — |" in run.summary
    assert f"({SERVER}/{REPOSITORY}/blob/{pr.merge}/{PAGE}#L{DATE_LINE})" in run.summary
    # The SARIF log is handed to the workspace's owner; nothing else changed hands or appeared.
    sarif = clone.path / "results.sarif"
    assert sarif.stat().st_uid == RUNNER_UID
    assert json.loads(sarif.read_text("utf-8"))["runs"][0]["results"][0]["ruleId"] == (
        "date-not-updated"
    )
    after = owners(clone.path)
    worktree = {k: v for k, v in after.items() if not k.startswith(".git/")}
    assert worktree == {
        **{k: v for k, v in before.items() if not k.startswith(".git/")},
        "results.sarif": RUNNER_UID,
    }


def test_scheduled_audit_in_the_container(runner: Runner, home: Path, tmp_path: Path) -> None:
    repo = Repo.init(tmp_path / "ws", home)
    repo.commit(SHADOW, "a folder named like the action's package")
    sha = seed(repo, "6659615")
    hand_to_runner_user(repo.path)
    run = runner.run(repo.path, "schedule", SCHEDULE_PAYLOAD, {"fail-on": "never"}, sha=sha)
    assert "Traceback" not in run.stderr, run.stderr
    assert run.code == 0 and run.outputs["exit-code"] == "0"
    assert run.outputs["errors"] == "15"
    assert len([a for a in run.annotations if a.kind == "error"]) == 10
    (totals,) = run.notices
    assert "found 15 errors" in totals
    assert run.summary.count("| ❌ error |") == 15
