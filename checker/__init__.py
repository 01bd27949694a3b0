"""subprocessor-check: keep a public data-subprocessors page honest."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping

__version__ = "0.1.0"
"""The one place the version is written (packaging reads it from here)."""

RULES_DOC_PATH = "docs/rules.md"
"""The rule reference, as a path inside this project's repository."""

RULES_DOC_URL = RULES_DOC_PATH
"""Default base of the links every finding carries (``{base}#{rule-id}``).

The project's public address is not known to the code, so the default is the repository
path: right for a reader of a checkout, and what ``subprocessor-check explain RULE`` prints
offline. :func:`rules_doc_url` turns it into a full URL when the run knows better.
"""

RULES_DOC_URL_ENV = "SUBPROCESSOR_CHECK_RULES_DOC_URL"
"""Environment variable that replaces :data:`RULES_DOC_URL` (e.g. set by the action)."""

_SERVER = re.compile(r"https://[A-Za-z0-9.-]+(:[0-9]+)?")
_REPOSITORY = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")
_REF = re.compile(r"[A-Za-z0-9_./-]{1,200}")


def action_rules_doc_url(env: Mapping[str, str] | None = None) -> str | None:
    """The rule reference at the action's own revision, for a run inside the GitHub Action.

    ``{GITHUB_SERVER_URL}/{GITHUB_ACTION_REPOSITORY}/blob/{GITHUB_ACTION_REF}/docs/rules.md``,
    so a finding links to the rules of the exact version that reported it. ``None`` unless
    all three values look right (they come from the environment; a link is never built from
    anything unexpected). Only the action should call this: in any other action's step these
    variables name *that* action.
    """
    env = os.environ if env is None else env
    server = env.get("GITHUB_SERVER_URL", "").rstrip("/")
    repository = env.get("GITHUB_ACTION_REPOSITORY", "").strip("/")
    ref = env.get("GITHUB_ACTION_REF", "")
    if not (
        _SERVER.fullmatch(server)
        and _REPOSITORY.fullmatch(repository)
        and _REF.fullmatch(ref)
        and ".." not in ref
    ):
        return None
    return f"{server}/{repository}/blob/{ref}/{RULES_DOC_PATH}"


def rules_doc_url(env: Mapping[str, str] | None = None) -> str:
    """The base of rule links for this run: ``$SUBPROCESSOR_CHECK_RULES_DOC_URL`` when set
    (an ``https://`` URL or a path), else :data:`RULES_DOC_URL`."""
    env = os.environ if env is None else env
    configured = env.get(RULES_DOC_URL_ENV, "").strip()
    if configured and not any(ch.isspace() or not ch.isprintable() for ch in configured):
        return configured.split("#", 1)[0]
    return RULES_DOC_URL
