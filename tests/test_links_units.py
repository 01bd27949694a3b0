"""Offline unit tests of the link checker's pieces: address policy, Retry-After, options."""

from __future__ import annotations

import email.utils
import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from checker.links import LinkOptions, parse_retry_after, refusal
from checker.links.audit import _interleave, backoff_delay
from checker.net.guard import Resolver, numeric_ipv4


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "127.255.255.254",
        "10.0.0.1",
        "172.31.255.255",
        "192.168.0.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.251",
        "239.255.255.250",
        "255.255.255.255",
        "240.0.0.1",
        "192.0.2.1",
        "198.18.0.1",
        "::",
        "::1",
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
        "::127.0.0.1",
        "64:ff9b::7f00:1",
        "64:ff9b:1::1",
        "2002:7f00:1::",
        "2002:a9fe:a9fe::",
        "fc00::1",
        "fd12:3456::1",
        "fe80::1",
        "fec0::1",
        "ff02::1",
        "2001:db8::1",
        "fe80::1%1",
    ],
)
def test_refused_addresses(address: str) -> None:
    assert refusal(ipaddress.ip_address(address)) is not None


@pytest.mark.parametrize(
    "address", ["93.184.215.14", "1.1.1.1", "::ffff:1.1.1.1", "2606:4700:4700::1111"]
)
def test_public_addresses_pass(address: str) -> None:
    assert refusal(ipaddress.ip_address(address)) is None


@given(st.ip_addresses(v=4))
def test_ipv4_policy_matches_its_mapped_ipv6_form(ip: ipaddress.IPv4Address) -> None:
    mapped = ipaddress.IPv6Address(f"::ffff:{ip}")
    assert (refusal(ip) is None) == (refusal(mapped) is None)
    nat64 = ipaddress.IPv6Address(int(ipaddress.IPv6Address("64:ff9b::")) | int(ip))
    if refusal(ip) is not None:
        assert refusal(nat64) is not None


@given(st.ip_addresses(v=4))
def test_passed_ipv4_addresses_are_global_unicast(ip: ipaddress.IPv4Address) -> None:
    if refusal(ip) is None:
        assert ip.is_global and not ip.is_multicast and not ip.is_private


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("2130706433", "127.0.0.1"),
        ("0x7f.1", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),
        ("127.1", "127.0.0.1"),
        ("0x7f000001", "127.0.0.1"),
        ("127.0.0.1.", "127.0.0.1"),
        ("example.com", None),
        ("deadbeef", None),
        ("cafe.be", None),
    ],
)
def test_numeric_ipv4_spellings(host: str, expected: str | None) -> None:
    got = numeric_ipv4(host)
    assert (str(got) if got else None) == expected


def test_resolver_refuses_numeric_spelling_before_dns() -> None:
    resolver = Resolver()
    with pytest.raises(Exception, match="refused address"):
        resolver.resolve("0x7f.1", 80)
    assert Resolver(allow_networks=["127.0.0.0/8"]).resolve("127.1", 80).addresses


def test_retry_after_forms() -> None:
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(" 0 ") == 0.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("-3") is None
    now = 1_700_000_000.0
    date = email.utils.formatdate(now + 30, usegmt=True)
    assert parse_retry_after(date, now=now) == pytest.approx(30, abs=1)
    past = email.utils.formatdate(now - 30, usegmt=True)
    assert parse_retry_after(past, now=now) == 0.0


@given(st.integers(min_value=1, max_value=40))
def test_backoff_is_bounded_and_never_zero(retry: int) -> None:
    delay = backoff_delay(retry, 0.5, 8.0)
    full = min(8.0, 0.5 * 2 ** (retry - 1))
    assert full / 2 <= delay <= full


def test_interleave_spreads_hosts() -> None:
    urls = ["http://a/1", "http://a/2", "http://a/3", "http://b/1", "http://c/1", "http://b/2"]
    assert _interleave(urls) == [
        "http://a/1",
        "http://b/1",
        "http://c/1",
        "http://a/2",
        "http://b/2",
        "http://a/3",
    ]


def test_options_defaults_and_validation() -> None:
    o = LinkOptions()
    assert o.read_timeout > 5 and o.budget > o.read_timeout
    assert o.allow_private is False
    assert o.user_agent.startswith("subprocessor-check/")
    with pytest.raises(ValueError):
        LinkOptions(concurrency=0)
    with pytest.raises(ValueError):
        LinkOptions(budget=0)
