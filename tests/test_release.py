"""Release hygiene: one version, printed by --version, and a changelog in Keep a Changelog form."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

from checker import __version__

ROOT = Path(__file__).resolve().parents[1]
SECTIONS = {"Added", "Changed", "Deprecated", "Removed", "Fixed", "Security"}
RELEASE = re.compile(r"## \[(\d+\.\d+\.\d+)\] - (\d{4}-\d{2}-\d{2})")


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split("."))


def test_version_is_written_once_and_printed() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert "version" not in project and "version" in project["dynamic"]
    done = subprocess.run(
        [sys.executable, "-m", "checker", "--version"], capture_output=True, text=True, cwd=ROOT
    )
    assert done.stdout == f"subprocessor-check {__version__}\n"


def test_changelog_follows_keep_a_changelog() -> None:
    lines = (ROOT / "CHANGELOG.md").read_text().splitlines()
    assert lines[0] == "# Changelog"
    assert any("keepachangelog.com" in line for line in lines)
    headings = [line for line in lines if line.startswith("## ")]
    assert headings, "no release headings"
    releases = []
    for index, heading in enumerate(headings):
        if heading == "## [Unreleased]":
            assert index == 0, "Unreleased comes first"
            continue
        match = RELEASE.fullmatch(heading)
        assert match, f"not a release heading: {heading}"
        releases.append(_version(match[1]))
    assert releases == sorted(releases, reverse=True), "newest release first"
    released = bool(releases) and releases[0] == _version(__version__)
    if not released:  # the version is being prepared under Unreleased
        assert headings[0] == "## [Unreleased]", f"{__version__} has no changelog entry"
        assert not releases or _version(__version__) > releases[0]
    sections = [line[4:] for line in lines if line.startswith("### ")]
    assert sections and set(sections) <= SECTIONS
    # Every section lists something.
    text = "\n".join(lines)
    for block in re.split(r"^### ", text, flags=re.M)[1:]:
        assert re.search(r"^- ", block, flags=re.M), block.splitlines()[0]


def test_readme_links_the_rule_reference_and_the_changelog() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "](docs/rules.md)" in readme and (ROOT / "docs" / "rules.md").is_file()
    assert "](CHANGELOG.md)" in readme
    assert re.search(r"@v\d+\.\d+\.\d+", readme) and "SHA" in readme
