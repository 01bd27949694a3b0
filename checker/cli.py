"""The command line: ``subprocessor-check check|rules|explain|schema|init|fix|changelog``.

``run(argv)`` returns the exit code and never calls ``sys.exit``; ``main`` does. Exit codes:
0 no error finding, 1 error findings, 2 the check could not run (bad usage, a missing or
invalid file), with one line on stderr that names the file and the reason.
"""

from __future__ import annotations

import argparse
import functools
import gc
import os
import sys
import time
from collections.abc import Sequence
from importlib import resources
from typing import TextIO

from checker import __version__, docs, rules_doc_url
from checker.adopt import commands as adopt_commands
from checker.engine import RunOptions, active_rules
from checker.engine import run as run_check
from checker.errors import InputError
from checker.load.config import find_config, load_config
from checker.model import CheckResult, Severity
from checker.net.credentials import token_policy
from checker.reporters import REPORTERS, Reporter, text
from checker.rules import RULES, summary

SCHEMAS = ("registry", "config")

FORMATS = (*REPORTERS, "auto")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise _UsageError(f"{self.prog}: {message}")


class _UsageError(Exception):
    pass


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="subprocessor-check",
        description="Check a public data-subprocessors page against its registry and policy.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    # One function per subcommand; the order of the calls is the order ``--help`` lists them.
    _add_check(commands)
    _add_rules(commands)
    _add_explain(commands)
    _add_schema(commands)
    adopt_commands.register(commands)
    return parser


def _add_check(commands: argparse._SubParsersAction[_Parser]) -> None:
    check = commands.add_parser(
        "check",
        help="check pages (default: the documents in .subprocessor-check.yml)",
        description="Check pages against the registry and the policy rules.",
    )
    check.add_argument("documents", nargs="*", metavar="DOC", help="Markdown page(s) to check")
    check.add_argument(
        "--registry", "-r", metavar="FILE|URL", help="registry YAML (path or https URL)"
    )
    check.add_argument(
        "--config",
        "-c",
        metavar="FILE",
        help="config file (default: .subprocessor-check.yml in the current directory)",
    )
    check.add_argument(
        "--format",
        "-f",
        choices=FORMATS,
        default="text",
        help="output format (auto: github inside GitHub Actions, else text)",
    )
    check.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour in text output (auto: on a terminal, unless NO_COLOR is set)",
    )
    check.add_argument(
        "--fail-on",
        choices=("error", "warning", "never"),
        default="error",
        help="lowest severity that makes the exit code 1 (default: error)",
    )
    check.add_argument(
        "--links",
        nargs="?",
        const="all",
        choices=("none", "changed", "all"),
        help="check vendor and privacy links live: all (the default with no value), "
        "changed (rows that differ from --base) or none (default: the config, else none)",
    )
    check.add_argument(
        "--allow-private",
        action="store_true",
        help="let the link check and a remote registry reach private and loopback addresses, "
        "and the registry plain http (intranet docs, local tests)",
    )
    check.add_argument(
        "--cache", metavar="FILE", help="JSON file that remembers good link results between runs"
    )
    check.add_argument(
        "--quiet",
        "-q",
        action="store_true",
        help="print the findings only, one line each: no source excerpts, notes, summary "
        "line or link-check progress (a clean run prints nothing)",
    )
    check.add_argument(
        "--base",
        metavar="REF",
        help="git revision to compare with: the list may not change without a later date",
    )
    check.add_argument(
        "--token",
        metavar="TOKEN",
        help="token for fetching an https registry (default: $GITHUB_TOKEN)",
    )


def _add_rules(commands: argparse._SubParsersAction[_Parser]) -> None:
    commands.add_parser("rules", help="list the rules", description="List the rules.")


def _add_explain(commands: argparse._SubParsersAction[_Parser]) -> None:
    explain = commands.add_parser(
        "explain",
        help="print a rule's documentation",
        description="Print a rule's documentation: what it checks, why, options, examples.",
    )
    explain.add_argument("rule", metavar="RULE", help="rule id, e.g. field-mismatch")


def _add_schema(commands: argparse._SubParsersAction[_Parser]) -> None:
    schema = commands.add_parser(
        "schema",
        help="print the JSON Schema of the registry or the config",
        description="Print a JSON Schema, for editors (yaml-language-server) and other tools.",
    )
    schema.add_argument("name", choices=SCHEMAS, help="which schema")


