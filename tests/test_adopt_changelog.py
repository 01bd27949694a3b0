"""``changelog`` and the Atom feed, on a real git history.

The repository replays the published history of postgres-ai's page (the corpus): each version
is committed with its commit date, and its registry is written by ``init`` from that version.
What changed between versions is known from the corpus's SOURCES.md and from reading the
pages; the expectations below were written from that, not from the tool's output.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tests.support import CORPUS, CliResult, cli

ATOM = "{http://www.w3.org/2005/Atom}"
# (version, commit date) in publication order; 165c613 had no table yet.
VERSIONS = [
    ("6659615", "2021-05-05"),
    ("529a95b", "2022-10-10"),
    ("ef6f11e", "2023-08-20"),
    ("5edd056", "2023-12-20"),
    ("57d9d2c", "2025-02-05"),
    ("29a89ff", "2025-06-20"),
    ("3afc8f4", "2025-07-09"),
    ("d836b2a", "2025-08-04"),
    ("98458b5", "2025-09-24"),
]


def git(repo: Path, *args: str, date: str | None = None) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Dana Privacy",
        "GIT_AUTHOR_EMAIL": "dana@example.com",
        "GIT_COMMITTER_NAME": "Dana Privacy",
        "GIT_COMMITTER_EMAIL": "dana@example.com",
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    if date:
        env["GIT_AUTHOR_DATE"] = env["GIT_COMMITTER_DATE"] = f"{date}T12:00:00+02:00"
    done = subprocess.run(
        ["git", *args], cwd=repo, env=env, capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def changelog(repo: Path, *argv: str) -> CliResult:
    return cli(repo, "changelog", *argv, json_format=False)


@pytest.fixture
def history(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A repository with one commit per published version; version → commit SHA."""
    repo = tmp_path / "docs"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    shas = {}
    for version, date in VERSIONS:
        page = (CORPUS / f"postgres-ai-{version}.md").read_bytes()
        (repo / "service-providers.md").write_bytes(page)
        done = cli(repo, "init", "service-providers.md", "--force", json_format=False)
        assert done.code == 0, done.stdout
        git(repo, "add", "-A")
        git(repo, "commit", "-q", "-m", f"Publish {version}", date=date)
        shas[version] = git(repo, "rev-parse", "HEAD")
    # A commit that touches the registry without changing the list.
    registry = repo / "subprocessors.yml"
    registry.write_text(
        registry.read_text().replace(
            "  - name: Zoom\n", "  - name: Zoom\n    notes: contract renewed yearly\n"
        )
    )
    git(repo, "commit", "-q", "-am", "Note Zoom's contract", date="2025-10-01")
    shas["notes"] = git(repo, "rev-parse", "HEAD")
    return repo, shas


def test_markdown_between_two_revisions(history: tuple[Path, dict[str, str]]) -> None:
    repo, shas = history
    done = changelog(repo, "--base", shas["529a95b"], "--head", shas["5edd056"])
    assert done.code == 0, done.stderr
    text = done.stdout
    assert text.startswith("## Subprocessor changes\n\nComparing ")
    assert "Effective date: 2022-10-03 → 2023-12-20" in text
    added = text.split("### Added\n\n")[1].split("\n\n")[0].splitlines()
    assert [line.split("**")[1].split("]")[0].lstrip("[") for line in added] == [
        "Hetzner",
        "OpenAI",
        "SendGrid",
    ]  # in the head registry's order
    assert "- **[Hetzner](https://hetzner.com/)**: Cloud and dedicated hosting provider " in text
    assert "### Removed\n\n- **[Mailgun](https://www.mailgun.com/)**: Transactional" in text
    assert (
        "- **Amazon Web Services (AWS)**\n"
        '  - description: "Secondary data hosting (currently not used for user data)" → '
        '"Secondary data hosting (currently not used for Customer Data)"\n'
    ) in text
    assert "Upcoming" not in text


