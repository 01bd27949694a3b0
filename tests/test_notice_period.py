"""notice-period: new subprocessors are announced (planned, with a start date) in time.

Dates are relative to today, as the rule's are; the base-vs-head cases run in a real git
repository.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from pathlib import Path

from tests.support import CliResult, check, cli, only

TODAY = dt.date.today()
PAGE = """\
Effective date: 2024-03-01

| Name | Location | Description |
|---|---|---|
| [Acme](https://acme.example/) | USA | Hosting |
"""
ACME = (
    "subprocessors:\n  - name: Acme\n    url: https://acme.example/\n    location: USA\n"
    "    description: Hosting\n"
)


def vendor(name: str, status: str, added: dt.date | None) -> str:
    return (
        f"  - name: {name}\n    url: https://{name.lower()}.example/\n    location: EU\n"
        f"    description: Speech\n    status: {status}\n"
        + (f"    added: {added.isoformat()}\n" if added else "")
    )


def days(n: int) -> dt.date:
    return TODAY + dt.timedelta(days=n)


def messages(registry: str, config: str = "notice_period_days: 30\n") -> list[str]:
    return [f.message for f in only(check(PAGE, registry, config), "notice-period")]


def test_silent_without_a_notice_period() -> None:
    registry = ACME + vendor("Beta", "planned", None)
    assert messages(registry, config="rules: {}\n") == []


def test_active_before_its_start_date() -> None:
    registry = ACME.replace(
        "    description: Hosting\n", f"    description: Hosting\n    added: {days(3)}\n"
    )
    [message] = messages(registry)
    assert message == f"'Acme' starts on {days(3)} but is already active (on the list)."
    # Started yesterday: fine.
    assert messages(registry.replace(str(days(3)), str(days(-1)))) == []


def test_planned_needs_a_start_date() -> None:
    [message] = messages(ACME + vendor("Beta", "planned", None))
    assert "'Beta' is planned without an 'added' date" in message
    assert messages(ACME + vendor("Beta", "planned", days(40))) == []


def test_the_rule_option_sets_the_period_too() -> None:
    config = "rules:\n  notice-period: {days: 30, severity: warning}\n"
    findings = only(check(PAGE, ACME + vendor("Beta", "planned", None), config), "notice-period")
    assert [f.severity.value for f in findings] == ["warning"]
    assert findings[0].path == "registry.yml"
    assert findings[0].line == 6


def git(repo: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}  # fmt: skip
    subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, check=True)


def pull_request(tmp_path: Path, base: str, head: str) -> CliResult:
    """Commit ``base`` as the registry, put ``head`` in the working tree, check --base."""
    git(tmp_path, "init", "-q", "-b", "main")
    config = "registry: registry.yml\ndocuments: [page.md]\nnotice_period_days: 30\n"
    cli(tmp_path, "rules", page=PAGE, registry=base, config=config)
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "base")
    (tmp_path / "registry.yml").write_text(head)
    return cli(tmp_path, "check", "--base", "HEAD")


def notice(result: CliResult) -> list[str]:
    return [f["message"] for f in result.findings if f["rule"] == "notice-period"]


def test_announcing_with_enough_notice(tmp_path: Path) -> None:
    result = pull_request(tmp_path, ACME, ACME + vendor("Beta", "planned", days(30)))
    assert notice(result) == []
    assert result.code == 0


def test_announcing_with_too_little_notice(tmp_path: Path) -> None:
    result = pull_request(tmp_path, ACME, ACME + vendor("Beta", "planned", days(10)))
    assert notice(result) == [
        f"'Beta' is announced to start on {days(10)}, 10 days from today; the notice "
        "period is 30 days."
    ]
    assert result.code == 1


def test_adding_without_announcing(tmp_path: Path) -> None:
    head = ACME + vendor("Beta", "active", None)
    result = pull_request(tmp_path, ACME, head)
    [message] = notice(result)
    assert message.startswith("'Beta' is added to the list without notice")


def test_starting_an_announced_vendor(tmp_path: Path) -> None:
    base = ACME + vendor("Beta", "planned", days(-1))
    head = ACME + vendor("Beta", "active", days(-1))
    result = pull_request(tmp_path, base, head)
    assert notice(result) == []
