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

from checker.action.event import MAX_EVENT_BYTES, Event, read_event
from checker.action.inputs import DEFAULTS, UsageError, read_inputs
from checker.action.outputs import output_targets, write_reports
from checker.action.scope import Scope
from checker.action.step import main, run

__all__ = [
    "DEFAULTS",
    "MAX_EVENT_BYTES",
    "Event",
    "Scope",
    "UsageError",
    "main",
    "output_targets",
    "read_event",
    "read_inputs",
    "run",
    "write_reports",
]
