"""A self-contained HTML audit report (``--format html``): one file to keep as an artifact.

The page has a header with the verdict, each page's effective date and when the check ran;
bars counting the link verdicts; each page's vendor table with a status badge per row (ok,
redirected, broken, unreachable, blocked, drift); the findings with the source line they are
on; and, when the run compared with a base revision, what changed in the list. It needs no
network: styles are inline, the bars are plain elements, there are no scripts, fonts or
images. It reads on a phone (tables turn into cards on narrow screens) and prints.

Nearly all its text comes from the checked page, so every piece of it is escaped
(:func:`esc`), invisible and control characters are shown as ``\\uXXXX``, only ``http(s)``
links become ``href``s, and a Content-Security-Policy that allows no script, no external
resource and no form comes before any page text: a hostile cell can neither add markup
nor run code, even if an escape were missed.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Iterable, Mapping
from typing import TextIO
from urllib.parse import urlsplit

from checker import __version__
from checker.model import (
    CheckResult,
    Finding,
    LinkResult,
    PageReport,
    Severity,
    VendorListing,
    Verdict,
)
from checker.reporters.text import underline
from checker.reporters.words import counts, plural, totals, visible
from checker.rules import tagged

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'"
)
"""Nothing may load or run but the inline styles (``frame-ancestors`` is ignored in a meta)."""

LINK_RULES = tagged("link")
"""Rules that report a link's live verdict; the vendor badge shows the verdict itself."""

MISSING_ROW_RULES = tagged("missing-row")
"""Rules that report a registry entry without a row: the table shows the row it lacks."""

MAX_SOURCE_CHARS = 2000
"""A quoted source line is cut after this many characters (a whole page on one line)."""

_VERDICT_ORDER = (
    Verdict.OK,
    Verdict.REDIRECTED,
    Verdict.BROKEN,
    Verdict.UNREACHABLE,
    Verdict.BLOCKED,
    Verdict.EXCLUDED,
)

