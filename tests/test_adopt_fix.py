"""``fix``: the table rendered from the registry, everything else byte for byte.

Expected pages are written out in full, as bytes, so a changed line ending, a lost BOM or an
added final newline fails the comparison. The corpus tests run ``init``, change the registry
the way a maintainer would, ``fix``, and then ask ``check`` whether the page is right.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from checker.adopt.dateformat import format_like
from tests.support import CORPUS, CliResult, cli

ROOT = Path(__file__).resolve().parents[1]
NO_TABLE = {"postgres-ai-165c613.md"}
HTML_TABLE = {"aspose-subprocessors.md"}
MALFORMED = {"fillout-subprocessors.mdx"}  # a row with an extra cell, which fix repairs

CONFIG = "registry: registry.yml\ndocuments: [page.md]\n"
REGISTRY = """\
subprocessors:
  - name: Acme
    url: https://acme.example/
    location: USA
    description: Hosting
  - name: Gamma
    url: https://gamma.example/
    location: UK
    description: Analytics
  - name: Beta
    url: https://beta.example/
    location: EU
    description: Email
"""


def fix(folder: Path, *argv: str) -> CliResult:
    return cli(folder, "fix", *argv, json_format=False)


def test_crlf_bom_and_no_final_newline_are_kept(tmp_path: Path) -> None:
    page = (
        b"\xef\xbb\xbf---\r\ntitle: Subs\r\n---\r\nEffective date: 2024-03-01\r\n\r\n"
        b"| Name | Location | Description |\r\n| --- | --- | --- |\r\n"
        b"| [Acme](https://acme.example/) | USA | Hosting |\r\n"
        b"| [Beta](https://beta.example/) | EU | Mail |\r\n"
        b"\r\nSee [Privacy Policy](https://x.example/privacy)."
    )
    expected = (
        b"\xef\xbb\xbf---\r\ntitle: Subs\r\n---\r\nEffective date: 2024-05-01\r\n\r\n"
        b"| Name | Location | Description |\r\n| --- | --- | --- |\r\n"
        b"| [Acme](https://acme.example/) | USA | Hosting |\r\n"
        b"| [Gamma](https://gamma.example/) | UK | Analytics |\r\n"
        b"| [Beta](https://beta.example/) | EU | Email |\r\n"
        b"\r\nSee [Privacy Policy](https://x.example/privacy)."
    )
    done = cli(tmp_path, "fix", "--date", "2024-05-01", page=page, registry=REGISTRY,
               config=CONFIG, json_format=False)  # fmt: skip
    assert done.code == 0, done.stderr
    assert done.stdout == "page.md: 1 added, 1 changed, effective date 2024-03-01 → 2024-05-01\n"
    assert (tmp_path / "page.md").read_bytes() == expected
    again = fix(tmp_path, "--date", "2024-06-01")
    assert again.stdout == "page.md: up to date\n"
    assert (tmp_path / "page.md").read_bytes() == expected


def test_a_table_that_ends_the_file_without_a_newline(tmp_path: Path) -> None:
    page = "Effective date: 2024-03-01\n\n| Name | Location | Description |\n|---|---|---|\n"
    two_rows = (
        page + "| [Acme](https://acme.example/) | USA | Hosting |\n"
        "| [Beta](https://beta.example/) | EU | Email |"
    )
    registry = REGISTRY.split("  - name: Gamma")[0]
    # Beta removed: the last line goes, and the file still ends without a newline.
    done = cli(tmp_path, "fix", "--date", "2024-04-01", page=two_rows, registry=registry,
               config=CONFIG, json_format=False)  # fmt: skip
    assert done.code == 0, done.stderr
    assert (tmp_path / "page.md").read_bytes() == (
        b"Effective date: 2024-04-01\n\n| Name | Location | Description |\n|---|---|---|\n"
        b"| [Acme](https://acme.example/) | USA | Hosting |"
    )
    # Beta and Gamma added after the last line: a newline between rows, none at the end.
    (tmp_path / "registry.yml").write_text(REGISTRY)
    assert fix(tmp_path, "--date", "2024-05-01").code == 0
    assert (tmp_path / "page.md").read_bytes() == (
        b"Effective date: 2024-05-01\n\n| Name | Location | Description |\n|---|---|---|\n"
        b"| [Acme](https://acme.example/) | USA | Hosting |\n"
        b"| [Gamma](https://gamma.example/) | UK | Analytics |\n"
        b"| [Beta](https://beta.example/) | EU | Email |"
    )


PAGE = """\
Effective date: 2024-03-01

