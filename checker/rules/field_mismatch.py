"""field-mismatch: a vendor's URL, location, description or name differs from the registry.

Each row paired with a registry entry is compared field by field. Text is compared after
folding blanks and removing Markdown markup, so ``*Customer Data*`` equals ``Customer Data``;
anything else, a changed word, an en dash for a hyphen, a different capitalisation of the
name, is a difference. URLs are compared after lower-casing the scheme and host and writing
an empty path as ``/``. An entry without the field (a registry whose ``required_fields``
leaves it out) agrees with a page that shows nothing there; a page that shows a value the
registry does not record is a difference. The registry's value is the suggested fix.

Why it matters: the page is what customers read and the registry is what was agreed; a
location that says "Germany" where the contract says "USA, Germany" misstates where their
data goes.

Options:

- ``compare`` (default ``[name, url, location, description]``): the fields compared; set it
  per document, e.g. a translated page compares ``[name, url, location]``.

Given the registry::

    subprocessors:
      - name: Hetzner
        url: https://hetzner.com/
        location: USA, Germany
        description: Hosting

Fails (the registry says location "USA, Germany")::

    | [Hetzner](https://hetzner.com/) | Germany | Hosting |

Passes::

    | [Hetzner](https://hetzner.com/) | USA, Germany | Hosting |
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from checker.compare.matching import normalize_url, same_text
from checker.model import RegistryEntry, Severity
from checker.page.tables import VendorRow
from checker.rules.base import Problem, RegistryContext

ID = "field-mismatch"
SEVERITY = Severity.ERROR
NEEDS_REGISTRY = True
TAGS: frozenset[str] = frozenset()
OPTIONS: dict[str, Any] = {}
SETTINGS: frozenset[str] = frozenset({"compare"})


def check(ctx: RegistryContext, options: dict[str, Any]) -> Iterator[Problem]:
    compare = ctx.settings.compare
    for row, entry in ctx.matching.pairs:
        for name in compare:
            expected = entry.field_value(name)
            if expected is None:
                yield from _unrecorded(row, entry, name, ctx.registry.path)
                continue
            if name == "url":
                link = row.link
                if link is None or normalize_url(link.url) == normalize_url(expected):
                    continue  # no link at all is link-missing's finding
                yield Problem(
                    link.line,
                    link.column,
                    f"The URL of '{row.name}' is {link.url} but the registry says {expected}.",
                    suggestion=expected,
                    end_column=link.column + len(link.url) if link.column else None,
                    context={
                        "field": "url",
                        "vendor": entry.name,
                        "expected": expected,
                        "actual": link.url,
                    },
                )
                continue
            cell = row.cells.get(name)
            if cell is None or not cell.text:
                continue  # malformed-row / blank-cell report those
            if same_text(cell, expected):
                continue
            yield Problem(
                cell.line,
                cell.column,
                f"The {name} of '{entry.name}' is {cell.text!r} but the registry says "
                f"{expected!r}.",
                suggestion=expected,
                end_column=cell.column + len(cell.raw),
                context={
                    "field": name,
                    "vendor": entry.name,
                    "expected": expected,
                    "actual": cell.text,
                },
            )


def _unrecorded(
    row: VendorRow, entry: RegistryEntry, name: str, registry: str
) -> Iterator[Problem]:
    """The page shows a value for a field the registry entry does not record."""
    if name == "url":
        if row.link is None:
            return
        line, column, shown = row.link.line, row.link.column, row.link.url
    else:
        cell = row.cells.get(name)
        if cell is None or not cell.text:
            return
        line, column, shown = cell.line, cell.column, cell.text
    yield Problem(
        line,
        column,
        f"The page shows {shown!r} as the {name} of '{entry.name}' but the registry records "
        f"none ({registry}:{entry.line}).",
        suggestion=f"Add '{name}: {shown}' to the entry in {registry}.",
        context={"field": name, "vendor": entry.name, "expected": None, "actual": shown},
    )
