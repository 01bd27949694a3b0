"""Live link checker against real servers on loopback (no mocks of requests or sockets).

Every server here is started by the tests on 127.0.0.0/8. Tests reach them with
``allow_private=True`` except the guard tests, which check that nothing is sent at all.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import os
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from checker.links import LinkOptions, TokenPolicy, check_urls
from checker.links.__main__ import main as links_main
from checker.model import LinkResult, Verdict
from checker.net.guard import BlockedAddressError, Resolver
from checker.net.transport import SocketTracker, build_session
from tests.links_support import SilentServer, Site

LOOPBACK = ipaddress.ip_network("127.0.0.0/8")


def opts(**kw: Any) -> LinkOptions:
    """Small timeouts and backoff, so the whole file runs in seconds."""
    base: dict[str, Any] = {
        "allow_private": True,
        "connect_timeout": 1.0,
        "read_timeout": 1.0,
        "retries": 2,
        "backoff_base": 0.05,
        "backoff_cap": 0.2,
        "retry_after_cap": 5.0,
        "budget": 20.0,
        "concurrency": 8,
    }
    base.update(kw)
    return LinkOptions(**base)


def one(url: str, **kw: Any) -> LinkResult:
    [result] = check_urls([url], opts(**kw))
    return result


@pytest.fixture(scope="module")
def site() -> Iterator[Site]:
    s = Site("127.0.0.1")
    yield s
    s.close()


@pytest.fixture(scope="module")
def other() -> Iterator[Site]:
    """A second site on another loopback address (another "host")."""
    s = Site("127.0.0.2")
    yield s
    s.close()


@pytest.fixture
def fresh() -> Iterator[Site]:
    """A site of its own, for tests that count connections."""
    s = Site("127.0.0.3")
    yield s
    s.close()


@pytest.fixture
def connect_spy(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Records every outgoing ``connect``; refuses anything outside loopback so that even a
    broken guard cannot send a packet off this machine during the tests."""
    calls: list[Any] = []
    real = socket.socket.connect

    def spy(self: socket.socket, address: Any) -> None:
        calls.append(address)
        host = str(address[0]).split("%")[0]
        ip = ipaddress.ip_address(host)
        if ip.version != 4 or ip not in LOOPBACK:
            raise ConnectionRefusedError(f"test spy: refusing to connect to {host}")
        real(self, address)

    monkeypatch.setattr(socket.socket, "connect", spy)
    return calls


# -- verdicts -------------------------------------------------------------------------------


def test_ok_is_one_head(site: Site) -> None:
    r = one(site.url("/ok/plain"))
    assert (r.verdict, r.status, r.attempts, r.final_url) == (Verdict.OK, 200, 1, None)
    assert site.record.count("/ok/plain", "HEAD") == 1
    assert site.record.count("/ok/plain", "GET") == 0


@pytest.mark.parametrize("code", [404, 410])
def test_gone_is_broken_after_get_fallback(site: Site, code: int) -> None:
    before = site.record.count(f"/{code}")
    r = one(site.url(f"/{code}"))
    assert (r.verdict, r.status) == (Verdict.BROKEN, code)
    assert r.error == f"HTTP {code}"
    assert site.record.count(f"/{code}") - before == 2  # HEAD, then GET for the last word


def test_head_refused_falls_back_to_get(site: Site) -> None:
    r = one(site.url("/head405"))
    assert (r.verdict, r.status, r.attempts) == (Verdict.OK, 200, 2)
    assert site.record.count("/head405", "HEAD") == 1
    assert site.record.count("/head405", "GET") == 1


@pytest.mark.parametrize("code", [301, 308])
def test_permanent_redirect_is_redirected(site: Site, code: int) -> None:
    r = one(site.url(f"/{code}/x"))
    assert r.verdict is Verdict.REDIRECTED
    assert r.final_url == site.url("/ok")
    assert (r.status, r.attempts) == (200, 2)


@pytest.mark.parametrize("code", [302, 303, 307])
def test_temporary_redirect_is_ok(site: Site, code: int) -> None:
    r = one(site.url(f"/{code}/x"))
    assert (r.verdict, r.final_url, r.status) == (Verdict.OK, site.url("/ok"), 200)


