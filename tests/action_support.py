"""Running the action the way GitHub's runner does, and reading back what it produced.

Shared by the contract tests (the entrypoint as a host process) and the container test (the
built image under buildah). A workspace is a real git repository built from the real corpus;
the event payload, ``GITHUB_OUTPUT`` and ``GITHUB_STEP_SUMMARY`` are real files; stdout and
stderr are read with ``tests.runner_commands.Runner``, the port of the runner's parser.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tests.runner_commands import ActionCommand, Runner
from tests.support import CORPUS

ROOT = Path(__file__).resolve().parents[1]
REGISTRY = ROOT / "examples" / "registry.yml"

# The ten published versions of postgres-ai's page, oldest first (SOURCES.md).
HISTORY = [
    "165c613", "6659615", "529a95b", "ef6f11e", "5edd056",
    "57d9d2c", "29a89ff", "3afc8f4", "d836b2a", "98458b5",
]  # fmt: skip
# Versions that changed the list but kept the previous effective date (SOURCES.md).
UNBUMPED = {"ef6f11e", "29a89ff", "d836b2a", "98458b5"}
DATE_LINE = 5  # "Effective date: …" in every version that has one

PAGE = "subprocessors.md"
CONFIG = ".subprocessor-check.yml"
# The seed layout: config in the root naming the page and the registry. Links are excluded so
# that the pull-request runs (links: auto = changed) never leave this machine; the link audit
# itself is exercised against a local server.
CONFIG_TEXT = f"registry: registry.yml\ndocuments:\n  - {PAGE}\nlinks:\n  exclude: ['^https?://']\n"

REPOSITORY = "acme/policies"
SERVER = "https://github.com"


def page(version: str) -> str:
    return (CORPUS / f"postgres-ai-{version}.md").read_text("utf-8")


def git_env(home: Path) -> dict[str, str]:
    """No user or system git configuration, fixed identities."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "INPUT_", "GITHUB_"))}
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="Test Author",
        GIT_AUTHOR_EMAIL="author@example.com",
        GIT_COMMITTER_NAME="Test Author",
        GIT_COMMITTER_EMAIL="author@example.com",
    )
    return env


