"""Run a rule's docstring examples through the engine, as pycodestyle runs its ``Okay:`` lines.

An example is checked with what its ``Given`` blocks say (``checker.docs.GIVEN``): the page
is written to a file and read as ``check`` reads it (so ``max_document_bytes`` and control
characters behave as they do for users), the registry and the config are parsed by their
loaders, a base revision becomes a ``Baseline``, and the link results are given, not
fetched. Every example runs on the same fixed day, so none depends on the clock.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

from checker import docs
from checker.compare.baseline import Baseline
from checker.engine import active_rules, check_document
from checker.load.config import Config, parse_config
from checker.load.registry import parse_registry
from checker.model import Finding, LinkResult, Registry, Verdict
from checker.page.markdown import load_document, parse_document

TODAY = dt.date(2026, 1, 15)
"""The day every example is checked on: after every date the examples write."""

BASE = "main"
"""The name the base revision has in the examples' findings."""

HEADER = "| Name | Location | Description |\n| ---- | -------- | ----------- |\n"
_DELIMITER_ROW = re.compile(r"^\s*\|?\s*:?-{3,}", re.MULTILINE)

SETTING_KEYS = {"table.columns": "columns"}
"""Config keys that are spelled differently from the settings attribute they fill."""


def page_text(example: docs.Example) -> str:
    """The page an example is checked as: rows alone get the standard header."""
    if example.is_registry:
        return docs.unescape(example.context().get("page", "")) + "\n"
    text = example.text
    lines = [line for line in text.splitlines() if line.strip()]
    rows_alone = lines and all(line.lstrip().startswith("|") for line in lines)
    if rows_alone and not _DELIMITER_ROW.search(text):
        text = HEADER + text
    return text + "\n"


def _registry(example: docs.Example) -> Registry | None:
    text = example.text if example.is_registry else example.context().get("registry")
    return parse_registry(text, "registry.yml") if text is not None else None


def _baseline(given: dict[str, str], config: Config) -> Baseline | None:
    if "base page" not in given and "base registry" not in given:
        return None
    labels = config.defaults.date.labels
    page = given.get("base page")
    registry = given.get("base registry")
    return Baseline(
        ref=BASE,
        document=parse_document(docs.unescape(page) + "\n", f"page.md@{BASE}", date_labels=labels)
        if page is not None
        else None,
        registry=parse_registry(registry, f"registry.yml@{BASE}") if registry else None,
    )


def _links(given: dict[str, str]) -> dict[str, LinkResult]:
    answers: dict[str, dict[str, Any]] = yaml.safe_load(given.get("links", "{}")) or {}
    return {
        url: LinkResult(url, Verdict(answer.pop("verdict")), **answer)
        for url, answer in answers.items()
    }


def findings(example: docs.Example, folder: Path) -> list[Finding]:
    """Every finding ``check`` reports for the example, with its ``Given`` blocks."""
    given = example.context()
    config = (
        parse_config(given["config"], ".subprocessor-check.yml", base_dir=folder)
        if "config" in given
        else Config()
    )
    settings = config.document("page.md")
    page = folder / "page.md"
    page.write_bytes(page_text(example).encode("utf-8"))
    doc = load_document(
        page,
        display_path="page.md",
        max_bytes=config.max_document_bytes,
        date_labels=settings.date.labels,
    )
    found, _ = check_document(
        doc,
        settings,
        _registry(example),
        active_rules(config),
        _baseline(given, config),
        count_description_changes=config.count_description_changes,
        links=_links(given),
        today=TODAY,
    )
    return found


@dataclasses.dataclass(slots=True)
class Outcome:
    """What one example got."""

    rule: str
    number: int
    """The example's place among the rule's examples, from 1."""
    example: docs.Example
    own: list[Finding]
    """The rule's findings on it (other rules' are not the example's business)."""

    @property
    def agrees(self) -> bool:
        """Whether it did what it says: a failing example got the finding, a passing none."""
        return bool(self.own) != self.example.passes

    def __str__(self) -> str:
        kind = "passes" if self.example.passes else "fails"
        got = [f.message for f in self.own] or f"no {self.rule} finding"
        return f"{self.rule} example {self.number} ({kind}) gets {got}:\n{self.example.code}"


def outcomes(module: ModuleType, folder: Path) -> list[Outcome]:
    """What each of the rule's examples gets."""
    return [
        Outcome(
            module.ID,
            number,
            example,
            [f for f in findings(example, folder) if f.rule == module.ID],
        )
        for number, example in enumerate(docs.parse(module).examples, 1)
    ]


class SettingsReads:
    """The settings of a page, noting which config keys a rule reads (``date.formats``)."""

    def __init__(self, target: object, reads: set[str], prefix: str = "") -> None:
        object.__setattr__(self, "_target", target)
        object.__setattr__(self, "_reads", reads)
        object.__setattr__(self, "_prefix", prefix)

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._target, name)
        key = self._prefix + name
        if dataclasses.is_dataclass(value):  # table, date: the keys are one level down
            return SettingsReads(value, self._reads, key + ".")
        self._reads.add(SETTING_KEYS.get(key, key))
        return value


def noting_settings(module: ModuleType, reads: set[str]) -> Callable[..., Iterator[Any]]:
    """The rule's ``check``, noting in ``reads`` the settings it reads."""
    check = module.check

    def noted(ctx: Any, options: dict[str, Any]) -> Iterator[Any]:
        problems: Iterator[Any] = check(
            dataclasses.replace(ctx, settings=SettingsReads(ctx.settings, reads)), options
        )
        return problems

    return noted
