"""The command-line faces of ``init``, ``fix`` and ``changelog``.

``register`` adds the subcommands to the main parser; ``run`` handles a parsed command and
returns the exit code: 0 done (or nothing to change), 1 ``fix --check`` would change a page or
``init`` left findings ``check`` would still report, 2 the command could not run (one line on
stderr naming the file and the reason).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
from pathlib import Path
from typing import Any, TextIO

from checker.adopt import atom, changelog, fix
from checker.adopt.init import CONFIG_NAME, REGISTRY_NAME, adopt
from checker.compare.diff import (
    Version,
    compare,
    from_page,
    from_registry,
    page_date,
)
from checker.engine import RunOptions, document_paths, registry_source
from checker.errors import InputError
from checker.load import files, gitbase
from checker.load.config import Config, find_config, load_config
from checker.load.registry import is_remote, parse_registry
from checker.net.credentials import token_policy
from checker.page import markdown

COMMANDS = ("init", "fix", "changelog")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date written YYYY-MM-DD: {text!r}") from None


def register(commands: Any) -> None:
    """Add the subcommands to ``commands`` (the main parser's subparsers)."""
    init = commands.add_parser(
        "init",
        help="adopt an existing page: write a registry and a config from it",
        description="Read a page's subprocessor table and write the registry and the "
        ".subprocessor-check.yml that make 'check' pass on it.",
    )
    init.add_argument("page", metavar="PAGE", help="the Markdown page to adopt")
    init.add_argument(
        "--output-dir",
        "-o",
        metavar="DIR",
        default=".",
        help="where to write the config (and the registry); default: the current directory",
    )
    init.add_argument(
        "--registry",
        "-r",
        metavar="FILE",
        help=f"where to write the registry (default: {REGISTRY_NAME} in the output directory)",
    )
    init.add_argument("--force", action="store_true", help="overwrite existing files")

    fixer = commands.add_parser(
        "fix",
        help="render the subprocessor table from the registry into the page",
        description="Render each page's subprocessor table from the registry, keeping "
        "everything else byte for byte; move the effective date when the list changes.",
    )
    fixer.add_argument("documents", nargs="*", metavar="DOC", help="page(s) to fix")
    fixer.add_argument("--registry", "-r", metavar="FILE|URL", help="registry YAML")
    fixer.add_argument("--config", "-c", metavar="FILE", help="config file")
    fixer.add_argument(
        "--check",
        action="store_true",
        help="write nothing; print a unified diff and exit 1 if a page would change",
    )
    fixer.add_argument("--diff", action="store_true", help="the same as --check")
    fixer.add_argument(
        "--date",
        type=_date,
        metavar="YYYY-MM-DD",
        help="the effective date to write when the list changes (default: today)",
    )
    fixer.add_argument("--token", metavar="TOKEN", help="token for an https registry")

    log = commands.add_parser(
        "changelog",
        help="what changed in the list: Markdown, JSON or an Atom feed",
        description="Vendors added, removed and changed between two versions of the list "
        "(--base/--head revisions of the registry, or two files), or an Atom feed of the "
        "registry's git history.",
    )
    log.add_argument(
        "files", nargs="*", metavar="FILE", help="OLD NEW: two registries (or pages) to compare"
    )
    log.add_argument("--base", metavar="REF", help="git revision of the old version")
    log.add_argument(
        "--head", metavar="REF", help="git revision of the new version (default: the files)"
    )
    log.add_argument("--registry", "-r", metavar="FILE", help="registry YAML in a git checkout")
    log.add_argument("--config", "-c", metavar="FILE", help="config file")
    log.add_argument("--format", "-f", choices=("markdown", "json", "atom"), default="markdown")
    log.add_argument("--title", default="Subprocessor changes", help="heading / feed title")
    log.add_argument("--link", metavar="URL", help="atom: the page customers read")
    log.add_argument("--feed-id", metavar="IRI", help="atom: the feed's id (default: derived)")
    log.add_argument("--author", help="atom: the feed's author (default: the last committer)")
    log.add_argument("--limit", type=int, metavar="N", help="atom: at most N entries")


def run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    try:
        if args.command == "init":
            return _init(args, out)
        if args.command == "fix":
            return _fix(args, out, err)
        return _changelog(args, out, err)
    except InputError as exc:
        err.write(f"subprocessor-check: {exc}\n")
        return 2


# -- init -------------------------------------------------------------------------------------


def _init(args: argparse.Namespace, out: TextIO) -> int:
    output_dir = Path(args.output_dir)
    if not output_dir.is_dir():
        raise InputError(args.output_dir, "no such directory")
    registry = Path(args.registry) if args.registry else output_dir / REGISTRY_NAME
    config = output_dir / CONFIG_NAME
    existing = [str(p) for p in (registry, config) if p.exists()]
    if existing and not args.force:
        raise InputError(existing[0], "already exists; pass --force to overwrite it")
    # The root is the repository init runs in, never one derived from the output folder:
    # ``-o g`` with a planted link ``g -> .git/hooks`` must be refused, not become the root.
    root = files.find_root(Path.cwd())
    # Both targets are cleared before either is written, so a refusal leaves nothing half done.
    targets = [
        files.allowed(p, str(p), root=root, origin=files.Origin.COMMAND_LINE, writing=True)
        for p in (registry, config)
    ]
    page = files.allowed(args.page, args.page, root=root, origin=files.Origin.COMMAND_LINE)
    doc = markdown.load_document(page, display_path=args.page)
    relative = Path(os.path.relpath(Path(args.page).resolve(), output_dir.resolve())).as_posix()
    registry_ref = Path(os.path.relpath(registry.resolve(), output_dir.resolve())).as_posix()
    adoption = adopt(doc, relative, registry_ref, output_dir)
    for line in adoption.report:
        out.write(line + "\n")
    files.write_file(targets[0], adoption.registry_text.encode("utf-8"), str(registry))
    files.write_file(targets[1], adoption.config_text.encode("utf-8"), str(config))
    out.write(f"wrote {registry} ({len(adoption.entries)} vendors) and {config}\n")
    if adoption.remaining:
        out.write("check will still report:\n")
        for f in adoption.remaining:
            out.write(f"  {f.path}:{f.line or ''}: {f.rule}: {f.message}\n")
        return 1
    hint = "" if output_dir.resolve() == Path.cwd().resolve() else f" -c {config}"
    out.write(f"next: subprocessor-check check{hint}\n")
    return 0


# -- fix --------------------------------------------------------------------------------------


def _config(path: str | None) -> Config:
    return load_config(path or find_config())


def _fix(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    config = _config(args.config)
    options = RunOptions(
        documents=list(args.documents),
        registry=args.registry,
        token=token_policy(args.token or os.environ.get("GITHUB_TOKEN"), os.environ),
    )
    fixes = fix.plan(config, options, day=args.date)
    for page in fixes:
        for note in page.rendered.notes:
            err.write(f"{page.path}: note: {note}\n")
    if args.check or args.diff:
        changed = [p for p in fixes if p.changed]
        for page in changed:
            out.write(page.diff())
        for page in fixes:
            err.write(("would fix " if page.changed else "") + fix.describe(page) + "\n")
        return 1 if changed else 0
    fix.apply(fixes)
    for page in fixes:
        out.write(fix.describe(page) + "\n")
    return 0


# -- changelog --------------------------------------------------------------------------------


def _kind(path: str) -> str:
    return "registry" if path.endswith((".yml", ".yaml")) else "page"


def _read(path: str) -> str:
    root = files.find_root(Path.cwd())
    real = files.allowed(path, path, root=root, origin=files.Origin.COMMAND_LINE)
    return files.read_text(real, path, "file")


def _version_of_file(path: str) -> Version:
    text = _read(path)
    if _kind(path) == "registry":
        return from_registry(parse_registry(text, path), path)
    return from_page(markdown.parse_document(text, path), None, path)


def _changelog(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    if args.files:
        if len(args.files) != 2 or args.base or args.head:
            raise InputError("changelog", "name two files (OLD NEW), or --base REF, not both")
        if args.format == "atom":
            raise InputError("changelog", "the atom feed is built from git history: use --registry")
        changes = compare(_version_of_file(args.files[0]), _version_of_file(args.files[1]))
        out.write(_formatted(changes, args))
        return 0
    config = _config(args.config)
    options = RunOptions(registry=args.registry)
    source = registry_source(config, options)
    if source is not None and is_remote(source):
        raise InputError(source, "changelog reads the registry's git history: use a local file")
    page = _first_page(config, options)
    anchor = Path(source) if source else (Path(page[0]) if page else None)
    if anchor is None:
        raise InputError(
            config.path or "changelog", "no registry or page configured: pass --registry"
        )
    repo = gitbase.repo_root(anchor.resolve().parent)
    if repo is None:
        raise InputError(str(anchor), "is not inside a git repository")
    if args.format == "atom":
        if source is None:
            raise InputError("changelog", "the atom feed needs a registry (--registry FILE)")
        path = Path(source).resolve()
        rel = path.relative_to(repo).as_posix()
        try:
            entries, commits = atom.history(
                repo, path, descriptions=config.count_description_changes
            )
        except gitbase.GitError as exc:
            raise InputError(source, str(exc)) from None
        out.write(
            atom.feed(
                entries,
                commits,
                rel,
                title=args.title,
                link=args.link,
                identifier=args.feed_id,
                author=args.author,
                limit=args.limit,
            )
        )
        return 0
    if not args.base:
        raise InputError("changelog", "name the old version: --base REF, or two files OLD NEW")
    try:
        base = _version_at(repo, args.base, source, page, config)
        head = _version_at(repo, args.head, source, page, config)
    except gitbase.GitError as exc:
        raise InputError(str(anchor), str(exc)) from None
    changes = compare(base, head, descriptions=config.count_description_changes)
    out.write(_formatted(changes, args))
    return 0


def _first_page(config: Config, options: RunOptions) -> tuple[str, str] | None:
    try:
        return document_paths(config, options)[0]
    except InputError:
        return None


def _version_at(
    repo: Path,
    ref: str | None,
    registry: str | None,
    page: tuple[str, str] | None,
    config: Config,
) -> Version:
    """The list at ``ref`` (``None``: the files as they are now)."""
    label = ref or "the working tree"

    def text_of(path: str) -> str | None:
        if ref is None:
            return _read(path) if Path(path).exists() else None
        return gitbase.read_at_ref(repo, ref, Path(path).resolve())

    page_text = text_of(page[0]) if page else None
    doc = None
    if page is not None and page_text is not None:
        settings = config.document(page[0])
        doc = markdown.parse_document(
            page_text, f"{page[1]}@{label}", date_labels=settings.date.labels
        )
    if registry is not None:
        text = text_of(registry)
        if text is None:
            return Version(label, [])
        date = page_date(doc, config.document(page[0]).date.formats) if doc and page else None
        return from_registry(parse_registry(text, f"{registry}@{label}"), label, date)
    if doc is None or page is None:
        return Version(label, [])
    return from_page(doc, config.document(page[0]), label)


def _formatted(changes: Any, args: argparse.Namespace) -> str:
    if args.format == "json":
        return changelog.as_json(changes)
    return changelog.markdown(changes, args.title)
