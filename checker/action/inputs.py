"""What the workflow asked for: the action's inputs as the runner hands them over."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

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


class UsageError(Exception):
    """An input the action cannot work with; exit code 2."""


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
