"""The check pipeline: load → find tables → run rules → stamp findings.

Faces (the CLI, the action) build a ``Config`` and ``RunOptions`` and call ``run``; it
returns a ``CheckResult`` for a reporter or raises ``InputError`` when the check cannot run.
The engine, not the rule, decides a finding's rule id, severity and path.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import Any

from checker.compare.baseline import Baseline, PageChange, measure
from checker.compare.matching import match, privacy_link, vendor_key
from checker.errors import InputError
from checker.load import gitbase
from checker.load.config import Config, DocumentSettings
from checker.load.files import Origin, allowed, find_root
from checker.load.registry import MAX_REGISTRY_BYTES, is_remote, load_registry, parse_registry
from checker.model import (
    CheckResult,
    Document,
    Finding,
    LinkResult,
    ListChanges,
    PageReport,
    Registry,
    RuleInfo,
    Severity,
    VendorListing,
)
from checker.net.credentials import TokenPolicy
from checker.page import markdown
from checker.page.tables import SubprocessorTable, find_tables
from checker.rules import RULES, defaults, description, summary
from checker.rules.base import RegistryContext, RuleContext, with_registry


@dataclass(slots=True)
class ActiveRule:
    """A rule as this run applies it."""

    module: ModuleType
    severity: Severity
    options: dict[str, Any]

    @property
    def id(self) -> str:
        return str(self.module.ID)


@dataclass(slots=True)
class RunOptions:
    """What the face asked for, on top of the config."""

    documents: list[str] = field(default_factory=list)
    """Pages named on the command line; empty means the config's documents."""
    registry: str | None = None
    """Registry path or URL given on the command line (overrides the config's)."""
    token: TokenPolicy = field(default_factory=TokenPolicy)
    """The token and where it may go (``checker.net.credentials``): a remote registry and
    GitHub links get it only where the policy allows, request by request."""
    rule_doc_base: str | None = None
    """URL of the rule reference; rule ids are appended as anchors."""
    base: str | None = None
    """Git revision to compare with (base-vs-head rules); ``None`` for a plain check."""
    links: str | None = None
    """none, changed or all; ``None`` means the config's ``links.mode``."""
    allow_private: bool = False
    """Lift the network guard for links and a remote registry (local servers, intranets)."""
    trust_config_network: bool = True
    """Whether the config may lift the guard (``links.allow_private``).
    The action says no: on a pull request the config is the pull request's."""
    link_cache: str | None = None
    """Path of the link result cache (overrides ``links.cache``)."""
    root: Path | None = None
    """The folder no path from the config may leave (``files.allowed``); ``None``: the
    config's repository (``files.find_root``). The action passes the workspace."""
    origin: Origin = Origin.COMMAND_LINE
    """Who chose ``documents``, ``registry`` and ``link_cache``: the user at the command line,
    or a workflow input (``Origin.REPOSITORY``: a pull request can change the workflow)."""
    progress: Callable[[int, int], None] | None = None
    """Called with (done, total) while links are checked."""


def active_rules(config: Config) -> list[ActiveRule]:
    """The enabled rules with their configured severity and options; unknown ids are errors."""
    _check_rule_settings(config)
    rules = []
    for rule_id, module in RULES.items():
        configured = config.rules.get(rule_id)
        if configured is not None and not configured.enabled:
            continue
        start = defaults(module, config)
        options = dict(start.options)
        severity = start.severity
        if configured is not None:
            # An option set to null keeps its default, as an option left out does.
            options.update({k: v for k, v in configured.options.items() if v is not None})
            severity = configured.severity or severity
        rules.append(ActiveRule(module, severity, options))
    return rules


def _check_rule_settings(config: Config) -> None:
    """``InputError`` for a rule id or a rule option that does not exist, on its line."""
    where = config.path or "configuration"
    for rule_id, configured in config.rules.items():
        if rule_id not in RULES:
            known = ", ".join(RULES)
            raise InputError(
                where,
                f"invalid config: unknown rule '{rule_id}' (known: {known})",
                config.rule_lines.get(rule_id),
            )
        unknown = set(configured.options) - set(RULES[rule_id].OPTIONS)
        if unknown:
            raise InputError(
                where,
                f"invalid config: rule '{rule_id}' has no option '{sorted(unknown)[0]}'",
                config.rule_lines.get(rule_id),
            )


