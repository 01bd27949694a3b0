"""The token goes only where the policy says, decided as the HTTP client connects; the registry
fetch is guarded like the link check.

Attacks are made as a pull request would make them: a registry URL or a table link spelled so
that one parser reads GitHub and another the attacker's host, redirects, ``~/.netrc``, proxy
variables, a server that trickles, a body too large, a body with a secret in it. The attacker's
host is a listener on 127.0.0.1 (https with its own CA, or plain http) that logs every
connection and header; each attack is paired with a positive control that shows the listener
does see the token when the policy allows it, so its absence means something.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from checker.net.credentials import GITHUB_ORIGINS, Origin, TokenPolicy, refusal, token_policy
from checker.net.fetch import FetchError, FetchLimits, fetch
from checker.net.guard import Resolver
from checker.net.transport import SocketTracker, build_session
from tests.action_support import Host, Repo
from tests.support import cli
from tests.tls_support import (
    REGISTRY,
    SENTINEL,
    Authority,
    Listener,
    certificate_authority,
    listener,
)

PAGE = (
    "Effective date: 2024-03-01\n\n"
    "| Name | Location | Description |\n| --- | --- | --- |\n"
    "| [Alive](https://alive.example/) | USA | Hosting |\n"
)


@pytest.fixture
def authority(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Authority]:
    with certificate_authority(tmp_path) as ca:
        monkeypatch.setenv("SSL_CERT_FILE", str(ca.bundle))
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(ca.bundle))
        yield ca


@pytest.fixture
def attacker(authority: Authority) -> Iterator[Listener]:
    with listener(authority) as site:
        yield site


@pytest.fixture
def other(authority: Authority) -> Iterator[Listener]:
    with listener(authority) as site:
        yield site


@pytest.fixture
def plain() -> Iterator[Listener]:
    with listener(None) as site:
        yield site


def trusting(site: Listener) -> TokenPolicy:
    """A policy under which ``site`` legitimately receives the token (the positive control)."""
    return TokenPolicy(SENTINEL, GITHUB_ORIGINS | {Origin("127.0.0.1", site.port)})


LOCAL = FetchLimits(limit=1 << 20, deadline=10, allow_private=True)


# -- the decision -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://raw.githubusercontent.com/acme/legal/main/subprocessors.yml",
        "https://api.github.com/repos/acme/legal/contents/subprocessors.yml",
        "https://GitHub.com/acme/legal",
        "https://github.com:443/acme/legal",
        "HTTPS://github.com/acme",
        "https://github.com/acme/legal?ref=main#@attacker.example",
    ],
)
def test_the_token_goes_to_github_over_https(url: str) -> None:
    assert TokenPolicy("t").header(url) == "Bearer t"


@pytest.mark.parametrize(
    "url",
    [
        "http://github.com/acme/legal",
        "https://attacker.example\\@github.com/x",
        "https://attacker.example%5C@github.com/x",
        "https://attacker.example/\\@github.com/x",
        "https://attacker.example\\.github.com/x",
        "https://github.com@attacker.example/x",
        "https://github.com:@attacker.example/x",
        "https://user:pw@github.com/x",
        "https://github.com;@attacker.example/x",
        "https://attacker.example#@github.com",
        "https://attacker.example?@github.com",
        "https://github.com.attacker.example/x",
        "https://github.com./x",
        "https://git%68ub.com/x",
        "https://github%2ecom/x",
        "https://gıthub.com/x",
        "https://xn--gthub-n4a.com/x",
        "https://github.com:8443/x",
        "https://github.com:80/x",
        "https://[::ffff:140.82.112.3]/x",
        "https://140.82.112.3/x",
        "https://git\thub.com/x",
        "https://git\nhub.com/x",
        " https://github.com/x",
        "https://github.com /x",
        "https:github.com/x",
        "https:/github.com/x",
        "https:///github.com/x",
        "//github.com/x",
        "https://objects.githubusercontent.com/x",
        "https://codeload.github.com/x",
        "ftp://github.com/x",
    ],
)
def test_no_token_for_anything_else_or_anything_ambiguous(url: str) -> None:
    assert TokenPolicy("t").header(url) is None
    assert refusal(url, GITHUB_ORIGINS) is not None


def test_the_workflow_server_receives_it_on_its_own_port_only() -> None:
    policy = token_policy("t", {"GITHUB_SERVER_URL": "https://ghe.example.com:8443"})
    assert policy.header("https://ghe.example.com:8443/api/v3/x") == "Bearer t"
    assert policy.header("https://ghe.example.com/api/v3/x") is None
    assert token_policy("t", {}).origins == GITHUB_ORIGINS
    for server in ("http://ghe.example.com", "https://a\\@ghe.example.com", "https://u@h.example"):
        assert token_policy("t", {"GITHUB_SERVER_URL": server}).origins == GITHUB_ORIGINS
    assert TokenPolicy(None).header("https://github.com/") is None


# -- the transport decides, whatever the caller sends -------------------------------------------


def test_a_header_set_by_the_caller_is_replaced_by_the_policy(attacker: Listener) -> None:
    session = build_session(
        Resolver(allow_private=True),
        SocketTracker(),
        pool_connections=1,
        pool_maxsize=1,
        user_agent="test",
        token=TokenPolicy(SENTINEL),
    )
    session.get(attacker.url("/ok"), headers={"Authorization": f"token {SENTINEL}"}, timeout=10)
    assert attacker.seen.paths() == ["/ok"]
    assert attacker.seen.authorization() == []


# -- the registry fetch ----------------------------------------------------------------------


def test_positive_control_the_listener_sees_an_allowed_token(attacker: Listener) -> None:
    body = fetch(attacker.url("/registry.yml"), LOCAL, trusting(attacker))
    assert body.decode() == REGISTRY
    assert attacker.seen.authorization() == [f"Bearer {SENTINEL}"]


@pytest.mark.parametrize(
    "spelling",
    [
        "{base}\\@github.com/registry.yml",
        "{base}\\\\@github.com/registry.yml",
        "{base}/\\@github.com/registry.yml",
        "{base}/registry.yml#@github.com",
        "{base}/registry.yml?@github.com",
        "https://github.com@{hostport}/registry.yml",
        "https://x-access-token:@{hostport}/registry.yml",
    ],
)
def test_a_url_that_reads_as_github_to_one_parser_gets_no_token(
    attacker: Listener, spelling: str
) -> None:
    url = spelling.format(base=attacker.base, hostport=f"127.0.0.1:{attacker.port}")
    with contextlib.suppress(FetchError):  # refusing the URL outright is fine too
        fetch(url, LOCAL, TokenPolicy(SENTINEL))
    assert attacker.seen.authorization() == []


def test_a_redirect_hop_is_decided_again(attacker: Listener, other: Listener) -> None:
    away = attacker.url(f"/to?u={other.url('/registry.yml')}")
    assert fetch(away, LOCAL, trusting(attacker)).decode() == REGISTRY
    assert attacker.seen.authorization() == [f"Bearer {SENTINEL}"]
    assert other.seen.paths() == ["/registry.yml"]
    assert other.seen.authorization() == []
    # The hop reads as github.com to urlsplit and as ``other`` to urllib3: fetched, anonymously.
    sneaky = attacker.url(f"/to?u={other.base}%5C@github.com/registry.yml")
    fetch(sneaky, LOCAL, trusting(attacker))
    assert len(other.seen.paths()) == 2
    assert other.seen.authorization() == []


def test_every_redirect_hop_is_vetted_by_the_address_guard(attacker: Listener) -> None:
    # 127.0.0.1 is let through by name; the hop to 127.0.0.2 is a refused loopback address.
    with listener(None) as inner:
        target = f"https://127.0.0.2:{inner.port}/registry.yml"
        limits = FetchLimits(limit=1 << 20, deadline=10, allow_networks=("127.0.0.1/32",))
        with pytest.raises(FetchError, match="address guard"):
            fetch(attacker.url(f"/to?u={target}"), limits)
        assert attacker.seen.paths() == ["/to"]
        assert inner.seen.connections == 0


def test_plain_http_and_private_addresses_are_refused_without_allow_private(
    plain: Listener, attacker: Listener
) -> None:
    strict = FetchLimits(limit=1 << 20, deadline=10)
    with pytest.raises(FetchError, match="only https"):
        fetch(plain.url("/registry.yml"), strict)
    with pytest.raises(FetchError, match="address guard"):
        fetch(attacker.url("/registry.yml"), strict)
    for spelling in (
        "https://2130706433:{p}/",
        "https://0x7f.1:{p}/",
        "https://[::ffff:127.0.0.1]:{p}/",
    ):
        with pytest.raises(FetchError):
            fetch(spelling.format(p=attacker.port), strict)
    assert plain.seen.connections == 0 and attacker.seen.connections == 0


def test_netrc_and_proxy_variables_are_ignored(
    attacker: Listener, plain: Listener, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".netrc").write_text(f"machine 127.0.0.1 login me password {SENTINEL}\n")
    (tmp_path / ".netrc").chmod(0o600)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("NETRC", str(tmp_path / ".netrc"))
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "ALL_PROXY"):
        monkeypatch.setenv(name, plain.base)
    assert fetch(attacker.url("/registry.yml"), LOCAL).decode() == REGISTRY
    assert attacker.seen.authorization() == []
    assert plain.seen.connections == 0


def test_a_trickling_server_is_cut_at_the_deadline(attacker: Listener) -> None:
    started = time.monotonic()
    with pytest.raises(FetchError, match=r"no answer within 1\.5 s"):
        fetch(
            attacker.url("/trickle"), FetchLimits(limit=1 << 20, deadline=1.5, allow_private=True)
        )
    assert time.monotonic() - started < 20  # a bound on a hang, not a speed measurement


def test_a_body_over_the_limit_is_refused(attacker: Listener) -> None:
    with pytest.raises(FetchError, match="larger than 1,048,576 bytes"):
        fetch(attacker.url("/big"), LOCAL)


def test_a_redirects_body_is_never_read_or_inflated(attacker: Listener) -> None:
    assert fetch(attacker.url("/big-redirect"), LOCAL).decode() == REGISTRY
    assert fetch(attacker.url("/gzip-redirect"), LOCAL).decode() == REGISTRY
    time.sleep(0.5)  # the server's writes fail once the client has hung up
    assert attacker.seen.sent < 64 << 20  # socket buffers, not the GiB it offered


@pytest.mark.parametrize("location", ["https://[x/", "https://\x85x/", "http://[::1", "\x00"])
def test_a_location_no_parser_reads_is_a_clear_failure(attacker: Listener, location: str) -> None:
    from urllib.parse import quote

    with pytest.raises(FetchError):
        fetch(attacker.url(f"/bad-location?u={quote(location)}"), LOCAL)


def test_link_check_survives_crafted_redirects_and_quotes_no_server_text(
    attacker: Listener, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from urllib.parse import quote

    urls = [
        attacker.url("/big-redirect?nohead"),
        attacker.url("/gzip-redirect?nohead"),
        attacker.url("/bad-status"),
        *(attacker.url(f"/bad-location?u={quote(u)}") for u in ("https://[x/", "\x85")),
    ]
    rows = "".join(f"| [V{i}]({u}) | USA | Hosting |\n" for i, u in enumerate(urls))
    result = cli(
        tmp_path, "check", "page.md", "--links", "all", "--allow-private", page=PAGE + rows
    )
    assert result.code in (0, 1), result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert SENTINEL not in result.stdout + result.stderr
    verdicts = {link["url"]: link["verdict"] for link in result.report["links"]}
    assert verdicts[urls[0]] == verdicts[urls[1]] == "ok"  # a 302 to a live page
    assert attacker.seen.sent < 64 << 20


def test_other_schemes_are_refused() -> None:
    for url in ("file:///etc/passwd", "ftp://github.com/x", "gopher://127.0.0.1:70/"):
        with pytest.raises(FetchError, match="only https"):
            fetch(url, LOCAL)


# -- through the command line ----------------------------------------------------------------


def test_cli_sends_github_token_only_where_allowed(
    attacker: Listener, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", SENTINEL)
    sneaky = f"{attacker.base}\\@github.com/registry.yml"
    result = cli(tmp_path, "check", "page.md", "--registry", sneaky, "--allow-private", page=PAGE)
    assert attacker.seen.authorization() == []
    assert SENTINEL not in result.stdout + result.stderr

    monkeypatch.setenv("GITHUB_SERVER_URL", attacker.base)  # control: the server's own origin
    result = cli(
        tmp_path,
        "check",
        "page.md",
        "--registry",
        attacker.url("/registry.yml"),
        "--allow-private",
        page=PAGE,
    )
    assert result.code == 0, result.stderr
    assert attacker.seen.authorization() == [f"Bearer {SENTINEL}"]
    assert SENTINEL not in result.stdout + result.stderr


def test_cli_link_in_the_table_gets_no_token_on_a_sneaky_spelling(
    attacker: Listener, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", SENTINEL)
    links = [
        f"{attacker.base}\\@github.com/a",
        f"https://github.com@127.0.0.1:{attacker.port}/b",
        f"{attacker.base}/c#@github.com",
    ]
    rows = "".join(f"| [V{i}]({u}) | USA | Hosting |\n" for i, u in enumerate(links))
    page = PAGE + rows
    result = cli(tmp_path, "check", "page.md", "--links", "all", "--allow-private", page=page)
    assert result.code in (0, 1), result.stderr
    assert attacker.seen.connections >= 1  # the links were checked, anonymously
    assert attacker.seen.authorization() == []
    assert SENTINEL not in result.stdout + result.stderr


def test_a_fetched_registry_is_never_quoted(
    attacker: Listener, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = cli(
        tmp_path,
        "check",
        "page.md",
        "--registry",
        attacker.url("/secret"),
        "--allow-private",
        page=PAGE,
    )
    assert result.code == 2
    assert "is not a valid registry" in result.stderr and "line" not in result.stderr
    assert SENTINEL not in result.stdout + result.stderr


def test_cli_registry_fetch_is_refused_without_allow_private(
    plain: Listener, attacker: Listener, tmp_path: Path
) -> None:
    for url in (plain.url("/registry.yml"), attacker.url("/registry.yml")):
        result = cli(tmp_path, "check", "page.md", "--registry", url, page=PAGE)
        assert result.code == 2
        assert "could not fetch the registry" in result.stderr
    assert plain.seen.connections == 0 and attacker.seen.connections == 0


# -- through the action, with the pull request's config ---------------------------------------


def run_action(workspace: Path, tmp: Path, inputs: dict[str, str], extra: dict[str, str]) -> str:
    """Run the entrypoint on a pull_request event; everything it printed and wrote."""
    run = Host(tmp / "runner").run(workspace, "pull_request", {"pull_request": {"number": 1}},
                                   inputs, env=extra)  # fmt: skip
    return run.stdout + run.stderr + "\n".join(run.outputs.values()) + run.summary


def test_action_token_never_reaches_a_registry_the_pull_request_names(
    attacker: Listener, authority: Authority, tmp_path: Path
) -> None:
    home = tmp_path / "_home"
    home.mkdir()
    repo = Repo.init(tmp_path / "ws", home)
    sneaky = f"{attacker.base}\\@raw.githubusercontent.com/acme/legal/main/registry.yml"
    config = f"documents: [docs/list.md]\nregistry: '{sneaky}'\n"
    repo.commit({"docs/list.md": PAGE, ".subprocessor-check.yml": config}, "pr")
    extra = {"SSL_CERT_FILE": str(authority.bundle)}
    printed = run_action(repo.path, tmp_path, {"token": SENTINEL, "allow-private": "true"}, extra)
    assert attacker.seen.authorization() == []
    assert SENTINEL not in printed

    # Control: the workflow's own server may receive it (GitHub Enterprise Server).
    config = f"documents: [docs/list.md]\nregistry: '{attacker.url('/registry.yml')}'\n"
    repo.commit({".subprocessor-check.yml": config}, "own server")
    extra["GITHUB_SERVER_URL"] = attacker.base
    printed = run_action(repo.path, tmp_path, {"token": SENTINEL, "allow-private": "true"}, extra)
    assert attacker.seen.authorization() == [f"Bearer {SENTINEL}"]
    assert SENTINEL not in printed


def test_action_ignores_allow_private_in_the_pull_requests_config(
    plain: Listener, tmp_path: Path
) -> None:
    home = tmp_path / "_home"
    home.mkdir()
    repo = Repo.init(tmp_path / "ws", home)
    page = PAGE.replace("https://alive.example/", plain.url("/internal"))
    config = "documents: [docs/list.md]\nlinks: {mode: all, allow_private: true}\n"
    repo.commit({"docs/list.md": page, ".subprocessor-check.yml": config}, "pr")
    printed = run_action(repo.path, tmp_path, {"links": "all"}, {})
    assert plain.seen.connections == 0
    assert "links.allow_private in the config is ignored" in printed


def test_requests_itself_is_not_what_we_rely_on() -> None:
    # The reason for the policy: requests would send a caller's header to the host urllib3
    # reads, which is not the host urlsplit reads.
    from urllib.parse import urlsplit

    from urllib3.util import parse_url

    url = "https://attacker.example\\@github.com/x"
    assert urlsplit(url).hostname == "github.com"
    assert parse_url(url).host == "attacker.example"
    assert requests.Request("GET", url).prepare().url is not None
