"""A small JSON cache of good link results, so repeated CI runs do not hammer vendor sites.

Only ``ok`` and ``redirected`` results are kept: a failure must be seen again, live, before
anyone is told about it, and a success is the common, cheap-to-trust case.

File format (version 1)::

    {"version": 1, "entries": {"<url>": {"verdict": "ok", "status": 200,
                                         "final_url": null, "checked_at": 1700000000.0}}}
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Iterable
from typing import Any

from checker.errors import InputError
from checker.load.files import read_bytes, write_file
from checker.model import LinkResult, Verdict

log = logging.getLogger(__name__)

CACHE_VERSION = 1
MAX_CACHE_BYTES = 16 * 1024 * 1024
"""A larger cache file is ignored (about 100,000 URLs fit)."""
CACHEABLE = frozenset({Verdict.OK, Verdict.REDIRECTED})


class ResultCache:
    """Good results of earlier runs, keyed by URL, valid for ``ttl`` seconds."""

    def __init__(self, path: str, ttl: float) -> None:
        self.path = path
        self.ttl = ttl
        self._entries: dict[str, dict[str, Any]] = {}

    def load(self, now: float | None = None) -> None:
        """Read the file; a missing file is an empty cache, a corrupt one is ignored."""
        now = time.time() if now is None else now
        if not os.path.lexists(self.path):
            return
        try:
            data = json.loads(read_bytes(self.path, self.path, "link cache", limit=MAX_CACHE_BYTES))
        except InputError as exc:
            log.warning("ignoring unreadable link cache %s: %s", self.path, exc.reason)
            return
        except (ValueError, RecursionError):  # the message would quote the file: say less
            log.warning("ignoring link cache %s: not JSON", self.path)
            return
        entries = data.get("entries") if isinstance(data, dict) else None
        if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
            log.warning("ignoring link cache %s: unknown format", self.path)
            return
        if not isinstance(entries, dict):
            log.warning("ignoring link cache %s: no entries", self.path)
            return
        for url, entry in entries.items():
            if self._valid(entry, now):
                self._entries[url] = entry

    def _valid(self, entry: object, now: float) -> bool:
        if not isinstance(entry, dict):
            return False
        checked = entry.get("checked_at")
        status = entry.get("status")
        final = entry.get("final_url")
        return (
            entry.get("verdict") in {v.value for v in CACHEABLE}
            and isinstance(checked, int | float)
            and 0 <= now - checked < self.ttl
            and (status is None or isinstance(status, int))
            and (final is None or isinstance(final, str))
        )

    def get(self, url: str) -> LinkResult | None:
        """The remembered result for ``url``, marked ``from_cache``, if still valid."""
        entry = self._entries.get(url)
        if entry is None:
            return None
        return LinkResult(
            url=url,
            verdict=Verdict(entry["verdict"]),
            status=entry.get("status"),
            final_url=entry.get("final_url"),
            from_cache=True,
        )

    def update(self, results: Iterable[LinkResult], now: float | None = None) -> None:
        """Remember the good, freshly checked ``results``."""
        now = time.time() if now is None else now
        for r in results:
            if r.verdict in CACHEABLE and not r.from_cache:
                self._entries[r.url] = {
                    "verdict": r.verdict.value,
                    "status": r.status,
                    "final_url": r.final_url,
                    "checked_at": now,
                }

    def save(self) -> None:
        """Write the cache atomically (``files.write_file``); a failure is only a warning.

        The path should be one ``files.allowed`` cleared for writing: the write then follows
        no symbolic link, so it lands where the check said.
        """
        payload = {"version": CACHE_VERSION, "entries": self._entries}
        data = (json.dumps(payload, sort_keys=True, indent=0) + "\n").encode("utf-8")
        try:
            write_file(self.path, data, self.path)
        except InputError as exc:
            log.warning("cannot write link cache %s: %s", self.path, exc.reason)
