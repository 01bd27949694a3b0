"""Job summary: hostile page text stays inside its cell, and the page fits GitHub's size limit."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from checker.model import CheckResult, Finding, LinkResult, Severity, Verdict
from checker.reporters import summary
from checker.reporters.summary import ListChanges, blob_base, escape_text, render

BASE = "https://github.com/acme/policies/blob/0123456789abcdef0123456789abcdef01234567"

HOSTILE = [
    "a | b",
    "a || b |",
    "line one\nline two",
    "x\r\n\r\n# Heading\n\n| c | d |\n| - | - |\n| e | f |",
    "para\u2028sep\u2029x\x85y",
    "ends with backslash \\",
    "\\| escaped already",
    "`code | span`",
    "``two ticks``",
    "<table><tr><td>cell</td></tr></table>",
    "<script>alert(1)</script>",
    "<!-- comment",
    "<https://evil.example/autolink>",
    "&#124; &amp; &lt;b&gt;",
    "[link](https://evil.example/x)",
    "![image](https://evil.example/x.png)",
    "[ref][r]\n\n[r]: https://evil.example/",
    "http://evil.example/bare www.evil.example me@evil.example",
    "*bold* _it_ ~~strike~~ **x**",
    "\x1b[31mred\x1b[0m bidi\u202eevil",
    "日本語 Ünïcødé ✓",
]


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)


def _text(inline: Token) -> str:
    """What a reader sees in an inline token: text, code, line breaks as spaces."""
    out = []
    for child in inline.children or []:
        if child.type in ("text", "code_inline", "text_special"):
            out.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            out.append(" ")
    return "".join(out)


def _parse(markdown: str) -> tuple[list[Table], list[Token]]:
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    tables: list[Table] = []
    row: list[str] | None = None
    in_head = False
    for token in tokens:
        if token.type == "table_open":
            tables.append(Table(header=[]))
        elif token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "tr_open":
            row = []
        elif token.type == "inline" and row is not None:
            row.append(_text(token))
        elif token.type == "tr_close" and row is not None:
            if in_head:
                tables[-1].header = row
            else:
                tables[-1].rows.append(row)
            row = None
    return tables, tokens


def _all_tokens(tokens: list[Token]) -> list[Token]:
    flat: list[Token] = []
    for token in tokens:
        flat.append(token)
        flat.extend(_all_tokens(token.children or []))
    return flat


def _shown(text: str, limit: int = summary.MAX_CELL_CHARS) -> str:
    """How a cell should read: the text on one line, invisible characters spelled out."""
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    text = re.sub(r"\r\n|[\r\n\x0b\x0c\x85\u2028\u2029\t]", " ", text)
    return "".join(
        f"\\x{ord(c):02x}" if (ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F) else c for c in text
    ).replace("\u202e", "\\u202e")


def _hostile_result(text: str) -> tuple[CheckResult, ListChanges]:
    result = CheckResult(
        findings=[
            Finding("docs/page.md", 4, 2, "field-mismatch", Severity.ERROR, text),
            Finding(f"docs/{text}.md", 5, 1, text, Severity.WARNING, "m", suggestion=text),
        ],
        documents=["docs/page.md"],
        vendors=2,
        links=[
            LinkResult(
                url=f"https://vendor.example/{text}",
                verdict=Verdict.BROKEN,
                status=404,
                error=text,
                lines=[("docs/page.md", 4), (text, 9)],
            )
        ],
        notices=[text],
    )
    changes = ListChanges(added=[text], removed=[], changed=[(text, [text])], base_date=text)
    return result, changes


@pytest.mark.parametrize("text", HOSTILE, ids=lambda t: repr(t[:24]))
def test_hostile_text_stays_in_its_cell(text: str) -> None:
    result, changes = _hostile_result(text)
    markdown = render(result, blob_url=BASE, changes=changes)
    tables, tokens = _parse(markdown)

    findings, links, change_table = tables
    assert findings.header == ["Severity", "Where", "Rule", "Message"]
    assert len(findings.rows) == 2 and all(len(r) == 4 for r in findings.rows)
    assert links.header == ["URL", "Verdict", "Status", "Where"]
    assert len(links.rows) == 1 and len(links.rows[0]) == 4
    assert change_table.header == ["Change", "Subprocessor", "Details"]
    assert len(change_table.rows) == 2 and all(len(r) == 3 for r in change_table.rows)

    # Cells read as the original text.
    first, second = sorted(findings.rows, key=lambda r: r[1] != "docs/page.md:4")
    assert first[3] == _shown(text)
    assert second[2] == _shown(text)
    assert second[3] == _shown(f"m Suggestion: {text.strip()}", 2 * summary.MAX_CELL_CHARS)
    assert links.rows[0][0] == _shown(f"https://vendor.example/{text}")
    assert change_table.rows[0][1] == _shown(text)

    # Nothing from the data becomes a link, image or HTML.
    flat = _all_tokens(tokens)
    assert not [t for t in flat if t.type in ("image", "html_inline", "html_block")]
    hrefs = [str(t.attrs.get("href")) for t in flat if t.type == "link_open"]
    assert hrefs and all(h.startswith(BASE + "/") for h in hrefs)
    kinds = [t.type for t in flat]
    assert kinds.count("heading_open") == 5, "only our own headings"
    assert kinds.count("strong_open") == 1, "only the verdict is bold"
    assert "em_open" not in kinds and "s_open" not in kinds
    # GFM's extended autolinks need a literal scheme, www. or address in the source.
    for trigger in ("http://evil", "www.evil", "me@evil", "evil.example"):
        assert trigger not in markdown


def test_escape_text_leaves_no_markdown_syntax() -> None:
    escaped = escape_text("a|b\\c`d*e_f[g]h!i<j>k&l\nm")
    assert "\n" not in escaped
    assert not re.search(r"(?<!\\)[|`*_\[\]!]", escaped.replace("\\\\", ""))
    assert "<" not in escaped and ">" not in escaped
    assert "&" not in escaped.replace("&amp;", "").replace("&lt;", "").replace("&gt;", "")


def test_locations_link_to_the_line_only_when_the_commit_is_known() -> None:
    findings = [
        Finding("docs/sub processors.md", 12, 1, "r", Severity.ERROR, "m"),
        Finding("/abs/outside.md", 3, 1, "r", Severity.ERROR, "m"),
        Finding("../up.md", 3, 1, "r", Severity.ERROR, "m"),
        Finding("docs/file-level.md", None, None, "r", Severity.NOTICE, "m"),
        Finding("", None, None, "r", Severity.NOTICE, "m"),
    ]
    result = CheckResult(findings=findings)
    _, tokens = _parse(render(result, blob_url=BASE))
    hrefs = sorted(str(t.attrs["href"]) for t in _all_tokens(tokens) if t.type == "link_open")
    assert hrefs == [f"{BASE}/docs/file-level.md", f"{BASE}/docs/sub%20processors.md#L12"]

    _, plain = _parse(render(result))
    assert not [t for t in _all_tokens(plain) if t.type == "link_open"]


@pytest.mark.parametrize(
    ("server", "repository", "sha"),
    [
        ("https://github.com", "acme/x) [y](javascript:alert(1)", "abc1234"),
        ("javascript:alert(1)//", "acme/x", "abc1234"),
        ("https://github.com", "acme/x", "main) ![i](x"),
        ("https://github.com", None, "abc1234"),
    ],
)
def test_blob_base_refuses_odd_environment_values(
    server: str, repository: str | None, sha: str
) -> None:
    assert blob_base(server, repository, sha) is None


def test_verdict_line_counts_and_fails_on_errors() -> None:
    clean = render(CheckResult(documents=["a.md"], vendors=7))
    assert "✅" in clean and "❌" not in clean
    assert "0 errors, 0 warnings, 0 notices" in clean and "7 vendors" in clean
    assert "### Findings" not in clean and "### Link audit" not in clean
    warned = render(CheckResult(findings=[Finding("a.md", 1, 1, "r", Severity.WARNING, "m")]))
    assert "✅" in warned.split("\n")[2] and "1 warning," in warned
    failed = render(
        CheckResult(findings=[Finding("a.md", 1, 1, "r", Severity.ERROR, "m")] * 2, vendors=1)
    )
    assert failed.split("\n")[2].startswith("❌") and "2 errors" in failed


def test_link_audit_lists_problems_first_with_places() -> None:
    links = [
        LinkResult("https://ok.example/", Verdict.OK, 200, lines=[("a.md", 1)]),
        LinkResult(
            "https://gone.example/",
            Verdict.BROKEN,
            410,
            lines=[("a.md", n) for n in range(1, 9)],
        ),
        LinkResult(
            "https://moved.example/",
            Verdict.REDIRECTED,
            301,
            final_url="https://new.example/",
        ),
    ]
    (table,), _ = _parse(render(CheckResult(links=links)))
    assert [row[0] for row in table.rows][-1] == "https://ok.example/"
    gone = next(row for row in table.rows if row[0] == "https://gone.example/")
    assert "410" in gone[2] and "broken" in gone[1]
    assert gone[3].endswith("and 3 more") and gone[3].count("a.md:") == 5
    moved = next(row for row in table.rows if row[0] == "https://moved.example/")
    assert "https://new.example/" in moved[2]


def test_changes_section() -> None:
    changes = ListChanges(
        added=["NewCo"],
        removed=["OldCo"],
        changed=[("Acme", ["location", "purpose"])],
        base_date="2024-01-01",
        head_date="2024-03-01",
    )
    markdown = render(CheckResult(), changes=changes)
    (table,), _ = _parse(markdown)
    assert [row[1] for row in table.rows] == ["NewCo", "OldCo", "Acme"]
    assert table.rows[2][2] == "location, purpose"
    assert "2024\\-01\\-01 → 2024\\-03\\-01" in markdown
    unchanged = render(CheckResult(), changes=ListChanges([], [], [], "2024-01-01", "2024-01-01"))
    assert "No subprocessor was added, removed or changed." in unchanged
    assert "Changes" not in render(CheckResult())


def _big_result(count: int) -> CheckResult:
    return CheckResult(
        findings=[
            Finding(
                f"docs/p{i:04}.md",
                i + 1,
                1,
                "field-mismatch",
                Severity.ERROR,
                f"Zeile {i}: Ünïcødé 日本語 ✓ | {'é' * (i % 40)}",
            )
            for i in range(count)
        ],
        links=[LinkResult(f"https://x.example/{i}", Verdict.BROKEN, 404) for i in range(count)],
        notices=[f"note {i}" for i in range(20)],
    )


@pytest.mark.parametrize("max_bytes", [300, 400, 700, 1_000, 2_345, 5_000, 20_000, 77_777])
def test_truncation_keeps_whole_rows_and_says_how_many_went(max_bytes: int) -> None:
    result = _big_result(300)
    markdown = render(result, max_bytes=max_bytes, blob_url=BASE)
    encoded = markdown.encode("utf-8")
    assert len(encoded) <= max_bytes
    assert encoded.decode("utf-8") == markdown
    tables, _ = _parse(markdown)
    shown = 0
    for table in tables:
        assert table.rows, "no table is left with a header only"
        assert all(len(row) == len(table.header) for row in table.rows)
        shown += len(table.rows)
    shown += len(re.findall(r"^- ", markdown, flags=re.MULTILINE))
    total = len(result.findings) + len(result.links) + len(result.notices)
    match = re.search(r"\*\*Summary shortened:\*\* (\d+) rows? left out", markdown)
    if shown < total:
        assert match is not None, markdown[-300:]
        assert int(match.group(1)) == total - shown
    else:
        assert match is None
    # What is shown is the start of the full page: the verdict, whole sections, then the
    # first rows of the section that was cut, and nothing after it.
    full_tables, _ = _parse(render(result, blob_url=BASE))
    assert [t.header for t in tables] == [t.header for t in full_tables[: len(tables)]]
    for table, whole in zip(tables[:-1], full_tables, strict=False):
        assert table.rows == whole.rows
    if tables:
        assert tables[-1].rows == full_tables[len(tables) - 1].rows[: len(tables[-1].rows)]
    if "### Notes" in markdown:
        assert len(tables) == len(full_tables)
    assert "❌ **subprocessor-check failed**: 300 errors" in markdown


@pytest.mark.parametrize("max_bytes", [0, 60, 130, 180, 250])
def test_tiny_budgets_keep_the_verdict_if_anything(max_bytes: int) -> None:
    markdown = render(_big_result(50), max_bytes=max_bytes)
    assert len(markdown.encode("utf-8")) <= max_bytes
    assert markdown in ("", summary._verdict(_big_result(50)) + "\n") or markdown.startswith(
        "## Subprocessor check"
    )


def test_everything_fits_without_a_truncation_line() -> None:
    result = _big_result(30)
    markdown = render(result)
    assert "Summary shortened" not in markdown
    tables, _ = _parse(markdown)
    assert [len(t.rows) for t in tables] == [30, 30]


def test_a_huge_cell_cannot_crowd_out_the_page() -> None:
    result = CheckResult(
        findings=[
            Finding("a.md", 1, 1, "r", Severity.ERROR, "x" * 2_000_000),
            Finding("a.md", 2, 1, "r", Severity.ERROR, "second"),
        ]
    )
    markdown = render(result)
    (table,), _ = _parse(markdown)
    assert len(table.rows) == 2
    assert table.rows[0][3].endswith("…")
    assert len(markdown.encode()) < 10_000
