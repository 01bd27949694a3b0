"""Contract tests: the action's entrypoint run exactly as GitHub's runner runs it.

Each test builds a real git workspace from the real corpus, writes the event payload the
trigger delivers, sets ``INPUT_*`` for every input of action.yml (its defaults, read from the
file), and points ``GITHUB_OUTPUT`` and ``GITHUB_STEP_SUMMARY`` at temp files. The entrypoint
runs as a separate process with the workspace as its working directory and no token; stdout
and stderr are read with the port of the runner's command parser.

The image runs ``python -I -m checker.action``; here ``-P`` keeps the working directory off
``sys.path`` the same way while ``PYTHONPATH`` points at this checkout.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import FormatChecker
from jsonschema.validators import validator_for

from checker import action
from tests.action_support import (
    CONFIG,
    CONFIG_TEXT,
    DATE_LINE,
    DISPATCH_PAYLOAD,
    HISTORY,
    PAGE,
    REGISTRY,
    REPOSITORY,
    ROOT,
    SCHEDULE_PAYLOAD,
    SERVER,
    UNBUMPED,
    ActionRun,
    Host,
    Repo,
    action_inputs,
    page,
    pull_request,
    pull_request_payload,
    seed,
    snapshot,
)
from tests.links_support import Site
from tests.runner_commands import Runner

SARIF_SCHEMA = json.loads((ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text("utf-8"))


def seed_files(version: str, registry: str | None = None) -> dict[str, str | None]:
    return {
        PAGE: page(version),
        "registry.yml": registry if registry is not None else REGISTRY.read_text("utf-8"),
        CONFIG: CONFIG_TEXT,
    }


def assert_clean_exit(run: ActionRun) -> None:
    assert "Traceback" not in run.stderr, run.stderr
    assert run.outputs["exit-code"] == str(run.code)


# ---------------------------------------------------------------------------------------------
# action.yml and the entrypoint agree


def test_every_input_has_the_default_the_entrypoint_falls_back_to() -> None:
    inputs = action_inputs()
    assert set(inputs) == {*action.DEFAULTS, "token"}
    for name, default in action.DEFAULTS.items():
        assert str(inputs[name].get("default", "")) == default, name
    assert inputs["token"]["default"] == "${{ github.token }}"
    for name, spec in inputs.items():
        assert name == name.lower() and " " not in name and "_" not in name, name
        assert spec.get("required") is False, name
        assert spec["description"].strip(), name


def test_the_documentation_lists_every_input_and_output() -> None:
    text = (ROOT / "docs" / "action.md").read_text("utf-8")
    data = yaml.safe_load((ROOT / "action.yml").read_text("utf-8"))
    rows = {line.split("|")[1].strip() for line in text.splitlines() if line.startswith("| `")}
    documented = {name.strip("` ") for row in rows for name in row.split(",")}
    assert set(data["inputs"]) <= documented
    assert set(data["outputs"]) <= documented
    assert set(action.DEFAULTS) | {"token"} == set(data["inputs"])


# ---------------------------------------------------------------------------------------------
# pull_request


def test_pull_request_adding_a_vendor_without_a_new_date(
    host: Host, home: Path, tmp_path: Path
) -> None:
    pr = pull_request(tmp_path / "ws", home, seed_files("d836b2a"), {PAGE: page("98458b5")})
    run = host.run(pr.repo.path, "pull_request", pr.payload(), sha=pr.merge)
    assert_clean_exit(run)
    assert run.code == 1
    (error,) = run.annotations
    assert (error.kind, error.file, error.line, error.rule) == (
        "error",
        PAGE,
        DATE_LINE,
        "date-not-updated",
    )
    assert "added pgMustard" in error.message
    assert (
        "compared with: the base branch the pull request's merge commit was made on" in run.stdout
    )
    assert run.outputs == {
        "errors": "1",
        "warnings": "0",
        "notices": "0",
        "report": "",
        "sarif": "",
        "html-report": "",
        "base": pr.base,
        "exit-code": "1",
    }
    summary = run.summary
    assert "subprocessor\\-check failed" in summary or "subprocessor-check failed" in summary
    assert "### Changes in the subprocessor list" in summary
    assert "| ➕ added | pgMustard | — |" in summary
    # Locations link to the line in the commit that was checked out.
    assert f"({SERVER}/{REPOSITORY}/blob/{pr.merge}/{PAGE}#L{DATE_LINE})" in summary


def test_only_changed_lines_and_what_the_change_causes_are_annotated(
    host: Host, home: Path, tmp_path: Path
) -> None:
    # 57d9d2c → 29a89ff rewords Google Workspace (line 18) and keeps the date. At the head the
    # page still lacks pgMustard (on the table header, line 11, untouched by the change).
    pr = pull_request(tmp_path / "ws", home, seed_files("57d9d2c"), {PAGE: page("29a89ff")})
    run = host.run(pr.repo.path, "pull_request", pr.payload(), sha=pr.merge)
    assert_clean_exit(run)
    assert run.findings() == {("date-not-updated", DATE_LINE), ("field-mismatch", 18)}
    assert all(a.file == PAGE for a in run.annotations if a.rule)
    (notice,) = run.notices
    assert "1 finding on lines this change did not touch is not annotated" in notice
    assert run.outputs["errors"] == "3"
    # The summary lists every finding, the unannotated one included.
    assert "pgMustard" in run.summary and "missing\\-from\\-document" in run.summary

    everything = host.run(pr.repo.path, "pull_request", pr.payload(), {"annotate": "all"})
    assert everything.findings() == {
        ("date-not-updated", DATE_LINE),
        ("field-mismatch", 18),
        ("missing-from-document", 11),
    }
    assert everything.notices == []
    files = host.run(pr.repo.path, "pull_request", pr.payload(), {"annotate": "changed-files"})
    assert files.findings() == everything.findings()


def test_a_removed_row_is_annotated_though_no_changed_line_is_its_own(
    host: Host, home: Path, tmp_path: Path
) -> None:
    head = "".join(line for line in page("98458b5").splitlines(True) if "pgmustard" not in line)
    assert head != page("98458b5")
    pr = pull_request(tmp_path / "ws", home, seed_files("98458b5"), {PAGE: head})
    run = host.run(pr.repo.path, "pull_request", pr.payload())
    assert_clean_exit(run)
    # The removed row leaves no line of its own: the finding sits on the table header.
    assert run.findings() == {("missing-from-document", 11), ("date-not-updated", DATE_LINE)}
    assert "| ➖ removed | pgMustard | — |" in run.summary


def test_a_registry_entry_added_without_its_row_is_annotated_on_the_page(
    host: Host, home: Path, tmp_path: Path
) -> None:
    registry = REGISTRY.read_text("utf-8") + (
        "  - name: Acme Mail\n"
        "    url: https://acme-mail.example/\n"
        "    location: EU\n"
        "    description: Transactional email\n"
    )
    pr = pull_request(tmp_path / "ws", home, seed_files("98458b5"), {"registry.yml": registry})
    run = host.run(pr.repo.path, "pull_request", pr.payload())
    assert_clean_exit(run)
    # The page did not change at all; both findings come from the registry's new entry.
    assert run.findings() == {("missing-from-document", 11), ("date-not-updated", DATE_LINE)}
    (missing,) = [a for a in run.annotations if a.rule == "missing-from-document"]
    assert "'Acme Mail' is in the registry (registry.yml:" in missing.message
    assert "| ➕ added | Acme Mail | — |" in run.summary


def test_head_checkout_compares_with_the_fork_point_not_the_moved_base(
    host: Host, home: Path, tmp_path: Path
) -> None:
    # The branch forks at 5edd056 and only retitles the page; meanwhile main moves to 57d9d2c
    # (Azure added, date 2025-02-05). Against base.sha the branch would look like it removed
    # Azure and moved the date back.
    repo = Repo.init(tmp_path / "ws", home)
    fork = seed(repo, "5edd056")
    repo.git("checkout", "-q", "-b", "retitle")
    head = repo.commit({PAGE: page("5edd056").replace("title:", "title: ", 1)}, "retitle")
    repo.git("checkout", "-q", "main")
    base = repo.commit({PAGE: page("57d9d2c")}, "Azure")
    repo.git("checkout", "-q", "--detach", head)
    run = host.run(repo.path, "pull_request", pull_request_payload(base, head))
    assert_clean_exit(run)
    assert run.outputs["base"] == fork
    assert "compared with: where the pull request forked from the base branch" in run.stdout
    assert not [a for a in run.annotations if a.rule == "date-not-updated"]
    assert "No subprocessor was added, removed or changed." in run.summary

    merged = repo.merge_commit(base, head)
    run = host.run(repo.path, "pull_request", pull_request_payload(base, head), sha=merged)
    assert run.outputs["base"] == base
    assert not [a for a in run.annotations if a.rule == "date-not-updated"]


def test_push_compares_with_the_commit_before_it(host: Host, home: Path, tmp_path: Path) -> None:
    repo = Repo.init(tmp_path / "ws", home)
    before = seed(repo, "57d9d2c")
    after = repo.commit({PAGE: page("29a89ff")}, "reword")
    run = host.run(repo.path, "push", {"before": before, "after": after, "ref": "refs/heads/main"})
    assert_clean_exit(run)
    assert run.outputs["base"] == before
    assert run.findings() == {("date-not-updated", DATE_LINE), ("field-mismatch", 18)}

    # A new branch has no "before": nothing to compare with, and no notice about it.
    zero = "0" * 40
    run = host.run(repo.path, "push", {"before": zero, "after": after, "ref": "refs/heads/new"})
    assert run.outputs["base"] == "" and run.notices == []
    assert ("missing-from-document", 11) in run.findings()


def test_merge_queue_compares_with_the_target_branch(
    host: Host, home: Path, tmp_path: Path
) -> None:
    pr = pull_request(tmp_path / "ws", home, seed_files("d836b2a"), {PAGE: page("98458b5")})
    queue = {"merge_group": {"base_sha": pr.base, "head_sha": pr.merge}}
    run = host.run(pr.repo.path, "merge_group", queue)
    assert_clean_exit(run)
    assert run.outputs["base"] == pr.base
    assert run.findings() == {("date-not-updated", DATE_LINE)}


def test_pull_request_target_does_not_mistake_the_base_tip_for_a_merge_commit(
    host: Host, home: Path, tmp_path: Path
) -> None:
    # pull_request_target checks out the base branch; its tip here is the merge of an earlier
    # pull request, which is not this pull request's change.
    earlier = pull_request(tmp_path / "ws", home, seed_files("d836b2a"), {PAGE: page("98458b5")})
    repo = earlier.repo
    repo.git("checkout", "-q", "-B", "main", earlier.merge)
    repo.git("checkout", "-q", "-b", "next")
    head = repo.commit({"README.md": "docs\n"}, "unrelated")
    repo.git("checkout", "-q", "--detach", earlier.merge)
    payload = pull_request_payload(earlier.merge, head)
    run = host.run(repo.path, "pull_request_target", payload, sha=earlier.merge)
    assert_clean_exit(run)
    assert run.outputs["base"] == earlier.merge
    assert run.findings() == set()


def shallow_checkout(origin: Repo, workspace: Path, home: Path, merge: str) -> Repo:
    """What actions/checkout does by default: fetch the merge commit alone, depth 1."""
    clone = Repo.init(workspace, home)
    clone.git("remote", "add", "origin", origin.path.as_uri())
    clone.git(
        "fetch", "-q", "--no-tags", "--depth=1", "origin", f"+{merge}:refs/remotes/pull/7/merge"
    )
    clone.git("checkout", "-q", "--detach", "refs/remotes/pull/7/merge")
    assert clone.git("rev-parse", "--is-shallow-repository") == "true"
    return clone


def test_shallow_clone_fetches_the_base(host: Host, home: Path, tmp_path: Path) -> None:
    pr = pull_request(tmp_path / "origin", home, seed_files("d836b2a"), {PAGE: page("98458b5")})
    pr.repo.git("update-ref", "refs/pull/7/merge", pr.merge)
    clone = shallow_checkout(pr.repo, tmp_path / "ws", home, pr.merge)
    missing = subprocess.run(["git", "cat-file", "-e", pr.base], cwd=clone.path, check=False)
    assert missing.returncode != 0
    refs, config = clone.git("show-ref"), (clone.path / ".git" / "config").read_text()
    run = host.run(clone.path, "pull_request", pr.payload(), sha=pr.merge)
    assert_clean_exit(run)
    assert run.outputs["base"] == pr.base
    assert run.findings() == {("date-not-updated", DATE_LINE)}
    # The fetch added objects only: no ref, no configuration.
    assert clone.git("show-ref") == refs
    assert (clone.path / ".git" / "config").read_text() == config


def test_shallow_clone_without_the_base_degrades_with_a_notice(
    host: Host, home: Path, tmp_path: Path
) -> None:
    pr = pull_request(tmp_path / "origin", home, seed_files("d836b2a"), {PAGE: page("98458b5")})
    clone = shallow_checkout(pr.repo, tmp_path / "ws", home, pr.merge)
    clone.git("remote", "set-url", "origin", (tmp_path / "gone").as_uri())
    before = snapshot(clone.path)
    run = host.run(clone.path, "pull_request", pr.payload(), sha=pr.merge)
    assert_clean_exit(run)
    assert run.code == 0  # no base rules, and the head page itself is clean
    assert run.outputs["base"] == ""
    (notice,) = run.notices
    assert "Not compared with the base" in notice and "could not be fetched" in notice
    assert "date-not-updated" in notice
    assert run.findings() == set()
    assert "Not compared with the base" in run.summary
    assert snapshot(clone.path) == before


def test_pull_request_leaves_the_workspace_as_it_was(
    host: Host, home: Path, tmp_path: Path
) -> None:
    pr = pull_request(tmp_path / "ws", home, seed_files("57d9d2c"), {PAGE: page("29a89ff")})
    before = snapshot(pr.repo.path)
    run = host.run(pr.repo.path, "pull_request", pr.payload())
    assert run.code == 1
    assert snapshot(pr.repo.path) == before  # .git included: no index refresh, no config


def test_sarif_and_report_are_written_only_where_asked(
    host: Host, home: Path, tmp_path: Path
) -> None:
    pr = pull_request(tmp_path / "ws", home, seed_files("57d9d2c"), {PAGE: page("29a89ff")})
    before = snapshot(pr.repo.path)
    inputs = {"sarif-file": "out/results.sarif", "report-file": "out/report.json"}
    run = host.run(pr.repo.path, "pull_request", pr.payload(), inputs)
    assert_clean_exit(run)
    after = snapshot(pr.repo.path)
    assert set(after) - set(before) == {"out", "out/results.sarif", "out/report.json"}
    assert {k: v for k, v in after.items() if k in before} == before
    assert run.outputs["sarif"] == "out/results.sarif"
    assert run.outputs["report"] == "out/report.json"

    log = json.loads((pr.repo.path / "out" / "results.sarif").read_text("utf-8"))
    validator_for(SARIF_SCHEMA)(SARIF_SCHEMA, format_checker=FormatChecker()).validate(log)
    results = log["runs"][0]["results"]
    # SARIF carries every finding (code scanning shows those in the diff itself).
    assert sorted(
        (r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results
    ) == [
        ("date-not-updated", DATE_LINE),
        ("field-mismatch", 18),
        ("missing-from-document", 11),
    ]
    for result in results:
        assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == PAGE
    report = json.loads((pr.repo.path / "out" / "report.json").read_text("utf-8"))
    assert report["summary"]["errors"] == 3
    assert report["base"] == pr.base  # as check --format json --base writes it


def test_html_report_is_written_where_asked_and_findings_link_their_rule(
    host: Host, home: Path, tmp_path: Path
) -> None:
    pr = pull_request(tmp_path / "ws", home, seed_files("57d9d2c"), {PAGE: page("29a89ff")})
    env = {"GITHUB_ACTION_REPOSITORY": "acme/subprocessor-check", "GITHUB_ACTION_REF": "v1.2.3",
           "GITHUB_SERVER_URL": "https://github.com"}  # fmt: skip
    run = host.run(
        pr.repo.path, "pull_request", pr.payload(), {"html-report": "audit.html"}, env=env
    )
    assert run.outputs["html-report"] == "audit.html"
    text = (pr.repo.path / "audit.html").read_text("utf-8")
    assert text.startswith("<!DOCTYPE html>") and "pgMustard" in text
    rules_doc = "https://github.com/acme/subprocessor-check/blob/v1.2.3/docs/rules.md"
    assert f"{rules_doc}#date-not-updated" in run.stdout


# ---------------------------------------------------------------------------------------------
# workflow_dispatch and schedule: the full audit


@pytest.mark.parametrize(
    ("event_name", "payload"),
    [("workflow_dispatch", DISPATCH_PAYLOAD), ("schedule", SCHEDULE_PAYLOAD)],
)
def test_audit_annotates_everything_up_to_the_cap(
    host: Host, home: Path, tmp_path: Path, event_name: str, payload: dict[str, Any]
) -> None:
    # 6659615 against today's registry: 15 errors on lines nobody just changed.
    repo = Repo.init(tmp_path / "ws", home)
    seed(repo, "6659615")
    before = snapshot(repo.path)
    run = host.run(repo.path, event_name, payload)
    assert_clean_exit(run)
    assert run.code == 1
    assert run.outputs["errors"] == "15" and run.outputs["base"] == ""
    errors = [a for a in run.annotations if a.kind == "error"]
    assert len(errors) == 10  # GitHub keeps ten per type; we choose which
    assert [a.line for a in errors] == sorted(a.line or 0 for a in errors)
    (totals,) = run.notices
    assert "found 15 errors" in totals and "job summary" in totals
    # links: auto means every link on an audit (all excluded by this config, none requested).
    assert "### Link audit" in run.summary and "➖ excluded" in run.summary
    assert run.summary.count("| ❌ error |") == 15
    assert f"({SERVER}/{REPOSITORY}/blob/{repo.head()}/{PAGE}#L17)" in run.summary
    assert snapshot(repo.path) == before


def test_org_audit_of_another_repository(host: Host, home: Path, tmp_path: Path) -> None:
    # The reusable workflow checks out each repository of the matrix into the workspace:
    # links in the summary go to that repository, and annotations (which GitHub would pin on
    # the calling repository's files) can be turned off.
    repo = Repo.init(tmp_path / "ws", home)
    seed(repo, "6659615")
    repo.git("remote", "add", "origin", f"{SERVER}/acme/vendor-pages")
    before = snapshot(repo.path)
    run = host.run(repo.path, "schedule", SCHEDULE_PAYLOAD, {"annotate": "none"})
    assert run.code == 1 and run.outputs["errors"] == "15"
    assert run.annotations == []
    assert f"({SERVER}/acme/vendor-pages/blob/{repo.head()}/{PAGE}#L17)" in run.summary
    assert snapshot(repo.path) == before


def test_link_audit_against_a_live_server(host: Host, home: Path, tmp_path: Path) -> None:
    site = Site()
    try:
        text = (
            "Effective date: 2024-03-01\n\n"
            "| Name | Location | Description |\n| --- | --- | --- |\n"
            f"| [Alive]({site.url('/ok')}) | USA | Hosting |\n"
            f"| [Gone]({site.url('/404')}) | USA | Email |\n"
        )
        registry = (
            "subprocessors:\n"
            f"  - {{name: Alive, url: '{site.url('/ok')}', location: USA, description: Hosting}}\n"
            f"  - {{name: Gone, url: '{site.url('/404')}', location: USA, description: Email}}\n"
        )
        repo = Repo.init(tmp_path / "ws", home)
        repo.commit({"docs/list.md": text, "docs/registry.yml": registry}, "page")
        inputs = {
            "config": "none.yml",
            "documents": "docs/list.md",
            "registry": "docs/registry.yml",
            "allow-private": "true",
            "cache": ".cache/links.json",
        }
        missing_config = host.run(repo.path, "workflow_dispatch", DISPATCH_PAYLOAD, inputs)
        assert missing_config.code == 2
        (error,) = missing_config.annotations
        assert error.kind == "error" and "none.yml" in error.message

        inputs["config"] = ".subprocessor-check.yml"  # the default, absent: built-in defaults
        run = host.run(repo.path, "workflow_dispatch", DISPATCH_PAYLOAD, inputs)
        assert_clean_exit(run)
        assert run.findings() == {("link-broken", 6)}
        (broken,) = run.annotations
        assert broken.file == "docs/list.md"
        assert "| ❌ broken |" in run.summary and "| ✅ ok |" in run.summary
        cache = json.loads((repo.path / ".cache" / "links.json").read_text("utf-8"))
        assert cache  # good results remembered for the next run
        assert site.record.count("/404") >= 1
    finally:
        site.close()


# ---------------------------------------------------------------------------------------------
# bad input and hostile content


@pytest.mark.parametrize(
    ("inputs", "words"),
    [
        ({"fail-on": "sometimes"}, "fail-on"),
        ({"links": "some"}, "links"),
        ({"summary": "yes"}, "summary"),
        ({"sarif-file": "../outside.sarif"}, "inside the workspace"),
        ({"report-file": ".git"}, "directory"),
    ],
)
def test_bad_inputs_fail_with_exit_code_2(
    host: Host, home: Path, tmp_path: Path, inputs: dict[str, str], words: str
) -> None:
    repo = Repo.init(tmp_path / "ws", home)
    seed(repo, "98458b5")
    run = host.run(repo.path, "workflow_dispatch", DISPATCH_PAYLOAD, inputs)
    assert run.code == 2
    assert run.outputs["exit-code"] == "2"
    (error,) = run.annotations
    assert error.kind == "error" and words in error.message
    assert not (tmp_path / "outside.sarif").exists()


def test_an_unexpected_failure_is_a_failed_step_with_its_traceback(tmp_path: Path) -> None:
    # A bug in main (an unwritable GITHUB_OUTPUT used to be one; it is a warning now, see
    # tests/test_action_outputs.py): the entrypoint still ends the step cleanly.
    program = (
        "import checker.action.step as step\n"
        "def broken():\n"
        "    raise RuntimeError('a bug')\n"
        "step.main = broken\n"
        "step.run()\n"
    )
    done = subprocess.run(
        [sys.executable, "-P", "-c", program],
        cwd=tmp_path,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    runner = Runner()
    runner.feed(done.stdout)
    errors = [c for c in runner.executed if c.command == "error"]
    assert [c.prop("title") for c in errors] == ["subprocessor-check failed unexpectedly"]
    assert "RuntimeError: a bug" in errors[0].data
    assert "Traceback" in done.stderr


def test_an_invalid_registry_is_an_error_on_its_line(
    host: Host, home: Path, tmp_path: Path
) -> None:
    repo = Repo.init(tmp_path / "ws", home)
    seed(repo, "98458b5", registry="subprocessors:\n  - name: A\n    url: [\n")
    run = host.run(repo.path, "workflow_dispatch", DISPATCH_PAYLOAD)
    assert run.code == 2 and run.outputs["exit-code"] == "2"
    (error,) = run.annotations
    assert (error.kind, error.file) == ("error", "registry.yml")
    assert error.line is not None
    assert "could not run" in run.summary


def test_fail_on_sets_the_exit_code(host: Host, home: Path, tmp_path: Path) -> None:
    pr = pull_request(tmp_path / "ws", home, seed_files("d836b2a"), {PAGE: page("98458b5")})
    assert host.run(pr.repo.path, "pull_request", pr.payload(), {"fail-on": "never"}).code == 0
    run = host.run(pr.repo.path, "pull_request", pr.payload(), {"fail-on": "warning"})
    assert run.code == 1 and run.outputs["exit-code"] == "1"


def test_page_text_cannot_issue_workflow_commands(host: Host, home: Path, tmp_path: Path) -> None:
    hostile = [
        "::add-mask::secret",
        "##[set-output name=errors;]0",
        "x\r::warning file=evil.md::fake",
        "%0A::stop-commands::abc",
        "#\u200b#[add-mask]y",
    ]
    rows = "".join(
        f"| [{name}](https://evil.example/{i}) | EU | {name} |\n" for i, name in enumerate(hostile)
    )
    base = page("98458b5")
    head = base.replace("| [pgMustard]", rows + "| [pgMustard]", 1)
    pr = pull_request(tmp_path / "ws", home, seed_files("98458b5"), {PAGE: head})
    run = host.run(pr.repo.path, "pull_request", pr.payload(), {"annotate": "all"})
    assert_clean_exit(run)
    allowed = {"error", "warning", "notice", "group", "endgroup", "stop-commands"}
    unexpected = run.commands() - allowed
    # The only other command is the resume token of our own stop-commands block.
    assert len(unexpected) == 1 and next(iter(unexpected)).startswith("spc-")
    assert all(a.file == PAGE for a in run.annotations if a.kind != "notice")
    assert not run.runner.stopped
    assert any("::add-mask::secret" in a.message for a in run.annotations)


# ---------------------------------------------------------------------------------------------
# the real history, replayed through pull requests


def test_real_history_replayed_as_pull_requests(host: Host, home: Path, tmp_path: Path) -> None:
    repo = Repo.init(tmp_path / "ws", home)
    shas = []
    for version in HISTORY:
        shas.append(repo.commit({PAGE: page(version), CONFIG: f"documents: [{PAGE}]\n"}, version))
    flagged = set()
    for index in range(1, len(HISTORY)):
        base, head = shas[index - 1], shas[index]
        merge = repo.merge_commit(base, head)
        run = host.run(repo.path, "pull_request", pull_request_payload(base, head), sha=merge)
        assert_clean_exit(run)
        assert run.outputs["base"] == base
        dates = [a for a in run.annotations if a.rule == "date-not-updated"]
        if dates:
            flagged.add(HISTORY[index])
            (date,) = dates
            assert (date.kind, date.file, date.line) == ("error", PAGE, DATE_LINE)
            assert run.code == 1
    assert flagged == UNBUMPED
