"""The parser's reading of tables: cells as the renderer shows them, at their source place."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from checker.errors import InputError
from checker.model import ControlCharacters
from checker.page.markdown import MAX_PADDED_CELLS, _parser, parse_document, split_lines
from tests.support import check, col_of, one, only

ROOT = Path(__file__).resolve().parents[1]
HEADER = "| Name | Location | Description |\n| ---- | -------- | ----------- |\n"

REGISTRY = """\
subprocessors:
  - name: Stripe
    url: https://stripe.com/
    location: USA
    description: Payments
"""

TABLE = """\
| Name | Location | Description |
| ---- | -------- | ----------- |
| [Stripe](https://stripe.com/) | USA | Payments |
"""


def cells(text: str, row: int = 0) -> list[tuple[str, int]]:
    table = parse_document(text).tables[0]
    return [(c.text, c.column) for c in table.rows[row].cells]


def test_cells_and_their_columns() -> None:
    assert cells(TABLE) == [
        ("Stripe", 3),
        ("USA", col_of(TABLE, "USA")),
        ("Payments", col_of(TABLE, "Payments")),
    ]


def test_rows_without_outer_pipes_and_with_padding() -> None:
    text = (
        "Name|Location   |  Description\n--|--|--\n[Stripe](https://stripe.com/)|  USA |Payments\n"
    )
    assert cells(text) == [
        ("Stripe", 1),
        ("USA", col_of(text, "USA")),
        ("Payments", col_of(text, "Payments")),
    ]


def test_escaped_pipe_stays_in_its_cell() -> None:
    text = TABLE.replace("| USA |", r"| USA \| EU |")
    assert [t for t, _ in cells(text)] == ["Stripe", "USA | EU", "Payments"]


def test_empty_header_row_takes_the_first_body_row_as_header() -> None:
    text = "|  |  |  |\n|--|--|--|\n| Name | Location | Description |\n| Stripe | USA | Pay |\n"
    table = parse_document(text).tables[0]
    assert [c.text for c in table.header.cells] == ["Name", "Location", "Description"]
    assert table.line == 3
    assert [[c.text for c in r.cells] for r in table.rows] == [["Stripe", "USA", "Pay"]]


def test_html_table_cells() -> None:
    text = (
        "<table>\n<tr><th>Name</th><th>Location</th><th>Description</th></tr>\n"
        '<tr><td><a href="https://stripe.com/">Stripe</a></td><td>USA&nbsp;</td>'
        "<td>Pay<br>ments</td></tr>\n</table>\n"
    )
    table = parse_document(text).tables[0]
    assert table.html
    assert [c.text for c in table.header.cells] == ["Name", "Location", "Description"]
    row = table.rows[0]
    assert row.line == 3
    assert [c.text for c in row.cells] == ["Stripe", "USA", "Pay ments"]
    assert [lk.url for lk in row.cells[0].links] == ["https://stripe.com/"]


def test_html_table_cell_column_is_where_its_text_starts() -> None:
    # Cell.column is "the source column of the first character of raw": the text, not the
    # <td> tag, so that an annotation points at the value to fix.
    text = (
        "<table>\n<tr><th>Name</th><th>Location</th><th>Description</th></tr>\n"
        '<tr><td><a href="https://stripe.com/">Stripe</a></td><td>Germany</td>'
        "<td>Payments</td></tr>\n</table>\n"
    )
    f = one(check(text, REGISTRY), "field-mismatch")
    assert f.line == 3
    assert f.column == col_of(text, "Germany")


# -- known bugs ---------------------------------------------------------------------------


def test_backslash_before_an_escaped_pipe_splits_like_the_renderer() -> None:
    # markdown-it (escapedSplit) treats any pipe right after a backslash as escaped, so it
    # renders this row as three cells: Stripe | USA \| EU | Payments.
    text = TABLE.replace("| USA |", r"| USA \\| EU |")
    findings = check(text)
    assert only(findings, "malformed-row") == []
    assert len(parse_document(text).tables[0].rows[0].cells) == 3


def test_table_in_a_blockquote() -> None:
    text = "> " + TABLE.replace("\n|", "\n> |").replace("| USA |", "| Germany |")
    assert [t for t, _ in cells(text)] == ["Stripe", "Germany", "Payments"]
    f = one(check(text, REGISTRY), "field-mismatch")
    assert f.column == col_of(text, "Germany")


# -- line numbers as git counts them -------------------------------------------------------


def test_lines_end_at_lf_only() -> None:
    doc = parse_document("a\rb\r\nc\n\rd\r")
    assert doc.lines == ["a\rb", "c", "\rd\r"]
    assert split_lines("x\r\n") == ["x"] and split_lines("") == [""] and split_lines("\n") == [""]


def test_a_lone_cr_does_not_move_the_table() -> None:
    text = "Intro\rstill line one\n\n" + TABLE
    table = parse_document(text).tables[0]
    assert (table.line, table.rows[0].line) == (3, 5)
    assert text.split("\n")[table.rows[0].line - 1].startswith("| [Stripe]")


# -- control characters -------------------------------------------------------------------


def test_control_characters_are_read_as_replacement_and_listed() -> None:
    text = TABLE.replace("USA", "U\x00S\x01A") + "x\x7f\x9b\n"
    doc = parse_document(text)
    assert [c.text for c in doc.tables[0].rows[0].cells] == [
        "Stripe",
        "U\ufffdS\ufffdA",
        "Payments",
    ]
    assert doc.control_characters == [
        ControlCharacters(3, col_of(text, "\x00"), "\x00", 2),
        ControlCharacters(4, 2, "\x7f", 2),
    ]
    assert doc.text == text  # the page as written, for the reporters and for fix
    assert "\x00" in doc.lines[2]


def test_nul_in_html_table_and_front_matter_still_parses() -> None:
    text = (
        "---\ntitle: a\x00b\ndate: 2024-01-02\n---\n"
        "<table><tr><th>Name</th></tr>\n<tr><td>S\x00</td></tr></table>\n"
    )
    doc = parse_document(text)
    assert doc.front_matter == {"title": "a\ufffdb", "date": "2024-01-02"}
    assert doc.tables[0].rows[0].cells[0].text == "S\ufffd"
    assert [c.line for c in doc.control_characters] == [2, 6]


# -- raw HTML that used to crash or be read twice ------------------------------------------


def test_unknown_marked_section_in_an_html_table_is_a_comment() -> None:
    # The standard library's HTML parser raises AssertionError on "<![" + an unknown word.
    text = (
        "<table>\n<tr><td>A<![ x ]></td><td>B</td></tr>\n<tr><td>C</td><td>D</td></tr>\n</table>\n"
    )
    table = parse_document(text).tables[0]
    assert [c.text for c in table.header.cells] == ["A", "B"]
    assert [c.text for c in table.rows[0].cells] == ["C", "D"]
    assert table.rows[0].cells[0].column == 9


def test_each_html_table_is_read_once_even_across_blocks() -> None:
    # Blank lines split one table into several HTML blocks; a <table> inside another's
    # cell, after a blank line, is its own table (as before) but never a second copy.
    text = (
        "<table>\n<tr><th>Name</th><th>Location</th></tr>\n\n"
        "<tr><td>A</td><td>USA</td></tr>\n\n<tr><td>B</td><td>\n\n"
        "<table><tr><td>inner</td></tr></table>\n\nUK</td></tr>\n</table>\n\n"
        "<table><tr><td>last</td></tr></table>\n"
    )
    doc = parse_document(text)
    assert [[c.text for c in t.header.cells] for t in doc.tables] == [
        ["Name", "Location"],
        ["inner"],
        ["last"],
    ]
    assert [[c.text for c in r.cells] for r in doc.tables[0].rows] == [["A", "USA"], ["B", "UK"]]


def test_a_table_after_an_unclosed_table_is_found() -> None:
    text = (
        "<table>\n\nEffective date: 2024-01-01\n\n"
        "<table><tr><td>Name</td><td>Location</td></tr></table>\n"
    )
    doc = parse_document(text)
    assert [[c.text for c in t.header.cells] for t in doc.tables] == [["Name", "Location"]]
    assert doc.date is not None and doc.date.line == 3


# -- links found in order -----------------------------------------------------------------


def test_links_in_a_cell_are_placed_in_order() -> None:
    cell = "[a](https://x.example/) [b](https://x.example/) https://x.example/"
    text = HEADER + f"| {cell} | USA | Pay |\n"
    links = parse_document(text).tables[0].rows[0].cells[0].links
    line = text.splitlines()[2]
    starts = [i + 1 for i in range(len(line)) if line.startswith("https://x.example/", i)]
    assert [lk.column for lk in links] == starts
    assert [lk.kind for lk in links] == ["inline", "inline", "bare"]


def test_reference_link_in_a_cell_has_no_column() -> None:
    text = HEADER + "| [Stripe][s] | USA | Pay |\n\n[s]: https://stripe.com/\n"
    [link] = parse_document(text).tables[0].rows[0].cells[0].links
    assert (link.url, link.kind, link.column) == ("https://stripe.com/", "reference", None)


def test_links_in_a_paragraph_across_lines() -> None:
    text = "See [a](https://a.example/) and\nthen <https://b.example/>\nand [c][r].\n\n[r]: https://c.example/\n"
    links = [(lk.url, lk.line, lk.column) for lk in parse_document(text).links]
    assert links[:3] == [
        ("https://a.example/", 1, col_of(text, "https://a.example/")),
        ("https://b.example/", 2, col_of(text, "https://b.example/")),
        ("https://c.example/", 1, None),  # only in its definition: the paragraph's first line
    ]


# -- what markdown-it adds ----------------------------------------------------------------


def test_short_rows_are_padded_within_one_budget_per_page() -> None:
    # markdown-it pads a short row to the header's width: a 181-column table over rows
    # of "x" is 1.5 KB and 65,160 cells. The page's budget of 65,536 leaves the next such
    # table two rows (376 cells) and the third none, so cost stays with the page's size.
    wide = "|a" * 181 + "|\n" + "|-" * 181 + "|\n" + "x\n" * 362 + "\n"
    doc = parse_document(wide * 3)
    assert [len(t.rows) for t in doc.tables] == [362, 2, 0]
    tokens = _parser().parse(wide * 3, {})
    assert sum(1 for t in tokens if t.type == "td_open") <= 181 * 362 + MAX_PADDED_CELLS


def test_a_row_of_pipes_is_one_row_of_empty_cells() -> None:
    row = parse_document(HEADER + "|" * 1001 + "\n").tables[0].rows[0]
    assert len(row.cells) == 1000 and {c.text for c in row.cells} == {""}


# -- date labels from the config ---------------------------------------------------------


def test_date_label_is_an_re2_pattern_matched_in_linear_time() -> None:
    # With Python's re, this label backtracks for minutes on a line of "a"; RE2 cannot.
    code = (
        "from checker.page.markdown import parse_document\n"
        "doc = parse_document('a' * 100_000 + '\\nStand vom: 2024-05-01\\n',"
        " date_labels=['(a+)+b', 'Stand( vom)?'])\n"
        "print(doc.date.label, doc.date.value, doc.date.line)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=ROOT
    )
    assert done.stdout == "Stand vom 2024-05-01 2\n", done.stderr


def test_a_label_matches_only_at_the_start_of_a_line() -> None:
    doc = parse_document("Our Stand: 2024-01-01\n", date_labels=["Stand"])
    assert doc.date is None
    doc = parse_document("STAND - 2024-01-01\n", date_labels=["Stand"])
    assert doc.date is not None and (doc.date.label, doc.date.value) == ("STAND", "2024-01-01")


def test_an_invalid_label_is_an_input_error() -> None:
    for label in ("(", "(?=x)", "a)|(b"):
        with pytest.raises(InputError, match=r"page\.md: date\.labels: invalid pattern"):
            parse_document("x\n", "page.md", date_labels=[label])


def test_front_matter_errors_count_the_pages_lines_in_the_message_too() -> None:
    page = "---\ntitle: x\na: 1\na: 2\n---\n\nEffective date: 2024-01-02\n"
    doc = parse_document(page)
    assert doc.front_matter_error_line == 4
    assert doc.front_matter_error == "duplicate key 'a' (first defined on line 3)"


def test_a_line_break_only_yaml_sees_is_refused_in_front_matter() -> None:
    # U+2028 is a line break to YAML, none to git or GitHub's diff view.
    doc = parse_document("---\ntitle: 'a\u2028b'\na: 1\n---\n\nEffective date: 2024-01-02\n")
    assert doc.front_matter is None
    assert doc.front_matter_error_line == 2
    assert "U+2028" in (doc.front_matter_error or "")
