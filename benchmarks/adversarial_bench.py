"""Parsing time of crafted pages at N and 2N characters: one line per shape, with the ratio.

Each shape is a way to attack the parser (raw HTML that never closes, floods of brackets,
pipes, links, control characters, date labels that backtrack …), the same shapes that
``tests/test_linear.py`` asserts on: linear time gives a ratio near 2, quadratic near 4. The
figures are CPU seconds of this process, garbage collector off, the best of ``--repeat``
runs; ``--scale`` multiplies the test's sizes. Prints figures; it is not a test.

    python benchmarks/adversarial_bench.py [--scale 4] [--repeat 3] [SHAPE ...]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.test_linear import MAX_RATIO, SHAPES, measure  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("shapes", nargs="*", help="only these shapes (default: all)")
    parser.add_argument("--scale", type=float, default=4.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    chosen = [s for s in SHAPES if not args.shapes or s.name in args.shapes]
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, best of {args.repeat}")
    print(
        f"{'shape':34} {'N chars':>10} {'N s':>8} {'2N chars':>10} {'2N s':>8} {'ratio':>6}  µs/KB"
    )
    worst = 0.0
    for shape in chosen:
        m = measure(shape, repeats=args.repeat, scale=args.scale)
        worst = max(worst, m.ratio)
        flag = "  <-- over the test's limit" if m.ratio > MAX_RATIO else ""
        per_kb = m.doubled_seconds / m.doubled_chars * 1e9  # µs per 1000 characters
        print(
            f"{shape.name:34} {m.chars:>10,} {m.seconds:>8.3f} {m.doubled_chars:>10,} "
            f"{m.doubled_seconds:>8.3f} {m.ratio:>6.2f}  {per_kb:>6.0f}{flag}"
        )
    print(f"worst ratio {worst:.2f} (the test allows {MAX_RATIO})")


if __name__ == "__main__":
    main()