def test_permanent_hop_anywhere_in_chain_counts(site: Site) -> None:
    moved = site.url("/301/y")
    r = one(site.url(f"/to?code=302&url={moved}"))
    assert r.verdict is Verdict.REDIRECTED
    assert r.final_url == site.url("/ok")


def test_redirect_loop_is_broken(site: Site) -> None:
    r = one(site.url("/loop/a"))
    assert r.verdict is Verdict.BROKEN
    assert r.error is not None and "redirect loop" in r.error
    assert site.record.count("/loop/a") == 1
    assert site.record.count("/loop/b") == 1


def test_too_many_redirects_is_broken(site: Site) -> None:
    r = one(site.url("/chain/6"), max_redirects=3)
    assert r.verdict is Verdict.BROKEN
    assert r.error == "too many redirects (more than 3)"
    assert r.attempts == 4
    assert one(site.url("/chain/3"), max_redirects=3).verdict is Verdict.OK


def test_redirect_without_location_is_broken(site: Site) -> None:
    r = one(site.url("/nolocation"))
    assert (r.verdict, r.status) == (Verdict.BROKEN, 302)


def test_redirect_to_another_host_is_followed_when_allowed(site: Site, other: Site) -> None:
    target = other.url("/ok/cross")
    r = one(site.url(f"/to?code=302&url={target}"))
    assert (r.verdict, r.final_url) == (Verdict.OK, target)
    assert other.record.count("/ok/cross", "HEAD") == 1


def test_accepted_code_per_pattern(site: Site) -> None:
    url = site.url("/404?accepted")
    options = opts(accept={r"accepted$": {404}})
    [r] = check_urls([url], options)
    assert (r.verdict, r.status, r.attempts) == (Verdict.OK, 404, 1)
    [r] = check_urls([site.url("/404?other")], options)
    assert r.verdict is Verdict.BROKEN


def test_excluded_url_is_not_requested(site: Site) -> None:
    before = len(site.record.hits)
    [r] = check_urls([site.url("/ok/private-area")], opts(exclude=[r"private-area"]))
    assert (r.verdict, r.attempts) == (Verdict.EXCLUDED, 0)
    assert len(site.record.hits) == before


# -- retries, timeouts, budget ----------------------------------------------------------------


def test_429_waits_for_retry_after(site: Site) -> None:
    path = "/ratelimit/1/a"
    r = one(site.url(path))
    assert (r.verdict, r.status, r.attempts) == (Verdict.OK, 200, 2)
    hits = [h for h in site.record.hits if h.path == path]
    assert [h.method for h in hits] == ["HEAD", "HEAD"]  # 429 is retried, not a reason for GET
    assert hits[1].at - hits[0].at >= 1.0


def test_retry_after_is_capped(site: Site) -> None:
    path = "/ratelimit/3600/b"
    r = one(site.url(path), retry_after_cap=0.2)
    assert (r.verdict, r.attempts) == (Verdict.OK, 2)
    hits = [h for h in site.record.hits if h.path == path]
    assert hits[1].at - hits[0].at >= 0.2


def test_retry_after_beyond_budget_gives_up_without_sleeping(site: Site) -> None:
    path = "/ratelimit/60/c"
    r = one(site.url(path), retry_after_cap=60, budget=3)
    assert (r.verdict, r.status, r.attempts) == (Verdict.UNREACHABLE, 429, 1)
    assert r.error is not None and r.error.startswith("time budget exhausted")
    assert site.record.count(path) == 1


def test_503_once_on_head_then_get_succeeds(site: Site) -> None:
    r = one(site.url("/flaky/1"))
    assert (r.verdict, r.attempts) == (Verdict.OK, 2)
    assert [h.method for h in site.record.hits if h.path == "/flaky/1"] == ["HEAD", "GET"]


def test_503_on_get_is_retried(site: Site) -> None:
    r = one(site.url("/getflaky/1"))
    assert (r.verdict, r.attempts) == (Verdict.OK, 3)
    assert [h.method for h in site.record.hits if h.path == "/getflaky/1"] == [
        "HEAD",
        "GET",
        "GET",
    ]


def test_503_always_is_unreachable_after_retries(fresh: Site) -> None:
    r = one(fresh.url("/down"), retries=2)
    assert (r.verdict, r.status) == (Verdict.UNREACHABLE, 503)
    assert r.error == "HTTP 503 after 4 attempts"
    assert fresh.record.count("/down", "HEAD") == 1
    assert fresh.record.count("/down", "GET") == 3


