"""Parsing a page takes time linear in its size, whatever a pull request writes in it.

A crafted page once hung the job: ``"<table>\\n\\n"`` repeated re-read the rest of the page
from every ``<table``, and a line of ``(`` in a header cell, unclosed ``<h1>``, ``<a`` without
``>`` and others grew about 4x per doubling. Each shape below is a way to attack the parser
(and markdown-it-py as the parser calls it, and table finding, and pairing rows with the
registry): it is timed at a size N and at 2N in the same run, and the time may grow by at most
``MAX_RATIO``. A quadratic path gives about 4x; a ratio, not an absolute time, keeps the test
meaningful on a slow or busy machine.

Times are CPU times of this process (``time.process_time``) with the garbage collector off,
the best of a few runs, so that other processes on the machine do not count. The sizes are
chosen so that each measure takes some tens of milliseconds: well above the clock's noise, and
large enough that a quadratic term would dominate. ``benchmarks/adversarial_bench.py`` prints
the same measures, at any scale.
"""

from __future__ import annotations

import gc
import json
import re
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from checker.compare.matching import match
from checker.load.config import TableSettings
from checker.model import Registry, RegistryEntry
from checker.page.markdown import parse_document
from checker.page.tables import find_tables

ROOT = Path(__file__).resolve().parents[1]
MAX_RATIO = 2.5
"""The most the time may grow when the input doubles (linear: 2; quadratic: 4)."""
REPEATS = 2
"""Runs per size; the best one counts (noise only ever adds time)."""