_STYLE = """
:root { color-scheme: light dark; --fg: #1f2328; --muted: #59636e; --bg: #ffffff;
  --panel: #f6f8fa; --line: #d1d9e0; --ok: #1a7f37; --redirected: #0969da; --broken: #cf222e;
  --unreachable: #9a6700; --blocked: #8250df; --drift: #bc4c00; --excluded: #59636e;
  --error: #cf222e; --warning: #9a6700; --notice: #0969da; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6edf3; --muted: #9198a1; --bg: #0d1117; --panel: #151b23; --line: #3d444d;
    --ok: #3fb950; --redirected: #4493f8; --broken: #f85149; --unreachable: #d29922;
    --blocked: #ab7df8; --drift: #db6d28; --excluded: #9198a1; --error: #f85149;
    --warning: #d29922; --notice: #4493f8; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--fg); background: var(--bg); overflow-wrap: break-word; }
header, main, footer { max-width: 72rem; margin: 0 auto; padding: 1rem; }
header { border-bottom: 1px solid var(--line); }
h1 { font-size: 1.4rem; margin: 0 0 .5rem; }
h2 { font-size: 1.15rem; margin: 2rem 0 .75rem; }
h3 { font-size: 1rem; margin: 1.25rem 0 .5rem; }
.verdict { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin: 0; }
.verdict strong { font-size: 1.1rem; padding: .15rem .6rem; border-radius: .4rem; color: #fff; }
.verdict.failed strong { background: var(--error); }
.verdict.passed strong { background: var(--ok); }
dl.facts { display: flex; flex-wrap: wrap; gap: .25rem 2rem; margin: .75rem 0 0; }
dl.facts div { display: flex; gap: .5rem; min-width: 0; }
dt { color: var(--muted); }
dd { margin: 0; font-weight: 600; }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  font-size: .9em; }
.muted { color: var(--muted); }
.bars { display: grid; grid-template-columns: max-content 1fr max-content; gap: .35rem .75rem;
  align-items: center; max-width: 36rem; }
.bar { height: .9rem; background: var(--panel); border-radius: .3rem; overflow: hidden; }
.bar span { display: block; height: 100%; min-width: 2px; }
.count { font-variant-numeric: tabular-nums; text-align: right; }
.badge { display: inline-block; padding: 0 .5rem; border-radius: 1rem; font-size: .8rem;
  font-weight: 600; color: #fff; white-space: nowrap; line-height: 1.5rem; }
.v-ok { background: var(--ok); } .v-redirected { background: var(--redirected); }
.v-broken { background: var(--broken); } .v-unreachable { background: var(--unreachable); }
.v-blocked { background: var(--blocked); } .v-drift { background: var(--drift); }
.v-excluded { background: var(--excluded); }
.s-error { background: var(--error); } .s-warning { background: var(--warning); }
.s-notice { background: var(--notice); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; vertical-align: top; padding: .45rem .6rem;
  border-bottom: 1px solid var(--line); }
th { background: var(--panel); font-weight: 600; white-space: nowrap; }
td.mono, td.answer, .url { overflow-wrap: anywhere; }
tr.missing td { font-style: italic; }
td.status .badge + .badge { margin-left: .25rem; }
.url { display: block; color: var(--muted); font-size: .85em; }
a { color: var(--redirected); }
.finding { border: 1px solid var(--line); border-left-width: 4px; border-radius: .4rem;
  padding: .6rem .8rem; margin: 0 0 .75rem; }
.finding.error { border-left-color: var(--error); }
.finding.warning { border-left-color: var(--warning); }
.finding.notice { border-left-color: var(--notice); }
.finding p { margin: .35rem 0; }
.finding .where { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; }
pre.source { margin: .5rem 0; padding: .4rem .6rem; background: var(--panel); overflow-x: auto;
  border-radius: .3rem; white-space: pre; }
pre.source .ln { color: var(--muted); user-select: none; margin-right: .75rem; }
mark { background: color-mix(in srgb, var(--error) 25%, transparent); color: inherit;
  text-decoration: underline wavy var(--error); }
.fix { color: var(--ok); }
ul.changes { padding-left: 1.25rem; }
footer { color: var(--muted); font-size: .85rem; border-top: 1px solid var(--line); }
@media (max-width: 40rem) {
  body { font-size: 14px; }
  table.cards thead { display: none; }
  table.cards, table.cards tbody, table.cards tr, table.cards td { display: block;
    width: 100%; }
  table.cards tr { border: 1px solid var(--line); border-radius: .4rem; margin: 0 0 .6rem;
    padding: .25rem 0; }
  table.cards td { border: 0; padding: .2rem .7rem; }
  table.cards td[data-label]::before { content: attr(data-label) ": "; color: var(--muted);
    font-weight: 600; }
}
@media print { .bar span { print-color-adjust: exact; -webkit-print-color-adjust: exact; } }
"""


def clean(text: str) -> str:
    """Text with control, format and separator characters written as visible escapes
    (line feed and tab kept), so nothing hides or reorders what a reader sees."""
    if text.isascii() and text.isprintable():
        return text
    return "".join(
        ch
        if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp")
        else visible(ch)
        for ch in text
    )


def esc(text: object) -> str:
    """Any text made safe to place in HTML content or a double-quoted attribute."""
    return html.escape(clean(str(text)), quote=True)