| Name | Location | Description |
|---|---|---|
| [Acme](https://acme.example/) | USA | Hosting |
| [Beta](https://beta.example/) | EU | Email |
"""


def test_check_and_diff_print_the_diff_and_write_nothing(tmp_path: Path) -> None:
    cli(tmp_path, "rules", page=PAGE, registry=REGISTRY, config=CONFIG, json_format=False)
    before = (tmp_path / "page.md").read_bytes()
    mtime = (tmp_path / "page.md").stat().st_mtime_ns
    for flag in ("--check", "--diff"):
        done = fix(tmp_path, flag, "--date", "2024-05-01")
        assert done.code == 1
        assert done.stdout == (
            "--- a/page.md\n+++ b/page.md\n@@ -1,6 +1,7 @@\n"
            "-Effective date: 2024-03-01\n+Effective date: 2024-05-01\n \n"
            " | Name | Location | Description |\n |---|---|---|\n"
            " | [Acme](https://acme.example/) | USA | Hosting |\n"
            "+| [Gamma](https://gamma.example/) | UK | Analytics |\n"
            " | [Beta](https://beta.example/) | EU | Email |\n"
        )
        assert "would fix page.md: 1 added" in done.stderr
        assert (tmp_path / "page.md").read_bytes() == before
        assert (tmp_path / "page.md").stat().st_mtime_ns == mtime
    assert fix(tmp_path).code == 0
    mtime = (tmp_path / "page.md").stat().st_mtime_ns
    done = fix(tmp_path, "--check")
    assert (done.code, done.stdout) == (0, "")
    assert fix(tmp_path).stdout == "page.md: up to date\n"
    assert (tmp_path / "page.md").stat().st_mtime_ns == mtime  # not even rewritten


def test_no_list_change_keeps_the_date(tmp_path: Path) -> None:
    registry = REGISTRY.replace("  - name: Gamma\n    url: https://gamma.example/\n"
                                "    location: UK\n    description: Analytics\n", "")  # fmt: skip
    acme = "| [Acme](https://acme.example/) | USA | Hosting |\n"
    beta = "| [Beta](https://beta.example/) | EU | Email |\n"
    page = PAGE.replace(acme + beta, beta + acme)
    done = cli(tmp_path, "fix", "--date", "2030-01-01", page=page, registry=registry,
               config=CONFIG, json_format=False)  # fmt: skip
    assert done.code == 0
    assert done.stdout == "page.md: table rewritten (no vendor changed)\n"
    # Rows in registry order; the list itself (who, where, what for) did not change.
    assert (tmp_path / "page.md").read_text() == PAGE


def test_registry_effective_date_is_written(tmp_path: Path) -> None:
    registry = "effective_date: 2024-04-15\n" + REGISTRY
    done = cli(tmp_path, "fix", page=PAGE, registry=registry, config=CONFIG, json_format=False)
    assert done.code == 0
    assert (tmp_path / "page.md").read_text().startswith("Effective date: 2024-04-15\n")
    assert cli(tmp_path, "check").code == 0


def test_the_date_never_moves_back(tmp_path: Path) -> None:
    done = cli(tmp_path, "fix", "--date", "2020-01-01", page=PAGE, registry=REGISTRY,
               config=CONFIG, json_format=False)  # fmt: skip
    assert done.code == 0
    assert "not moved back: 2020-01-01 is before the page's date 2024-03-01" in done.stderr
    text = (tmp_path / "page.md").read_text()
    assert text.startswith("Effective date: 2024-03-01\n") and "Gamma" in text


def test_today_is_the_default_date(tmp_path: Path) -> None:
    cli(tmp_path, "fix", page=PAGE, registry=REGISTRY, config=CONFIG, json_format=False)
    first = (tmp_path / "page.md").read_text().splitlines()[0]
    assert first == f"Effective date: {dt.date.today().isoformat()}"


def test_prettier_aligned_table_is_realigned(tmp_path: Path) -> None:
    page = (
        "Updated: March 3, 2024\n\n"
        "| Subprocessor | Purpose   | Location |\n"
        "| ------------ | :-------: | -------: |\n"
        "| Acme         | Hosting   | USA      |\n"
        "| Beta         | Email     | EU       |\n"
    )
    registry = (
        "subprocessors:\n"
        "  - {name: Acme, location: USA, description: Hosting}\n"
        "  - {name: Beta Long Name GmbH, location: EU, description: Email}\n"
    )
    config = CONFIG + "date: {formats: [month-day-year]}\nrules: {link-missing: 'off'}\n"
    registry = "required_fields: [name, location, description]\n" + registry
    done = cli(tmp_path, "fix", "--date", "2024-12-25", page=page, registry=registry,
               config=config, json_format=False)  # fmt: skip
    assert done.code == 0, done.stderr
    assert (tmp_path / "page.md").read_text() == (
        "Updated: December 25, 2024\n\n"
        "| Subprocessor        | Purpose | Location |\n"
        "| ------------------- | :-----: | -------: |\n"
        "| Acme                | Hosting | USA      |\n"
        "| Beta Long Name GmbH | Email   | EU       |\n"
    )
    assert cli(tmp_path, "check").code == 0


def test_url_column_keeps_its_link_style(tmp_path: Path) -> None:
    page = (
        "| Name | Location | Description | Website |\n|---|---|---|---|\n"
        "| Acme | USA | Hosting | [<u>https://acme.example/</u>](https://acme.example/) |\n"
        "| Beta | EU | Email | [<u>https://beta.example/</u>](https://beta.example/) |\n"
    )
    registry = REGISTRY.replace("https://beta.example/", "https://beta.example/eu/")
    config = CONFIG + "rules: {date-missing: 'off'}\n"
    done = cli(tmp_path, "fix", page=page, registry=registry, config=config, json_format=False)
    assert done.code == 0, done.stderr
    assert (tmp_path / "page.md").read_text() == (
        "| Name | Location | Description | Website |\n|---|---|---|---|\n"
        "| Acme | USA | Hosting | [<u>https://acme.example/</u>](https://acme.example/) |\n"
        "| Gamma | UK | Analytics | [<u>https://gamma.example/</u>](https://gamma.example/) |\n"
        "| Beta | EU | Email | [<u>https://beta.example/eu/</u>](https://beta.example/eu/) |\n"
    )
    assert cli(tmp_path, "check").code == 0


def test_sections_place_rows_in_their_table(tmp_path: Path) -> None:
    page = (
        "## Infrastructure\n\n| Entity | Purpose | Location |\n|---|---|---|\n"
        "| Acme | Hosting | USA |\n\n"
        "## Other\n\n| Entity | Purpose | Location |\n|---|---|---|\n"
        "| Beta | Email | EU |\n"
    )
    registry = (
        "required_fields: [name, location, description]\nsubprocessors:\n"
        "  - {name: Acme, location: USA, description: Hosting, section: Infrastructure}\n"
        "  - {name: Beta, location: EU, description: Email, section: Infrastructure}\n"
        "  - {name: Gamma, location: UK, description: Analytics, section: Other}\n"
    )
    config = CONFIG + "rules: {date-missing: 'off', link-missing: 'off'}\n"
    done = cli(tmp_path, "fix", page=page, registry=registry, config=config, json_format=False)
    assert done.code == 0, done.stderr
    assert (tmp_path / "page.md").read_text() == (
        "## Infrastructure\n\n| Entity | Purpose | Location |\n|---|---|---|\n"
        "| Acme | Hosting | USA |\n| Beta | Email | EU |\n\n"
        "## Other\n\n| Entity | Purpose | Location |\n|---|---|---|\n"
        "| Gamma | Analytics | UK |\n"
    )


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("2024-03-01", "2025-06-01"),
        ("2022-06-26T00:00:00.000Z", "2025-06-01T00:00:00.000Z"),
        ("May 6th, 2025", "June 1st, 2025"),
        ("March 19, 2025", "June 1, 2025"),
        ("Sept. 3, 2024", "Jun. 1, 2025"),
        ("30 April 2018", "1 June 2025"),
        ("MARCH 8, 2022", "JUNE 1, 2025"),
        ("15th May 2018", "1st June 2025"),
    ],
)
def test_dates_are_written_as_the_page_writes_them(old: str, new: str) -> None:
    assert format_like(old, dt.date(2025, 6, 1)) == new


def test_dates_ordinals_and_patterns() -> None:
    assert format_like("May 6th, 2025", dt.date(2025, 6, 22)) == "June 22nd, 2025"
    assert format_like("May 6th, 2025", dt.date(2025, 6, 13)) == "June 13th, 2025"
    assert format_like("06.05.2025", dt.date(2025, 6, 1), ["%d.%m.%Y"]) == "01.06.2025"
    assert format_like("[Insert Date]", dt.date(2025, 6, 1)) is None


# -- the real corpus --------------------------------------------------------------------------


def corpus_pages() -> list[str]:
    return sorted(p.name for p in CORPUS.iterdir() if p.name != "SOURCES.md")


@pytest.fixture(scope="session")
def corpus() -> Path:
    return CORPUS


def adopted(corpus: Path, name: str, folder: Path) -> bytes:
    original = (corpus / name).read_bytes()
    (folder / name).write_bytes(original)
    assert cli(folder, "init", name, json_format=False).code == 0
    return original


@pytest.mark.parametrize("name", [n for n in corpus_pages() if n not in NO_TABLE])
def test_fix_after_init_changes_nothing(corpus: Path, name: str, tmp_path: Path) -> None:
    original = adopted(corpus, name, tmp_path)
    done = fix(tmp_path, "--check")
    if name in MALFORMED:
        # The extra empty cell of line 54 goes; nothing else changes.
        assert done.code == 1
        assert done.stdout.count("\n-|") == 1 and done.stdout.count("\n+|") == 1
        assert fix(tmp_path).code == 0
        assert cli(tmp_path, "check").findings == []
    else:
        assert (done.code, done.stdout) == (0, ""), done.stdout
        assert fix(tmp_path).code == 0
        assert (tmp_path / name).read_bytes() == original


def edit_registry(folder: Path) -> bool:
    """Change the first vendor's description, add one after it, drop the last one.

    Returns whether the first vendor has a description to change.
    """
    path = folder / "subprocessors.yml"
    lines = path.read_text("utf-8").split("\n")
    starts = [i for i, line in enumerate(lines) if line.startswith("  - name:")]
    first = lines[starts[0] : starts[1]]
    added = ["  - name: Newco Analytics GmbH"] + [
        "    url: https://newco.example/" if line.startswith("    url:") else line
        for line in first[1:]
    ]
    first = [
        "    description: Changed purpose" if line.startswith("    description:") else line
        for line in first
    ]
    kept = lines[: starts[0]] + first + added + lines[starts[1] : starts[-1]]
    path.write_text("\n".join(kept) + "\n", "utf-8")
    return "    description: Changed purpose" in first


@pytest.mark.parametrize("name", [n for n in corpus_pages() if n not in NO_TABLE | HTML_TABLE])
def test_fix_renders_registry_changes_that_check_accepts(
    corpus: Path, name: str, tmp_path: Path
) -> None:
    original = adopted(corpus, name, tmp_path)
    described = edit_registry(tmp_path)
    done = fix(tmp_path, "--date", "2031-02-03")
    assert done.code == 0, done.stderr
    assert ("1 added, 1 removed, 1 changed" if described else "1 added, 1 removed") in done.stdout
    checked = cli(tmp_path, "check")
    assert checked.code == 0, checked.stdout
    assert checked.report["summary"]["errors"] == 0
    assert fix(tmp_path, "--check").code == 0  # idempotent
    new = (tmp_path / name).read_bytes()
    assert new.startswith(b"\xef\xbb\xbf") == original.startswith(b"\xef\xbb\xbf")
    assert new.count(b"\r\n") > 0 if b"\r\n" in original else b"\r\n" not in new
    assert new.endswith(b"\n") == original.endswith(b"\n")
    text = new.decode("utf-8")
    assert "Newco Analytics GmbH" in text
    assert ("Changed purpose" in text) == described
    # Only table lines and the date line differ.
    before = set(original.decode("utf-8").splitlines())
    after = set(text.splitlines())
    assert all("|" in line or "2031" in line for line in after - before), after - before
    assert len([line for line in before - after if "|" not in line]) <= 1, before - after


def test_an_html_table_in_sync_is_fine_but_cannot_be_rewritten(
    corpus: Path, tmp_path: Path
) -> None:
    name = "aspose-subprocessors.md"
    original = adopted(corpus, name, tmp_path)
    assert fix(tmp_path, "--check").code == 0
    edit_registry(tmp_path)
    done = fix(tmp_path)
    assert done.code == 2
    assert "HTML <table>, which fix cannot rewrite" in done.stderr
    assert (tmp_path / name).read_bytes() == original


def test_the_date_moves_on_the_front_matter_key_a_template_shows(
    corpus: Path, tmp_path: Path
) -> None:
    name = "tropos-subprocessors.md"
    adopted(corpus, name, tmp_path)
    edit_registry(tmp_path)
    assert fix(tmp_path, "--date", "2031-02-03").code == 0
    text = (tmp_path / name).read_text("utf-8")
    assert "last_modified_date: 2031-02-03\n" in text
    assert "{{ page.last_modified_date | date: " in text


# -- writing safely ---------------------------------------------------------------------------


def big_project(folder: Path) -> bytes:
    rows = "".join(
        f"| [Vendor {i}](https://v{i}.example/) | USA | Purpose {i} |\n" for i in range(200)
    )
    page = f"Effective date: 2024-03-01\n\n| Name | Location | Description |\n|---|---|---|\n{rows}"
    entries = "".join(
        f"  - name: Vendor {i}\n    url: https://v{i}.example/\n    location: USA\n"
        f"    description: Purpose {i}{' (new)' if i == 0 else ''}\n"
        for i in range(200)
    )
    (folder / "page.md").write_text(page)
    (folder / "registry.yml").write_text("subprocessors:\n" + entries)
    (folder / ".subprocessor-check.yml").write_text(CONFIG)
    return page.encode()


def run_fix_limited(
    folder: Path, limit: int, ignore_signal: bool
) -> subprocess.CompletedProcess[str]:
    """Run ``fix`` in a child that may write no file larger than ``limit`` bytes."""
    code = (
        "import resource, signal, sys\n"
        f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))\n"
        # Python starts with SIGXFSZ ignored; the default action kills the process.
        + f"signal.signal(signal.SIGXFSZ, signal.{'SIG_IGN' if ignore_signal else 'SIG_DFL'})\n"
        + "from checker.cli import run\nsys.exit(run(['fix', '--date', '2024-05-01']))\n"
    )
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=folder,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
        timeout=60,
    )


def test_a_failed_write_leaves_the_page_intact(tmp_path: Path) -> None:
    original = big_project(tmp_path)
    # The file system refuses the write past 4 KiB (EFBIG): a real failure, mid-file.
    done = run_fix_limited(tmp_path, 4096, ignore_signal=True)
    assert done.returncode == 2, done.stderr
    assert "page.md: could not write" in done.stderr
    assert (tmp_path / "page.md").read_bytes() == original
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".subprocessor-check.yml",
        "page.md",
        "registry.yml",
    ]  # the temporary file was removed


def test_a_process_killed_mid_write_leaves_the_page_intact(tmp_path: Path) -> None:
    original = big_project(tmp_path)
    # Without the signal ignored, the kernel kills the process (SIGXFSZ) in the middle of
    # writing the new page: nothing runs after that, no cleanup, no rename.
    done = run_fix_limited(tmp_path, 4096, ignore_signal=False)
    assert done.returncode == -signal.SIGXFSZ
    assert (tmp_path / "page.md").read_bytes() == original
    leftovers = [p for p in tmp_path.iterdir() if p.name.startswith(".page.md.")]
    assert len(leftovers) == 1 and leftovers[0].stat().st_size == 4096  # the torn copy
    # Without the limit the same command completes.
    done = run_fix_limited(tmp_path, 10_000_000, ignore_signal=False)
    assert done.returncode == 0, done.stderr
    assert "Purpose 0 (new)" in (tmp_path / "page.md").read_text()


def test_file_mode_and_symlinks_are_kept(tmp_path: Path) -> None:
    cli(tmp_path, "rules", page=PAGE, registry=REGISTRY, config=CONFIG, json_format=False)
    real = tmp_path / "real.md"
    (tmp_path / "page.md").rename(real)
    (tmp_path / "page.md").symlink_to("real.md")
    real.chmod(0o640)
    assert fix(tmp_path, "--date", "2024-05-01").code == 0
    assert (tmp_path / "page.md").is_symlink()
    assert "Gamma" in real.read_text()
    assert stat.S_IMODE(real.stat().st_mode) == 0o640
