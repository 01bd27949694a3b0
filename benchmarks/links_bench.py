#!/usr/bin/env python3
"""Time our live link checker against lychee & co. on the linkbench harness.

A script that prints figures, not a test. It runs ``run.sh`` from the shared linkbench
harness (local server on 127.0.0.1 ... 127.0.0.25, subprocessors tables of N rows) with our
checker plugged in as ``OURS`` and prints one table: wall time, peak RSS, requests, FP/FN,
plus our wall time as a fraction of lychee's.

    python benchmarks/links_bench.py                       # lychee + ours, N=50 and 500, 3 repeats
    python benchmarks/links_bench.py --tools "lychee linkchecker ours" --repeats 1

Peers are expected where the harness README installs them (``/tmp/lc-venv``); set
``LYCHEE``/``LINKCHECKER``/``MLC`` to point elsewhere. Environment knobs of run.sh (PORT, WORK,
PROFILE…) pass through.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
HARNESS = Path(os.environ.get("LINKBENCH", ROOT.parent / "shared" / "bench" / "linkbench"))
# The product as users run it: the CLI's link audit. Broken links are the lines of rule
# link-broken, which name the URL; the harness reads URLs from that file.
CLI = (
    "{python} -m checker check {{doc}} --links --allow-private --quiet --color never"
    " | grep -F '[link-broken]' > \"$LINKBENCH_BROKEN\"; true"
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tools", default="lychee ours")
    parser.add_argument("--sizes", default="50 500")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--port", default=os.environ.get("PORT", "8765"))
    parser.add_argument("--work", default=os.environ.get("WORK", "/tmp/linkbench-links"))
    parser.add_argument(
        "--ours",
        default=CLI.format(python=shlex.quote(sys.executable)),
        help="command for our checker; {doc} is the Markdown file (default: the CLI)",
    )
    args = parser.parse_args()

    prefix = Path(args.work) / "links_bench"
    env = dict(
        os.environ,
        TOOLS=args.tools,
        OURS=args.ours,
        SIZES=args.sizes,
        REPEATS=str(args.repeats),
        PORT=str(args.port),
        WORK=args.work,
        OUT_PREFIX=str(prefix),
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    )
    proc = subprocess.run(
        ["bash", str(HARNESS / "run.sh")], env=env, cwd=ROOT, capture_output=True, text=True
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        return proc.returncode
    report = json.loads(prefix.with_suffix(".json").read_text())
    print_table(report)
    return 0


def print_table(report: dict[str, Any]) -> None:
    rows = report["results"]
    lychee = {r["n"]: r["median_wall_s"] for r in rows if r["tool"] == "lychee"}
    meta = report["meta"]
    print(f"linkbench {meta['layout']}, {meta['repeats']} repeat(s), {meta['date']}")
    print(f"versions: {json.dumps(meta['versions'])}")
    header = (
        "| tool | N (unique) | wall s median (min-max) | × lychee | RSS MB | requests | FP | FN |"
    )
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    for r in sorted(rows, key=lambda r: (r["n"], r["tool"])):
        ratio = ""
        if r["n"] in lychee and lychee[r["n"]]:
            ratio = f"{r['median_wall_s'] / lychee[r['n']]:.2f}"
        wall = f"{r['median_wall_s']:.2f} ({r['min_wall_s']:.2f}-{r['max_wall_s']:.2f})"
        fp = r["fp"] if not r.get("fp_classes") else f"{r['fp']} ({r['fp_classes']})"
        print(
            f"| {r['tool']} | {r['n']} ({r['unique_urls']}) | {wall} | {ratio} "
            f"| {r['peak_rss_mb']} | {r['requests']} | {fp} | {r['fn']} |"
        )
    for r in rows:
        if r["tool"] == "ours":
            methods = r.get("req_by_method_median_run") or {}
            print(
                f"ours N={r['n']} requests by class/method: {json.dumps(methods, sort_keys=True)}"
            )


if __name__ == "__main__":
    sys.exit(main())