def test_read_timeout_is_retried_then_unreachable(fresh: Site) -> None:
    r = one(fresh.url("/slow/2"), read_timeout=0.3, retries=1)
    assert (r.verdict, r.error, r.attempts) == (Verdict.UNREACHABLE, "read timeout", 2)
    assert fresh.record.count("/slow/2") == 2


def test_server_that_never_answers() -> None:
    silent = SilentServer()
    try:
        r = one(silent.url("/"), read_timeout=0.3, retries=1)
    finally:
        silent.close()
    assert (r.verdict, r.error, r.attempts) == (Verdict.UNREACHABLE, "read timeout", 2)
    assert silent.connections >= 1


def test_connection_refused_is_unreachable() -> None:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nobody listens there now
    r = one(f"http://127.0.0.1:{port}/", retries=1)
    assert r.verdict is Verdict.UNREACHABLE
    assert r.error is not None and r.error.startswith("connection error")
    assert r.attempts == 2


def test_endless_body_is_never_read(fresh: Site) -> None:
    # Reading the body would never end; the budget would then turn the verdict into
    # "unreachable". An ok verdict proves the checker stopped at the headers.
    r = one(fresh.url("/endless"), budget=10, read_timeout=5)
    assert (r.verdict, r.status) == (Verdict.OK, 200)
    assert fresh.record.endless_closed.wait(5), "the checker kept the stream open"


def test_budget_exhausted_marks_the_rest_unreachable(fresh: Site) -> None:
    urls = [fresh.url(f"/slow/3?{i}") for i in range(3)]
    started = time.monotonic()
    results = check_urls(urls, opts(concurrency=1, read_timeout=10, budget=0.8))
    assert time.monotonic() - started >= 0.8
    assert [r.verdict for r in results] == [Verdict.UNREACHABLE] * 3
    assert all(r.error == "time budget exhausted" for r in results)
    assert [r.url for r in results] == urls


# -- de-duplication, places, progress ---------------------------------------------------------


def test_each_url_is_requested_once_and_keeps_every_place(site: Site) -> None:
    url = site.url("/ok/dup")
    urls = {
        url: [("a.md", 3), ("a.md", 9)],
        url + "#section": [("b.md", 1)],
        site.url("/ok/other"): [("b.md", 2)],
    }
    results = check_urls(urls, opts())
    assert [r.url for r in results] == list(urls)
    assert results[0].lines == [("a.md", 3), ("a.md", 9)]
    assert results[1].lines == [("b.md", 1)]
    assert all(r.verdict is Verdict.OK for r in results)
    assert site.record.count("/ok/dup") == 1


def test_plain_iterable_is_deduplicated(site: Site) -> None:
    url = site.url("/ok/iter")
    results = check_urls([url, url, " " + url], opts())
    assert len(results) == 1 and results[0].lines == []
    assert site.record.count("/ok/iter") == 1


def test_a_single_string_is_refused() -> None:
    with pytest.raises(TypeError):
        check_urls("http://127.0.0.1/", opts())


def test_progress_is_reported_from_start_to_end(site: Site) -> None:
    seen: list[tuple[int, int]] = []
    urls = [site.url(f"/ok/p{i}") for i in range(5)] + [site.url("/ok/excluded")]
    check_urls(urls, opts(exclude=["excluded"]), lambda d, t: seen.append((d, t)))
    assert seen[0] == (1, 6)  # the excluded URL is settled before any request
    assert seen[-1] == (6, 6)
    assert [d for d, _ in seen] == sorted({d for d, _ in seen})


def test_user_agent_and_no_token_off_github(site: Site) -> None:
    check_urls([site.url("/ok/headers")], opts(token=TokenPolicy("s3cret")))
    [hit] = [h for h in site.record.hits if h.path == "/ok/headers"]
    assert hit.headers["User-Agent"].startswith("subprocessor-check/")
    assert "Authorization" not in hit.headers


# -- cache ----------------------------------------------------------------------------------


