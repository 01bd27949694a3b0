"""The rules describe themselves, and the rest of the checker asks them instead of naming them.

A rule module says what others need to know (``checker/rules/base.py``): its tags, whether
it needs a registry, its options and the config keys it reads, and where its defaults come
from. Nothing outside ``checker/rules/`` writes a rule id.
"""

from __future__ import annotations

import ast
import datetime as dt
import typing
from pathlib import Path

import pytest

from checker.engine import ActiveRule, active_rules
from checker.load.config import parse_config
from checker.model import Severity
from checker.rules import RULES, TAGS, tagged
from checker.rules.base import RegistryContext, RuleContext
from tests.support import check, one, only

ROOT = Path(__file__).resolve().parents[1]
CHECKER = ROOT / "checker"

ALLOWED_LITERALS: set[tuple[str, str]] = set()
"""Rule ids still written outside the rules, each until its owner asks the rules instead.
An entry that no longer matches anything fails below, so this list can only shrink."""


def _rule_id_literals() -> set[tuple[str, str, int]]:
    """(path, rule id, line) of every string constant outside the rules that is a rule id."""
    found = set()
    for path in sorted(CHECKER.rglob("*.py")):
        if CHECKER / "rules" in path.parents:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            # f-strings are walked too: their literal pieces are constants of their own.
            if isinstance(node, ast.Constant) and node.value in RULES:
                found.add((path.relative_to(ROOT).as_posix(), node.value, node.lineno))
    return found


def test_nothing_outside_the_rules_spells_a_rule_id() -> None:
    found = _rule_id_literals()
    unexpected = sorted(
        f"{p}:{line}: {rule!r}" for p, rule, line in found if (p, rule) not in ALLOWED_LITERALS
    )
    assert unexpected == [], "ask the rules (checker.rules.tagged, a rule's attributes) instead"
    used = {(p, rule) for p, rule, _ in found}
    assert used >= ALLOWED_LITERALS, f"fixed, drop from ALLOWED_LITERALS: {ALLOWED_LITERALS - used}"


def test_the_scan_sees_plain_strings_and_f_string_pieces(tmp_path: Path) -> None:
    # The test above is only as good as its scan; this is what it must catch.
    source = 'A = "blank-cell"\nB = f"{A}"\nC = ("field-mismatch",)\nD = f"x{A}" + "link-missing"\n'
    tree = ast.parse(source)
    hits = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and n.value in RULES}
    assert hits == {"blank-cell", "field-mismatch", "link-missing"}


def test_tagged_names_the_rules_that_carry_a_tag() -> None:
    assert tagged("link") == {"link-broken", "link-redirected", "link-unreachable", "link-blocked"}
    assert tagged("caused-by-change") == {"date-not-updated"}
    assert tagged("missing-row") == {"missing-from-document"}
    assert tagged("row-defect") == {"malformed-row", "blank-cell"}
    assert tagged("unread-page") == {"document-too-large"}
    with pytest.raises(KeyError, match="no rule tag 'links'"):
        tagged("links")


@pytest.mark.parametrize("rule_id", list(RULES))
def test_every_rule_module_says_what_others_ask(rule_id: str) -> None:
    module = RULES[rule_id]
    assert rule_id == module.ID and rule_id == module.__name__.rsplit(".", 1)[1].replace("_", "-")
    assert isinstance(module.SEVERITY, Severity)
    assert isinstance(module.NEEDS_REGISTRY, bool)
    assert isinstance(module.TAGS, frozenset) and module.TAGS <= TAGS, module.TAGS - TAGS
    assert isinstance(module.OPTIONS, dict)
    assert isinstance(module.SETTINGS, frozenset)
    # A rule that needs the registry is given one, typed: its body has nothing to guard.
    context = typing.get_type_hints(module.check)["ctx"]
    assert context is (RegistryContext if module.NEEDS_REGISTRY else RuleContext)


def test_every_tag_is_carried_by_a_rule() -> None:
    assert {tag for module in RULES.values() for tag in module.TAGS} == TAGS


def _active(config: str) -> dict[str, ActiveRule]:
    return {rule.id: rule for rule in active_rules(parse_config(config, "cfg.yml"))}


def test_rules_without_a_config_take_their_own_defaults() -> None:
    rules = _active("{}\n")
    assert list(rules) == list(RULES)
    for rule_id, rule in rules.items():
        assert rule.severity is RULES[rule_id].SEVERITY
        assert rule.options == RULES[rule_id].OPTIONS


def test_link_unreachable_takes_its_severity_from_links_unreachable() -> None:
    assert _active("links: {unreachable: error}\n")["link-unreachable"].severity is Severity.ERROR
    config = "links: {unreachable: error}\nrules: {link-unreachable: notice}\n"
    assert _active(config)["link-unreachable"].severity is Severity.NOTICE
    # Only that rule: the other link rules keep theirs.
    assert _active("links: {unreachable: error}\n")["link-redirected"].severity is Severity.WARNING


def test_notice_period_takes_its_days_from_notice_period_days() -> None:
    assert _active("notice_period_days: 30\n")["notice-period"].options == {"days": 30}
    config = "notice_period_days: 30\nrules:\n  notice-period: {days: 10}\n"
    assert _active(config)["notice-period"].options == {"days": 10}
    # Written but empty, the option keeps its default, as it always did.
    config = "notice_period_days: 30\nrules:\n  notice-period: {days: null}\n"
    assert _active(config)["notice-period"].options == {"days": 30}
    assert _active("{}\n")["notice-period"].options == {"days": None}


DAY = dt.date(2031, 5, 6)
NO_DATE = "| Name | Location | Description |\n|---|---|---|\n| [A](https://a.example/) | EU | B |\n"


def test_rules_take_today_from_the_context_not_the_clock() -> None:
    found = one(check(NO_DATE, today=DAY), "date-missing")
    assert found.suggestion == "Add 'Effective date: 2031-05-06' near the top (line 1)."
    registry = (
        "subprocessors:\n  - name: A\n    url: https://a.example/\n    location: EU\n"
        "    description: B\n    added: 2031-05-07\n"
    )
    config = "notice_period_days: 30\n"
    notice = one(check(NO_DATE, registry, config, today=DAY), "notice-period")
    assert notice.message == "'A' starts on 2031-05-07 but is already active (on the list)."
    # On its start day it may be active.
    assert only(check(NO_DATE, registry, config, today=DAY.replace(day=7)), "notice-period") == []
