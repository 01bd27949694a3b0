"""The rule reference, built from the rule modules' docstrings.

Each rule's module docstring is its only documentation; ``docs/rules.md``, ``subprocessor-check
explain RULE`` and the SARIF rule help are all made from it. ``python -m checker.docs`` writes
``docs/rules.md``; ``python -m checker.docs --check`` exits 1 when the file is stale (a test runs
the same comparison).

A rule docstring is written like this (reStructuredText-flavoured, readable as plain text)::

    rule-id: one line saying what the rule checks.

    What it checks, in as many paragraphs as it takes.

    Why it matters: the reason, for the subprocessor list's readers.

    Options:

    - ``compare`` (default ``[name, url, location, description]``): what it changes.

    Given the registry::

        subprocessors: …

    Fails (optional remark)::

        | an example that fails |

    Passes::

        | an example that passes |

``Options:`` lists the configuration keys that change what the rule reports, each with its
default: exactly the rule's ``SETTINGS`` and its own ``OPTIONS`` (``rules.<id>.<option>``);
the rule's severity (``rules.<id>``) is added to every rule's options table. A paragraph
ending in ``::`` introduces an indented block. Double back-quotes mark code.

The examples are checked, as pycodestyle checks its ``Okay:`` lines: each is run through
the engine with what the ``Given`` blocks before it say (the latest block of each kind
holds until another replaces it), and a failing example must get the rule's finding, a
passing one none (``tests/test_rule_examples.py``). An example is the page (Markdown), or
the registry when it is YAML; table rows alone are read under the header ``| Name |
Location | Description |``, and ``\\xNN`` stands for the character with that code, so a
control character can be shown. The kinds of ``Given`` block are in :data:`GIVEN`.
"""

from __future__ import annotations

import argparse
import re
import sys
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

from checker import RULES_DOC_PATH
from checker.rules import RULES, description, summary

WHY = "Why it matters:"
OPTIONS = "Options:"

_OPTION = re.compile(r"-\s+``(?P<key>[^`]+)``\s+\(default\s+(?P<default>.+?)\):\s+(?P<text>.*)")
_EXAMPLE = re.compile(r"(?P<kind>Fails|Passes)\b(?P<rest>.*)::$", re.DOTALL)
_ESCAPE = re.compile(r"\\x([0-9A-Fa-f]{2})")

GIVEN = {
    "Given the registry": "registry",
    "Given the config": "config",
    "Given the page": "page",
    "Given the page at the base revision": "base page",
    "Given the registry at the base revision": "base registry",
    "Given the link check found": "links",
}
"""What a ``Given …::`` block says an example is checked with, by its words: a registry
and a config (YAML), the page (for an example that is a registry), the page and registry at
the base revision (``--base``), and the live link results (YAML: URL → ``verdict`` and the
fields of ``LinkResult``)."""


@dataclass(slots=True)
class Option:
    """One configuration key that changes a rule."""

    key: str
    """The config key, dotted from the top (``date.formats``, ``rules.<id>``)."""
    default: str
    """The default as written in the docstring (Markdown code kept)."""
    text: str
    """What it does."""


@dataclass(slots=True, frozen=True)
class Given:
    """Something an example is checked with besides itself (``Given the registry::``)."""

    words: str
    """How the docstring says it, e.g. ``Given the registry``: a key of :data:`GIVEN`."""
    code: str
    """The block, dedented."""

    @property
    def kind(self) -> str:
        """What it gives: ``registry``, ``config``, ``page``, ``base page`` …"""
        return GIVEN[self.words]


@dataclass(slots=True)
class Example:
    """A failing or passing example."""

    passes: bool
    remark: str
    """Text after Fails/Passes, e.g. ``(registry location "USA, Germany")``; may be empty."""
    code: str
    """The example, dedented, as the reference shows it."""
    given: tuple[Given, ...] = ()
    """The ``Given`` blocks in force for it: the latest of each kind, in docstring order."""

    @property
    def is_registry(self) -> bool:
        """Whether the example is a registry (YAML) rather than a page."""
        return _is_yaml(self.code)

    @property
    def text(self) -> str:
        """The example as checked (:func:`unescape`)."""
        return unescape(self.code)

    def context(self) -> dict[str, str]:
        """The ``Given`` blocks by kind (``registry`` → its YAML)."""
        return {given.kind: given.code for given in self.given}


@dataclass(slots=True)
class RuleDoc:
    """A rule's documentation, split into the parts the reference shows."""

    id: str
    summary: str
    severity: str
    needs_registry: bool
    module: str
    """The module's file name, e.g. ``field_mismatch.py``."""
    checks: list[str] = field(default_factory=list)
    """Paragraphs saying what the rule checks."""
    why: list[str] = field(default_factory=list)
    """Paragraphs saying why it matters (the first without its ``Why it matters:`` label)."""
    options: list[Option] = field(default_factory=list)
    examples: list[Example] = field(default_factory=list)