def times(unit: str, size: int) -> str:
    """``unit`` repeated to about ``size`` characters."""
    return unit * max(1, size // len(unit))


def numbered(template: str, size: int) -> str:
    """``template`` formatted with 0, 1, 2 … (distinct values) to about ``size`` characters."""
    parts: list[str] = []
    length = i = 0
    while length < size:
        part = template.format(i=i)
        parts.append(part)
        length += len(part)
        i += 1
    return "".join(parts)


def backtick_runs(size: int) -> str:
    """Runs of 1 to 64 backticks that never close (each length once per 64 runs)."""
    return numbered("{i} ", size // 8).translate({ord(d): "`" for d in "0123456789"}) + times(
        "".join("`" * (k + 1) + " x " for k in range(64)), size
    )


HEADER = "| Name | Location | Description |\n| --- | --- | --- |\n"


def row_with(cell: str) -> str:
    """A table whose one body row has ``cell`` as its name."""
    return HEADER + "| " + cell + " | USA | Hosting |\n"


@dataclass(frozen=True, slots=True)
class Shape:
    """One way to write a page that a parser might read in more than linear time."""

    name: str
    """Short id, shown in test ids and by the benchmark."""
    page: Callable[[int], str]
    """The page text of about ``n`` characters, for any ``n``."""
    size: int
    """N: the smaller size measured, in characters."""
    labels: tuple[str, ...] = ()
    """``date.labels`` from the config (patterns a pull request can write)."""
    registry: bool = False
    """Also pair the rows with a registry that lists every row's vendor (``matching``)."""
    heading: str | None = None
    """``table.heading`` from the config: the list is the tables under this heading."""
    isolated: bool = False
    """Measured in a child process with a time limit: a regression here would not be slow
    but hang (a backtracking pattern), and must fail rather than stall the suite."""


SHAPES = [
    # Raw HTML: tags the HTML reader or our own patterns might rescan.
    Shape("table-tags-blank-lines", lambda n: times("<table>\n\n", n), 5_000),
    Shape("table-rows-never-closed", lambda n: times("<table><tr><td>x\n\n", n), 20_000),
    Shape("nested-tables-one-line", lambda n: times("<table><tr><td>", n), 40_000),
    Shape("table-then-lt-lines", lambda n: "<table>\n" + times("<\n", n), 10_000),
    Shape("table-then-a-without-gt", lambda n: "<table>\n" + times("<a ", n), 160_000),
    Shape("table-then-a-lines", lambda n: "<table><tr><td>\n" + times("<a b\n", n), 80_000),
    Shape("table-then-comments", lambda n: "<table>\n" + times("<!-- ", n), 400_000),
    Shape("table-then-marked-sections", lambda n: "<table>\n" + times("<![ x ", n), 400_000),
    Shape("table-then-end-tags", lambda n: "<table>\n" + times("</x ", n), 400_000),
    Shape("table-then-declarations", lambda n: "<table>\n" + times("<!x ", n), 400_000),
    Shape(
        "table-then-cells-of-links",
        lambda n: numbered("<table><tr><td><a href=/{i}>v</a>\n", n),
        40_000,
    ),
    Shape("lt-lines", lambda n: times("<\n", n), 2_500),
    Shape("lt-one-line", lambda n: times("<", n), 20_000),
    Shape("a-without-gt", lambda n: times("<a ", n), 20_000),
    Shape("a-without-gt-in-block", lambda n: "<div>\n" + times("<a \n", n), 20_000),
    Shape("h1-never-closed", lambda n: times("<h1>x\n", n), 50_000),
    Shape("h1-without-gt", lambda n: "<div>\n" + times("<h1 ", n), 400_000),
    Shape("hrefs-in-one-block", lambda n: "<div>\n" + numbered("<a href=/{i}>x</a>\n", n), 100_000),
    Shape("hrefs-on-one-line", lambda n: "<div>" + numbered("<a href=/{i}>x</a>", n), 100_000),
    Shape("comments-never-closed", lambda n: times("<!--\n", n), 50_000),
    Shape("inline-comments", lambda n: times("x <!-- ", n), 20_000),
    Shape("inline-cdata", lambda n: times("x <![CDATA[ ", n), 5_000),
    Shape("br-flood-in-cell", lambda n: row_with(times("<br>", n)), 20_000),
    # Markdown tables.
    Shape("header-of-parens", lambda n: times("(", n) + " | Location |\n| --- | --- |\n", 200_000),
    Shape(
        "header-of-paren-cells",
        lambda n: "|" + times(" ( |", n) + "\n" + times("|-", n // 2) + "|\n",
        5_000,
    ),
    Shape("row-of-pipes", lambda n: HEADER + times("|", n) + "\n", 20_000),
    Shape("row-of-links", lambda n: row_with(numbered("[v](https://v{i}.example/) ", n)), 100_000),
    Shape(
        "row-of-reference-links",
        lambda n: (
            row_with(numbered("[v][r{i}] ", n // 2))
            + numbered("\n[r{i}]: https://r{i}.example/", n // 2)
        ),
        40_000,
    ),
    Shape("row-of-bare-urls", lambda n: row_with(numbered("https://v{i}.example/ ", n)), 100_000),
    Shape(
        "many-small-tables", lambda n: times(row_with("[A](https://a.example/)") + "\n", n), 20_000
    ),
    Shape(
        "tables-under-a-long-heading",
        lambda n: "# " + times("x", n // 2) + "\n" + times(row_with("A") + "\n", n // 2),
        50_000,
        heading="list",
    ),
    # Inline Markdown and paragraphs.
    Shape("brackets", lambda n: times("[", n), 5_000),
    Shape("image-brackets", lambda n: times("![", n), 2_500),
    Shape("links-never-closed", lambda n: times("[a](", n), 5_000),
    Shape("link-titles-never-closed", lambda n: times('[a](/u "', n), 20_000),
    Shape("angle-destinations", lambda n: times("[a](<", n), 10_000),
    Shape("hard-breaks", lambda n: times("x\\\n", n), 5_000),
    Shape("trailing-spaces", lambda n: times("x   \n", n), 10_000),
    Shape(
        "paragraph-of-reference-links",
        lambda n: (
            numbered("[v][r{i}] ", n // 2) + numbered("\n\n[r{i}]: https://r{i}.example/", n // 2)
        ),
        40_000,
    ),
    Shape(
        "paragraph-of-encoded-links",
        lambda n: numbered("[v](https://v{i}.example/\u00e4) ", n),
        100_000,
    ),
    Shape("emphasis-runs", lambda n: times("*_", n), 5_000),
    Shape("mixed-emphasis", lambda n: times("*a _b ", n), 20_000),
    Shape("backtick-runs", lambda n: backtick_runs(n), 100_000),
    Shape("autolinks-never-closed", lambda n: times("<http://a ", n), 20_000),
    Shape("entities", lambda n: times("&#", n), 20_000),
    Shape("backslashes", lambda n: times("\\", n), 20_000),
    # Blocks.
    Shape("nested-quotes", lambda n: times("> ", n) + "| a | b |\n", 400_000),
    Shape(
        "quoted-table",
        lambda n: HEADER.replace("|", "> |", 20_000) + times("> > | x | y | z |\n", n),
        40_000,
    ),
    Shape("nested-lists", lambda n: times("- ", n) + "x\n", 40_000),
    Shape(
        "reference-definitions", lambda n: numbered("[r{i}]: https://r{i}.example/\n", n), 20_000
    ),
    Shape("setext-headings", lambda n: times("x\n=\n", n), 5_000),
    Shape("paragraph-then-underline", lambda n: times("x\n", n) + "===\n", 5_000),
    Shape("list-items", lambda n: times("1. x\n", n), 5_000),
    Shape("reference-title-never-closed", lambda n: "[a]: /u '" + times("x\n", n), 5_000),
    Shape("fences", lambda n: times("```\n", n), 40_000),
    Shape("front-matter-fences", lambda n: times("---\n", n), 20_000),
    Shape("front-matter-never-closed", lambda n: "---\n" + numbered("k{i}: v\n", n), 20_000),
    Shape("front-matter-large", lambda n: "---\n" + numbered("k{i}: v\n", n) + "---\n", 100_000),
    # Dates.
    Shape("date-lines", lambda n: times("Effective date: 2024-01-01\n", n), 40_000),
    Shape("date-label-alone", lambda n: times("Last updated\n", n), 20_000),
    Shape(
        "date-template-never-closed",
        lambda n: "Effective date: " + times("{{ .a ", n) + "}\n",
        50_000,
    ),
    Shape("date-of-lts", lambda n: "Updated: 1 " + times("<", n) + "\n", 20_000),
    Shape("templates", lambda n: times("{{ ", n), 20_000),
    Shape(
        "date-label-backtracking",
        lambda n: times("a", n) + "\n",
        400_000,
        labels=("(a+)+b",),
        isolated=True,
    ),
    Shape(
        "date-label-on-every-line",
        lambda n: times("Stand: 1. 2. 2024\n", n),
        20_000,
        labels=("Stand",),
    ),
    # Control characters and line endings.
    Shape("control-characters", lambda n: times("x\x00\x1b\x7f\x85 | \n", n), 20_000),
    Shape("lone-carriage-returns", lambda n: times("a\rb\r\n", n), 10_000),
    # Pairing rows with the registry.
    Shape(
        "one-name-many-times",
        lambda n: HEADER + times("| X | USA | Hosting |\n", n),
        10_000,
        registry=True,
    ),
]


def registry_for(text: str) -> Registry:
    """A registry that lists every vendor row of the page, as often as the page does."""
    doc = parse_document(text)
    names = [v.name for t in find_tables(doc, TableSettings()) for v in t.vendors]
    entries = [
        RegistryEntry(name, "https://x.example/", "USA", "Hosting", i)
        for i, name in enumerate(names)
    ]
    return Registry("registry.yml", entries)


def run_once(shape: Shape, text: str, registry: Registry | None) -> float:
    """CPU seconds to parse the page, find its tables and (with a registry) pair the rows."""
    gc.collect()
    gc.disable()  # a collection landing in one run and not the other is noise, not growth
    try:
        start = time.process_time()
        doc = parse_document(text, date_labels=shape.labels)
        tables = find_tables(doc, TableSettings(heading=shape.heading))
        if registry is not None:
            match(tables, registry)
        return time.process_time() - start
    finally:
        gc.enable()


@dataclass(frozen=True, slots=True)
class Measure:
    """One shape timed at two sizes in the same run."""

    chars: int
    """Length of the smaller page."""
    seconds: float
    """Best time at that size."""
    doubled_chars: int
    doubled_seconds: float

    @property
    def ratio(self) -> float:
        return self.doubled_seconds / max(self.seconds, 1e-9)


def measure(shape: Shape, repeats: int = REPEATS, scale: float = 1.0) -> Measure:
    """Time ``shape`` at N and 2N, interleaved, so a drift in the machine hits both."""
    small, large = shape.page(int(shape.size * scale)), shape.page(int(2 * shape.size * scale))
    registries = (registry_for(small), registry_for(large)) if shape.registry else (None, None)
    best = [float("inf"), float("inf")]
    for _ in range(repeats):
        for i, text in enumerate((small, large)):
            best[i] = min(best[i], run_once(shape, text, registries[i]))
    return Measure(len(small), best[0], len(large), best[1])


ATTEMPTS = 3
"""Measures of a shape before it fails: a busy machine can slow one run down, but a path
that is quadratic gives about 4x every time."""


def measure_apart(shape: Shape, repeats: int = REPEATS) -> Measure:
    """``measure`` in a child process, which fails the test if it takes over a minute."""
    code = (
        "import json, sys\n"
        "from tests.test_linear import SHAPES, measure\n"
        f"m = measure(next(s for s in SHAPES if s.name == {shape.name!r}), repeats={repeats})\n"
        "print(json.dumps([m.chars, m.seconds, m.doubled_chars, m.doubled_seconds]))\n"
    )
    try:
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"{shape.name}: parsing did not finish within a minute")
    assert done.returncode == 0, done.stderr
    return Measure(*json.loads(done.stdout))


@pytest.mark.parametrize("shape", SHAPES, ids=[s.name for s in SHAPES])
def test_time_grows_linearly(shape: Shape) -> None:
    timed = measure_apart if shape.isolated else measure
    tries = [timed(shape)]
    while tries[-1].ratio > MAX_RATIO and len(tries) < ATTEMPTS:
        tries.append(timed(shape, repeats=REPEATS + 1))
    found = min(tries, key=lambda m: m.ratio)
    assert found.ratio <= MAX_RATIO, (
        f"{shape.name}: {found.chars:,} chars in {found.seconds:.3f}s, "
        f"{found.doubled_chars:,} in {found.doubled_seconds:.3f}s (x{found.ratio:.2f}; "
        f"in {len(tries)} measures: " + ", ".join(f"x{m.ratio:.2f}" for m in tries) + ")"
    )


def test_the_measure_tells_quadratic_from_linear() -> None:
    # The pattern the parser once ran on every line: rescans to the end of the line from
    # each "<" with no ">" after it. If this measure cannot see that, it proves nothing.
    tag = re.compile(r"<[^>\n]*>")
    quadratic = Shape("quadratic", lambda n: times("<", n), 4000)
    best = []
    for text in (quadratic.page(4000), quadratic.page(8000)):
        runs = []
        for _ in range(REPEATS):
            start = time.process_time()
            tag.sub("", text)
            runs.append(time.process_time() - start)
        best.append(min(runs))
    assert best[1] / best[0] > 3
