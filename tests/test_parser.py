"""The parser's reading of tables: cells as the renderer shows them, at their source place."""

from __future__ import annotations

from checker.markdown import parse_document
from tests.support import check, col_of, one, only

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