def test_json_between_two_revisions(history: tuple[Path, dict[str, str]]) -> None:
    repo, shas = history
    done = changelog(repo, "--base", shas["6659615"], "--head", shas["529a95b"], "-f", "json")
    data = json.loads(done.stdout)
    assert [e["name"] for e in data["added"]] == ["GitLab", "GitHub"]
    assert [e["name"] for e in data["removed"]] == ["Hubspot", "Okmeter", "Typeform"]
    assert data["changed"] == []
    assert data["removed"][1] == {
        "name": "Okmeter",
        "url": "https://okmeter.io/",
        "location": "Europe",
        "description": "Technical monitoring, no user data is processed",
        "status": "active",
    }
    assert data["base"]["effective_date"] == "2021-05-02"
    assert data["head"]["effective_date"] == "2022-10-03"
    assert data["changed_list"] is True
    # Bold to italic reads the same: no change. A reworded description is one.
    done = changelog(repo, "--base", shas["5edd056"], "--head", shas["29a89ff"], "-f", "json")
    data = json.loads(done.stdout)
    assert [e["name"] for e in data["added"]] == ["Microsoft Azure"]
    assert data["changed"] == [
        {
            "name": "Google Workspace",
            "fields": [
                {
                    "field": "description",
                    "old": "Email and cloud office apps used by the Postgres.ai Team for business",
                    "new": "Email and cloud office apps used by the Postgres AI Team for business",
                }
            ],
        }
    ]


def test_planned_vendors_are_upcoming(history: tuple[Path, dict[str, str]]) -> None:
    repo, _ = history
    registry = repo / "subprocessors.yml"
    registry.write_text(
        registry.read_text()
        + "  - name: Acme AI\n    url: https://acme.example/\n    location: EU\n"
        "    description: Speech to text\n    status: planned\n    added: 2031-01-01\n"
    )
    # Without --head: the registry as it is in the working tree.
    done = changelog(repo, "--base", "HEAD")
    assert done.stdout.endswith(
        "### Upcoming\n\n- **[Acme AI](https://acme.example/)**: Speech to text; EU "
        "(from 2031-01-01)\n"
    )
    assert "Comparing HEAD with the working tree." in done.stdout
    assert "### Added" not in done.stdout
    # A planned vendor is not on the list yet: check agrees with the page as it is.
    assert cli(repo, "check").code == 0


def test_two_files(tmp_path: Path) -> None:
    base = "subprocessors:\n  - {name: A, url: https://a.example/, location: EU, description: x}\n"
    head = base.replace("location: EU", "location: 'EU, USA'") + (
        "  - {name: B, url: https://b.example/, location: UK, description: y}\n"
    )
    (tmp_path / "old.yml").write_text(base)
    (tmp_path / "new.yml").write_text(head)
    done = changelog(tmp_path, "old.yml", "new.yml", "--format", "json")
    data = json.loads(done.stdout)
    assert [e["name"] for e in data["added"]] == ["B"]
    assert data["changed"] == [
        {"name": "A", "fields": [{"field": "location", "old": "EU", "new": "EU, USA"}]}
    ]
    # Pages work too, for lists kept without a registry.
    old = CORPUS / "postgres-ai-d836b2a.md"
    new = CORPUS / "postgres-ai-98458b5.md"
    done = changelog(tmp_path, str(old), str(new), "--format", "json")
    data = json.loads(done.stdout)
    assert [e["name"] for e in data["added"]] == ["pgMustard"]
    assert (data["removed"], data["changed"]) == ([], [])
    assert data["head"]["effective_date"] == "2025-02-05"


def test_usage_errors(history: tuple[Path, dict[str, str]]) -> None:
    repo, _ = history
    assert "--base REF" in changelog(repo).stderr
    done = changelog(repo, "a.yml", "b.yml", "--format", "atom")
    assert done.code == 2 and "git history" in done.stderr
    done = changelog(repo, "--base", "no-such-ref")
    assert done.code == 2


# -- the Atom feed ----------------------------------------------------------------------------


def feed(repo: Path, *argv: str) -> ET.Element:
    done = changelog(repo, "--format", "atom", *argv)
    assert done.code == 0, done.stderr
    assert done.stdout.startswith('<?xml version="1.0" encoding="utf-8"?>\n')
    return ET.fromstring(done.stdout)