def _reporter(name: str, color: str, stream: TextIO, quiet: bool = False) -> Reporter:
    if name == "auto":
        name = (
            "github"
            if os.environ.get("GITHUB_ACTIONS") == "true" and "github" in REPORTERS
            else "text"
        )
    if name == "text":
        return functools.partial(text.report, color=text.use_color(stream, color), quiet=quiet)
    return REPORTERS[name]


class Progress:
    """Link-check progress on stderr: a live line on a terminal, else a line every 5 s."""

    def __init__(self, stream: TextIO, interval: float = 5.0) -> None:
        self.stream = stream
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self.interval = interval
        self.last = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        if self.tty:
            width = 30
            filled = width * done // max(total, 1)
            bar = "#" * filled + "-" * (width - filled)
            end = "\n" if done == total else ""
            self.stream.write(f"\rchecking links [{bar}] {done}/{total}{end}")
            self.stream.flush()
            return
        now = time.monotonic()
        if done == total or now - self.last >= self.interval:
            self.last = now
            self.stream.write(f"checking links: {done}/{total}\n")
            self.stream.flush()


def _list_rules(stream: TextIO) -> int:
    width = max(len(rule_id) for rule_id in RULES)
    for rule_id, module in RULES.items():
        stream.write(f"{rule_id:<{width}}  {module.SEVERITY.value:<7}  {summary(module)}\n")
    return 0


def _explain(rule_id: str, out: TextIO, err: TextIO) -> int:
    module = RULES.get(rule_id.strip())
    if module is None:
        err.write(f"subprocessor-check: unknown rule {text.safe(rule_id)!r}; the rules are:\n")
        _list_rules(err)
        return 2
    out.write(docs.explain(docs.parse(module), rules_doc_url()))
    return 0


def _schema(name: str, out: TextIO) -> int:
    path = resources.files("checker.schemas").joinpath(f"{name}.schema.json")
    out.write(path.read_text("utf-8"))
    return 0


def run(
    argv: Sequence[str] | None = None, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run the command line; returns the exit code."""
    out = stdout or sys.stdout
    err = stderr or sys.stderr
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except _UsageError as exc:
        err.write(f"{exc}\n")
        return 2
    if args.command == "rules":
        return _list_rules(out)
    if args.command == "explain":
        return _explain(args.rule, out, err)
    if args.command == "schema":
        return _schema(args.name, out)
    if args.command in adopt_commands.COMMANDS:
        return adopt_commands.run(args, out, err)
    if args.command != "check":
        parser.print_help(err)
        return 2
    try:
        config_path = args.config or find_config()
        config = load_config(config_path)
        active_rules(config)  # config errors first, before any file is read
        options = RunOptions(
            documents=list(args.documents),
            registry=args.registry,
            base=args.base,
            links=args.links,
            allow_private=args.allow_private,
            link_cache=args.cache,
            progress=None if args.quiet else Progress(err),
            token=token_policy(args.token or os.environ.get("GITHUB_TOKEN"), os.environ),
            rule_doc_base=rules_doc_url(),
        )
        result = run_check(config, options)
    except InputError as exc:
        err.write(f"subprocessor-check: {exc}\n")
        return 2
    try:
        _reporter(args.format, args.color, out, args.quiet)(result, out)
        out.flush()
    except BrokenPipeError:
        # The reader went away (``| head``); say nothing more, and keep Python from
        # complaining about the closed stdout at exit.
        if out is sys.stdout:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return exit_code(result, args.fail_on)


def exit_code(result: CheckResult, fail_on: str) -> int:
    """1 when a finding is at least as severe as ``fail_on``, else 0."""
    if fail_on == "never":
        return 0
    threshold = Severity(fail_on).rank
    return 1 if any(f.severity.rank >= threshold for f in result.findings) else 0


def tune_gc() -> None:
    """Collect young objects less often, for a short-lived process that builds many of them.

    Parsing a large page creates hundreds of thousands of tokens, almost none in reference
    cycles; with the default thresholds the collector rescans that growing heap again and
    again, which cost a third of the time of a 5,000-row check. Memory stays bounded: the
    page size is limited and the process ends after one run.
    """
    gc.set_threshold(200_000, 20, 20)


def main() -> None:
    tune_gc()
    sys.exit(run())
