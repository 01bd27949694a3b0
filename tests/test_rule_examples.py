"""Every rule's docstring examples do what they say, for every rule (``checker.docs``).

A failing example gets the rule's finding and a passing one none, with what its ``Given``
blocks say (``tests/rule_examples.py``). So the reference cannot drift from the code, and a
rule whose check is broken or deleted fails its own examples (``test_rules.py``'s
``test_every_rule_is_covered_here`` proves that, rule by rule).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from checker import docs
from checker.rules import RULES
from tests.rule_examples import noting_settings, outcomes


@pytest.mark.parametrize("rule_id", list(RULES))
def test_examples_do_what_they_say(
    rule_id: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = RULES[rule_id]
    reads: set[str] = set()
    monkeypatch.setattr(module, "check", noting_settings(module, reads))
    assert [str(o) for o in outcomes(module, tmp_path) if not o.agrees] == []
    # What the rule really reads of the page's settings, it declares (and so documents).
    assert reads <= module.SETTINGS, f"{rule_id} reads undeclared {sorted(reads - module.SETTINGS)}"


@pytest.mark.parametrize("rule_id", list(RULES))
def test_every_rule_has_a_failing_and_a_passing_example(rule_id: str) -> None:
    examples = docs.parse(RULES[rule_id]).examples
    assert any(not e.passes for e in examples), f"{rule_id}: add a failing example"
    assert any(e.passes for e in examples), f"{rule_id}: add a passing example"
    assert all(e.code for e in examples), f"{rule_id}: an example is a block, to be checked"


def test_given_blocks_hold_until_replaced() -> None:
    examples = docs.parse(RULES["notice-period"]).examples
    first, second = (e.context() for e in examples)
    assert first["config"] == second["config"] == "notice_period_days: 30"
    assert first["base registry"] == "subprocessors: []"
    assert "status: planned" in second["base registry"]
    assert all(e.is_registry for e in examples)


def test_escapes_stand_for_the_characters() -> None:
    assert docs.unescape(r"US\x00A\x0d") == "US\x00A\r"
    [nul, _, _] = docs.parse(RULES["control-character"]).examples
    assert "\x00" in nul.text and "\x00" not in nul.code