def one(element: ET.Element, tag: str) -> ET.Element:
    found = element.findall(ATOM + tag)
    assert len(found) == 1, f"{tag}: {len(found)} elements"
    return found[0]


def test_feed_has_what_rfc_4287_requires(history: tuple[Path, dict[str, str]]) -> None:
    repo, _ = history
    root = feed(repo, "--link", "https://postgres.ai/docs/platform/service-providers")
    assert root.tag == ATOM + "feed"
    # atom:feed: exactly one id, title and updated; an author (here on the feed itself).
    assert one(root, "id").text.startswith("urn:uuid:")  # type: ignore[union-attr]
    assert one(root, "title").text == "Subprocessor changes"
    author = one(root, "author")
    assert one(author, "name").text == "Dana Privacy"
    entries = root.findall(ATOM + "entry")
    for entry in entries:
        for tag in ("id", "title", "updated", "author", "content", "summary"):
            one(entry, tag)
        assert one(one(entry, "author"), "name").text == "Dana Privacy"
        # Dates are RFC 3339 date-times with an offset.
        stamp = dt.datetime.fromisoformat(one(entry, "updated").text or "")
        assert stamp.utcoffset() == dt.timedelta(hours=2)
        assert one(entry, "content").get("type") == "html"
        link = one(entry, "link")
        assert link.get("href") == "https://postgres.ai/docs/platform/service-providers"
    ids = [one(e, "id").text for e in entries]
    assert len(set(ids)) == len(ids)
    assert one(root, "updated").text == one(entries[0], "updated").text


def test_one_entry_per_commit_that_changed_the_list(history: tuple[Path, dict[str, str]]) -> None:
    repo, _ = history
    entries = feed(repo).findall(ATOM + "entry")
    titles = [one(e, "title").text for e in entries]
    dates = [(one(e, "updated").text or "")[:10] for e in entries]
    # Newest first. 3afc8f4 (title only) and the notes-only commit changed no vendor.
    assert titles == [
        "Added pgMustard",
        "Changed Google Workspace",
        "Changed Google Workspace",
        "Added Microsoft Azure",
        "Added Hetzner, OpenAI; changed Amazon Web Services (AWS), Google Cloud Platform (GCP)",
        "Added SendGrid; removed Mailgun",
        "Added GitLab, GitHub; removed Hubspot, Okmeter, Typeform",
        "Added " + ", ".join(
            ["Amazon Web Services (AWS)", "Google Analytics (GA)", "Google Cloud Platform (GCP)",
             "Google Workspace", "Hubspot", "Intercom", "Mailgun", "Okmeter", "Slack", "Stripe",
             "Typeform", "Zoom"]
        ),
    ]  # fmt: skip
    assert dates == [
        "2025-09-24",
        "2025-08-04",
        "2025-06-20",
        "2025-02-05",
        "2023-12-20",
        "2023-08-20",
        "2022-10-10",
        "2021-05-05",
    ]
    content = one(entries[1], "content").text or ""
    assert "PostgresAI Team" in content and "<li>" in content


def test_ids_are_stable_as_history_grows(history: tuple[Path, dict[str, str]]) -> None:
    repo, _ = history
    first = feed(repo)
    again = feed(repo)
    assert ET.tostring(first) == ET.tostring(again)
    registry = repo / "subprocessors.yml"
    registry.write_text(
        registry.read_text().replace("description: Video Communications", "description: Video")
    )
    git(repo, "commit", "-q", "-am", "Zoom: shorter description", date="2025-11-01")
    later = feed(repo)
    assert one(later, "id").text == one(first, "id").text
    old_ids = [one(e, "id").text for e in first.findall(ATOM + "entry")]
    new_ids = [one(e, "id").text for e in later.findall(ATOM + "entry")]
    assert new_ids[1:] == old_ids
    assert one(later.findall(ATOM + "entry")[0], "title").text == "Changed Zoom"
    assert one(later, "updated").text == "2025-11-01T12:00:00+02:00"
    limited = feed(repo, "--limit", "2", "--feed-id", "https://postgres.ai/subprocessors.atom")
    assert len(limited.findall(ATOM + "entry")) == 2
    assert one(limited, "id").text == "https://postgres.ai/subprocessors.atom"
