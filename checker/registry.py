"""Load the canonical registry: a YAML file (or an https URL) validated by the shipped schema."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlsplit

from checker import yamlfile
from checker.errors import InputError
from checker.files import decode_text, read_text
from checker.model import Registry, RegistryEntry
from checker.validation import validate

REQUIRED_FIELDS = ("name", "url", "location", "description")
MAX_REGISTRY_BYTES = 5 * 1024 * 1024


def is_remote(source: str) -> bool:
    return source.startswith(("https://", "http://"))


def load_registry(source: str, *, token: str | None = None, timeout: float = 30.0) -> Registry:
    """Read, validate and build the registry from a path or URL; ``InputError`` on any problem."""
    text = _fetch(source, token, timeout) if is_remote(source) else _read(source)
    return parse_registry(text, source)


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


def auth_headers(url: str, token: str | None) -> dict[str, str]:
    """The token, for GitHub hosts over https only.

    A pull request can point ``registry`` at any URL; the token must never go to it.
    """
    from checker.links.options import GITHUB_HOSTS  # not at import: it loads requests

    parts = urlsplit(url)
    if token and parts.scheme == "https" and (parts.hostname or "") in GITHUB_HOSTS:
        return {"Authorization": f"token {token}"}
    return {}


def _fetch(url: str, token: str | None, timeout: float) -> str:
    # Imported here so that an offline check of a local registry never loads requests.
    import requests

    headers = {"User-Agent": "subprocessor-check", "Accept": "text/plain, application/yaml, */*"}
    headers.update(auth_headers(url, token))
    try:
        with requests.get(url, headers=headers, timeout=timeout, stream=True) as response:
            if response.status_code != 200:
                raise InputError(url, f"could not fetch the registry: HTTP {response.status_code}")
            chunks = []
            size = 0
            for chunk in response.iter_content(65536):
                size += len(chunk)
                if size > MAX_REGISTRY_BYTES:
                    raise InputError(
                        url, f"the registry is larger than {MAX_REGISTRY_BYTES:,} bytes"
                    )
                chunks.append(chunk)
    except requests.RequestException as exc:
        raise InputError(url, f"could not fetch the registry: {type(exc).__name__}") from None
    return decode_text(b"".join(chunks), url)
