"""front-matter-invalid: the page's front matter is not valid YAML.

The block between the ``---`` fences at the top of the page must be a YAML mapping. When it
cannot be read, the checker still checks the page, but without the front matter: a date or
setting stated there is not seen.

Why it matters: docs generators (Docusaurus, Hugo, Jekyll) refuse or mangle a page whose front
matter is broken, so the published list may not be the one in the repository, or not be
published at all.

Options: none.

Fails::

    ---
    title: [Subprocessors
    ---

Passes::

    ---
    title: Subprocessors
    ---
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checker.model import Severity
from checker.rules.base import Problem, RuleContext

ID = "front-matter-invalid"
SEVERITY = Severity.WARNING
NEEDS_REGISTRY = False
TAGS: frozenset[str] = frozenset()
OPTIONS: dict[str, Any] = {}
SETTINGS: frozenset[str] = frozenset()


def check(ctx: RuleContext, options: dict[str, Any]) -> Iterator[Problem]:
    doc = ctx.document
    if doc.front_matter_error is None:
        return
    yield Problem(
        doc.front_matter_error_line,
        1,
        f"The front matter is not valid YAML: {doc.front_matter_error}.",
        suggestion="Fix the YAML between the '---' lines (quote values that contain ': ', "
        "'[' or '#').",
        context={"error": doc.front_matter_error},
    )
