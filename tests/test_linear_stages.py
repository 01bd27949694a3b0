"""Past the parser: many pages in the config, and how much of the page findings quote.

Each test attacks one stage the way a pull request could (a config that lists hundreds of
pages, one enormous header cell above many short rows, a header thousands of columns
wide) and asserts a ratio measured in one run (time at N and 2N), or a bound on how much
output a small input may produce. See tests/test_linear.py for the parser's own shapes.
"""

from __future__ import annotations

import gc
import json
import time
from collections.abc import Callable
from pathlib import Path

from checker.load.config import parse_config
from tests.support import cli

MAX_RATIO = 2.5
"""The most the time may grow when the input doubles (linear: 2; quadratic: 4)."""


def best_ratio(run: Callable[[int], object], size: int, attempts: int = 3) -> float:
    """Time ``run(size)`` and ``run(2 * size)``, best of a few, GC off; the lowest ratio."""
    ratios = []
    for _ in range(attempts):
        times = []
        for n in (size, 2 * size):
            gc.disable()
            try:
                started = time.process_time()
                run(n)
                times.append(time.process_time() - started)
            finally:
                gc.enable()
        ratios.append(times[1] / max(times[0], 1e-9))
        if ratios[-1] <= MAX_RATIO:
            break
    return min(ratios)


def test_many_documents_are_looked_up_in_linear_time(tmp_path: Path) -> None:
    def run(n: int) -> object:
        text = "documents:\n" + "".join(f"  - {{path: docs/p{i}.md}}\n" for i in range(n))
        config = parse_config(text, "cfg.yml", base_dir=tmp_path)
        return [config.document(str(tmp_path / f"docs/p{i}.md")) for i in range(n)]

    assert best_ratio(run, 1_500) <= MAX_RATIO


def test_one_huge_header_cell_is_not_repeated_in_every_finding(tmp_path: Path) -> None:
    header = "| Name | Location | Description " + "A" * 100_000 + " |\n| --- | --- | --- |\n"
    page = "Effective date: 2024-03-01\n\n" + header + "| x | y |\n" * 300
    result = cli(tmp_path, "check", "page.md", page=page)
    assert result.code == 1, result.stderr
    findings = [f for f in result.findings if f["rule"] == "malformed-row"]
    assert len(findings) == 300
    # Each finding may quote a little of the header, not all of it.
    assert max(len(f["message"]) for f in findings) < 500
    assert len(result.stdout) < 4 * len(page)


def test_a_crafted_wide_header_gets_no_row_wide_suggestion(tmp_path: Path) -> None:
    width = 3 + 20_000
    header = "| Name | Location | Description |" + " a |" * (width - 3) + "\n"
    rule = "|" + " --- |" * width + "\n"
    page = "Effective date: 2024-03-01\n\n" + header + rule + "| x | y | z |\n"
    vendors = "".join(
        f"  - {{name: V{i}, url: 'https://v{i}.example/', location: EU, description: d}}\n"
        for i in range(200)
    )
    registry = "effective_date: 2024-03-01\nsubprocessors:\n" + vendors
    result = cli(tmp_path, "check", "page.md", "-r", "registry.yml", page=page, registry=registry)
    assert result.code == 1, result.stderr
    missing = [f for f in result.findings if f["rule"] == "missing-from-document"]
    assert missing, json.dumps(result.findings[:3])
    assert all(len(f.get("suggestion") or "") < 1000 for f in missing)
    assert len(result.stdout) < 4 * (len(page) + len(registry))