def test_cache_skips_requests_for_good_results(fresh: Site, tmp_path: Path) -> None:
    cache = tmp_path / "links.json"
    good, bad = fresh.url("/ok/cached"), fresh.url("/404")
    first = check_urls([good, bad], opts(cache_path=str(cache)))
    assert [r.from_cache for r in first] == [False, False]
    stored = json.loads(cache.read_text())
    assert list(stored["entries"]) == [good]  # failures are never cached

    second = check_urls({good: [("x.md", 4)], bad: []}, opts(cache_path=str(cache)))
    assert (second[0].verdict, second[0].from_cache, second[0].attempts) == (Verdict.OK, True, 0)
    assert second[0].lines == [("x.md", 4)]
    assert second[1].from_cache is False
    assert fresh.record.count("/ok/cached") == 1
    assert fresh.record.count("/404") == 4
    assert [p.name for p in tmp_path.iterdir()] == ["links.json"]  # no temp file left


def test_cache_entries_expire(fresh: Site, tmp_path: Path) -> None:
    cache = tmp_path / "links.json"
    url = fresh.url("/ok/old")
    entry = {"verdict": "ok", "status": 200, "final_url": None, "checked_at": time.time() - 100}
    cache.write_text(json.dumps({"version": 1, "entries": {url: entry}}))
    [r] = check_urls([url], opts(cache_path=str(cache), cache_ttl=50))
    assert r.from_cache is False
    assert fresh.record.count("/ok/old") == 1


@pytest.mark.parametrize(
    "content", ["{not json", "[]", '{"version": 99, "entries": {}}', '{"version": 1}', "\x00\xff"]
)
def test_corrupt_cache_is_ignored_with_a_warning(
    site: Site, tmp_path: Path, caplog: pytest.LogCaptureFixture, content: str
) -> None:
    cache = tmp_path / "links.json"
    cache.write_text(content, encoding="latin-1")
    with caplog.at_level(logging.WARNING, logger="checker.links.cache"):
        [r] = check_urls([site.url("/ok/c")], opts(cache_path=str(cache)))
    assert r.verdict is Verdict.OK and not r.from_cache
    assert "ignoring" in caplog.text
    assert json.loads(cache.read_text())["version"] == 1  # rewritten in good order


def test_bad_cache_entries_are_skipped(site: Site, tmp_path: Path) -> None:
    cache = tmp_path / "links.json"
    url = site.url("/ok/badentry")
    entries = {url: {"verdict": "broken", "status": 404, "checked_at": time.time()}}
    cache.write_text(json.dumps({"version": 1, "entries": entries}))
    [r] = check_urls([url], opts(cache_path=str(cache)))
    assert r.from_cache is False and r.verdict is Verdict.OK


# -- the network guard ------------------------------------------------------------------------


def test_guard_blocks_loopback_without_a_packet(fresh: Site, connect_spy: list[Any]) -> None:
    r = one(fresh.url("/ok"), allow_private=False)
    assert r.verdict is Verdict.BLOCKED
    assert r.attempts == 0
    assert r.error is not None and "127.0.0.0/8" in r.error
    assert connect_spy == []
    assert fresh.record.connections == 0


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.3",
        "2130706433",  # 127.0.0.1 as one number
        "0x7f.1",
        "0177.0.0.1",
        "127.1",
        "0.0.0.0",
        "[::1]",
        "[::ffff:127.0.0.1]",
        "[::ffff:7f00:1]",
        "169.254.169.254",
        "10.0.0.1",
        "192.168.1.1",
        "172.16.0.1",
        "100.64.0.1",
        "[fd00::1]",
        "[fe80::1]",
        "[64:ff9b::a00:1]",  # NAT64 form of 10.0.0.1
        "[2002:a00:1::]",  # 6to4 form of 10.0.0.1
        "224.0.0.1",
        "localhost",
    ],
)
def test_guard_refuses_hostile_addresses(host: str, fresh: Site, connect_spy: list[Any]) -> None:
    r = one(f"http://{host}:{fresh.port}/ok", allow_private=False)
    assert r.verdict is Verdict.BLOCKED, r.error
    assert r.attempts == 0
    assert connect_spy == []
    assert fresh.record.connections == 0


@pytest.mark.parametrize("scheme_url", ["ftp://example.invalid/x", "file:///etc/passwd"])
def test_only_http_and_https(scheme_url: str, connect_spy: list[Any]) -> None:
    r = one(scheme_url, allow_private=False)
    assert r.verdict is Verdict.BLOCKED
    assert connect_spy == []


