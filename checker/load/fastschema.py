"""A yes/no JSON Schema check compiled into closures, for the common case of a valid file.

jsonschema explains *why* a document is invalid, which is what a user needs, but it spends
tens of microseconds per value doing so; on a registry of thousands of vendors that was the
largest cost of a check. Almost every file a checker reads is valid, so we first ask this
compiled predicate, and only when it says "invalid" (or cannot judge a schema) do we import
jsonschema and let it find the errors. The two must agree on every document; a property test
compares them on generated data.

Only the keywords the shipped schemas use are compiled; any other keyword makes ``compile``
return ``None`` and the caller falls back to jsonschema for everything.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Check = Callable[[Any], bool]

# Keywords that only annotate (they never make a document invalid).
_ANNOTATIONS = frozenset({"$schema", "$id", "$comment", "title", "description", "default",
                          "examples", "$defs", "definitions"})  # fmt: skip

_TYPES: dict[str, Callable[[Any], bool]] = {
    "string": lambda v: isinstance(v, str),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "integer": lambda v: (
        (isinstance(v, int) and not isinstance(v, bool))
        or (isinstance(v, float) and v.is_integer())
    ),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
}


class _Unsupported(Exception):
    pass


def _same(a: Any, b: Any) -> bool:
    """JSON equality: ``true`` is not ``1``."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    return bool(a == b)


def compile_schema(schema: Any) -> Check | None:
    """A predicate equal to "jsonschema finds no error", or ``None`` if it cannot be built.

    The schema must have its local ``$ref``s already inlined.
    """
    try:
        return _compile(schema)
    except _Unsupported:
        return None


def _compile(schema: Any) -> Check:
    if schema is True:
        return lambda v: True
    if schema is False:
        return lambda v: False
    if not isinstance(schema, dict):
        raise _Unsupported
    checks: list[Check] = []
    for key, value in schema.items():
        if key in _ANNOTATIONS:
            continue
        checks.append(_keyword(key, value, schema))
    if not checks:
        return lambda v: True
    if len(checks) == 1:
        return checks[0]
    return lambda v: all(check(v) for check in checks)


def _keyword(key: str, value: Any, schema: dict[str, Any]) -> Check:
    if key == "type":
        names = value if isinstance(value, list) else [value]
        tests = [_TYPES[name] for name in names]
        return lambda v: any(test(v) for test in tests)
    if key == "enum":
        options = list(value)
        return lambda v: any(_same(v, option) for option in options)
    if key == "const":
        return lambda v: _same(v, value)
    if key == "pattern":
        search = re.compile(value).search
        return lambda v: not isinstance(v, str) or search(v) is not None
    if key == "minLength":
        return lambda v: not isinstance(v, str) or len(v) >= value
    if key == "minItems":
        return lambda v: not isinstance(v, list) or len(v) >= value
    if key == "maxItems":
        return lambda v: not isinstance(v, list) or len(v) <= value
    if key == "maxProperties":
        return lambda v: not isinstance(v, dict) or len(v) <= value
    if key == "uniqueItems":
        if not value:
            return lambda v: True
        return lambda v: (
            not isinstance(v, list)
            or all(not _same(a, b) for i, a in enumerate(v) for b in v[i + 1 :])
        )
    if key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        compare: Callable[[Any], bool] = {
            "minimum": lambda v: v >= value,
            "maximum": lambda v: v <= value,
            "exclusiveMinimum": lambda v: v > value,
            "exclusiveMaximum": lambda v: v < value,
        }[key]
        return lambda v: not _TYPES["number"](v) or compare(v)
    if key == "required":
        names = list(value)
        return lambda v: not isinstance(v, dict) or all(name in v for name in names)
    if key == "properties":
        props = {name: _compile(sub) for name, sub in value.items()}
        return lambda v: (
            not isinstance(v, dict)
            or all(props[name](item) for name, item in v.items() if name in props)
        )
    if key == "additionalProperties":
        if "patternProperties" in schema:
            raise _Unsupported
        known = set(schema.get("properties", {}))
        extra = _compile(value)
        return lambda v: (
            not isinstance(v, dict)
            or all(extra(item) for name, item in v.items() if name not in known)
        )
    if key == "propertyNames":
        names_check = _compile(value)
        return lambda v: not isinstance(v, dict) or all(names_check(name) for name in v)
    if key == "items":
        item_check = _compile(value)
        return lambda v: not isinstance(v, list) or all(item_check(item) for item in v)
    if key == "contains":
        contained = _compile(value)
        return lambda v: not isinstance(v, list) or any(contained(item) for item in v)
    if key == "not":
        negated = _compile(value)
        return lambda v: not negated(v)
    if key == "if":
        condition = _compile(value)
        then = _compile(schema.get("then", True))
        otherwise = _compile(schema.get("else", True))
        return lambda v: then(v) if condition(v) else otherwise(v)
    if key in ("then", "else"):
        return lambda v: True  # applied by "if"; without an "if" they have no effect
    if key in ("oneOf", "anyOf", "allOf"):
        subs = [_compile(sub) for sub in value]
        if key == "allOf":
            return lambda v: all(sub(v) for sub in subs)
        if key == "anyOf":
            return lambda v: any(sub(v) for sub in subs)
        return lambda v: sum(1 for sub in subs if sub(v)) == 1
    raise _Unsupported
