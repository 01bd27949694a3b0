"""Load the canonical registry: a YAML file (or an https URL) validated by the shipped schema."""

from __future__ import annotations

import datetime as dt
from typing import Any

from checker.errors import InputError
from checker.load import yamlfile
from checker.load.files import decode_text, read_text
from checker.load.validation import validate
from checker.model import Registry, RegistryEntry
from checker.net.credentials import TokenPolicy

REQUIRED_FIELDS = ("name", "url", "location", "description")
MAX_REGISTRY_BYTES = 5 * 1024 * 1024


def is_remote(source: str) -> bool:
    return source.startswith(("https://", "http://"))


def load_registry(
    source: str, *, token: TokenPolicy | None = None, allow_private: bool = False
) -> Registry:
    """Read, validate and build the registry from a path or URL; ``InputError`` on any problem.

    A URL is fetched over the guarded transport (``checker.net.fetch``): https only unless
    ``allow_private``, with ``token`` sent only where its policy allows.
    """
    if is_remote(source):
        return _parse_fetched(_fetch(source, token, allow_private), source)
    return parse_registry(_read(source), source)


def parse_registry(text: str, source: str) -> Registry:
    """Build a ``Registry`` from YAML text; ``source`` names it in messages."""
    try:
        data, positions = yamlfile.load(text)
    except yamlfile.YamlError as exc:
        raise InputError(source, f"invalid YAML: {exc.message}", exc.line) from None
    if data is None:
        raise InputError(source, "the registry is empty; it needs a 'subprocessors' list")
    if not isinstance(data, dict):
        raise InputError(
            source,
            "the registry must be a mapping with a 'subprocessors' list, not "
            + ("a list" if isinstance(data, list) else "plain text"),
            1,
        )
    validate(data, "registry", positions, source, "registry")
    effective = data.get("effective_date")
    if effective is not None:
        _check_real_date(effective, source, positions.line_of(("effective_date",)))
    entries = []
    for i, item in enumerate(data["subprocessors"]):
        if "added" in item:
            _check_real_date(
                item["added"], source, positions.line_of(("subprocessors", i, "added"))
            )
        extra: dict[str, Any] = {k: v for k, v in item.items() if k not in REQUIRED_FIELDS}
        entries.append(
            RegistryEntry(
                name=item["name"],
                url=item.get("url"),
                location=item.get("location"),
                description=item.get("description"),
                line=positions.line_of(("subprocessors", i)) or 1,
                extra=extra,
            )
        )
    return Registry(
        path=source,
        entries=entries,
        privacy_policy=data.get("privacy_policy"),
        effective_date=effective,
        effective_date_line=positions.line_of(("effective_date",)),
    )


def _check_real_date(value: str, source: str, line: int | None) -> None:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(source, f"invalid registry: {value!r} is not a real date", line) from None


def _read(source: str) -> str:
    return read_text(source, source, "registry file", limit=MAX_REGISTRY_BYTES)


def _fetch(url: str, token: TokenPolicy | None, allow_private: bool) -> str:
    # Imported here so that an offline check of a local registry never loads requests.
    from checker.net.fetch import FetchError, FetchLimits, fetch

    limits = FetchLimits(limit=MAX_REGISTRY_BYTES, allow_private=allow_private)
    try:
        data = fetch(url, limits, token)
    except FetchError as exc:
        raise InputError(url, f"could not fetch the registry: {exc}") from None
    try:
        return decode_text(data, url)
    except InputError:
        raise InputError(url, f"the fetched registry is not UTF-8 text; {_NOT_SHOWN}") from None


_NOT_SHOWN = "its text is not shown here (check the file at its source)"


def _parse_fetched(text: str, url: str) -> Registry:
    """Parse a fetched registry; a problem is reported without a word of the text.

    The body may be content that only the token can read (a private repository's file named
    by a pull request's config), and messages end up in annotations anyone can see: not even
    the line of the problem is given.
    """
    try:
        return parse_registry(text, url)
    except InputError:
        raise InputError(
            url, f"the fetched registry is not a valid registry; {_NOT_SHOWN}"
        ) from None