def test_guard_checks_every_redirect_hop(site: Site, other: Site, connect_spy: list[Any]) -> None:
    # 127.0.0.1 is let through explicitly so the first hop happens; the hops it redirects to
    # are private and must be refused before any connection to them.
    options = opts(allow_private=False, allow_networks=["127.0.0.1/32"])
    before = other.record.connections
    targets = [
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        other.url("/ok/never"),
        "file:///etc/passwd",
    ]
    urls = [site.url(f"/to?code=301&url={t}") for t in targets]
    results = check_urls(urls, options)
    assert [r.verdict for r in results] == [Verdict.BLOCKED] * len(targets)
    assert all(r.attempts == 1 for r in results)
    assert {a[0] for a in connect_spy} <= {"127.0.0.1"}
    assert other.record.connections == before
    assert other.record.count("/ok/never") == 0


def test_resolved_address_is_pinned(
    site: Site, connect_spy: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A DNS answer that changes between check and connect (rebinding) is not followed."""
    real = socket.getaddrinfo
    answers: list[str] = []

    def rebinding(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "rebind.test":
            address = "127.0.0.1" if not answers else "10.0.0.1"
            answers.append(address)
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    r = one(
        f"http://rebind.test:{site.port}/ok/pinned",
        allow_private=False,
        allow_networks=["127.0.0.1/32"],
    )
    assert r.verdict is Verdict.OK
    assert answers == ["127.0.0.1"]  # one lookup, shared by the check and the connection
    assert {a[0] for a in connect_spy} == {"127.0.0.1"}
    assert site.record.hits[-1].headers["Host"] == f"rebind.test:{site.port}"


def test_international_host_names_are_vetted_as_punycode(
    site: Site, connect_spy: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = socket.getaddrinfo
    asked: list[str] = []

    def dns(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if str(host).endswith(".test"):
            asked.append(host)
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", dns)
    url = f"http://b\u00fccher.test:{site.port}/ok/idna"
    r = one(url, allow_private=False, allow_networks=["127.0.0.1/32"])
    assert r.verdict is Verdict.OK
    assert asked == ["xn--bcher-kva.test"]  # one lookup: pre-flight and connection agree
    assert one(url, allow_private=False).verdict is Verdict.BLOCKED


def test_host_with_any_private_record_is_blocked(
    connect_spy: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = socket.getaddrinfo

    def mixed(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host == "mixed.test":
            return [
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
                (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", port)),
            ]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", mixed)
    r = one("http://mixed.test/", allow_private=False)
    assert r.verdict is Verdict.BLOCKED
    assert r.error is not None and "10.1.2.3" in r.error
    assert connect_spy == []


def test_dns_failure_is_unreachable(monkeypatch: pytest.MonkeyPatch) -> None:
    def nxdomain(*args: Any, **kwargs: Any) -> Any:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", nxdomain)
    r = one("http://no-such-host.invalid/", allow_private=False)
    assert r.verdict is Verdict.UNREACHABLE
    assert r.error is not None and r.error.startswith("DNS lookup failed")


# -- the stop-gap command line -----------------------------------------------------------------


def test_module_entry_point(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = tmp_path / "page.md"
    good, bad = site.url("/ok/cli"), site.url("/404?cli")
    doc.write_text(f"| Vendor | Link |\n|---|---|\n| A | [a]({good}) |\n| B | <{bad}> |\n")
    broken = tmp_path / "broken.txt"
    monkeypatch.setenv("LINKBENCH_BROKEN", str(broken))
    assert links_main([str(doc)]) == 1
    assert broken.read_text() == bad + "\n"
    out = capsys.readouterr().out
    assert f"ok 200 {good}" in out
    assert f"broken 404 {bad}" in out
    monkeypatch.delenv("LINKBENCH_BROKEN")
    doc.write_text(f"only {good}.\n")
    assert links_main([str(doc)]) == 0
    assert os.path.exists(broken)


def test_connections_are_guarded_even_without_the_preflight(
    fresh: Site, connect_spy: list[Any]
) -> None:
    """The transport refuses on its own: a code path that forgot the pre-flight check
    (or a resolver answer that changed) still cannot reach a refused address."""
    session = build_session(
        Resolver(), SocketTracker(), pool_connections=2, pool_maxsize=2, user_agent="t"
    )
    with pytest.raises(BlockedAddressError):
        session.get(fresh.url("/ok"), timeout=1)
    assert connect_spy == []
    assert fresh.record.connections == 0