def rule_info(module: ModuleType, doc_base: str | None = None) -> RuleInfo:
    return RuleInfo(
        id=module.ID,
        summary=summary(module),
        description=description(module),
        default_severity=module.SEVERITY,
        help_uri=f"{doc_base}#{module.ID}" if doc_base else None,
    )


def input_root(config: Config, options: RunOptions) -> Path:
    """The root every path of this run is checked against (``files.allowed``)."""
    return options.root or find_root(config.base_dir)


def with_root(config: Config, options: RunOptions) -> RunOptions:
    """``options`` with the root decided, once for the whole run (it asks git)."""
    return options if options.root else replace(options, root=input_root(config, options))


def document_paths(config: Config, options: RunOptions) -> list[tuple[str, str]]:
    """(path to open, path to show) for every page to check, each cleared by ``allowed``.

    The path to open is the page's real path; messages name it as the user wrote it.
    """
    root = input_root(config, options)
    if options.documents:
        found = [
            (str(allowed(p, p, root=root, origin=options.origin)), p) for p in options.documents
        ]
    elif config.documents:
        found = [
            (
                str(
                    allowed(
                        d.path, d.path, root=root, origin=Origin.REPOSITORY, base=config.base_dir
                    )
                ),
                d.path,
            )
            for d in config.documents
        ]
    else:
        raise InputError(
            config.path or "subprocessor-check",
            "no documents to check: name a page on the command line or list it under "
            "'documents' in .subprocessor-check.yml",
        )
    # A page named twice (or by two spellings) is checked once: each listing would parse
    # and hold the whole page again.
    unique: dict[str, tuple[str, str]] = {}
    for real, shown in found:
        unique.setdefault(real, (real, shown))
    return list(unique.values())


def registry_source(config: Config, options: RunOptions) -> str | None:
    """The registry's URL, or its path as messages name it, cleared by ``allowed``."""
    root = input_root(config, options)
    if options.registry:
        if not is_remote(options.registry):
            allowed(options.registry, options.registry, root=root, origin=options.origin)
        return options.registry
    if config.registry:
        if is_remote(config.registry):
            return config.registry
        path = str(config.base_dir / config.registry)
        allowed(path, config.registry, root=root, origin=Origin.REPOSITORY)
        return path
    return None


def link_cache(config: Config, options: RunOptions) -> str | None:
    """The link cache's real path, cleared by ``allowed`` for writing; None without one."""
    root = input_root(config, options)
    if options.link_cache:
        path, shown, origin = options.link_cache, options.link_cache, options.origin
    elif config.links.cache:
        shown, origin = config.links.cache, Origin.REPOSITORY
        path = str(config.base_dir / config.links.cache)
    else:
        return None
    return str(allowed(path, shown, root=root, origin=origin, writing=True))


def check_document(
    doc: Document,
    settings: DocumentSettings,
    registry: Registry | None,
    rules: list[ActiveRule],
    base: Baseline | None = None,
    *,
    count_description_changes: bool = True,
    tables: list[SubprocessorTable] | None = None,
    links: dict[str, LinkResult] | None = None,
    changes: ListChanges | None = None,
    today: dt.date | None = None,
) -> tuple[list[Finding], int]:
    """Run the rules on one parsed page; returns the findings and the vendor rows seen.

    With a ``base``, ``changes`` is how the list moved since it; computed here when the
    caller has not already. ``today`` is the day the rules take as today (default: the
    clock's), so a test can fix it.
    """
    if tables is None:
        tables = find_tables(doc, settings.table)
    if base is not None and changes is None:
        changes = measure(
            base, doc, registry, settings, count_descriptions=count_description_changes
        ).list_changes
    context = RuleContext(
        document=doc,
        settings=settings,
        tables=tables,
        today=today or dt.date.today(),
        privacy_policy=settings.privacy_policy or (registry.privacy_policy if registry else None),
        base=base,
        changes=changes,
        links=links or {},
    )
    if registry is not None:
        context = with_registry(context, registry, match(tables, registry))
    findings: list[Finding] = []
    for rule in rules:
        if rule.module.NEEDS_REGISTRY and not isinstance(context, RegistryContext):
            continue  # skipped, and the run's notices say so
        if doc.too_large is not None and "unread-page" not in rule.module.TAGS:
            continue  # the page was not read: nothing else can be said about it
        for problem in rule.module.check(context, rule.options):
            findings.append(
                Finding(
                    path=problem.path or doc.path,
                    line=problem.line,
                    column=problem.column,
                    rule=rule.id,
                    severity=rule.severity,
                    message=_bounded(problem.message, MAX_MESSAGE) or "",
                    suggestion=_bounded(problem.suggestion, MAX_SUGGESTION),
                    end_line=problem.line if problem.end_column else None,
                    end_column=problem.end_column,
                    context=problem.context,
                )
            )
    return findings, sum(len(t.vendors) for t in tables)