def web_url(url: str | None) -> str | None:
    """``url`` when it is an absolute http(s) URL without blanks or controls, else ``None``."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    if any(ch.isspace() or not ch.isprintable() for ch in url):
        return None
    return url


def _link(url: str | None, text: str, cls: str = "") -> str:
    target = web_url(url)
    klass = f' class="{cls}"' if cls else ""
    if target is None:
        return f"<span{klass}>{esc(text)}</span>"
    return f'<a{klass} href="{esc(target)}" rel="noopener noreferrer nofollow">{esc(text)}</a>'


def _badge(kind: str, label: str | None = None, title: str | None = None) -> str:
    tip = f' title="{esc(title)}"' if title else ""
    return f'<span class="badge v-{esc(kind)}"{tip}>{esc(label or kind)}</span>'


def _vendor_status(
    vendor: VendorListing,
    links: Mapping[str, LinkResult],
    findings: Iterable[Finding],
) -> list[tuple[str, str]]:
    """(badge kind, why) for one vendor row; ``[("ok", …)]`` when nothing is wrong."""
    badges: list[tuple[str, str]] = []
    result = links.get(vendor.url) if vendor.url else None
    if result is not None and result.verdict is not Verdict.OK:
        why = (
            f"HTTP {result.status}"
            if result.status is not None
            else result.error or result.verdict.value
        )
        if result.final_url:
            why += f" → {result.final_url}"
        badges.append((result.verdict.value, why))
    drift = sorted({f.rule for f in findings if f.rule not in LINK_RULES})
    if drift:
        badges.append(("drift", ", ".join(drift)))
    if not badges:
        checked = " (link checked)" if result is not None else ""
        badges.append(("ok", f"no finding{checked}"))
    return badges


def _header(result: CheckResult) -> list[str]:
    failed = result.count(Severity.ERROR) > 0
    state = "failed" if failed else "passed"
    facts: list[tuple[str, str]] = []
    for page in result.pages:
        date = page.effective_date if page.effective_date is not None else "not stated"
        label = "Effective date" if len(result.pages) == 1 else f"Effective date of {page.path}"
        facts.append((label, date))
    if len(result.documents) == 1:
        facts.insert(0, ("Page", result.documents[0]))
    if result.checked_at:
        facts.append(("Checked", result.checked_at.replace("+00:00", "Z")))
    facts.append(("Tool", f"subprocessor-check {__version__}"))
    lines = [
        "<header>",
        "<h1>Subprocessor audit</h1>",
        f'<p class="verdict {state}"><strong>{state.capitalize()}</strong> '
        f"<span>{esc(totals(result))}</span></p>",
        '<dl class="facts">',
    ]
    lines += [f"<div><dt>{esc(k)}</dt><dd>{esc(v)}</dd></div>" for k, v in facts]
    lines += ["</dl>", "</header>"]
    return lines


def _link_bars(result: CheckResult) -> list[str]:
    lines = ['<section id="links">', "<h2>Links</h2>"]
    if not result.links:
        lines += [
            '<p class="muted">Links were not checked in this run '
            "(<code>--links</code> checks them live).</p>",
            "</section>",
        ]
        return lines
    counts = {v: sum(1 for r in result.links if r.verdict is v) for v in _VERDICT_ORDER}
    largest = max(counts.values())
    summary = ", ".join(f"{n} {v.value}" for v, n in counts.items() if n)
    lines.append(f'<div class="bars" role="img" aria-label="Link verdicts: {esc(summary)}">')
    for verdict, count in counts.items():
        if not count and verdict in (Verdict.BLOCKED, Verdict.EXCLUDED):
            continue
        width = 0 if not largest else round(100 * count / largest, 1)
        lines.append(
            f'<span>{_badge(verdict.value)}</span><div class="bar">'
            f'<span class="v-{verdict.value}" style="width:{width}%"></span></div>'
            f'<span class="count">{count}</span>'
        )
    lines.append("</div>")
    problems = [r for r in result.links if r.verdict not in (Verdict.OK, Verdict.EXCLUDED)]
    if problems:
        lines += [
            "<h3>Links that need a look</h3>",
            '<table class="links cards"><thead><tr><th>Verdict</th><th>URL</th><th>Answer</th>'
            "<th>Where</th></tr></thead><tbody>",
        ]
        for link in sorted(problems, key=lambda r: (_VERDICT_ORDER.index(r.verdict), r.url)):
            answer = f"HTTP {link.status}" if link.status is not None else (link.error or "")
            if link.final_url:
                answer += f" → {link.final_url}"
            where = ", ".join(f"{path}:{line}" for path, line in link.lines[:5])
            if len(link.lines) > 5:
                where += f" and {len(link.lines) - 5} more"
            lines.append(
                f'<tr><td data-label="Verdict">{_badge(link.verdict.value)}</td>'
                f'<td class="mono" data-label="URL">{_link(link.url, link.url)}</td>'
                f'<td class="answer" data-label="Answer">{esc(answer)}</td>'
                f'<td class="mono" data-label="Where">{esc(where)}</td></tr>'
            )
        lines.append("</tbody></table>")
    lines.append("</section>")
    return lines


def _vendor_table(page: PageReport, result: CheckResult) -> list[str]:
    links = {r.url: r for r in result.links}
    on_line: dict[int, list[Finding]] = {}
    for finding in result.findings:
        if finding.path == page.path and finding.line is not None:
            on_line.setdefault(finding.line, []).append(finding)
    lines = [
        f'<h3>{esc(page.path)} <span class="muted">({plural(len(page.vendors), "vendor")})'
        "</span></h3>"
    ]
    if not page.vendors:
        lines.append('<p class="muted">No vendor table was found on this page.</p>')
        return lines
    lines.append(
        '<table class="vendors cards"><thead><tr><th>Status</th><th>Vendor</th><th>Location</th>'
        "<th>Description</th><th>Line</th></tr></thead><tbody>"
    )
    for vendor in page.vendors:
        badges = _vendor_status(vendor, links, on_line.get(vendor.line, []))
        status = "".join(_badge(kind, title=why) for kind, why in badges)
        name = _link(vendor.url, vendor.name or "(no name)")
        url = f'<span class="url mono">{esc(vendor.url)}</span>' if vendor.url else ""
        kinds = " ".join(kind for kind, _ in badges)
        lines.append(
            f'<tr data-status="{esc(kinds)}">'
            f'<td class="status" data-label="Status">{status}</td>'
            f'<td data-label="Vendor">{name}{url}</td>'
            f'<td data-label="Location">{esc(vendor.location or "")}</td>'
            f'<td data-label="Description">{esc(vendor.description or "")}</td>'
            f'<td class="mono" data-label="Line">{vendor.line}</td></tr>'
        )
    for finding in result.findings:
        if finding.path != page.path or finding.rule not in MISSING_ROW_RULES:
            continue
        name = str(finding.context.get("vendor", ""))
        lines.append(
            '<tr class="missing" data-status="missing">'
            f'<td class="status" data-label="Status">'
            f"{_badge('drift', 'missing', 'in the registry, not on the page')}</td>"
            f'<td data-label="Vendor">{esc(name)}</td>'
            '<td data-label="Location">—</td>'
            '<td data-label="Description">not on the page</td>'
            '<td class="mono" data-label="Line">—</td></tr>'
        )
    lines.append("</tbody></table>")
    return lines


def _source(finding: Finding, result: CheckResult) -> str:
    """The finding's source line with the cell it is about marked, or ``""``."""
    source_lines = result.sources.get(finding.path)
    if source_lines is None or finding.line is None or not 0 < finding.line <= len(source_lines):
        return ""
    source = source_lines[finding.line - 1][:MAX_SOURCE_CHARS]
    start, end = underline(finding, source)
    start, end = min(start, len(source)), min(end, len(source))
    body = esc(source[:start])
    body += f"<mark>{esc(source[start:end])}</mark>" if end > start else "<mark> </mark>"
    body += esc(source[end:])
    return f'<pre class="source"><span class="ln">{finding.line}</span>{body}</pre>'