def _blocks(text: str) -> list[tuple[str, str | None]]:
    """(paragraph, literal block that follows it or None), in order."""
    lines = text.splitlines()
    out: list[tuple[str, str | None]] = []
    i = 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        para: list[str] = []
        while i < len(lines) and lines[i].strip():
            para.append(lines[i].strip())
            i += 1
        paragraph = " ".join(para)
        literal: str | None = None
        if paragraph.endswith("::"):
            code: list[str] = []
            while i < len(lines) and (not lines[i].strip() or lines[i].startswith((" ", "\t"))):
                code.append(lines[i])
                i += 1
            while code and not code[-1].strip():
                code.pop()
            while code and not code[0].strip():
                code.pop(0)
            indent = min((len(c) - len(c.lstrip()) for c in code if c.strip()), default=0)
            literal = "\n".join(c[indent:] for c in code)
        out.append((paragraph, literal))
    return out


def _options(paragraph: str, rule_id: str) -> list[Option]:
    items = re.split(r"\s(?=-\s+``)", " " + paragraph)
    options = []
    for item in items:
        item = item.strip()
        if not item:
            continue
        match = _OPTION.fullmatch(item)
        if match is None:
            raise ValueError(f"{rule_id}: cannot read the option {item!r}")
        options.append(Option(match["key"], _inline_md(match["default"]), match["text"]))
    return options


def parse(module: ModuleType) -> RuleDoc:
    """Split a rule module's docstring into its parts; ``ValueError`` when it is malformed."""
    doc = RuleDoc(
        id=module.ID,
        summary=summary(module),
        severity=module.SEVERITY.value,
        needs_registry=bool(module.NEEDS_REGISTRY),
        module=Path(module.__file__ or "").name,
    )
    section = "checks"
    given: dict[str, Given] = {}
    blocks = _blocks(description(module))
    for index, (paragraph, literal) in enumerate(blocks):
        example = _EXAMPLE.fullmatch(paragraph) if literal is not None else None
        if example is not None:
            remark = example["rest"].strip()
            passes = example["kind"] == "Passes"
            doc.examples.append(Example(passes, remark, literal or "", tuple(given.values())))
            section = "examples"
        elif literal is not None and paragraph[:-2] in GIVEN:
            block = Given(paragraph[:-2], literal)
            given.pop(block.kind, None)  # a new block of a kind replaces, and comes last
            given[block.kind] = block
            section = "examples"
        elif paragraph.startswith(WHY):
            doc.why.append(paragraph[len(WHY) :].strip())
            section = "why"
        elif paragraph == OPTIONS:
            section = "options"
        elif section == "options" and paragraph.startswith("- "):
            doc.options.extend(_options(paragraph, doc.id))
        elif section == "why":
            doc.why.append(paragraph)
        elif section == "checks":
            doc.checks.append(paragraph)
        else:
            raise ValueError(
                f"{doc.id}: paragraph {index + 1} ({paragraph[:40]!r}…) is out of place: "
                "what it checks, then 'Why it matters:', 'Options:', then the examples (Given, "
                "Fails and Passes blocks)"
            )
    return doc


def rule_docs() -> list[RuleDoc]:
    return [parse(module) for module in RULES.values()]


def _inline_md(text: str) -> str:
    """reST ``code`` to Markdown `code`."""
    return re.sub(r"``(.+?)``", r"`\1`", text)


def _inline_text(text: str) -> str:
    """reST ``code`` to plain 'code' for a terminal."""
    return re.sub(r"``(.+?)``", r"\1", text)


def _cell(text: str) -> str:
    return _inline_md(text).replace("|", "\\|")


def unescape(code: str) -> str:
    """A block as checked: each ``\\xNN`` turned into the character it stands for."""
    return _ESCAPE.sub(lambda m: chr(int(m[1], 16)), code)


def _is_yaml(code: str) -> bool:
    """Whether a block is YAML (a registry, a config) rather than page text."""
    return bool(re.match(r"\s*(- )?[a-z_]+:", code)) and "|" not in code


def _fence(code: str) -> str:
    fence = "```"
    while fence in code:
        fence += "`"
    language = "yaml" if _is_yaml(code) else "markdown"
    return f"{fence}{language}\n{code}\n{fence}"


def _new_givens(examples: list[Example]) -> list[list[Given]]:
    """For each example, the ``Given`` blocks not in force for the one before: shown just
    before it, so the reference reads as the docstring does."""
    out = []
    previous: tuple[Given, ...] = ()
    for example in examples:
        out.append([g for g in example.given if g not in previous])
        previous = example.given
    return out


def _example_label(example: Example) -> str:
    word = "Passes" if example.passes else "Fails"
    return f"{word} {example.remark}".strip()


def severity_option(doc: RuleDoc) -> Option:
    return Option(
        f"rules.{doc.id}",
        f"`{doc.severity}`",
        "The severity of its findings: `error`, `warning`, `notice`, or `off` (no check).",
    )