MAX_MESSAGE = 2000
"""Characters of a finding's message kept; page text quoted in it is cut beyond that."""
MAX_SUGGESTION = 8000
"""Characters of a suggestion kept (a whole suggested row fits)."""


def _bounded(text: str | None, limit: int) -> str | None:
    """``text`` cut to ``limit`` characters: a rule that quotes page text must not let one
    crafted cell make every finding, report and annotation as large as the page."""
    if text is None or len(text) <= limit:
        return text
    return text[: limit - 1] + "…"


@dataclass(slots=True)
class _Page:
    """One page as the run holds it between loading and the rules."""

    document: Document
    """The page at the head."""
    settings: DocumentSettings
    """Its settings from the config."""
    baseline: Baseline | None
    """The page and registry at ``--base``; ``None`` for a plain check."""
    tables: list[SubprocessorTable]
    """Its subprocessor tables."""
    change: PageChange | None = None
    """How its list moved since the base, computed once for every reader."""


def _urls_to_check(
    pages: list[_Page], mode: str, privacy: str | None
) -> dict[str, list[tuple[str, int]]]:
    """URL → places, for the vendor links (all, or on rows that differ from the base)."""
    urls: dict[str, list[tuple[str, int]]] = {}
    for page in pages:
        moved = page.change.moved_rows() if mode == "changed" and page.change else None
        for table in page.tables:
            for row in table.vendors:
                if row.link is None or not row.link.url.startswith(("http://", "https://")):
                    continue
                if moved is not None and vendor_key(row.name) not in moved:
                    continue
                urls.setdefault(row.link.url, []).append((page.document.path, row.link.line))
        wanted = page.settings.privacy_policy or privacy
        link = privacy_link(page.document, wanted) if wanted and mode == "all" else None
        if link is not None:
            urls.setdefault(link.url, []).append((page.document.path, link.line))
    return urls


def _check_links(
    urls: dict[str, list[tuple[str, int]]], config: Config, options: RunOptions
) -> list[LinkResult]:
    # Imported here: requests is loaded only when links are really checked.
    from checker.links import LinkOptions, check_urls

    settings = config.links
    link_options = LinkOptions(
        allow_private=options.allow_private
        or (options.trust_config_network and settings.allow_private),
        exclude=list(settings.exclude),
        accept={pattern: set(codes) for pattern, codes in settings.accept.items()},
        cache_path=options.link_cache or settings.cache,
        token=options.token,
    )
    for name, value in (
        ("concurrency", settings.concurrency),
        ("per_host", settings.per_host),
        ("read_timeout", settings.timeout),
        ("retries", settings.retries),
        ("budget", settings.budget),
        ("cache_ttl", settings.cache_ttl),
    ):
        if value is not None:
            setattr(link_options, name, value)
    return check_urls(urls, link_options, options.progress)


def run(config: Config, options: RunOptions) -> CheckResult:
    """Check every page; ``InputError`` when a page, the registry or the config is unusable.

    Load (the registry, then each page with its base and how its list moved) → check the
    links once for all pages → run the rules on each page → one sorted result.
    """
    options = with_root(config, options)
    rules = active_rules(config)
    result = CheckResult(
        rules=[rule_info(r.module, options.rule_doc_base) for r in rules],
        checked_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    )
    source = registry_source(config, options)
    registry = (
        load_registry(source, token=options.token, allow_private=options.allow_private)
        if source
        else None
    )
    if registry is None:
        skipped = [r.id for r in rules if r.module.NEEDS_REGISTRY]
        result.notices.append(
            "No registry given: skipped " + ", ".join(skipped) + " (pass --registry or set "
            "'registry' in .subprocessor-check.yml)."
        )
    pages = [
        _load_page(open_path, shown, source, registry, config, options)
        for open_path, shown in document_paths(config, options)
    ]
    links = _links(pages, registry, config, options, result)
    for page in pages:
        changes = page.change.list_changes if page.change is not None else None
        findings, vendors = check_document(
            page.document,
            page.settings,
            registry,
            rules,
            page.baseline,
            count_description_changes=config.count_description_changes,
            tables=page.tables,
            links=links,
            changes=changes,
        )
        result.findings.extend(findings)
        result.documents.append(page.document.path)
        result.vendors += vendors
        result.sources[page.document.path] = page.document.lines
        result.pages.append(_page_report(page, changes))
    result.findings.sort(key=Finding.sort_key)
    return result