def _findings(result: CheckResult) -> list[str]:
    lines = ['<section id="findings">', f"<h2>Findings ({len(result.findings)})</h2>"]
    if not result.findings:
        lines += ['<p class="muted">No findings: the page matches the registry and the rules.</p>']
    help_uris = {info.id: info.help_uri for info in result.rules}
    for finding in sorted(result.findings, key=Finding.sort_key):
        place = finding.path
        if finding.line is not None:
            place += f":{finding.line}"
            if finding.column is not None:
                place += f":{finding.column}"
        severity = finding.severity.value
        uri = help_uris.get(finding.rule)
        rule = (
            _link(uri, finding.rule, "mono")
            if web_url(uri)
            else (f'<span class="mono" title="{esc(uri or "")}">{esc(finding.rule)}</span>')
        )
        parts = [
            f'<article class="finding {severity}" data-rule="{esc(finding.rule)}">',
            f'<div class="where"><span class="badge s-{severity}">{severity}</span>'
            f'<span class="mono">{esc(place)}</span>{rule}</div>',
            f"<p>{esc(finding.message)}</p>",
            _source(finding, result),
        ]
        expected = finding.context.get("expected")
        if expected is not None:
            parts.append(f'<p>Expected: <span class="fix">{esc(expected)}</span></p>')
        if finding.suggestion and finding.suggestion != (
            str(expected) if expected is not None else None
        ):
            parts.append(f'<p>Suggestion: <code class="fix">{esc(finding.suggestion)}</code></p>')
        parts.append("</article>")
        lines += [p for p in parts if p]
    lines.append("</section>")
    return lines


