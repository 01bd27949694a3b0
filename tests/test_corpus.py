"""Real public subprocessor pages: what a person reading each page finds in it.

The expectations below were written by reading each page (and the quirks listed in the
corpus's SOURCES.md): which tables are the subprocessor list, how many vendors each lists,
the first and last vendor, which column holds which field, and the effective date the page
states. They are not copied from the checker's output.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from checker.load.config import TableSettings
from checker.model import Document
from checker.page.dates import parse_date
from checker.page.markdown import load_document
from checker.page.tables import SubprocessorTable, find_tables
from tests.support import CORPUS, check, cli, one, only


@pytest.fixture(scope="session")
def corpus() -> Path:
    return CORPUS


@dataclass(frozen=True)
class T:
    """A subprocessor table as a reader sees it."""

    rows: int
    first: str
    last: str
    columns: dict[str, int]
    """Field → column index (0-based) for every field the table has a column for."""
    heading: str | None = None


@dataclass(frozen=True)
class D:
    """The effective date as the page states it."""

    label: str
    value: str
    line: int
    source: str = "body"
    day: dt.date | None = None
    """The day a reader understands, when it is a real date."""


@dataclass(frozen=True)
class Page:
    tables: list[T]
    date: D | None
    notes: list[str] = field(default_factory=list)


NDC = {"name": 0, "description": 1, "location": 2}
NLD = {"name": 0, "location": 1, "description": 2}
AWS = "Amazon Web Services (AWS)"


def postgres(rows: int, date: str) -> Page:
    return Page(
        [T(rows, AWS, "Zoom", NLD)], D("Effective date", date, 5, day=dt.date.fromisoformat(date))
    )


PAGES: dict[str, Page] = {
    "aspose-subprocessors.md": Page(
        [
            T(
                4,
                "Amazon Web Services, Inc.",
                "Amazon Route 53 (AWS)",
                {"name": 0, "description": 1, "location": 2, "url": 3},
                heading="Infrastructure Subprocessors",
            )
        ],
        D("Last Updated", "30 April 2018", 19, day=dt.date(2018, 4, 30)),
    ),
    "bento-subprocessors.md": Page(
        [
            T(
                19,
                AWS,
                "Spamhaus",
                {"name": 0, "description": 1, "location": 3},
                heading="Current subprocessors",
            )
        ],
        D("updated_at", "2026-03-19", 3, "front-matter", dt.date(2026, 3, 19)),
    ),
    "embrace-subprocessors.md": Page(
        [
            T(2, "Amazon Web Services, Inc", "OVH US, LLC", NLD, heading="United States"),
            T(3, "Amazon Web Services, Inc", "SCALEWAY S.A.S.", NLD, heading="European Union"),
        ],
        D("Last Updated", "March 19, 2025", 27, day=dt.date(2025, 3, 19)),
    ),
    "fillout-subprocessors.mdx": Page(
        [
            T(
                18,
                "Render (infrastructure on AWS)",
                "Microsoft Azure",
                NDC,
                heading="Fillout (by Zite) Subprocessors",
            ),
            T(4, "Anthropic", "ClickHouse, Inc.", NDC, heading="Zite app building Subprocessors"),
        ],
        None,
    ),
    "phasetwo-subprocessors.md": Page(
        [T(10, "Amazon Web Services, Inc.", "Zoom", NDC, heading="Third-Party Subprocessors")],
        D("Last updated", "October 20, 2023", 6, day=dt.date(2023, 10, 20)),
    ),
    "pollination-subprocessors.md": Page(
        [
            T(
                5,
                "Google Cloud Platform (GCP)",
                "DigitalOcean",
                {"name": 0, "description": 1, "location": 2, "url": 3},
            )
        ],
        None,
    ),
    "postgres-ai-165c613.md": Page([], None),
    "postgres-ai-6659615.md": postgres(12, "2021-05-02"),
    "postgres-ai-529a95b.md": postgres(11, "2022-10-03"),
    "postgres-ai-ef6f11e.md": postgres(11, "2022-10-03"),
    "postgres-ai-5edd056.md": postgres(13, "2023-12-20"),
    "postgres-ai-57d9d2c.md": postgres(14, "2025-02-05"),
    "postgres-ai-29a89ff.md": postgres(14, "2025-02-05"),
    "postgres-ai-3afc8f4.md": postgres(14, "2025-02-05"),
    "postgres-ai-d836b2a.md": postgres(14, "2025-02-05"),
    "postgres-ai-98458b5.md": postgres(15, "2025-02-05"),
    "qualified-subprocessors.md": Page(
        # "Entity Type" (Cloud Service Provider, Business Analytics) is a category, not a
        # description of the processing.
        [T(7, "Amazon Web Services, Inc", "Functional Software, Inc", {"name": 0, "location": 2})],
        D("Last updated", "May 15th, 2018", 20, day=dt.date(2018, 5, 15)),
    ),
    "range-subprocessors.md": Page(
        [
            T(2, "Amazon Web Services, Inc.", "Algolia, Inc.", NDC, "Infrastructure Subprocessors"),
            T(12, "ActiveCampaign, LLC", "Zebrafish Labs, Inc", NDC, "Other Subprocessors"),
        ],
        D("Updated", "November 5, 2021", 3, day=dt.date(2021, 11, 5)),
    ),
    "retool-subprocessors-2023.md": Page(
        [
            T(
                7,
                "Amazon Web Services, Inc.",
                "Supabase, Inc.",
                {"name": 0, "description": 2, "location": 3},
                "Infrastructure Subprocessors",
            ),
            T(2, "Intercom, Inc..", "Mailgun Technologies Inc.", NDC, "Other Subprocessors"),
        ],
        D("Last updated", "June 28, 2023", 8, day=dt.date(2023, 6, 28)),
    ),
    "retool-subprocessors.md": Page(
        [
            T(
                6,
                "Amazon Web Services, Inc.",
                "Neon, Inc.",
                {"name": 0, "description": 2, "location": 3},
                "Infrastructure Subprocessors",
            ),
            T(3, "Intercom, Inc..", "Mailgun Technologies Inc.", NDC, "Other Subprocessors"),
        ],
        None,
    ),
    "sage-bionetworks-subprocessors.md": Page(
        [
            T(
                13,
                AWS,
                "CloudMailin",
                {"name": 0, "location": 1, "description": 2, "url": 3},
            )
        ],
        # "May, 15, 2025" has a stray comma: not a date a customer can rely on.
        D("Last Updated", "May, 15, 2025", 3),
    ),
    "sourcegraph-subprocessors.md": Page(
        [T(14, "Amazon Web Services", "Zendesk", NLD)],
        D("Last modified", "March 8, 2022", 7, day=dt.date(2022, 3, 8)),
    ),
    "stamphq-subprocessors.md": Page(
        [T(8, "Amazon Web Services", "Cloudflare", NDC)],
        D("date", "2022-06-26T00:00:00.000Z", 4, "front-matter", dt.date(2022, 6, 26)),
    ),
    "tropos-subprocessors-2025.md": Page(
        [
            T(
                9,
                "Google Cloud Services (GCP, Google Workspace)",
                "Figma",
                {"name": 0, "description": 1},
                "✅ Active Subprocessors",
            )
        ],
        D("Last updated", "[Insert Date]", 4),
    ),
    "tropos-subprocessors.md": Page(
        [
            T(
                9,
                "Google Cloud Services (GCP, Google Workspace)",
                "Figma",
                {"name": 0, "description": 1},
                "Active Subprocessors",
            )
        ],
        # The visible date is a Liquid expression printing last_modified_date.
        D("Last updated and effective", "2026-07-06", 10, day=dt.date(2026, 7, 6)),
    ),
    "zed-subprocessors.md": Page(
        [T(15, "Cloudflare", "OpenAI", NDC)],
        D("DATE", "May 6th, 2025", 26, day=dt.date(2025, 5, 6)),
    ),
}

ALL_FORMATS = ["iso", "month-day-year", "day-month-year"]


def load(corpus: Path, name: str) -> Document:
    return load_document(corpus / name, display_path=name)


def tables_of(corpus: Path, name: str) -> list[SubprocessorTable]:
    return find_tables(load(corpus, name), TableSettings())


def test_the_corpus_is_the_one_described(corpus: Path) -> None:
    pages = sorted(p.name for p in corpus.iterdir() if p.name != "SOURCES.md")
    assert pages == sorted(PAGES)
    sources = (corpus / "SOURCES.md").read_text("utf-8")
    for name in PAGES:
        assert f"`{name}`" in sources


@pytest.mark.parametrize("name", sorted(PAGES))
def test_subprocessor_tables(corpus: Path, name: str) -> None:
    expected = PAGES[name].tables
    found = tables_of(corpus, name)
    assert [
        (
            len(t.vendors),
            t.vendors[0].name if t.vendors else None,
            t.vendors[-1].name if t.vendors else None,
            t.columns,
        )
        for t in found
    ] == [(t.rows, t.first, t.last, t.columns) for t in expected]
    for t, want in zip(found, expected, strict=True):
        if want.heading is not None:
            assert t.table.heading == want.heading


@pytest.mark.parametrize("name", sorted(PAGES))
def test_effective_date(corpus: Path, name: str) -> None:
    expected = PAGES[name].date
    stated = load(corpus, name).date
    if expected is None:
        assert stated is None, f"the page states no date, found {stated}"
        return
    assert stated is not None
    assert (stated.label, stated.value, stated.line, stated.source) == (
        expected.label,
        expected.value,
        expected.line,
        expected.source,
    )
    assert parse_date(stated.value, ALL_FORMATS).date == expected.day


@pytest.mark.parametrize("name", sorted(PAGES))
def test_cli_never_crashes(corpus: Path, name: str, tmp_path: Path) -> None:
    result = cli(tmp_path, "check", str(corpus / name))
    assert result.code in (0, 1), result.stderr
    assert result.stderr == ""
    report = result.report
    assert report["documents"] == [str(corpus / name)]
    assert report["summary"]["vendors"] == sum(t.rows for t in PAGES[name].tables)
    # Without a registry the rules that need one are skipped, and the user is told so.
    assert any("No registry given" in n for n in report["notices"])


@pytest.mark.parametrize("name", sorted(PAGES))
def test_date_rules_agree_with_the_reader(corpus: Path, name: str) -> None:
    text = (corpus / name).read_bytes().decode("utf-8")
    config = "date:\n  formats: [iso, month-day-year, day-month-year]\n"
    findings = check(text, config=config, path=name)
    expected = PAGES[name].date
    assert bool(only(findings, "date-missing")) == (expected is None)
    invalid = expected is not None and expected.day is None
    assert bool(only(findings, "date-invalid")) == invalid


# -- the quirks each page is known for -----------------------------------------------------


def vendor(corpus: Path, name: str, vendor_name: str):  # type: ignore[no-untyped-def]
    for t in tables_of(corpus, name):
        for v in t.vendors:
            if v.name == vendor_name:
                return v
    raise AssertionError(f"{vendor_name!r} not found in {name}")


def test_sage_empty_header_row_and_url_column(corpus: Path) -> None:
    [table] = tables_of(corpus, "sage-bionetworks-subprocessors.md")
    # The real header is the first body row.
    assert table.table.line == 13
    assert [c.text for c in table.table.header.cells] == [
        "Sub-Processor",
        "Location",
        "Description/Purpose",
        "Link",
    ]
    # Every vendor has a URL in the Link column, linked or written bare inside <u>.
    urls = {v.name: v.link.url if v.link else None for v in table.vendors}
    assert urls["Amazon Web Services (AWS)"] == "https://aws.amazon.com/"
    assert urls["Atlassian"] == "https://www.atlassian.com/"
    assert urls["CloudMailin"] == "https://www.cloudmailin.com/"
    assert None not in urls.values()


def test_fillout_extra_empty_cell_and_escaped_asterisks(corpus: Path) -> None:
    name = "fillout-subprocessors.mdx"
    text = (corpus / name).read_text("utf-8")
    lines = text.splitlines()
    findings = check(text, path=name)
    f = one(findings, "malformed-row")
    assert f.line == 54
    # The extra (empty) cell starts right after the pipe that closes "Learn more".
    row = lines[53]
    closing = row.index("| ", row.index("clickhouse.com"))
    assert f.column == closing + 2
    assert "5 cells" in f.message
    # Rows ending in "| " are complete rows.
    assert {x.line for x in only(findings, "malformed-row")} == {54}
    assert vendor(corpus, name, "Google (Gmail) **").row.line == 33
    assert vendor(corpus, name, "Intercom **").row.line == 34


def test_pollination_br_headers_and_bare_urls(corpus: Path) -> None:
    name = "pollination-subprocessors.md"
    [table] = tables_of(corpus, name)
    assert [c.text for c in table.table.header.cells] == [
        "Name of Subprocessor",
        "Description of Processing",
        "Location of Processing",
        "Website",
    ]
    paddle = vendor(corpus, name, "Paddle")
    assert paddle.value("location") == "United Kingdom, United States, Ireland"
    assert paddle.value("url") == "https://www.paddle.com/"
    assert vendor(corpus, name, "Google Cloud Platform (GCP)").value("url") == (
        "https://cloud.google.com/"
    )


def test_aspose_html_table_with_crlf_and_nbsp(corpus: Path) -> None:
    name = "aspose-subprocessors.md"
    google = vendor(corpus, name, "Google LLC")
    assert google.value("url") == "https://analytics.google.com"
    assert google.value("description") == "Website Traffic Analytics Provider"
    assert google.row.line == 38
    doc = load(corpus, name)
    assert doc.front_matter is not None
    assert doc.front_matter["title"] == "Subprocessors - About - aspose.com"
    assert doc.date is not None
    assert doc.date.column == doc.lines[18].index("30 April 2018") + 1


def test_br_inside_cells_reads_as_a_space(corpus: Path) -> None:
    retool = vendor(corpus, "retool-subprocessors-2023.md", "DataStax, Inc.")
    assert retool.table.rows[3] is retool.row
    assert retool.row.cells[1].text == "Workflows (Retool Cloud)"
    cloudflare = vendor(corpus, "sourcegraph-subprocessors.md", "Cloudflare")
    assert cloudflare.value("description") == (
        "Processes customer request data such as IP addresses to optimize security and "
        "performance of Sourcegraph Cloud"
    )


def test_irregular_spaces_in_cells(corpus: Path) -> None:
    zoom = vendor(corpus, "phasetwo-subprocessors.md", "Zoom")
    assert zoom.value("location") == "USA"
    assert zoom.value("description") == "Video calls"
    assert len(zoom.row.cells) == 4


def test_postgres_openai_row_without_trailing_pipe(corpus: Path) -> None:
    name = "postgres-ai-5edd056.md"
    openai = vendor(corpus, name, "OpenAI")
    assert openai.value("description") == (
        "AI models provided via API (such as Whisper, GPT). Customer Data is not used in "
        "OpenAI API calls, unless explicitly approved by Customer"
    )
    text = (corpus / name).read_text("utf-8")
    assert only(check(text, path=name), "malformed-row") == []


def test_postgres_en_dash_is_kept(corpus: Path) -> None:
    azure = vendor(corpus, "postgres-ai-57d9d2c.md", "Microsoft Azure")
    assert azure.value("description") == (
        "Azure AI – access to LLM such as DeepSeek (deployed in US locations only)"
    )


def test_pages_without_links_report_every_vendor(corpus: Path) -> None:
    for name in ("zed-subprocessors.md", "stamphq-subprocessors.md", "range-subprocessors.md"):
        text = (corpus / name).read_text("utf-8")
        missing = only(check(text, path=name), "link-missing")
        assert len(missing) == sum(t.rows for t in PAGES[name].tables), name


def test_only_the_first_postgres_version_lacks_a_table(corpus: Path) -> None:
    text = (corpus / "postgres-ai-165c613.md").read_text("utf-8")
    f = one(check(text, path="postgres-ai-165c613.md"), "table-missing")
    assert "no table at all" in f.message
