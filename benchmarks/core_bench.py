"""Whole-process time and peak memory of an offline check, next to its floor.

The floor is what any checker built on these libraries must pay: starting Python, importing
the dependencies, parsing the page with markdown-it-py and loading the registry YAML. The
check should stay within 1.5x of it and grow linearly with the rows. Prints figures; it is
not a test (shared machines are noisy, so compare the ratios of one run).

    python benchmarks/core_bench.py [--rows 500 5000] [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

FLOOR = """
import sys, yaml, jsonschema, markdown_it, mdit_py_plugins.front_matter
from markdown_it import MarkdownIt
md = MarkdownIt("commonmark", {"html": True}).enable("table")
md.use(mdit_py_plugins.front_matter.front_matter_plugin)
md.parse(open(sys.argv[1], encoding="utf-8").read())
loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the loader the checker uses
yaml.compose(open(sys.argv[2], encoding="utf-8").read(), Loader=loader)
"""


# The checker's CLI raises the collector's thresholds (cli.tune_gc); the same setting applied
# to the floor shows how much of the gain is that alone.
FLOOR_TUNED_GC = "import gc; gc.set_threshold(200_000, 20, 20)\n" + FLOOR


def write_inputs(folder: Path, rows: int) -> tuple[Path, Path]:
    page = [
        "---",
        "title: Subprocessors",
        "---",
        "Effective date: 2025-02-05",
        "",
        "| Name of Subprocessor (with URL) | Location of Processing | Description |",
        "| ------ | ------ | ------ |",
    ]
    registry = [
        "privacy_policy: https://example.com/privacy",
        "effective_date: 2025-02-05",
        "subprocessors:",
    ]
    for i in range(rows):
        name, url = f"Vendor {i:05d} Inc.", f"https://vendor{i}.example.com/"
        location = ("USA", "Germany", "UK, Finland", "USA, Germany")[i % 4]
        description = f"Processing service number {i} (hosting, *analytics* and support)"
        page.append(f"| [{name}]({url}) | {location} | {description} |")
        registry += [
            f"  - name: {name}",
            f"    url: {url}",
            f"    location: {location}",
            f"    description: {description}",
        ]
    page += ["", "See also: [Privacy Policy](https://example.com/privacy).", ""]
    page_path, registry_path = folder / f"page_{rows}.md", folder / f"registry_{rows}.yml"
    page_path.write_text("\n".join(page), encoding="utf-8")
    registry_path.write_text("\n".join(registry) + "\n", encoding="utf-8")
    return page_path, registry_path


def measure(command: list[str]) -> tuple[float, float, int]:
    """Wall seconds, peak RSS in MB and the exit code of one process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    return wall, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[500, 5000])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, median of {args.repeat}")
    print(
        f"{'rows':>6} {'floor s':>8} {'check s':>8} {'ratio':>6} {'floor MB':>9} "
        f"{'check MB':>9} {'ratio':>6}  exit  {'floor+gc s':>10} {'ratio':>6}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for rows in args.rows:
            page, registry = write_inputs(Path(tmp), rows)
            floor_cmd = [sys.executable, "-c", FLOOR, str(page), str(registry)]
            check_cmd = [sys.executable, "-m", "checker", "check", str(page), "-r", str(registry)]
            tuned_cmd = [sys.executable, "-c", FLOOR_TUNED_GC, str(page), str(registry)]
            floors, checks, tuned = [], [], []
            for _ in range(args.repeat):  # interleaved, so drift on the machine hits all
                floors.append(measure(floor_cmd))
                checks.append(measure(check_cmd))
                tuned.append(measure(tuned_cmd))
            f_wall = statistics.median(w for w, _, _ in floors)
            c_wall = statistics.median(w for w, _, _ in checks)
            f_mem = max(m for _, m, _ in floors)
            c_mem = max(m for _, m, _ in checks)
            t_wall = statistics.median(w for w, _, _ in tuned)
            code = checks[-1][2]
            print(
                f"{rows:>6} {f_wall:>8.3f} {c_wall:>8.3f} {c_wall / f_wall:>6.2f} "
                f"{f_mem:>9.1f} {c_mem:>9.1f} {c_mem / f_mem:>6.2f}  {code:>4}  "
                f"{t_wall:>10.3f} {c_wall / t_wall:>6.2f}"
            )


if __name__ == "__main__":
    main()
