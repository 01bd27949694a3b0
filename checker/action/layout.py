"""Where things are: the workspace, the repository in it, the config, pages and registry."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from checker.action.inputs import DEFAULTS, Inputs, UsageError
from checker.engine import RunOptions, registry_source
from checker.load import files, gitbase
from checker.load.config import Config, load_config
from checker.load.files import Origin
from checker.load.registry import is_remote
from checker.reporters import github


@dataclass(slots=True)
class Layout:
    """The workspace, the repository in it, and the files to check, repository-relative."""

    workspace: Path
    repo: Path | None
    """Top level of the git working tree the config (or the workspace) is in."""
    config: Config
    documents: list[str]
    """Pages to check, relative to ``root`` (POSIX)."""
    registry: str | None
    """Registry as the engine gets it: a path relative to ``root``, or an https URL."""

    @property
    def root(self) -> Path:
        return self.repo or self.workspace


def _inside(path: Path, root: Path) -> bool:
    return path == root or path.is_relative_to(root)


def relative(path: Path, root: Path) -> str:
    return github.relative_path(path, root)


def _workspace_path(workspace: Path, value: str, what: str) -> Path:
    """An input path, relative to the workspace, that must stay inside it."""
    path = Path(os.path.normpath(workspace / value))
    if not _inside(path, workspace):
        raise UsageError(f"input '{what}' must name a path inside the workspace, not {value!r}")
    return path


def target(workspace: Path, value: str, what: str) -> Path | None:
    """Where an output file input points (inside the workspace), or None when unset.

    Refused before the check runs when it could not be written safely: a link planted by
    the pull request, a folder, anything under ``.git`` (``files.allowed``).
    """
    if not value:
        return None
    path = _workspace_path(workspace, value, what)
    if path.is_dir():
        raise UsageError(f"input '{what}' names a directory, not a file: {value!r}")
    return files.allowed(path, value, root=workspace, origin=Origin.REPOSITORY, writing=True)


def find_layout(inputs: Inputs, workspace: Path) -> Layout:
    """The config, the pages and the registry; every path cleared by ``files.allowed``.

    The root is the workspace: on a pull request the config, the inputs (the workflow is the
    pull request's too) and every file they name may come from its author.
    """
    config_path = _workspace_path(workspace, inputs.config or DEFAULTS["config"], "config")
    if os.path.lexists(config_path) or inputs.config != DEFAULTS["config"]:
        config = load_config(config_path, root=workspace, origin=Origin.REPOSITORY)
    else:
        config = Config(base_dir=workspace)  # no config file: defaults plus the inputs
    start = config_path.parent if config_path.parent.is_dir() else workspace
    try:
        repo = gitbase.repo_root(start)
    except gitbase.GitError:
        repo = None
    root = repo or workspace
    if inputs.documents:
        pages = [_workspace_path(workspace, d, "documents") for d in inputs.documents]
        shown = list(inputs.documents)
    else:
        pages = [Path(os.path.normpath(config.base_dir / d.path)) for d in config.documents]
        shown = [d.path for d in config.documents]
    for page, name in zip(pages, shown, strict=True):
        files.allowed(page, name, root=workspace, origin=Origin.REPOSITORY)
    if not pages:
        raise UsageError(
            "no documents to check: set the 'documents' input or list them under 'documents' "
            f"in {inputs.config or DEFAULTS['config']}"
        )
    registry: str | None
    cleared = RunOptions(root=workspace, origin=Origin.REPOSITORY)
    if inputs.registry:
        registry = (
            inputs.registry
            if is_remote(inputs.registry)
            else relative(_workspace_path(workspace, inputs.registry, "registry"), root)
        )
        registry_source(config, replace(cleared, registry=inputs.registry))
    else:
        source = registry_source(config, cleared)
        registry = (
            source
            if source is None or is_remote(source)
            else relative(Path(os.path.normpath(Path.cwd() / source)), root)
        )
    return Layout(workspace, repo, config, [relative(p, root) for p in pages], registry)
