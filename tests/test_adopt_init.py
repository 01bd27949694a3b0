"""``init``: adopting real pages, and what the registry and config say about them.

The round trip is the acceptance test: for every page of the real corpus that has a
subprocessor table, ``init`` then ``check`` (with the written files, found the way a user's
bare ``subprocessor-check check`` finds them) reports no error. The registry expectations
were written by reading the pages, not by copying init's output.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from checker.load.registry import load_registry
from tests.support import CORPUS, CliResult, cli

NO_TABLE = {"postgres-ai-165c613.md"}  # a bullet list, no table


def corpus_pages() -> list[str]:
    return sorted(p.name for p in CORPUS.iterdir() if p.name != "SOURCES.md")


@pytest.fixture(scope="session")
def corpus() -> Path:
    return CORPUS


def adopt(corpus: Path, name: str, folder: Path, *extra: str) -> CliResult:
    (folder / name).write_bytes((corpus / name).read_bytes())
    return cli(folder, "init", name, *extra, json_format=False)


def test_the_corpus_has_pages_with_tables(corpus: Path) -> None:
    assert len(set(corpus_pages()) - NO_TABLE) >= 25


@pytest.mark.parametrize("name", [n for n in corpus_pages() if n not in NO_TABLE])
def test_init_then_check_passes(corpus: Path, name: str, tmp_path: Path) -> None:
    done = adopt(corpus, name, tmp_path)
    assert done.code == 0, done.stdout + done.stderr
    assert done.stderr == ""
    assert (tmp_path / "subprocessors.yml").is_file()
    assert (tmp_path / ".subprocessor-check.yml").is_file()
    checked = cli(tmp_path, "check")  # a bare check: the config names page and registry
    assert checked.code == 0, checked.stdout + checked.stderr
    report = checked.report
    assert report["summary"]["errors"] == 0
    assert report["documents"] == [name]
    # The registry was used: nothing was skipped for want of one.
    assert not any("No registry given" in n for n in report["notices"])
    registry = load_registry(str(tmp_path / "subprocessors.yml"))
    assert len(registry.entries) == report["summary"]["vendors"]


def test_a_page_without_a_table_is_refused(corpus: Path, tmp_path: Path) -> None:
    done = adopt(corpus, "postgres-ai-165c613.md", tmp_path)
    assert done.code == 2
    assert "no subprocessor table found" in done.stderr
    assert not (tmp_path / "subprocessors.yml").exists()
    assert not (tmp_path / ".subprocessor-check.yml").exists()


def registry_of(corpus: Path, name: str, folder: Path) -> dict[str, dict[str, object]]:
    done = adopt(corpus, name, folder)
    assert done.code == 0, done.stdout + done.stderr
    registry = load_registry(str(folder / "subprocessors.yml"))
    return {
        e.name: {
            "url": e.url,
            "location": e.location,
            "description": e.description,
            **e.extra,
        }
        for e in registry.entries
    }


def test_registry_holds_what_a_reader_writes_down(corpus: Path, tmp_path: Path) -> None:
    entries = registry_of(corpus, "postgres-ai-98458b5.md", tmp_path)
    assert list(entries)[:3] == ["Amazon Web Services (AWS)", "GitLab", "GitHub"]
    assert len(entries) == 15
    assert entries["pgMustard"] == {
        "url": "https://www.pgmustard.com/",
        "location": "UK, Finland",
        "description": "SQL plan analysis provider (used only when enabled by Customer; "
        "query plans may be sent for analysis)",
    }
    # Inline Markdown stays, so that fix writes the same cell back.
    openai = entries["OpenAI"]["description"]
    assert isinstance(openai, str)
    assert openai.endswith("*Customer Data is not used in OpenAI API calls, unless explicitly "
                           "approved by Customer*")  # fmt: skip
    # The non-ASCII en dash is kept as written.
    assert entries["Microsoft Azure"]["description"] == (
        "Azure AI – access to LLM such as DeepSeek (deployed in US locations only)"
    )
    text = (tmp_path / "subprocessors.yml").read_text("utf-8")
    assert text.startswith("# yaml-language-server: $schema=")
    schema = text.splitlines()[0].split("$schema=", 1)[1]
    assert (tmp_path / schema).resolve().name == "registry.schema.json"
    assert (tmp_path / schema).resolve().is_file()
    assert "required_fields" not in text  # every vendor has url, location and description


def test_url_column_and_names_without_markup(corpus: Path, tmp_path: Path) -> None:
    # Sage: an empty header row, URLs in a "Link" column, some bare inside <u>.
    entries = registry_of(corpus, "sage-bionetworks-subprocessors.md", tmp_path)
    assert entries["Atlassian"]["url"] == "https://www.atlassian.com/"
    assert entries["Amazon Web Services (AWS)"]["url"] == "https://aws.amazon.com/"
    # Tropos: the name is bold with a line break; a reader writes the words.
    (tmp_path / "t").mkdir()
    entries = registry_of(corpus, "tropos-subprocessors.md", tmp_path / "t")
    assert "Google Cloud Services (GCP, Google Workspace)" in entries


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path


def test_page_without_links_location_or_date(corpus: Path, folder: Path) -> None:
    # Tropos 2025: no vendor URL, no location column, the date is "[Insert Date]".
    entries = registry_of(corpus, "tropos-subprocessors-2025.md", folder)
    assert all(e["url"] is None and e["location"] is None for e in entries.values())
    # The policy links in other columns are kept for fix, not taken as vendor URLs.
    gcp = entries["Google Cloud Services (GCP, Google Workspace)"]
    assert gcp["other_columns"] == {
        "Applicable Policies": "[Privacy Notice](https://cloud.google.com/terms/cloud-privacy-notice)",
        "DPA / Terms of Processing": "[DPA](https://cloud.google.com/terms/data-processing-addendum)",
    }  # fmt: skip
    registry = (folder / "subprocessors.yml").read_text("utf-8")
    assert "required_fields: [name, description]" in registry
    config = (folder / ".subprocessor-check.yml").read_text("utf-8")
    lines = config.splitlines()
    # Each rule switched off says why, on the line above.
    off = lines.index('  date-invalid: "off"')
    assert "[Insert Date]" in lines[off - 1]
    assert (
        lines[lines.index('  link-missing: "off"') - 1] == "  # The page links no vendor's website."
    )
    assert "required_columns: [name, description]" in config
    assert "privacy_policy:" not in config.replace("# privacy_policy:", "")


def test_date_format_and_privacy_link(corpus: Path, folder: Path) -> None:
    done = adopt(corpus, "embrace-subprocessors.md", folder)
    assert done.code == 0
    config = (folder / ".subprocessor-check.yml").read_text("utf-8")
    assert "formats: [month-day-year]" in config
    assert "'March 19, 2025' (line 27)" in config
    assert "effective date 'March 19, 2025' (month-day-year) on line 27" in done.stdout

    other = folder / "pg"
    other.mkdir()
    done = adopt(corpus, "postgres-ai-98458b5.md", other)
    config = (other / ".subprocessor-check.yml").read_text("utf-8")
    assert "privacy_policy: https://postgres.ai/privacy" in config
    assert "confirm it is yours" in done.stdout
    assert "date:" not in config  # ISO, the default


def test_split_tables_get_sections(corpus: Path, folder: Path) -> None:
    entries = registry_of(corpus, "range-subprocessors.md", folder)
    assert entries["Amazon Web Services, Inc."]["section"] == "Infrastructure Subprocessors"
    assert entries["ActiveCampaign, LLC"]["section"] == "Other Subprocessors"


def test_row_defects_become_warnings(corpus: Path, folder: Path) -> None:
    # Fillout's last row has an extra empty cell: a defect init cannot record.
    done = adopt(corpus, "fillout-subprocessors.mdx", folder)
    assert done.code == 0
    config = (folder / ".subprocessor-check.yml").read_text("utf-8")
    assert "  # Rows to fix on the page: line 54.\n  malformed-row: warning\n" in config
    checked = cli(folder, "check")
    assert checked.code == 0
    assert [(f["rule"], f["line"]) for f in checked.findings] == [("malformed-row", 54)]


def test_names_markdown_would_change_are_escaped(tmp_path: Path) -> None:
    page = (
        "Effective date: 2024-01-02\n\n| Vendor | Location | Purpose |\n|---|---|---|\n"
        "| Intercom \\*\\* | USA | Chat \\| support |\n| \\*Star\\* Corp | EU | x |\n"
    )
    (tmp_path / "page.md").write_text(page)
    done = cli(tmp_path, "init", "page.md", json_format=False)
    assert done.code == 0, done.stdout
    registry = load_registry(str(tmp_path / "subprocessors.yml"))
    # "**" alone is not emphasis: a reader sees it, and so does the registry. "*Star*" would
    # be read as emphasis, so it is escaped.
    assert [e.name for e in registry.entries] == ["Intercom **", "\\*Star\\* Corp"]
    assert registry.entries[0].description == "Chat | support"
    assert cli(tmp_path, "check").code == 0


def test_refuses_to_overwrite_without_force(corpus: Path, folder: Path) -> None:
    (folder / "subprocessors.yml").write_text("mine\n")
    done = adopt(corpus, "zed-subprocessors.md", folder)
    assert done.code == 2
    assert "already exists; pass --force" in done.stderr
    assert (folder / "subprocessors.yml").read_text() == "mine\n"
    assert not (folder / ".subprocessor-check.yml").exists()
    done = adopt(corpus, "zed-subprocessors.md", folder, "--force")
    assert done.code == 0
    assert "name: Cloudflare" in (folder / "subprocessors.yml").read_text()


def test_output_dir_paths_are_relative_to_the_config(corpus: Path, folder: Path) -> None:
    # A config may name files outside its own folder only inside its git repository.
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    docs = folder / "docs"
    docs.mkdir()
    (docs / "subs.md").write_bytes((corpus / "zed-subprocessors.md").read_bytes())
    out = folder / "compliance"
    out.mkdir()
    done = cli(folder, "init", "docs/subs.md", "--output-dir", "compliance", json_format=False)
    assert done.code == 0, done.stderr
    config = (out / ".subprocessor-check.yml").read_text("utf-8")
    assert "documents:\n  - ../docs/subs.md\n" in config
    assert "registry: subprocessors.yml\n" in config
    assert "next: subprocessor-check check -c compliance/.subprocessor-check.yml" in done.stdout
    assert cli(folder, "check", "-c", "compliance/.subprocessor-check.yml").code == 0
