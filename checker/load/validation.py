"""Validate loaded YAML against the JSON Schemas shipped in ``checker/schemas``.

Errors name the key and the line, because the people who edit a registry by hand need to
know where to look, not which JSON Schema keyword failed.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from checker.errors import InputError
from checker.load.fastschema import Check, compile_schema
from checker.load.yamlfile import Positions

if TYPE_CHECKING:
    import jsonschema
    from jsonschema.exceptions import ValidationError


@cache
def schema(name: str) -> dict[str, Any]:
    """A shipped schema by name (``registry`` or ``config``)."""
    text = resources.files("checker.schemas").joinpath(f"{name}.schema.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def _inline_refs(node: Any, defs: dict[str, Any]) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            target = _inline_refs(defs[ref.removeprefix("#/$defs/")], defs)
            rest = {k: _inline_refs(v, defs) for k, v in node.items() if k != "$ref"}
            return {**target, **rest}
        return {k: _inline_refs(v, defs) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline_refs(item, defs) for item in node]
    return node


@cache
def _inlined(name: str) -> dict[str, Any]:
    # Local $refs are resolved once here: resolving them for every value made validation
    # the largest cost of checking a large registry. The schemas have no recursive $refs.
    published = schema(name)
    inlined: dict[str, Any] = _inline_refs(published, published.get("$defs", {}))
    return inlined


@cache
def _fast_check(name: str) -> Check | None:
    return compile_schema(_inlined(name))


@cache
def _validator(name: str) -> jsonschema.Draft202012Validator:
    # Imported only to explain an invalid file: valid files never pay for it.
    import jsonschema

    return jsonschema.Draft202012Validator(_inlined(name))


def dotted(path: tuple[str | int, ...] | list[str | int]) -> str:
    """``("subprocessors", 3, "url")`` → ``subprocessors[3].url``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _describe(error: ValidationError) -> tuple[tuple[str | int, ...], str]:
    path = tuple(error.absolute_path)
    where = dotted(path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        schema_here = error.schema if isinstance(error.schema, dict) else {}
        allowed = set(schema_here.get("properties", {}))
        unknown = sorted(k for k in error.instance if k not in allowed)
        key = unknown[0] if unknown else "?"
        known = ", ".join(sorted(allowed))
        return (*path, key), f"unknown key '{dotted((*path, key))}' (allowed here: {known})"
    if error.validator == "required":
        missing = str(error.message).split("'")[1] if "'" in error.message else "?"
        return path, f"'{where}' is missing the required key '{missing}'"
    if error.validator == "type":
        expected = error.validator_value
        return path, f"'{where}' must be {_a(expected)}, not {_json_type(error.instance)}"
    if error.validator == "pattern" and "http" in str(error.validator_value):
        return path, f"'{where}' must be an http(s) URL, not {error.instance!r}"
    if error.validator == "pattern" and "[0-9]{4}" in str(error.validator_value):
        return path, f"'{where}' must be a date written YYYY-MM-DD, not {error.instance!r}"
    if error.validator in ("enum", "oneOf") and not isinstance(error.instance, (dict, list)):
        options = error.validator_value if error.validator == "enum" else None
        options = options if isinstance(options, list) else None
        choices = f" (one of: {', '.join(map(str, options))})" if options else ""
        return path, f"'{where}' has an invalid value {error.instance!r}{choices}"
    if error.validator == "minLength" or (error.validator == "pattern" and error.instance == ""):
        return path, f"'{where}' must not be empty"
    return path, f"'{where}': {error.message}"


def _a(expected: Any) -> str:
    names = {
        "string": "text",
        "object": "a mapping",
        "array": "a list",
        "integer": "a whole number",
        "number": "a number",
        "boolean": "true or false",
    }
    if isinstance(expected, list):
        return " or ".join(names.get(str(e), str(e)) for e in expected)
    return names.get(expected, str(expected))


def _json_type(value: Any) -> str:
    if value is None:
        return "empty (null)"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"text ({value!r})"


def validate(data: Any, schema_name: str, positions: Positions, path: str, what: str) -> None:
    """Raise ``InputError`` for the first schema violation, by line, with a count of the rest."""
    fast = _fast_check(schema_name)
    if fast is not None and fast(data):
        return
    errors = list(_validator(schema_name).iter_errors(data))
    if not errors:
        return
    described = []
    for error in errors:
        # For oneOf failures the most specific sub-error tells the user what to fix.
        best = error
        if error.context:
            best = min(error.context, key=lambda e: (-len(e.absolute_path), str(e.message)))
            if len(best.absolute_path) <= len(error.absolute_path) and not isinstance(
                error.instance, dict
            ):
                best = error
        key_path, message = _describe(best)
        described.append((positions.line_of(key_path) or 0, message))
    described.sort()
    line, message = described[0]
    more = len(described) - 1
    suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
    raise InputError(path, f"invalid {what}: {message}{suffix}", line or None)
