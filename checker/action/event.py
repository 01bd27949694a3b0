"""The event that started the job, read from the payload the runner wrote."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from checker.errors import InputError
from checker.load import files

AUDIT_EVENTS = frozenset({"workflow_dispatch", "schedule"})
"""Events that audit the whole page: links default to ``all``."""

CHANGE_EVENTS = frozenset({"push", "pull_request", "pull_request_target", "merge_group"})
"""Events about a change, even when their payload cannot be read."""

MAX_EVENT_BYTES = 25 * 1024 * 1024
"""GitHub caps webhook payloads at 25 MB; a larger file is not an event it sent."""


@dataclass(slots=True)
class Event:
    """The event payload the runner wrote to ``GITHUB_EVENT_PATH``."""

    payload: dict[str, Any]
    problem: str | None = None
    """Why the payload could not be used (it is then empty: a full audit)."""


def read_event(env: Mapping[str, str]) -> Event:
    """The payload, read with a size cap; a broken one is empty, with the reason."""
    path = env.get("GITHUB_EVENT_PATH")
    if not path:
        return Event({})
    try:
        data = json.loads(files.read_bytes(path, path, "event payload", limit=MAX_EVENT_BYTES))
    except InputError as exc:
        return Event({}, exc.reason)
    except (ValueError, RecursionError):  # RecursionError: "[[[[…" nested past the stack
        return Event({}, "it is not JSON")
    if not isinstance(data, dict):
        return Event({}, "it is not a JSON object")
    problem = _shape_problem(env.get("GITHUB_EVENT_NAME", ""), data)
    return Event({}, problem) if problem else Event(data)


_SHAPES: Mapping[str, tuple[str, ...]] = {
    "pull_request": ("pull_request",),
    "pull_request_target": ("pull_request",),
    "pull_request_review": ("pull_request",),
    "merge_group": ("merge_group",),
}
"""The mapping each change event's payload must carry; GitHub always sends it."""


def _shape_problem(event_name: str, data: Mapping[str, Any]) -> str | None:
    """Why a payload does not look like what GitHub sends for ``event_name``, or None."""
    for key in _SHAPES.get(event_name, ()):
        if not isinstance(data.get(key), dict):
            return f"its '{key}' is not an object"
        for side in ("base", "head"):
            if side in data[key] and not isinstance(data[key][side], dict):
                return f"its '{key}.{side}' is not an object"
    if event_name == "push" and not isinstance(data.get("before", ""), str):
        return "its 'before' is not a commit"
    return None


def dig(data: Any, *keys: str) -> Any:
    """``data[k1][k2]…``, or None where a level is missing or not a mapping."""
    for key in keys:
        if not isinstance(data, Mapping):
            return None
        data = data.get(key)
    return data


def event_notice(event: Event, env: Mapping[str, str]) -> str:
    return (
        f"The event payload ({env.get('GITHUB_EVENT_PATH')}) could not be used: "
        f"{event.problem}. Checked as a full audit instead: nothing was compared with a base, "
        "so the base-vs-head rules (date-not-updated) were skipped and every finding is "
        "annotated."
    )