class Repo:
    """A git repository in ``path``, driven through the git command line."""

    def __init__(self, path: Path, home: Path) -> None:
        self.path = path
        self.env = git_env(home)

    def git(self, *args: str) -> str:
        done = subprocess.run(
            ["git", *args], cwd=self.path, env=self.env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
        return done.stdout.strip()

    @classmethod
    def init(cls, path: Path, home: Path) -> Repo:
        path.mkdir(parents=True, exist_ok=True)
        repo = cls(path, home)
        repo.git("init", "-q", "-b", "main")
        return repo

    def commit(self, files: Mapping[str, str | None], message: str) -> str:
        for name, text in files.items():
            target = self.path / name
            if text is None:
                target.unlink()
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.head()

    def head(self) -> str:
        return self.git("rev-parse", "HEAD")

    def merge_commit(self, base: str, head: str) -> str:
        """GitHub's ``refs/pull/N/merge``: ``head`` merged into ``base``, parents in that order."""
        self.git("checkout", "-q", "--detach", base)
        self.git("merge", "-q", "--no-ff", "--no-edit", "-m", "Merge pull request", head)
        return self.head()


@dataclass
class PullRequest:
    repo: Repo
    base: str
    """``pull_request.base.sha``: the base branch's tip."""
    head: str
    """``pull_request.head.sha``."""
    merge: str
    """The merge commit actions/checkout checks out by default."""

    def payload(self) -> dict[str, Any]:
        return pull_request_payload(self.base, self.head)


def pull_request_payload(base: str, head: str) -> dict[str, Any]:
    return {
        "action": "synchronize",
        "number": 7,
        "pull_request": {
            "number": 7,
            "base": {"ref": "main", "sha": base},
            "head": {"ref": "update-list", "sha": head},
        },
        "repository": {"full_name": REPOSITORY},
    }


DISPATCH_PAYLOAD: dict[str, Any] = {
    "inputs": {},
    "ref": "refs/heads/main",
    "repository": {"full_name": REPOSITORY},
    "workflow": ".github/workflows/audit.yml",
}
SCHEDULE_PAYLOAD: dict[str, Any] = {"schedule": "17 6 * * 1"}  # no "repository" on schedule


def seed(repo: Repo, version: str, registry: str | None = None) -> str:
    """The seed layout at one corpus version: page, registry and config, committed."""
    return repo.commit(
        {
            PAGE: page(version),
            "registry.yml": registry if registry is not None else REGISTRY.read_text("utf-8"),
            CONFIG: CONFIG_TEXT,
        },
        f"page at {version}",
    )


def pull_request(
    path: Path,
    home: Path,
    base_files: Mapping[str, str | None],
    head_files: Mapping[str, str | None],
) -> PullRequest:
    """A repository whose main holds ``base_files`` and a branch adding ``head_files`` on top,
    checked out at GitHub's merge commit."""
    repo = Repo.init(path, home)
    base = repo.commit(base_files, "base")
    repo.git("checkout", "-q", "-b", "update-list")
    head = repo.commit(head_files, "head")
    merge = repo.merge_commit(base, head)
    return PullRequest(repo, base, head, merge)


def action_inputs() -> dict[str, dict[str, Any]]:
    data = yaml.safe_load((ROOT / "action.yml").read_text("utf-8"))
    inputs: dict[str, dict[str, Any]] = data["inputs"]
    return inputs


def input_env(overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """``INPUT_*`` for every input of action.yml, with its default (the runner fills them in),
    the token left empty (no token unless a test gives one), then ``overrides``."""
    values = {name: str(spec.get("default", "")) for name, spec in action_inputs().items()}
    values["token"] = ""
    values.update(overrides or {})
    unknown = set(values) - set(action_inputs())
    assert not unknown, f"not inputs of action.yml: {unknown}"
    return {"INPUT_" + name.replace(" ", "_").upper(): value for name, value in values.items()}


@dataclass(frozen=True)
class Annotation:
    kind: str
    """error, warning or notice."""
    file: str | None
    line: int | None
    title: str | None
    message: str

    @property
    def rule(self) -> str | None:
        match = re.match(r"\[([a-z-]+)\]", self.title or "")
        return match.group(1) if match else None


@dataclass
class ActionRun:
    code: int
    stdout: str
    stderr: str
    outputs: dict[str, str]
    summary: str
    runner: Runner = field(default_factory=Runner)

    @property
    def annotations(self) -> list[Annotation]:
        return [annotation(c) for c in self.runner.executed if c.command in KINDS]

    def findings(self) -> set[tuple[str | None, int | None]]:
        """(rule, line) of every finding annotation (notices without a rule left out)."""
        return {(a.rule, a.line) for a in self.annotations if a.rule is not None}

    @property
    def notices(self) -> list[str]:
        return [a.message for a in self.annotations if a.kind == "notice" and a.rule is None]

    def commands(self) -> set[str]:
        return {c.command.lower() for c in self.runner.executed}


KINDS = ("error", "warning", "notice")


def annotation(command: ActionCommand) -> Annotation:
    line = command.prop("line")
    return Annotation(
        kind=command.command,
        file=command.prop("file"),
        line=int(line) if line is not None else None,
        title=command.prop("title"),
        message=command.data,
    )


def parse_output_file(text: str) -> dict[str, str]:
    """The runner's ``GITHUB_OUTPUT`` reader: ``name=value`` or ``name<<DELIM`` … ``DELIM``."""
    outputs: dict[str, str] = {}
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    index = 0
    while index < len(lines):
        line = lines[index]
        index += 1
        if not line:
            continue
        equals = line.find("=")
        heredoc = line.find("<<")
        if equals >= 0 and (heredoc < 0 or equals < heredoc):
            outputs[line[:equals]] = line[equals + 1 :]
            continue
        assert heredoc > 0, f"not an output command: {line!r}"
        name, delimiter = line[:heredoc], line[heredoc + 2 :]
        assert delimiter, f"empty delimiter in {line!r}"
        value: list[str] = []
        while True:
            assert index < len(lines), f"no closing {delimiter!r} for {name}"
            current = lines[index]
            index += 1
            if current == delimiter:
                break
            value.append(current)
        assert name not in outputs, f"output {name} set twice"
        outputs[name] = "\n".join(value)
    return outputs


def read_run(
    code: int, stdout: str, stderr: str, output_file: Path, summary_file: Path
) -> ActionRun:
    runner = Runner()
    runner.feed(stdout)
    runner.feed(stderr)
    return ActionRun(
        code=code,
        stdout=stdout,
        stderr=stderr,
        outputs=parse_output_file(output_file.read_text("utf-8")),
        summary=summary_file.read_text("utf-8"),
        runner=runner,
    )


def github_env(
    event_name: str, event_path: str, output: str, summary: str, workspace: str, sha: str
) -> dict[str, str]:
    """The GITHUB_* variables the runner sets for a Docker action, paths as the action sees them."""
    return {
        "GITHUB_ACTIONS": "true",
        "CI": "true",
        "GITHUB_WORKSPACE": workspace,
        "GITHUB_EVENT_NAME": event_name,
        "GITHUB_EVENT_PATH": event_path,
        "GITHUB_OUTPUT": output,
        "GITHUB_STEP_SUMMARY": summary,
        "GITHUB_SHA": sha,
        "GITHUB_REPOSITORY": REPOSITORY,
        "GITHUB_SERVER_URL": SERVER,
        "GITHUB_ACTION_REPOSITORY": "",
        "RUNNER_OS": "Linux",
    }


def snapshot(folder: Path) -> dict[str, str]:
    """Every file, symlink and directory under ``folder`` with a hash of its content and mode."""
    state: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        info = path.lstat()
        if path.is_symlink():
            state[rel] = f"link {os.readlink(path)}"
        elif path.is_dir():
            state[rel] = f"dir {info.st_mode:o}"
        else:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            state[rel] = f"file {info.st_mode:o} {digest}"
    return state


def write_event(folder: Path, payload: Mapping[str, Any]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "event.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    return path


@dataclass
class Host:
    """The runner's side: its temp folders, and how it starts the action."""

    tmp: Path

    @property
    def home(self) -> Path:
        path = self.tmp / "_github_home"
        path.mkdir(parents=True, exist_ok=True)
        return path

    def run(
        self,
        workspace: Path,
        event_name: str,
        payload: Mapping[str, Any],
        inputs: Mapping[str, str] | None = None,
        *,
        sha: str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> ActionRun:
        workflow = self.tmp / "_github_workflow"
        commands = self.tmp / "_runner_file_commands"
        commands.mkdir(parents=True, exist_ok=True)
        event = write_event(workflow, payload)
        output = commands / "set_output_1"
        summary = commands / "step_summary_1"
        output.write_text("")
        summary.write_text("")
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=workspace, capture_output=True, text=True
        ).stdout.strip()
        full_env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.home),
            "PYTHONPATH": str(ROOT),
            "GIT_CONFIG_NOSYSTEM": "1",
            **github_env(
                event_name,
                str(event),
                str(output),
                str(summary),
                str(workspace),
                sha or head,
            ),
            **input_env(inputs),
            **(env or {}),
        }
        done = subprocess.run(
            [sys.executable, "-P", "-m", "checker.action"],
            cwd=workspace,
            env=full_env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        return read_run(done.returncode, done.stdout, done.stderr, output, summary)
