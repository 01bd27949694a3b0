"""The compiled yes/no schema check must agree with jsonschema on every document."""

from __future__ import annotations

from typing import Any

import jsonschema
from hypothesis import given, settings
from hypothesis import strategies as st

from checker.load.fastschema import compile_schema
from checker.load.validation import _inlined

REGISTRY_KEYS = ["name", "url", "location", "description", "id", "added", "status",
                 "data_categories", "notes", "locaton", "privacy_policy", "effective_date",
                 "subprocessors"]  # fmt: skip
CONFIG_KEYS = ["registry", "documents", "path", "compare", "rules", "links", "mode",
               "date", "formats", "labels", "table", "index", "heading", "columns",
               "required_columns", "max_document_bytes", "accept", "unknown"]  # fmt: skip

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 2_000_000),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(
        [
            "",
            " ",
            "USA",
            "https://a.example/",
            "ftp://x",
            "2024-02-30",
            "2024-03-01",
            "active",
            "planned",
            "gone",
            "off",
            "error",
            "iso",
            "name",
            "url",
            "all",
            "link-missing",
            "Bad_Rule",
        ]
    ),
    st.text(max_size=8),
)


def documents(keys: list[str]) -> st.SearchStrategy[Any]:
    return st.recursive(
        scalars,
        lambda children: st.one_of(
            st.lists(children, max_size=4),
            st.dictionaries(st.sampled_from(keys), children, max_size=6),
        ),
        max_leaves=30,
    )


def agree(name: str, data: Any) -> None:
    schema = _inlined(name)
    fast = compile_schema(schema)
    assert fast is not None, f"the {name} schema uses a keyword the fast check lacks"
    slow = jsonschema.Draft202012Validator(schema).is_valid(data)
    assert fast(data) is slow, data


@settings(deadline=None)
@given(documents(REGISTRY_KEYS))
def test_registry_schema_agrees(data: Any) -> None:
    agree("registry", data)


@settings(deadline=None)
@given(documents(CONFIG_KEYS))
def test_config_schema_agrees(data: Any) -> None:
    agree("config", data)


@settings(deadline=None)
@given(
    st.lists(
        st.fixed_dictionaries(
            {"name": scalars, "url": scalars, "location": scalars, "description": scalars},
            optional={"status": scalars, "added": scalars, "data_categories": st.lists(scalars)},
        ),
        max_size=4,
    )
)
def test_registry_entries_agree(entries: list[dict[str, Any]]) -> None:
    agree("registry", {"subprocessors": entries})


def test_unknown_keyword_falls_back() -> None:
    assert compile_schema({"type": "object", "dependentRequired": {"a": ["b"]}}) is None


def test_the_example_registry_passes_and_a_broken_copy_does_not() -> None:
    from pathlib import Path

    from checker.load import yamlfile

    example = Path(__file__).resolve().parents[1] / "examples" / "registry.yml"
    data, _ = yamlfile.load(example.read_text())
    fast = compile_schema(_inlined("registry"))
    assert fast is not None and fast(data) is True
    del data["subprocessors"][3]["location"]
    assert fast(data) is False
    agree("registry", data)
