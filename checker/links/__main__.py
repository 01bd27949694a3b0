"""``python -m checker.links FILE...``: check the http(s) links of Markdown files, live.

A stop-gap entry point until the main CLI grows ``--links``; it also lets benchmarks run the
link checker on its own. Prints ``verdict status url`` per URL, writes the broken URLs to the
file named by ``$LINKBENCH_BROKEN`` when set, and exits 1 when any URL is broken.

The network guard is OFF here (``allow_private``): this entry point exists to run against
local test servers. Do not point it at untrusted pages.
"""

from __future__ import annotations

import argparse
import os
import re
import sys

from checker.links import LinkOptions, check_urls
from checker.model import Verdict

# Good enough for the benchmark tables; the real CLI takes links from the Markdown parser.
_URL = re.compile(r"https?://[^\s<>()\[\]\"'`|]+")


def extract(path: str) -> dict[str, list[tuple[str, int]]]:
    """URL -> [(path, line)] for every http(s) URL written in the file."""
    found: dict[str, list[tuple[str, int]]] = {}
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            for match in _URL.finditer(line):
                url = match.group(0).rstrip(".,;:!?*_")
                found.setdefault(url, []).append((path, number))
    return found


def main(argv: list[str] | None = None) -> int:
    defaults = LinkOptions()
    parser = argparse.ArgumentParser(prog="python -m checker.links", description=__doc__)
    parser.add_argument("files", nargs="+", help="Markdown files")
    parser.add_argument("--concurrency", type=int, default=defaults.concurrency)
    parser.add_argument("--per-host", type=int, default=defaults.per_host)
    parser.add_argument("--budget", type=float, default=defaults.budget)
    args = parser.parse_args(argv)

    urls: dict[str, list[tuple[str, int]]] = {}
    for path in args.files:
        for url, places in extract(path).items():
            urls.setdefault(url, []).extend(places)
    options = LinkOptions(
        concurrency=args.concurrency,
        per_host=args.per_host,
        budget=args.budget,
        allow_private=True,
    )
    results = check_urls(urls, options)
    broken = [r.url for r in results if r.verdict is Verdict.BROKEN]
    out = sys.stdout
    for r in results:
        detail = f" ({r.error})" if r.error else ""
        out.write(
            f"{r.verdict.value} {r.status if r.status is not None else '-'} {r.url}{detail}\n"
        )
    target = os.environ.get("LINKBENCH_BROKEN")
    if target:
        with open(target, "w", encoding="utf-8") as fh:
            fh.writelines(url + "\n" for url in broken)
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
