"""Fetch one file (a shared registry) over the guarded transport, within a size and a deadline.

The URL comes from the config, which a pull request can change, so the fetch gets the same
protections as the link check, and more because the body is read: https only (unless
``allow_private``), every address vetted and pinned on every redirect hop, no proxies or
``~/.netrc`` from the environment, the token only where ``credentials`` allows, at most
``limit`` bytes, and one wall-clock deadline for the whole exchange (a server that trickles a
byte every few seconds never times out a socket read, so a timer cuts the socket). A
``FetchError`` never quotes what the server sent.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import requests

from checker.net.credentials import TokenPolicy
from checker.net.guard import BlockedAddressError, Resolver
from checker.net.transport import RunOverError, SocketTracker, build_session

REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})


class FetchError(Exception):
    """The file could not be fetched; the message says why in our words, never the body's."""


@dataclass(slots=True, frozen=True)
class FetchLimits:
    """How far one fetch may go."""

    limit: int
    """Largest body accepted, in bytes."""
    deadline: float = 30.0
    """Seconds for the whole fetch, redirects and body included."""
    connect_timeout: float = 10.0
    """Seconds to wait for one TCP and TLS connection."""
    max_redirects: int = 5
    """Redirect hops followed before giving up."""
    allow_private: bool = False
    """Allow plain http and loopback or private addresses (local tests, intranets)."""
    allow_networks: tuple[str, ...] = ()
    """CIDR ranges the guard lets through although they are not public; https stays required."""


def fetch(url: str, limits: FetchLimits, token: TokenPolicy | None = None) -> bytes:
    """The body of ``url`` after redirects; ``FetchError`` for anything but a 200 in time."""
    resolver = Resolver(limits.allow_private, limits.allow_networks)
    tracker = SocketTracker()
    session = build_session(
        resolver,
        tracker,
        pool_connections=2,
        pool_maxsize=1,
        user_agent="subprocessor-check",
        token=token,
    )
    session.headers["Accept"] = "text/plain, application/yaml, */*"
    # Read as sent: a compressed answer could inflate a thousandfold inside one read.
    session.headers["Accept-Encoding"] = "identity"
    timer = threading.Timer(limits.deadline, tracker.shutdown_all)
    timer.daemon = True
    timer.start()
    end = time.monotonic() + limits.deadline
    try:
        body = _follow(session, url, limits, end)
        if tracker.closed:  # the deadline cut the answer short: what arrived is not it
            raise RunOverError("deadline")
        return body
    except RunOverError:
        raise FetchError(f"no answer within {limits.deadline:g} s") from None
    except BlockedAddressError as exc:
        raise FetchError(f"refused by the address guard: {exc}") from None
    except requests.RequestException as exc:
        if tracker.closed:
            raise FetchError(f"no answer within {limits.deadline:g} s") from None
        raise FetchError(type(exc).__name__) from None
    finally:
        timer.cancel()
        session.close()


def _follow(session: requests.Session, url: str, limits: FetchLimits, end: float) -> bytes:
    current = url
    for _hop in range(limits.max_redirects + 1):
        _check_scheme(current, limits.allow_private)
        remaining = max(0.01, end - time.monotonic())
        with session.get(
            current,
            allow_redirects=False,
            stream=True,
            timeout=(min(limits.connect_timeout, remaining), remaining),
        ) as response:
            location = response.headers.get("Location")
            if response.status_code in REDIRECT_CODES and location:
                try:
                    current = urljoin(current, location.strip())
                except ValueError:
                    raise FetchError("a redirect's Location is not a URL") from None
                continue
            if response.status_code != 200:
                raise FetchError(f"HTTP {response.status_code}")
            return _body(response, limits.limit, end)
    raise FetchError(f"more than {limits.max_redirects} redirects")


def _check_scheme(url: str, allow_private: bool) -> None:
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        raise FetchError("the URL cannot be parsed") from None
    allowed = ("https", "http") if allow_private else ("https",)
    if scheme not in allowed:
        what = "https (plain http only with --allow-private)" if scheme == "http" else "https"
        raise FetchError(f"only {what} URLs are fetched, not {scheme or 'no scheme'}")


def _body(response: requests.Response, limit: int, end: float) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while chunk := response.raw.read(65536, decode_content=False):
        size += len(chunk)
        if size > limit:
            raise FetchError(f"the answer is larger than {limit:,} bytes")
        if time.monotonic() > end:
            raise RunOverError("deadline")
        chunks.append(chunk)
    return b"".join(chunks)
