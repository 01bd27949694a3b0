"""The ten published versions of postgres-ai's subprocessor page, oldest first.

``examples/registry.yml`` mirrors the newest version (98458b5). Checking an older version
against it must report exactly the drift the corpus's SOURCES.md describes between that
version and the newest: vendors added or dropped since, descriptions reworded since, and the
effective date that moved.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from checker.load.config import TableSettings
from checker.model import Finding
from checker.page.markdown import load_document
from checker.page.tables import find_tables
from tests.support import CORPUS, check, one

ROOT = Path(__file__).resolve().parents[1]
REGISTRY = (ROOT / "examples" / "registry.yml").read_text("utf-8")

AWS = "Amazon Web Services (AWS)"
GCP = "Google Cloud Platform (GCP)"
WORKSPACE = "Google Workspace"

# (version, vendor rows in its table; None = no table at all), in SOURCES.md order.
VERSIONS = [
    ("165c613", None),
    ("6659615", 12),
    ("529a95b", 11),
    ("ef6f11e", 11),
    ("5edd056", 13),
    ("57d9d2c", 14),
    ("29a89ff", 14),
    ("3afc8f4", 14),
    ("d836b2a", 14),
    ("98458b5", 15),
]


def desc(vendor: str) -> tuple[str, str | None, str | None]:
    return ("field-mismatch", vendor, "description")


def missing(*vendors: str) -> set[tuple[str, str | None, str | None]]:
    return {("missing-from-document", v, None) for v in vendors}


def unknown(*vendors: str) -> set[tuple[str, str | None, str | None]]:
    return {("not-in-registry", v, None) for v in vendors}


DATE = ("date-mismatch", None, None)

# What each version lacks or words differently compared with the newest one.
EXPECTED: dict[str, set[tuple[str, str | None, str | None]]] = {
    # A bullet list, no table and no date.
    "165c613": {("table-missing", None, None), ("date-missing", None, None)},
    # "user data" and "Postgres.ai Team" descriptions; Hubspot, Mailgun, Okmeter and
    # Typeform since dropped; GitLab, GitHub, SendGrid, Hetzner, Azure, OpenAI and
    # pgMustard not yet added.
    "6659615": {desc(AWS), desc(GCP), desc(WORKSPACE), DATE}
    | unknown("Hubspot", "Mailgun", "Okmeter", "Typeform")
    | missing("GitLab", "GitHub", "SendGrid", "Hetzner", "Microsoft Azure", "OpenAI", "pgMustard"),
    # GitLab and GitHub added, Hubspot/Okmeter/Typeform dropped; Mailgun still there.
    "529a95b": {desc(AWS), desc(GCP), desc(WORKSPACE), DATE}
    | unknown("Mailgun")
    | missing("SendGrid", "Hetzner", "Microsoft Azure", "OpenAI", "pgMustard"),
    # Mailgun replaced by SendGrid, date not bumped.
    "ef6f11e": {desc(AWS), desc(GCP), desc(WORKSPACE), DATE}
    | missing("Hetzner", "Microsoft Azure", "OpenAI", "pgMustard"),
    # Hetzner and OpenAI added, "Customer Data" wording; the OpenAI note is bold here and
    # italic in the registry, which reads the same.
    "5edd056": {desc(WORKSPACE), DATE} | missing("Microsoft Azure", "pgMustard"),
    # Azure added, date 2025-02-05 as in the registry; still "Postgres.ai Team".
    "57d9d2c": {desc(WORKSPACE)} | missing("pgMustard"),
    # "Postgres AI Team".
    "29a89ff": {desc(WORKSPACE)} | missing("pgMustard"),
    # Only the front-matter title changed.
    "3afc8f4": {desc(WORKSPACE)} | missing("pgMustard"),
    # "PostgresAI Team", as in the registry.
    "d836b2a": missing("pgMustard"),
    "98458b5": set(),
}


@pytest.fixture(scope="module")
def corpus() -> Path:
    return CORPUS


def page(corpus: Path, version: str) -> str:
    return (corpus / f"postgres-ai-{version}.md").read_text("utf-8")


def findings(corpus: Path, version: str) -> list[Finding]:
    return check(page(corpus, version), REGISTRY, path=f"postgres-ai-{version}.md")


def pairs(found: list[Finding]) -> set[tuple[str, str | None, str | None]]:
    return {(f.rule, f.context.get("vendor"), f.context.get("field")) for f in found}


def test_versions_are_listed_in_sources_order(corpus: Path) -> None:
    sources = (corpus / "SOURCES.md").read_text("utf-8")
    positions = [sources.index(f"`postgres-ai-{v}.md`") for v, _ in VERSIONS]
    assert positions == sorted(positions)


def test_the_example_page_is_the_newest_version(corpus: Path) -> None:
    example = (ROOT / "examples" / "subprocessors.md").read_text("utf-8")
    assert example == page(corpus, "98458b5")


@pytest.mark.parametrize(("version", "rows"), VERSIONS)
def test_row_count(corpus: Path, version: str, rows: int | None) -> None:
    doc = load_document(corpus / f"postgres-ai-{version}.md")
    tables = find_tables(doc, TableSettings())
    if rows is None:
        assert tables == []
        assert doc.tables == []
    else:
        assert [len(t.vendors) for t in tables] == [rows]


@pytest.mark.parametrize("version", [v for v, _ in VERSIONS])
def test_drift_against_the_registry(corpus: Path, version: str) -> None:
    found = findings(corpus, version)
    assert pairs(found) == EXPECTED[version]
    # Each difference is reported once.
    assert len(found) == len(EXPECTED[version])


def test_57d9d2c_details(corpus: Path) -> None:
    text = page(corpus, "57d9d2c")
    found = findings(corpus, "57d9d2c")
    f = one(found, "field-mismatch")
    assert f.line == 18
    assert f.column == text.splitlines()[17].index("Email and cloud") + 1
    assert f.suggestion == "Email and cloud office apps used by the PostgresAI Team for business"
    assert "Postgres.ai Team" in f.message
    m = one(found, "missing-from-document")
    assert m.line == 11  # the table's header
    assert m.suggestion == (
        "| [pgMustard](https://www.pgmustard.com/) | UK, Finland | SQL plan analysis provider "
        "(used only when enabled by Customer; query plans may be sent for analysis) |"
    )


def test_ef6f11e_date_not_bumped(corpus: Path) -> None:
    f = one(findings(corpus, "ef6f11e"), "date-mismatch")
    assert (f.line, f.column) == (5, len("Effective date: ") + 1)
    assert f.context == {"expected": "2025-02-05", "actual": "2022-10-03"}
    assert f.suggestion == "2025-02-05"


def test_6659615_dropped_vendors_are_on_their_rows(corpus: Path) -> None:
    text = page(corpus, "6659615").splitlines()
    lines = {
        f.context["vendor"]: f.line
        for f in findings(corpus, "6659615")
        if f.rule == "not-in-registry"
    }
    for vendor, line in lines.items():
        assert f"[{vendor}]" in text[line - 1]