def markdown_section(doc: RuleDoc) -> str:
    """One rule's section of the reference; its heading's anchor is the rule id."""
    parts = [f"## {doc.id}", "", _sentence(_inline_md(doc.summary)), ""]
    registry = "yes" if doc.needs_registry else "no"
    parts += [
        f"**Default severity:** {doc.severity} · **Needs a registry:** {registry} · "
        f"**Source:** [`checker/rules/{doc.module}`](../checker/rules/{doc.module})",
        "",
    ]
    parts += [_inline_md(p) + "\n" for p in doc.checks]
    if doc.why:
        parts += ["**Why it matters.** " + _sentence(_inline_md(doc.why[0])), ""]
        parts += [_inline_md(p) + "\n" for p in doc.why[1:]]
    parts += ["| option | default | effect |", "|---|---|---|"]
    for option in [severity_option(doc), *doc.options]:
        meaning = _cell(_sentence(option.text))
        parts.append(f"| `{option.key}` | {_cell(option.default)} | {meaning} |")
    parts.append("")
    for example, givens in zip(doc.examples, _new_givens(doc.examples), strict=True):
        for given in givens:
            parts += [f"**{given.words}:**", "", _fence(given.code), ""]
        label = _inline_md(_example_label(example))
        parts += [f"**{label}:**", "", _fence(example.code), ""]
    return "\n".join(parts).rstrip() + "\n"


HEADER = f"""\
# Rule reference

<!-- Generated from the rule modules' docstrings (checker/rules/*.py) by
     `python -m checker.docs`; edit the docstrings, not this file. -->

Every finding names the rule that reported it, and links to the rule's section here. Change a
rule's severity, or turn it off, under `rules` in `.subprocessor-check.yml`:

```yaml
rules:
  link-missing: warning        # error, warning, notice or off
  duplicate-entry: {{severity: notice}}
```

`subprocessor-check rules` lists the rules; `subprocessor-check explain RULE` prints a rule's
section in the terminal. This file is `{RULES_DOC_PATH}` in the repository.
"""


def markdown(docs: list[RuleDoc] | None = None) -> str:
    """The whole rule reference (``docs/rules.md``)."""
    docs = rule_docs() if docs is None else docs
    index = ["| rule | default | what it checks |", "|---|---|---|"]
    for doc in docs:
        index.append(f"| [`{doc.id}`](#{doc.id}) | {doc.severity} | {_cell(doc.summary)} |")
    sections = "\n".join(markdown_section(doc) for doc in docs)
    return f"{HEADER}\n" + "\n".join(index) + "\n\n" + sections


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _wrap(text: str, indent: str = "", hanging: str | None = None, width: int = 92) -> list[str]:
    return textwrap.wrap(
        text,
        width=width,
        initial_indent=indent,
        subsequent_indent=indent if hanging is None else hanging,
        break_long_words=False,
        break_on_hyphens=False,
    ) or [indent.rstrip()]


def _indented(code: str) -> list[str]:
    return ["    " + c if c else "" for c in code.splitlines()]


def explain(doc: RuleDoc, doc_url: str | None = None) -> str:
    """A rule's documentation for the terminal (``subprocessor-check explain RULE``)."""
    registry = "; needs a registry" if doc.needs_registry else ""
    lines = _wrap(f"{doc.id}: {_inline_text(doc.summary)}", hanging="  ")
    lines.append(f"Default severity: {doc.severity}{registry}")
    for paragraph in doc.checks:
        lines += ["", *_wrap(_inline_text(paragraph))]
    if doc.why:
        lines += ["", *_wrap("Why it matters: " + _inline_text(doc.why[0]))]
        for paragraph in doc.why[1:]:
            lines += ["", *_wrap(_inline_text(paragraph))]
    lines += ["", "Options:"]
    for option in [severity_option(doc), *doc.options]:
        default = option.default.replace("`", "")
        text = option.text.replace("`", "")
        lines += _wrap(f"{option.key} (default {default}): {text}", "  ", hanging="      ")
    for example, givens in zip(doc.examples, _new_givens(doc.examples), strict=True):
        for given in givens:
            lines += ["", f"{given.words}:", "", *_indented(given.code)]
        label = _inline_text(_example_label(example))
        lines += ["", f"{label}:", "", *_indented(example.code)]
    if doc_url:
        lines += ["", f"Reference: {doc_url}#{doc.id}"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m checker.docs",
        description=f"Write {RULES_DOC_PATH} from the rule docstrings.",
    )
    parser.add_argument(
        "--check", action="store_true", help="exit 1 when the file is stale; write nothing"
    )
    parser.add_argument(
        "--output",
        default=None,
        help=f"where to write (default: {RULES_DOC_PATH} in the checkout, else here)",
    )
    args = parser.parse_args(argv)
    checkout = Path(__file__).resolve().parents[1]
    root = checkout if (checkout / "pyproject.toml").is_file() else Path.cwd()
    target = Path(args.output) if args.output else root / RULES_DOC_PATH
    text = markdown()
    current = target.read_text(encoding="utf-8") if target.is_file() else None
    if args.check:
        if current != text:
            sys.stderr.write(f"{target} is stale: run python -m checker.docs\n")
            return 1
        return 0
    if current != text:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        sys.stdout.write(f"wrote {target}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