def _load_page(
    open_path: str,
    shown: str,
    source: str | None,
    registry: Registry | None,
    config: Config,
    options: RunOptions,
) -> _Page:
    """One page, its tables, and (with ``--base``) the page at the base and how it moved."""
    settings = config.document(open_path)
    doc = markdown.load_document(
        open_path,
        display_path=shown,
        max_bytes=config.max_document_bytes,
        date_labels=settings.date.labels,
    )
    page = _Page(doc, settings, None, find_tables(doc, settings.table))
    if options.base:
        page.baseline = load_baseline(
            options.base,
            open_path,
            shown,
            source,
            settings.date.labels,
            max_bytes=config.max_document_bytes,
        )
        page.change = measure(
            page.baseline,
            doc,
            registry,
            settings,
            count_descriptions=config.count_description_changes,
        )
    return page


def _links(
    pages: list[_Page],
    registry: Registry | None,
    config: Config,
    options: RunOptions,
    result: CheckResult,
) -> dict[str, LinkResult]:
    """The live link check for every page at once (``result.links``), when one is asked."""
    mode = options.links or config.links.mode
    if mode == "none":
        return {}
    if mode == "changed" and any(p.baseline is None for p in pages):
        result.notices.append("No base revision given: checking every link (--base REF).")
        mode = "all"
    privacy = config.defaults.privacy_policy or (registry.privacy_policy if registry else None)
    if config.links.allow_private and not options.trust_config_network:
        result.notices.append(
            "links.allow_private in the config is ignored here: a pull request could set "
            "it; use the action's allow-private input instead."
        )
    urls = _urls_to_check(pages, mode, privacy)
    cache = link_cache(config, options)  # refused before any link is requested
    result.links = _check_links(urls, config, replace(options, link_cache=cache))
    return {r.url: r for r in result.links}


def _page_report(page: _Page, changes: ListChanges | None) -> PageReport:
    """The page's date, vendor rows and (with a base) how its list moved, for reporters."""
    doc = page.document
    report = PageReport(
        path=doc.path,
        effective_date=doc.date.value if doc.date else None,
        effective_date_line=doc.date.line if doc.date else None,
        vendors=[
            VendorListing(
                path=doc.path,
                line=row.row.line,
                name=row.name,
                url=row.link.url if row.link else None,
                location=row.value("location"),
                description=row.value("description"),
            )
            for table in page.tables
            for row in table.vendors
        ],
    )
    if page.baseline is not None and page.change is not None:
        report.base = page.baseline.ref
        report.changes = changes
        report.touched = page.change.touched()
    return report


def load_baseline(
    ref: str,
    page_path: str,
    shown: str,
    registry_path: str | None,
    date_labels: list[str],
    *,
    max_bytes: int = gitbase.MAX_BLOB_BYTES,
) -> Baseline:
    """The page (and a local registry) as they were at ``ref`` in the page's repository.

    Both are read from git's objects, never from the disk, with the limits the files on disk
    have (``max_bytes`` for the page); a symbolic link at ``ref`` is refused, not followed.
    """
    try:
        repo = gitbase.repo_root(Path(page_path).resolve().parent)
        if repo is None:
            raise InputError(shown, f"--base {ref}: the page is not inside a git repository")
        text = gitbase.read_at_ref(repo, ref, Path(page_path).resolve(), limit=max_bytes)
        registry = None
        if registry_path and not is_remote(registry_path):
            resolved = Path(registry_path).resolve()
            if resolved.is_relative_to(repo):
                registry_text = gitbase.read_at_ref(repo, ref, resolved, limit=MAX_REGISTRY_BYTES)
                if registry_text is not None:
                    try:
                        registry = parse_registry(registry_text, f"{registry_path}@{ref}")
                    except InputError:
                        registry = None  # a broken base registry cannot be compared with
    except gitbase.GitError as exc:
        raise InputError(shown, f"--base {ref}: {exc}") from None
    document = (
        markdown.parse_document(text, f"{shown}@{ref}", date_labels=date_labels)
        if text is not None
        else None
    )
    return Baseline(ref=ref, document=document, registry=registry)