def _changes(pages: list[PageReport]) -> list[str]:
    lines = ['<section id="changes">', "<h2>Changes since the base</h2>"]
    for page in pages:
        change = page.changes
        assert change is not None
        lines.append(f"<h3>{esc(page.path)} since <code>{esc(page.base or '')}</code></h3>")
        if change.base_date != change.head_date:
            lines.append(
                f"<p>Effective date: {esc(change.base_date or 'none')} → "
                f"{esc(change.head_date or 'none')}</p>"
            )
        else:
            lines.append(f"<p>Effective date unchanged: {esc(change.head_date or 'none')}</p>")
        items = [f"<li>Added: {esc(name)}</li>" for name in change.added]
        items += [f"<li>Removed: {esc(name)}</li>" for name in change.removed]
        items += [
            f"<li>Changed: {esc(name)} ({esc(', '.join(fields))})</li>"
            for name, fields in change.changed
        ]
        if items:
            lines += ['<ul class="changes">', *items, "</ul>"]
        else:
            lines.append("<p>No subprocessor was added, removed or changed.</p>")
    lines.append("</section>")
    return lines


def render(result: CheckResult) -> str:
    """The whole report as one HTML document."""
    state = "failed" if result.count(Severity.ERROR) else "passed"
    title = f"Subprocessor audit: {state} ({counts(result)})"
    lines = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="referrer" content="no-referrer">',
        f"<title>{esc(title)}</title>",
        f"<style>{_STYLE}</style>",
        "</head>",
        "<body>",
        *_header(result),
        "<main>",
        *_link_bars(result),
        '<section id="vendors">',
        "<h2>Vendors</h2>",
    ]
    if not result.pages:
        lines.append('<p class="muted">No page was checked.</p>')
    for page in result.pages:
        lines += _vendor_table(page, result)
    lines.append("</section>")
    lines += _findings(result)
    changes = [p for p in result.pages if p.changes is not None]
    if changes:
        lines += _changes(changes)
    if result.notices:
        lines += ['<section id="notes">', "<h2>Notes</h2>", "<ul>"]
        lines += [f"<li>{esc(note)}</li>" for note in result.notices]
        lines += ["</ul>", "</section>"]
    lines += [
        "</main>",
        f"<footer>Made by subprocessor-check {esc(__version__)}. Each rule is explained in "
        "the rule reference (docs/rules.md) and by <code>subprocessor-check explain RULE</code>."
        "</footer>",
        "</body>",
        "</html>",
    ]
    return "\n".join(lines) + "\n"


def report(result: CheckResult, stream: TextIO) -> None:
    """Write the report to ``stream`` (redirect it to a ``.html`` file)."""
    stream.write(render(result))
