"""Behaviour of every rule, driven the way users drive it: a page, a registry, a config.

Each rule gets at least one small page where it fires (rule id, place, severity and what the
user is told to write) and a counterpart where it stays silent. Expected values come from
the rules' documentation and from reading the pages, never from running the checker.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from checker.errors import InputError
from checker.model import Severity
from checker.rules import RULES
from checker.rules.base import Problem
from tests.rule_examples import outcomes
from tests.support import check, cli, col_of, line_of, one, only, rules_of, summary

REGISTRY = """\
privacy_policy: https://example.com/privacy
effective_date: 2024-03-03
subprocessors:
  - name: Amazon Web Services
    url: https://aws.amazon.com/
    location: USA
    description: Hosting
  - name: Stripe
    url: https://stripe.com/
    location: USA
    description: Payments
  - name: Slack
    url: https://slack.com
    location: USA
    description: Business communication platform
"""
STRIPE_ENTRY_LINE = 8  # "  - name: Stripe" in REGISTRY

PAGE = """\
Effective date: 2024-03-03

| Name | Location | Description |
| ---- | -------- | ----------- |
| [Amazon Web Services](https://aws.amazon.com/) | USA | Hosting |
| [Stripe](https://stripe.com/) | USA | Payments |
| [Slack](https://slack.com/) | USA | Business communication platform |

See our [Privacy Policy](https://example.com/privacy).
"""
HEADER_LINE = 3
STRIPE_LINE = 6
STRIPE_ROW = "| [Stripe](https://stripe.com/) | USA | Payments |"
DATE_COLUMN = len("Effective date: ") + 1


def stripe_row(new: str, page: str = PAGE) -> str:
    """The page with Stripe's row replaced."""
    assert STRIPE_ROW in page
    return page.replace(STRIPE_ROW, new)


@pytest.mark.parametrize("rule_id", list(RULES))
def test_every_rule_is_covered_here(
    rule_id: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every rule has tests that fail without it: its docstring examples, run for every rule
    # (test_rule_examples.py). Proven here by breaking the rule both ways: a check that
    # finds nothing must fail a failing example, one that reports everything a passing one.
    # This file's own cases add places and messages; the examples make sure none is missing.
    module = RULES[rule_id]

    def silent(ctx: object, options: object) -> Iterator[Problem]:
        return iter(())

    def indiscriminate(ctx: object, options: object) -> Iterator[Problem]:
        return iter([Problem(None, None, "Reported whatever the page says.")])

    monkeypatch.setattr(module, "check", silent)
    assert any(not o.agrees for o in outcomes(module, tmp_path) if not o.example.passes)
    monkeypatch.setattr(module, "check", indiscriminate)
    assert any(not o.agrees for o in outcomes(module, tmp_path) if o.example.passes)


def test_the_reference_page_is_clean() -> None:
    assert summary(check(PAGE, REGISTRY)) == []
    assert summary(check(PAGE)) == []


def test_default_severity_of_every_finding_is_error() -> None:
    page = stripe_row("| Stripe | Germany |").replace("Effective date: 2024-03-03\n", "")
    findings = check(page, REGISTRY)
    assert {"malformed-row", "link-missing", "date-missing", "field-mismatch"} <= set(
        rules_of(findings)
    )
    assert {f.severity for f in findings} == {Severity.ERROR}


# -- control-character --------------------------------------------------------------------


def test_nul_in_a_cell_is_a_warning_on_its_place_and_the_rest_is_checked() -> None:
    page = stripe_row("| [Stripe](https://stripe.com/) | US\x00A | Payments |")
    findings = check(page, REGISTRY)
    f = one(findings, "control-character")
    assert (f.line, f.column, f.severity) == (STRIPE_LINE, col_of(page, "\x00"), Severity.WARNING)
    assert "U+0000 (NUL)" in f.message
    assert f.suggestion == "Delete it, or type the character it stands for."
    # The row was still read: its location, as the parser sees it, differs from the registry.
    assert one(findings, "field-mismatch").line == STRIPE_LINE
    assert sorted(rules_of(findings)) == ["control-character", "field-mismatch"]


def test_one_finding_per_line_at_the_first_control_character() -> None:
    page = PAGE.replace("Hosting", "Host\x1bing\x07\x7f\x85")
    f = one(check(page, REGISTRY), "control-character")
    assert (f.line, f.column) == (line_of(page, "Host"), col_of(page, "\x1b"))
    assert "U+001B (ESC)" in f.message and "(and 3 more on this line)" in f.message


def test_lone_cr_is_reported_and_does_not_start_a_line() -> None:
    # git and GitHub's diff view end lines at LF only: "a\rb" is one line there, so the
    # rows after it keep the numbers a reviewer sees.
    page = PAGE.replace("Effective date: 2024-03-03\n", "Effective date: 2024-03-03\n\rNote\n")
    findings = check(page.replace("| USA | Payments", "| Germany | Payments"), REGISTRY)
    f = one(findings, "control-character")
    assert (f.line, f.column) == (2, 1)
    assert "carriage return (U+000D) without a line feed" in f.message
    assert f.suggestion == "Use LF (or CR LF) line endings throughout the page."
    assert one(findings, "field-mismatch").line == STRIPE_LINE + 1


def test_crlf_and_tab_are_not_control_characters() -> None:
    page = PAGE.replace("\n", "\r\n").replace("| USA | Hosting", "|\tUSA\t| Hosting")
    assert only(check(page, REGISTRY), "control-character") == []


def test_control_character_rule_can_be_switched_off() -> None:
    page = PAGE.replace("Hosting", "Host\x00ing")
    config = "rules:\n  control-character: 'off'\n"
    assert only(check(page, None, config), "control-character") == []


# -- table-missing ------------------------------------------------------------------------


class TestTableMissing:
    def test_page_without_a_table(self) -> None:
        page = "Effective date: 2024-03-03\n\nWe use AWS and Stripe.\n"
        f = one(check(page, REGISTRY), "table-missing")
        assert (f.line, f.column, f.severity) == (None, None, Severity.ERROR)
        assert "no table at all" in f.message
        assert "Name, Location and Description" in (f.suggestion or "")

    def test_table_rules_are_silent_without_a_table(self) -> None:
        page = "Effective date: 2024-03-03\n\nWe use AWS and Stripe.\n"
        rules = rules_of(check(page, REGISTRY))
        assert "missing-from-document" not in rules
        assert "missing-column" not in rules

    def test_unrelated_table_is_not_the_list_and_its_header_is_quoted(self) -> None:
        page = "| Plan | Price |\n| ---- | ----- |\n| Team | $10 |\n"
        f = one(check(page), "table-missing")
        assert "Plan | Price" in f.message

    def test_configured_index_beyond_the_page(self) -> None:
        f = one(check(PAGE, config="table:\n  index: 3\n"), "table-missing")
        assert "no table number 3" in f.message
        assert "has 1" in f.message

    def test_silent_with_a_table(self) -> None:
        assert only(check(PAGE), "table-missing") == []


# -- missing-column -----------------------------------------------------------------------


class TestMissingColumn:
    PAGE = """\
| Name | Description |
| ---- | ----------- |
| [Stripe](https://stripe.com/) | Payments |
"""

    def test_no_location_column(self) -> None:
        f = one(check(self.PAGE), "missing-column")
        assert (f.line, f.column, f.severity) == (1, 3, Severity.ERROR)
        assert "location" in f.message
        assert "Name | Description" in f.message
        assert "'Location'" in (f.suggestion or "")
        assert "columns.location" in (f.suggestion or "")

    def test_required_columns_can_drop_location(self) -> None:
        config = "required_columns: [name, description]\n"
        assert only(check(self.PAGE, config=config), "missing-column") == []

    def test_required_columns_can_require_url(self) -> None:
        config = "required_columns: [name, location, description, url]\n"
        f = one(check(PAGE, config=config), "missing-column")
        assert f.line == HEADER_LINE
        assert "url" in f.message
        assert "'URL'" in (f.suggestion or "")

    def test_silent_with_all_columns(self) -> None:
        assert only(check(PAGE), "missing-column") == []


# -- malformed-row ------------------------------------------------------------------------


class TestMalformedRow:
    def test_too_many_cells_points_at_the_first_extra_cell(self) -> None:
        page = stripe_row("| [Stripe](https://stripe.com/) | USA | Payments | extra |")
        f = one(check(page, REGISTRY), "malformed-row")
        assert (f.line, f.column, f.severity) == (
            STRIPE_LINE,
            col_of(page, "extra"),
            Severity.ERROR,
        )
        assert "4 cells" in f.message
        assert "header has 3" in f.message
        assert "'extra'" in f.message
        # The three real cells still match the registry.
        assert only(check(page, REGISTRY), "field-mismatch") == []

    def test_too_few_cells_points_at_the_end_of_the_row(self) -> None:
        row = "| [Stripe](https://stripe.com/) | USA |"
        page = stripe_row(row)
        findings = check(page, REGISTRY)
        f = one(findings, "malformed-row")
        assert (f.line, f.column) == (STRIPE_LINE, len(row) + 1)
        assert "2 cells" in f.message
        assert "Description" in f.message
        # A missing cell is malformed-row's finding, not blank-cell's or field-mismatch's.
        assert only(findings, "blank-cell") == []
        assert only(findings, "field-mismatch") == []

    def test_too_few_cells_without_closing_pipe(self) -> None:
        row = "| [Stripe](https://stripe.com/) | USA"
        f = one(check(stripe_row(row)), "malformed-row")
        assert (f.line, f.column) == (STRIPE_LINE, len(row) + 1)

    def test_escaped_pipe_is_part_of_the_cell(self) -> None:
        registry = REGISTRY.replace("description: Payments", 'description: "Payments | billing"')
        page = stripe_row(r"| [Stripe](https://stripe.com/) | USA | Payments \| billing |")
        assert summary(check(page, registry)) == []

    def test_rows_without_outer_pipes(self) -> None:
        page = """\
Effective date: 2024-03-03

Name | Location | Description
---- | -------- | -----------
[Amazon Web Services](https://aws.amazon.com/) | USA | Hosting
[Stripe](https://stripe.com/) | USA | Payments
[Slack](https://slack.com/) | USA | Business communication platform

See our [Privacy Policy](https://example.com/privacy).
"""
        assert summary(check(page, REGISTRY)) == []
        wrong = page.replace(
            "[Stripe](https://stripe.com/) | USA", "[Stripe](https://stripe.com/) | UK"
        )
        f = one(check(wrong, REGISTRY), "field-mismatch")
        assert (f.line, f.column) == (STRIPE_LINE, col_of(wrong, "UK", "[Stripe]"))

    def test_silent_on_full_rows(self) -> None:
        assert only(check(PAGE), "malformed-row") == []


# -- blank-cell ---------------------------------------------------------------------------


class TestBlankCell:
    def test_empty_location_names_the_registry_value(self) -> None:
        row = "| [Stripe](https://stripe.com/) |  | Payments |"
        page = stripe_row(row)
        f = one(check(page, REGISTRY), "blank-cell")
        # The empty cell starts right after the second pipe.
        empty_cell = row.index("|", 1) + 2
        assert (f.line, f.column, f.severity) == (STRIPE_LINE, empty_cell, Severity.ERROR)
        assert "Location" in f.message
        assert "'Stripe'" in f.message
        assert "'USA'" in f.message
        assert f.suggestion == "USA"
        assert only(check(page, REGISTRY), "field-mismatch") == []

    def test_without_registry_there_is_no_suggestion(self) -> None:
        f = one(check(stripe_row("| [Stripe](https://stripe.com/) | USA |  |")), "blank-cell")
        assert "Description" in f.message
        assert f.suggestion is None

    @pytest.mark.parametrize("blank", ["\u00a0", "&nbsp;", "\u00a0\u00a0 "])
    def test_a_cell_of_non_breaking_spaces_is_blank(self, blank: str) -> None:
        page = stripe_row(f"| [Stripe](https://stripe.com/) | {blank} | Payments |")
        f = one(check(page), "blank-cell")
        assert f.line == STRIPE_LINE

    def test_only_required_columns_are_checked(self) -> None:
        page = stripe_row("| [Stripe](https://stripe.com/) |  | Payments |")
        config = "required_columns: [name, description]\n"
        assert only(check(page, config=config), "blank-cell") == []

    def test_silent_on_filled_cells(self) -> None:
        assert only(check(PAGE), "blank-cell") == []


# -- duplicate-entry ----------------------------------------------------------------------


class TestDuplicateEntry:
    def test_registry_once_page_twice_flags_the_second_row(self) -> None:
        page = PAGE.replace(
            "| [Slack](https://slack.com/) |",
            "| [Stripe](https://stripe.com/) | USA | Payments |\n| [Slack](https://slack.com/) |",
        )
        findings = check(page, REGISTRY)
        f = one(findings, "duplicate-entry")
        assert (f.line, f.column, f.severity) == (STRIPE_LINE + 1, 3, Severity.ERROR)
        assert "'Stripe'" in f.message
        assert f"line {STRIPE_LINE}" in f.message
        assert only(findings, "not-in-registry") == []
        assert only(findings, "missing-from-document") == []

    def test_duplicate_in_another_table_with_other_case(self) -> None:
        page = PAGE.replace(
            "\nSee our",
            "\n## More\n\n| Name | Location | Description |\n| --- | --- | --- |\n"
            "| [STRIPE](https://stripe.com/) | USA | Payments |\n\nSee our",
        )
        f = one(check(page, REGISTRY), "duplicate-entry")
        assert f.line == line_of(page, "[STRIPE]")
        assert f"line {STRIPE_LINE}" in f.message

    def test_registry_twice_page_twice_is_fine(self) -> None:
        registry = REGISTRY + (
            "  - name: Stripe\n    url: https://stripe.com/\n    location: EU\n"
            "    description: Payments\n"
        )
        page = PAGE.replace(
            "| [Slack](https://slack.com/) |",
            "| [Stripe](https://stripe.com/) | EU | Payments |\n| [Slack](https://slack.com/) |",
        )
        assert summary(check(page, registry)) == []

    def test_without_registry_an_identical_row_is_a_duplicate(self) -> None:
        page = PAGE.replace(STRIPE_ROW, STRIPE_ROW + "\n" + STRIPE_ROW)
        f = one(check(page), "duplicate-entry")
        assert (f.line, f.column) == (STRIPE_LINE + 1, 3)
        assert f"line {STRIPE_LINE}" in f.message
        assert "Remove" in (f.suggestion or "")

    def test_without_registry_same_name_other_service_is_fine(self) -> None:
        page = PAGE.replace(
            STRIPE_ROW, STRIPE_ROW + "\n| [Stripe](https://stripe.com/) | EU | Billing |"
        )
        assert only(check(page), "duplicate-entry") == []


# -- not-in-registry ----------------------------------------------------------------------


class TestNotInRegistry:
    def test_misspelt_name_offers_the_close_match(self) -> None:
        page = stripe_row("| [Strpe](https://stripe.com/) | USA | Payments |")
        findings = check(page, REGISTRY)
        f = one(findings, "not-in-registry")
        assert (f.line, f.column, f.severity) == (STRIPE_LINE, 3, Severity.ERROR)
        assert "'Strpe'" in f.message
        assert "Did you mean 'Stripe'?" in f.message
        assert f.suggestion == "Rename it to 'Stripe'"
        # The real Stripe is then missing, never silently assumed.
        assert one(findings, "missing-from-document").context["vendor"] == "Stripe"

    def test_unknown_vendor_without_close_match(self) -> None:
        page = PAGE.replace(
            STRIPE_ROW, STRIPE_ROW + "\n| [Zoom](https://zoom.us/) | USA | Video calls |"
        )
        f = one(check(page, REGISTRY), "not-in-registry")
        assert f.line == STRIPE_LINE + 1
        assert "Did you mean" not in f.message
        assert f.suggestion == "Add 'Zoom' to registry.yml, or remove the row."

    def test_planned_entry_on_the_page_is_flagged(self) -> None:
        registry = REGISTRY + (
            "  - name: Zoom\n    url: https://zoom.us/\n    location: USA\n"
            "    description: Video calls\n    status: planned\n    added: 2024-06-01\n"
        )
        page = PAGE.replace(
            STRIPE_ROW, STRIPE_ROW + "\n| [Zoom](https://zoom.us/) | USA | Video calls |"
        )
        f = one(check(page, registry), "not-in-registry")
        assert f.line == STRIPE_LINE + 1
        assert "planned" in f.message
        assert "2024-06-01" in f.message
        assert "must not be on the page" in f.message

    def test_planned_and_removed_entries_are_not_expected(self) -> None:
        registry = REGISTRY + (
            "  - name: Zoom\n    url: https://zoom.us/\n    location: USA\n"
            "    description: Video calls\n    status: planned\n"
            "  - name: Mailgun\n    url: https://www.mailgun.com/\n    location: USA\n"
            "    description: Email\n    status: removed\n"
        )
        assert summary(check(PAGE, registry)) == []

    def test_removed_entry_still_on_the_page_is_flagged(self) -> None:
        registry = REGISTRY + (
            "  - name: Mailgun\n    url: https://www.mailgun.com/\n    location: USA\n"
            "    description: Email\n    status: removed\n"
        )
        page = PAGE.replace(
            STRIPE_ROW, STRIPE_ROW + "\n| [Mailgun](https://www.mailgun.com/) | USA | Email |"
        )
        f = one(check(page, registry), "not-in-registry")
        assert "removed" in f.message
        assert f.line == STRIPE_LINE + 1

    def test_silent_when_every_row_is_registered(self) -> None:
        assert only(check(PAGE, REGISTRY), "not-in-registry") == []


# -- missing-from-document ----------------------------------------------------------------


class TestMissingFromDocument:
    def test_missing_entry_sits_on_the_header_with_the_row_to_add(self) -> None:
        page = PAGE.replace(STRIPE_ROW + "\n", "")
        f = one(check(page, REGISTRY), "missing-from-document")
        assert (f.line, f.column, f.severity) == (HEADER_LINE, 3, Severity.ERROR)
        assert "'Stripe'" in f.message
        assert f"registry.yml:{STRIPE_ENTRY_LINE}" in f.message
        assert f.suggestion == "| [Stripe](https://stripe.com/) | USA | Payments |"

    def test_suggested_row_follows_the_page_columns(self) -> None:
        page = """\
Effective date: 2024-03-03

| Description | Website | Name | Location |
| --- | --- | --- | --- |
| Hosting | https://aws.amazon.com/ | Amazon Web Services | USA |
| Business communication platform | https://slack.com/ | Slack | USA |

See our [Privacy Policy](https://example.com/privacy).
"""
        findings = check(page, REGISTRY)
        f = one(findings, "missing-from-document")
        assert f.suggestion == "| Payments | https://stripe.com/ | Stripe | USA |"
        assert [x.rule for x in findings] == ["missing-from-document"]

    def test_silent_when_everything_is_listed(self) -> None:
        assert only(check(PAGE, REGISTRY), "missing-from-document") == []


# -- field-mismatch -----------------------------------------------------------------------


class TestFieldMismatch:
    def test_location_differs(self) -> None:
        page = stripe_row("| [Stripe](https://stripe.com/) | Germany | Payments |")
        f = one(check(page, REGISTRY), "field-mismatch")
        assert (f.line, f.column, f.severity) == (
            STRIPE_LINE,
            col_of(page, "Germany"),
            Severity.ERROR,
        )
        assert "'Germany'" in f.message
        assert "'USA'" in f.message
        assert f.suggestion == "USA"
        assert f.context["field"] == "location"
        assert f.context["vendor"] == "Stripe"

    def test_description_differs(self) -> None:
        page = stripe_row("| [Stripe](https://stripe.com/) | USA | Payments and billing |")
        f = one(check(page, REGISTRY), "field-mismatch")
        assert f.column == col_of(page, "Payments and billing")
        assert f.suggestion == "Payments"
        assert f.context["field"] == "description"

    def test_url_differs(self) -> None:
        page = stripe_row("| [Stripe](https://stripe.example/) | USA | Payments |")
        f = one(check(page, REGISTRY), "field-mismatch")
        assert (f.line, f.column) == (STRIPE_LINE, col_of(page, "https://stripe.example/"))
        assert "https://stripe.example/" in f.message
        assert "https://stripe.com/" in f.message
        assert f.suggestion == "https://stripe.com/"

    def test_case_difference_in_the_name(self) -> None:
        page = stripe_row("| [stripe](https://stripe.com/) | USA | Payments |")
        findings = check(page, REGISTRY)
        f = one(findings, "field-mismatch")
        assert (f.line, f.column) == (STRIPE_LINE, 3)
        assert f.context["field"] == "name"
        assert f.suggestion == "Stripe"
        assert "'stripe'" in f.message
        assert only(findings, "not-in-registry") == []
        assert only(findings, "missing-from-document") == []

    @pytest.mark.parametrize(
        ("registry_url", "page_url"),
        [
            ("https://slack.com", "https://slack.com/"),
            ("https://slack.com/", "https://slack.com"),
            ("https://slack.com/", "HTTPS://Slack.COM/"),
        ],
    )
    def test_equivalent_urls(self, registry_url: str, page_url: str) -> None:
        registry = REGISTRY.replace("url: https://slack.com\n", f"url: {registry_url}\n")
        page = PAGE.replace("[Slack](https://slack.com/)", f"[Slack]({page_url})")
        assert only(check(page, registry), "field-mismatch") == []

    def test_a_different_path_is_a_different_url(self) -> None:
        page = PAGE.replace("[Slack](https://slack.com/)", "[Slack](https://slack.com/intl/)")
        f = one(check(page, REGISTRY), "field-mismatch")
        assert f.context["field"] == "url"

    @pytest.mark.parametrize(
        ("registry_text", "page_text"),
        [
            ("Payments of *Customer Data*", "Payments of Customer Data"),
            ("Payments of Customer Data", "Payments of *Customer Data*"),
            ("Payments of *Customer Data*", "Payments of **Customer Data**"),
            ("Payments of Customer Data", "Payments of  Customer\u00a0Data"),
        ],
    )
    def test_markup_and_blanks_do_not_matter(self, registry_text: str, page_text: str) -> None:
        registry = REGISTRY.replace("description: Payments", f'description: "{registry_text}"')
        page = stripe_row(f"| [Stripe](https://stripe.com/) | USA | {page_text} |")
        assert only(check(page, registry), "field-mismatch") == []

    @pytest.mark.parametrize(
        ("registry_text", "page_text"),
        [
            ("Payments – cards", "Payments - cards"),
            ("Payments of Customer Data", "Payments of customer data"),
        ],
    )
    def test_other_differences_matter(self, registry_text: str, page_text: str) -> None:
        registry = REGISTRY.replace("description: Payments", f'description: "{registry_text}"')
        page = stripe_row(f"| [Stripe](https://stripe.com/) | USA | {page_text} |")
        f = one(check(page, registry), "field-mismatch")
        assert f.suggestion == registry_text

    def test_translated_page_does_not_compare_descriptions(self, tmp_path: Path) -> None:
        page = stripe_row("| [Stripe](https://stripe.com/) | USA | Zahlungen |")
        assert one(check(page, REGISTRY), "field-mismatch").context["field"] == "description"
        config = "documents:\n  - path: page.md\n    compare: [name, url, location]\n"
        assert (
            only(
                check(page, REGISTRY, config, base_dir=tmp_path, path=str(tmp_path / "page.md")),
                "field-mismatch",
            )
            == []
        )
        # The other fields are still compared on that page.
        moved = stripe_row("| [Stripe](https://stripe.example/) | USA | Zahlungen |")
        f = one(
            check(moved, REGISTRY, config, base_dir=tmp_path, path=str(tmp_path / "page.md")),
            "field-mismatch",
        )
        assert f.context["field"] == "url"

    def test_translated_page_through_the_cli(self, tmp_path: Path) -> None:
        page = stripe_row("| [Stripe](https://stripe.com/) | USA | Zahlungen |")
        config = (
            "registry: registry.yml\n"
            "documents:\n  - path: page.md\n    compare: [name, url, location]\n"
        )
        result = cli(tmp_path, "check", page=page, registry=REGISTRY, config=config)
        assert (result.code, result.findings, result.stderr) == (0, [], "")

    def test_non_breaking_spaces_in_cells(self) -> None:
        page = PAGE.replace(
            "| USA | Business communication platform |",
            "|\u00a0USA\u00a0| Business\u00a0communication platform\u00a0|",
        )
        assert summary(check(page, REGISTRY)) == []

    def test_br_in_cells_and_headers(self) -> None:
        registry = REGISTRY.replace(
            "location: USA\n    description: Hosting",
            "location: USA, Germany\n    description: Hosting and storage",
        )
        page = PAGE.replace(
            "| Name | Location | Description |",
            "| Name of<br>Subprocessor | Location of<br/>Processing | Description |",
        ).replace("| USA | Hosting |", "| USA,<br>Germany | Hosting<br />and storage |")
        assert summary(check(page, registry)) == []
        wrong = page.replace("Germany", "Finland")
        f = one(check(wrong, registry), "field-mismatch")
        assert f.suggestion == "USA, Germany"
        assert f.context["actual"] == "USA, Finland"

    def test_bold_headers(self) -> None:
        page = PAGE.replace(
            "| Name | Location | Description |",
            "| **Name** | **Location** | __Description__ |",
        )
        assert summary(check(page, REGISTRY)) == []

    def test_html_in_cells(self) -> None:
        page = stripe_row(
            '| <a href="https://stripe.com/">Stripe</a> | <u>USA</u> | <b>Payments</b> |'
        )
        assert summary(check(page, REGISTRY)) == []

    def test_shuffled_columns(self) -> None:
        page = """\
Effective date: 2024-03-03

| Description | Location | Name |
| ----------- | -------- | ---- |
| Hosting | USA | [Amazon Web Services](https://aws.amazon.com/) |
| Payments | UK | [Stripe](https://stripe.com/) |
| Business communication platform | USA | [Slack](https://slack.com/) |

See our [Privacy Policy](https://example.com/privacy).
"""
        f = one(check(page, REGISTRY), "field-mismatch")
        assert (f.line, f.column) == (STRIPE_LINE, col_of(page, "UK"))
        assert f.suggestion == "USA"
        assert summary(check(page.replace("| UK |", "| USA |"), REGISTRY)) == []

    def test_several_tables_form_one_list(self) -> None:
        page = """\
Effective date: 2024-03-03

## Infrastructure

| Name | Location | Description |
| ---- | -------- | ----------- |
| [Amazon Web Services](https://aws.amazon.com/) | USA | Hosting |

## Other

| Name | Location | Description |
| ---- | -------- | ----------- |
| [Stripe](https://stripe.com/) | USA | Payments |
| [Slack](https://slack.com/) | USA | Business communication platform |

See our [Privacy Policy](https://example.com/privacy).
"""
        assert summary(check(page, REGISTRY)) == []
        wrong = page.replace("| USA | Payments |", "| EU | Payments |")
        f = one(check(wrong, REGISTRY), "field-mismatch")
        assert f.line == line_of(wrong, "[Stripe]")

    def test_crlf_line_endings(self) -> None:
        page = PAGE.replace("\n", "\r\n")
        assert summary(check(page, REGISTRY)) == []
        wrong = stripe_row("| [Stripe](https://stripe.com/) | Germany | Payments |").replace(
            "\n", "\r\n"
        )
        f = one(check(wrong, REGISTRY), "field-mismatch")
        assert (f.line, f.column) == (STRIPE_LINE, col_of(wrong, "Germany"))
        assert f.context["actual"] == "Germany"

    def test_byte_order_mark(self) -> None:
        assert summary(check("\ufeff" + PAGE, REGISTRY)) == []
        page = "\ufeff" + PAGE.replace("2024-03-03", "2024-03-04")
        f = one(check(page, REGISTRY), "date-mismatch")
        assert (f.line, f.column) == (1, DATE_COLUMN)

    def test_silent_when_fields_match(self) -> None:
        assert only(check(PAGE, REGISTRY), "field-mismatch") == []


# -- link-missing -------------------------------------------------------------------------


class TestLinkMissing:
    def test_unlinked_name_suggests_the_registry_url(self) -> None:
        page = stripe_row("| Stripe | USA | Payments |")
        f = one(check(page, REGISTRY), "link-missing")
        assert (f.line, f.column, f.severity) == (STRIPE_LINE, 3, Severity.ERROR)
        assert "'Stripe'" in f.message
        assert f.suggestion == "[Stripe](https://stripe.com/)"

    def test_without_registry_no_suggestion(self) -> None:
        f = one(check(stripe_row("| Stripe | USA | Payments |")), "link-missing")
        assert f.suggestion is None

    def test_a_mailto_link_is_not_a_website(self) -> None:
        page = stripe_row("| [Stripe](mailto:privacy@stripe.com) | USA | Payments |")
        assert one(check(page), "link-missing").line == STRIPE_LINE

    def test_link_in_a_website_column(self) -> None:
        page = """\
| Name | Location | Description | Website |
| ---- | -------- | ----------- | ------- |
| Stripe | USA | Payments | https://stripe.com/ |
| Slack | USA | Chat | [slack.com](https://slack.com/) |
| Zoom | USA | Video |  |
"""
        f = one(check(page), "link-missing")
        assert f.line == 5
        assert f.column == col_of(page, "|  |", "| Zoom") + 1  # just after the pipe

    def test_silent_when_linked(self) -> None:
        assert only(check(PAGE), "link-missing") == []


# -- date-missing -------------------------------------------------------------------------


class TestDateMissing:
    def test_no_date_suggests_the_registry_date(self) -> None:
        page = PAGE.replace("Effective date: 2024-03-03\n\n", "")
        f = one(check(page, REGISTRY), "date-missing")
        assert (f.line, f.column, f.severity) == (None, None, Severity.ERROR)
        assert f.suggestion == "Add 'Effective date: 2024-03-03' near the top (line 1)."

    def test_after_front_matter_the_suggested_line_follows_it(self) -> None:
        page = "---\ntitle: Subprocessors\n---\n" + PAGE.replace("Effective date: 2024-03-03\n", "")
        f = one(check(page, REGISTRY), "date-missing")
        assert "Effective date: 2024-03-03" in (f.suggestion or "")
        assert "line 4" in (f.suggestion or "")

    @pytest.mark.parametrize(
        "statement",
        [
            "Last updated: 2024-03-03",
            "**Effective date:** 2024-03-03",
            "_Updated: 2024-03-03_",
            "Effective Date - 2024-03-03",
        ],
    )
    def test_labels_a_reader_understands(self, statement: str) -> None:
        page = PAGE.replace("Effective date: 2024-03-03", statement)
        assert summary(check(page, REGISTRY)) == []

    def test_front_matter_followed_directly_by_the_date(self) -> None:
        page = "---\ntitle: Subprocessors\n---\n" + PAGE
        assert summary(check(page, REGISTRY)) == []
        late = page.replace("2024-03-03", "2024-03-04")
        f = one(check(late, REGISTRY), "date-mismatch")
        assert (f.line, f.column) == (4, DATE_COLUMN)

    def test_front_matter_date_key(self) -> None:
        page = "---\nlast_updated: 2024-03-03\n---\n" + PAGE.replace(
            "Effective date: 2024-03-03\n", ""
        )
        assert summary(check(page, REGISTRY)) == []

    def test_a_date_inside_a_code_block_does_not_count(self) -> None:
        page = PAGE.replace(
            "Effective date: 2024-03-03\n", "```\nEffective date: 2024-03-03\n```\n"
        )
        assert one(check(page), "date-missing").line is None

    @pytest.mark.parametrize(
        "prose",
        [
            "Effective immediately, we use 3 new vendors.",
            "Revised in line with GDPR Art. 28.",
        ],
    )
    def test_prose_is_not_a_date_statement(self, prose: str) -> None:
        page = prose + "\n\n" + PAGE.replace("Effective date: 2024-03-03\n\n", "")
        findings = check(page, REGISTRY)
        assert only(findings, "date-invalid") == []
        assert one(findings, "date-missing").line is None

    def test_configured_label(self) -> None:
        page = PAGE.replace("Effective date: 2024-03-03", "Stand: 2024-03-03")
        assert one(check(page, REGISTRY), "date-missing").line is None
        assert summary(check(page, REGISTRY, "date:\n  labels: ['Stand']\n")) == []

    def test_silent_with_a_date(self) -> None:
        assert only(check(PAGE), "date-missing") == []


# -- date-invalid -------------------------------------------------------------------------


class TestDateInvalid:
    def test_impossible_day(self) -> None:
        page = PAGE.replace("2024-03-03", "2021-02-30")
        findings = check(page, REGISTRY)
        f = one(findings, "date-invalid")
        assert (f.line, f.column, f.severity) == (1, DATE_COLUMN, Severity.ERROR)
        assert "'2021-02-30'" in f.message
        assert "not a real date" in f.message
        assert f.suggestion is None
        # An unreadable date is not also a mismatch.
        assert only(findings, "date-mismatch") == []

    def test_month_day_year_rejected_by_default_with_an_iso_suggestion(self) -> None:
        page = PAGE.replace("2024-03-03", "March 3, 2024")
        f = one(check(page, REGISTRY), "date-invalid")
        assert (f.line, f.column) == (1, DATE_COLUMN)
        assert "month-day-year" in f.message
        assert f.suggestion == "2024-03-03"

    def test_month_day_year_accepted_when_enabled(self) -> None:
        page = PAGE.replace("2024-03-03", "March 3, 2024")
        config = "date:\n  formats: [month-day-year]\n"
        # Compared as days: March 3, 2024 is the registry's 2024-03-03.
        assert summary(check(page, REGISTRY, config)) == []
        later = PAGE.replace("2024-03-03", "May 6th, 2024")
        f = one(check(later, REGISTRY, config), "date-mismatch")
        assert f.context["actual"] == "2024-05-06"

    def test_iso_rejected_when_only_another_format_is_enabled(self) -> None:
        config = "date:\n  formats: [month-day-year]\n"
        f = one(check(PAGE, REGISTRY, config), "date-invalid")
        assert "iso" in f.message

    def test_day_month_year(self) -> None:
        page = PAGE.replace("2024-03-03", "3 March 2024")
        assert one(check(page), "date-invalid").suggestion == "2024-03-03"
        config = "date:\n  formats: [day-month-year]\n"
        assert summary(check(page, REGISTRY, config)) == []

    def test_strftime_pattern(self) -> None:
        page = PAGE.replace("2024-03-03", "03.03.2024")
        config = "date:\n  formats: ['%d.%m.%Y']\n"
        assert summary(check(page, REGISTRY, config)) == []
        assert one(check(page, REGISTRY), "date-invalid").line == 1

    def test_placeholder(self) -> None:
        page = PAGE.replace("2024-03-03", "[Insert Date]")
        f = one(check(page), "date-invalid")
        assert "'[Insert Date]'" in f.message
        assert f.suggestion is None
        assert only(check(page), "date-missing") == []

    def test_silent_on_a_real_iso_date(self) -> None:
        assert only(check(PAGE.replace("2024-03-03", "2024-02-29")), "date-invalid") == []


# -- date-mismatch ------------------------------------------------------------------------


class TestDateMismatch:
    def test_page_date_differs_from_the_registry(self) -> None:
        page = PAGE.replace("2024-03-03", "2024-03-04")
        f = one(check(page, REGISTRY), "date-mismatch")
        assert (f.line, f.column, f.severity) == (1, DATE_COLUMN, Severity.ERROR)
        assert "2024-03-04" in f.message
        assert "2024-03-03" in f.message
        assert f.suggestion == "2024-03-03"

    def test_silent_without_a_registry_date(self) -> None:
        registry = REGISTRY.replace("effective_date: 2024-03-03\n", "")
        page = PAGE.replace("2024-03-03", "2024-03-04")
        assert only(check(page, registry), "date-mismatch") == []

    def test_silent_when_equal(self) -> None:
        assert only(check(PAGE, REGISTRY), "date-mismatch") == []


# -- privacy-link-missing -----------------------------------------------------------------


class TestPrivacyLinkMissing:
    def test_page_without_the_policy_link(self) -> None:
        page = PAGE.replace("See our [Privacy Policy](https://example.com/privacy).\n", "")
        f = one(check(page, REGISTRY), "privacy-link-missing")
        assert (f.line, f.column, f.severity) == (None, None, Severity.ERROR)
        assert "https://example.com/privacy" in f.message
        assert f.suggestion == "See also: [Privacy Policy](https://example.com/privacy)."

    @pytest.mark.parametrize(
        "link",
        [
            "[Privacy Policy](https://example.com/privacy/)",
            "[Privacy Policy](HTTPS://Example.COM/privacy)",
            "<https://example.com/privacy>",
            '<a href="https://example.com/privacy">Privacy Policy</a>',
        ],
    )
    def test_equivalent_links(self, link: str) -> None:
        page = PAGE.replace("[Privacy Policy](https://example.com/privacy)", link)
        assert only(check(page, REGISTRY), "privacy-link-missing") == []

    def test_config_url_wins_over_the_registry(self) -> None:
        config = "privacy_policy: https://example.org/legal/privacy\n"
        f = one(check(PAGE, REGISTRY, config), "privacy-link-missing")
        assert "https://example.org/legal/privacy" in f.message

    def test_no_policy_configured_no_check(self) -> None:
        page = PAGE.replace("See our [Privacy Policy](https://example.com/privacy).\n", "")
        assert only(check(page), "privacy-link-missing") == []

    def test_silent_when_linked(self) -> None:
        assert only(check(PAGE, REGISTRY), "privacy-link-missing") == []


# -- choosing the table -------------------------------------------------------------------


UNUSUAL = """\
Effective date: 2024-03-03

## Plans

| Plan | Price |
| ---- | ----- |
| Team | $10 |

## Who processes your data

| Partner | Based in | Role |
| ------- | -------- | ---- |
| [Amazon Web Services](https://aws.amazon.com/) | USA | Hosting |
| [Stripe](https://stripe.com/) | USA | Payments |
| [Slack](https://slack.com/) | USA | Business communication platform |

See our [Privacy Policy](https://example.com/privacy).
"""
UNUSUAL_COLUMNS = "columns:\n  name: Partner\n  location: Based in\n  description: [Role, Job]\n"


class TestChoosingTheTable:
    def test_unusual_headers_are_not_recognised_by_default(self) -> None:
        f = one(check(UNUSUAL, REGISTRY), "table-missing")
        assert "Partner | Based in | Role" in f.message

    def test_columns_alone_select_the_table(self) -> None:
        assert summary(check(UNUSUAL, REGISTRY, UNUSUAL_COLUMNS)) == []

    def test_index_and_columns(self) -> None:
        config = "table:\n  index: 1\n" + UNUSUAL_COLUMNS
        assert summary(check(UNUSUAL, REGISTRY, config)) == []
        wrong = UNUSUAL.replace("| USA | Payments |", "| UK | Payments |")
        f = one(check(wrong, REGISTRY, config), "field-mismatch")
        assert (f.line, f.column) == (line_of(wrong, "[Stripe]"), col_of(wrong, "UK"))

    def test_index_without_columns_reports_the_missing_columns(self) -> None:
        findings = check(UNUSUAL, REGISTRY, "table:\n  index: 1\n")
        missing = only(findings, "missing-column")
        assert sorted(f.context["column"] for f in missing) == ["description", "location", "name"]
        assert {f.line for f in missing} == {line_of(UNUSUAL, "| Partner |")}
        assert only(findings, "table-missing") == []

    def test_heading_selects_the_table(self) -> None:
        config = "table:\n  heading: processes your data\n" + UNUSUAL_COLUMNS
        assert summary(check(UNUSUAL, REGISTRY, config)) == []

    def test_heading_keeps_a_lookalike_table_out(self) -> None:
        page = UNUSUAL.replace(
            "| Plan | Price |\n| ---- | ----- |\n| Team | $10 |",
            "| Name | Location | Description |\n| --- | --- | --- |\n"
            "| Berlin office | Germany | Sales |",
        )
        # Without a choice, the lookalike office table is part of the list.
        rules = rules_of(check(page, REGISTRY, UNUSUAL_COLUMNS))
        assert "not-in-registry" in rules
        config = "table:\n  heading: processes your data\n" + UNUSUAL_COLUMNS
        assert summary(check(page, REGISTRY, config)) == []

    def test_heading_that_no_table_sits_under(self) -> None:
        f = one(check(PAGE, REGISTRY, "table:\n  heading: Vendors\n"), "table-missing")
        assert "'Vendors'" in f.message


# -- configuring rules --------------------------------------------------------------------


UNLINKED = stripe_row("| Stripe | USA | Payments |")


class TestRuleConfig:
    def test_severity_override(self) -> None:
        f = one(check(UNLINKED, REGISTRY, "rules:\n  link-missing: warning\n"), "link-missing")
        assert f.severity is Severity.WARNING
        f = one(
            check(UNLINKED, REGISTRY, "rules:\n  link-missing:\n    severity: notice\n"),
            "link-missing",
        )
        assert f.severity is Severity.NOTICE

    def test_rule_off(self) -> None:
        assert summary(check(UNLINKED, REGISTRY, "rules:\n  link-missing: 'off'\n")) == []
        assert (
            summary(check(UNLINKED, REGISTRY, "rules:\n  link-missing:\n    enabled: false\n"))
            == []
        )

    def test_rule_off_unquoted(self) -> None:
        assert summary(check(UNLINKED, REGISTRY, "rules:\n  link-missing: off\n")) == []

    def test_warning_does_not_fail_the_run(self, tmp_path: Path) -> None:
        config = "registry: registry.yml\nrules:\n  link-missing: warning\n"
        result = cli(tmp_path, "check", "page.md", page=UNLINKED, registry=REGISTRY, config=config)
        assert result.code == 0
        assert [(f["rule"], f["severity"], f["line"], f["column"]) for f in result.findings] == [
            ("link-missing", "warning", STRIPE_LINE, 3)
        ]
        assert result.report["summary"]["warnings"] == 1
        assert result.report["summary"]["errors"] == 0
        failing = cli(tmp_path, "check", "page.md", "--fail-on", "warning")
        assert failing.code == 1

    def test_unknown_rule_id_names_the_line(self, tmp_path: Path) -> None:
        config = "registry: registry.yml\nrules:\n  link-missing: warning\n  no-such-rule: error\n"
        result = cli(tmp_path, "check", "page.md", page=PAGE, registry=REGISTRY, config=config)
        assert result.code == 2
        assert result.stdout == ""
        lines = result.stderr.splitlines()
        assert len(lines) == 1
        assert ".subprocessor-check.yml:4:" in lines[0]
        assert "no-such-rule" in lines[0]
        assert "Traceback" not in result.stderr

    def test_unknown_rule_id_in_parse_config(self) -> None:
        from checker.engine import active_rules
        from checker.load.config import parse_config

        config = parse_config("rules:\n  date-missing: warning\n  bogus: error\n", "cfg.yml")
        with pytest.raises(InputError) as err:
            active_rules(config)
        assert err.value.line == 3
        assert "bogus" in err.value.reason


# -- the command line, end to end ---------------------------------------------------------


class TestCli:
    def test_clean_page(self, tmp_path: Path) -> None:
        result = cli(
            tmp_path, "check", "page.md", "-r", "registry.yml", page=PAGE, registry=REGISTRY
        )
        assert (result.code, result.stderr) == (0, "")
        assert result.findings == []
        assert result.report["summary"]["vendors"] == 3

    def test_findings_with_positions(self, tmp_path: Path) -> None:
        page = stripe_row("| [Stripe](https://stripe.com/) | Germany | Payments |")
        result = cli(
            tmp_path, "check", "page.md", "-r", "registry.yml", page=page, registry=REGISTRY
        )
        assert result.code == 1
        [f] = result.findings
        assert (f["rule"], f["severity"], f["path"], f["line"], f["column"]) == (
            "field-mismatch",
            "error",
            "page.md",
            STRIPE_LINE,
            col_of(page, "Germany"),
        )
        assert f["suggestion"] == "USA"

    def test_crlf_and_bom_file(self, tmp_path: Path) -> None:
        data = b"\xef\xbb\xbf" + PAGE.replace("\n", "\r\n").encode("utf-8")
        result = cli(
            tmp_path, "check", "page.md", "-r", "registry.yml", page=data, registry=REGISTRY
        )
        assert (result.code, result.findings, result.stderr) == (0, [], "")

    def test_page_with_a_nul_byte_is_checked_not_refused(self, tmp_path: Path) -> None:
        data = PAGE.replace("Hosting", "Host\x00ing").encode("utf-8")
        result = cli(
            tmp_path, "check", "page.md", "-r", "registry.yml", page=data, registry=REGISTRY
        )
        assert result.stderr == ""
        assert sorted((f["rule"], f["severity"], f["line"]) for f in result.findings) == [
            ("control-character", "warning", line_of(PAGE, "Hosting")),
            ("field-mismatch", "error", line_of(PAGE, "Hosting")),
        ]
        assert result.code == 1  # for the field-mismatch: the warning alone would pass
        assert result.report["summary"]["vendors"] == 3

    @pytest.mark.parametrize(
        ("data", "reason"),
        [
            (PAGE.encode("utf-16-le"), "looks like a binary file (50% of its bytes"),
            (b"\x00" * 4000 + PAGE.encode("utf-8"), "looks like a binary file"),
            (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff", "looks like a binary file"),
        ],
        ids=["utf-16-without-bom", "mostly-nul", "png"],
    )
    def test_binary_file_is_still_exit_2(self, tmp_path: Path, data: bytes, reason: str) -> None:
        result = cli(tmp_path, "check", "page.md", page=data)
        assert (result.code, result.stdout) == (2, "")
        assert result.stderr.startswith(f"subprocessor-check: page.md: {reason}"), result.stderr

    def test_registry_with_a_nul_byte_is_exit_2_on_its_line(self, tmp_path: Path) -> None:
        registry = REGISTRY.replace("Payments", "Pay\x00ments")
        result = cli(
            tmp_path, "check", "page.md", "-r", "registry.yml", page=PAGE, registry=registry
        )
        assert (result.code, result.stdout) == (2, "")
        line = line_of(registry, "Pay\x00ments")
        expected = f"subprocessor-check: registry.yml:{line}: contains a NUL byte"
        assert result.stderr.startswith(expected), result.stderr

    def test_lone_cr_line_numbers_in_annotations(self, tmp_path: Path) -> None:
        # "\r " is one line for git and GitHub's diff view, two for a CR-counting parser:
        # Stripe's row stays on the line a reviewer sees it on.
        page = PAGE.replace("2024-03-03\n\n", "2024-03-03\n\r \n").replace(
            "| USA | Payments", "| EU | Payments"
        )
        result = cli(
            tmp_path, "check", "page.md", "-r", "registry.yml", "--format", "github",
            page=page, registry=REGISTRY, json_format=False,
        )  # fmt: skip
        annotations = [line.split(",title=")[0] for line in result.stdout.splitlines()]
        assert annotations == [
            "::warning file=page.md,line=2,endLine=2,col=1,endColumn=2",
            f"::error file=page.md,line={STRIPE_LINE},endLine={STRIPE_LINE},col=35,endColumn=37",
        ], result.stdout
        assert col_of(page, "EU") == 35

    def test_bom_date_position(self, tmp_path: Path) -> None:
        data = b"\xef\xbb\xbf" + PAGE.replace("2024-03-03", "2024-03-09").encode("utf-8")
        result = cli(
            tmp_path, "check", "page.md", "-r", "registry.yml", page=data, registry=REGISTRY
        )
        [f] = result.findings
        assert (f["rule"], f["line"], f["column"]) == ("date-mismatch", 1, DATE_COLUMN)
