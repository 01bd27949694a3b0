"""The live check: request every URL once, politely, within a time budget.

One ``requests.Session`` (guarded connections, pooled per host) is shared by a thread pool.
Each unique URL is checked by one worker: HEAD first, GET when HEAD is refused, redirects
followed by hand so the guard sees every hop, retries with backoff for the failures that
tend to pass. The main thread collects results, reports progress and enforces the budget.
"""

from __future__ import annotations

import contextlib
import dataclasses
import email.utils
import http.client
import random
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from urllib.parse import urldefrag, urljoin, urlsplit

import idna
import requests

from checker.links.cache import ResultCache
from checker.links.options import LinkOptions
from checker.load.patterns import compile_pattern
from checker.model import LinkResult, Verdict
from checker.net.guard import BlockedAddressError, Resolver
from checker.net.transport import RunOverError, SocketTracker, build_session

Places = list[tuple[str, int]]
Progress = Callable[[int, int], None]

REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
PERMANENT_CODES = frozenset({301, 308})
BUDGET_ERROR = "time budget exhausted"


class _Failure(Exception):
    """Ends the check of one URL with a verdict other than ok."""

    def __init__(self, verdict: Verdict, error: str, status: int | None = None) -> None:
        super().__init__(error)
        self.verdict = verdict
        self.error = error
        self.status = status


@dataclasses.dataclass(slots=True)
class _Reply:
    status: int
    location: str | None
    retry_after: str | None


@dataclasses.dataclass(slots=True)
class _State:
    """What one URL's check has done so far."""

    attempts: int = 0
    status: int | None = None


def _collect(urls: Mapping[str, Places] | Iterable[str]) -> dict[str, Places]:
    """URL -> places, in order of first appearance, blanks and duplicates folded."""
    if isinstance(urls, str):
        raise TypeError("check_urls wants a collection of URLs, not one string")
    places: dict[str, Places] = {}
    if isinstance(urls, Mapping):
        for url, where in urls.items():
            places.setdefault(url.strip(), []).extend(where)
    else:
        for url in urls:
            places.setdefault(url.strip(), [])
    places.pop("", None)
    return places


def _request_key(url: str) -> str:
    """The part of a URL that decides the request: the fragment never reaches the server."""
    return urldefrag(url).url


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _redirect_target(current: str, location: str, status: int) -> str:
    """Where a redirect leads; a ``Location`` no URL parser can read is a broken link."""
    try:
        return urljoin(current, location.strip())
    except ValueError:
        raise _Failure(Verdict.BROKEN, "the redirect's Location is not a URL", status) from None


def _interleave(keys: list[str]) -> list[str]:
    """Round-robin over hosts, so the first wave of requests reaches as many hosts as it can
    instead of queueing on one host's per-host limit while other hosts sit idle."""
    by_host: dict[str, list[str]] = {}
    for key in keys:
        by_host.setdefault(_host(key), []).append(key)
    queues = list(by_host.values())
    out: list[str] = []
    for i in range(max((len(q) for q in queues), default=0)):
        out.extend(q[i] for q in queues if i < len(q))
    return out


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or an HTTP-date)."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # HTTP-dates are GMT; a missing zone means a sloppy server
        return None
    now = time.time() if now is None else now
    return max(0.0, when.timestamp() - now)


def backoff_delay(retry: int, base: float, cap: float) -> float:
    """Delay before retry number ``retry`` (1-based): exponential, capped, "equal jitter".

    Half the delay is fixed so a retry never comes back instantly; the random half spreads
    workers that failed together (a host restarting) so they do not return together.
    """
    delay = min(cap, base * (2 ** (retry - 1)))
    return float(delay / 2 + random.uniform(0, delay / 2))


def _describe_error(exc: BaseException) -> tuple[str, bool]:
    """(message, worth retrying) for an exception raised by one request.

    In our words only: exception texts can quote what the server sent (a status line, a
    chunk header), and messages end up in annotations and the job summary.
    """
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return "connect timeout", True
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return "read timeout", True
    if isinstance(exc, requests.exceptions.SSLError):
        return f"TLS error: {_in_our_words(_root(exc))}", False
    if isinstance(exc, requests.exceptions.ConnectionError):
        root = _root(exc)
        if isinstance(root, socket.gaierror):
            return f"DNS lookup failed: {root.strerror or 'no such host'}", False
        return f"connection error: {_in_our_words(root)}", True
    if isinstance(exc, requests.exceptions.Timeout):
        return "timeout", True
    return type(exc).__name__, False


def _in_our_words(exc: BaseException) -> str:
    """What went wrong, from the exception's type and the system's words, never the peer's."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"certificate verify failed ({exc.verify_message})"
    if isinstance(exc, ssl.SSLError):
        return str(exc.reason or type(exc).__name__)
    if isinstance(exc, http.client.HTTPException):
        return f"the answer is not valid HTTP ({type(exc).__name__})"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return type(exc).__name__


def _root(exc: BaseException) -> BaseException:
    """The innermost cause of a wrapped requests/urllib3 exception."""
    seen: set[int] = set()
    while id(exc) not in seen:
        seen.add(id(exc))
        reason = getattr(exc, "reason", None)
        nxt = reason if isinstance(reason, BaseException) else exc.__cause__ or exc.__context__
        if nxt is None:
            break
        exc = nxt
    return exc


class _Run:
    """Shared state of one ``check_urls`` call, used by every worker."""

    def __init__(self, options: LinkOptions, deadline: float) -> None:
        self.options = options
        self.deadline = deadline
        self.stop = threading.Event()
        self.resolver = Resolver(options.allow_private, options.allow_networks)
        self.tracker = SocketTracker()
        self.session = build_session(
            self.resolver,
            self.tracker,
            pool_connections=max(options.concurrency, 16),
            pool_maxsize=min(options.per_host, options.concurrency),
            user_agent=options.user_agent,
            token=options.token,
        )
        self._accept = [(compile_pattern(p), frozenset(c)) for p, c in options.accept.items()]
        self._hosts_lock = threading.Lock()
        self._hosts: dict[str, threading.BoundedSemaphore] = {}

    # -- helpers -------------------------------------------------------------------------

    def accepted(self, url: str) -> frozenset[int]:
        codes: set[int] = set()
        for pattern, extra in self._accept:
            if pattern.search(url):
                codes |= extra
        return frozenset(codes)

    @contextlib.contextmanager
    def _host_slot(self, host: str) -> Iterator[None]:
        with self._hosts_lock:
            sem = self._hosts.get(host)
            if sem is None:
                sem = self._hosts[host] = threading.BoundedSemaphore(self.options.per_host)
        # Wait in slices so a worker queued behind a slow host still notices the deadline.
        while not sem.acquire(timeout=0.25):
            self._check_time()
        try:
            yield
        finally:
            sem.release()

    def _check_time(self) -> None:
        if self.stop.is_set() or time.monotonic() >= self.deadline:
            raise _Failure(Verdict.UNREACHABLE, BUDGET_ERROR)

    # -- one URL ---------------------------------------------------------------------------

    def check(self, url: str) -> LinkResult:
        """Check one URL (fragment already removed) and return its result."""
        started = time.monotonic()
        state = _State()
        try:
            result = self._follow(url, state)
        except _Failure as failure:
            result = LinkResult(
                url,
                failure.verdict,
                status=failure.status if failure.status is not None else state.status,
                error=failure.error,
            )
        result.attempts = state.attempts
        result.seconds = round(time.monotonic() - started, 3)
        return result

    def _follow(self, url: str, state: _State) -> LinkResult:
        accepted = self.accepted(url)
        current = url
        method = "HEAD"
        visited = {url}
        permanent = False
        hops = 0
        while True:
            self._preflight(current)
            reply = self._send_with_retries(method, current, accepted, state)
            status = state.status = reply.status
            if status in REDIRECT_CODES and reply.location is not None:
                target = _redirect_target(current, reply.location, status)
                if hops >= self.options.max_redirects:
                    raise _Failure(Verdict.BROKEN, f"too many redirects (more than {hops})", status)
                if _request_key(target) in visited:
                    raise _Failure(Verdict.BROKEN, f"redirect loop at {target}", status)
                permanent = permanent or status in PERMANENT_CODES
                visited.add(_request_key(target))
                hops += 1
                current = target
                continue
            if 200 <= status < 300 or status in accepted:
                final = current if current != url else None
                verdict = Verdict.REDIRECTED if permanent else Verdict.OK
                return LinkResult(url, verdict, status=status, final_url=final)
            if method == "HEAD" and status >= 400 and status != 429:
                # Many servers answer HEAD wrongly (405, 403, 404, 501…); GET has the last word.
                method = "GET"
                continue
            if status == 429 or status >= 500:
                raise _Failure(
                    Verdict.UNREACHABLE, f"HTTP {status} after {state.attempts} attempts", status
                )
            if status in REDIRECT_CODES:
                raise _Failure(Verdict.BROKEN, f"HTTP {status} without a Location header", status)
            raise _Failure(Verdict.BROKEN, f"HTTP {status}", status)

    def _preflight(self, url: str) -> None:
        """Refuse a URL (first request or redirect hop) before any packet is sent to it."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as exc:
            raise _Failure(Verdict.BROKEN, f"invalid URL: {exc}") from None
        if parts.scheme not in ("http", "https"):
            raise _Failure(
                Verdict.BLOCKED, f"only http and https URLs are checked, not {parts.scheme!r}"
            )
        host = parts.hostname
        if not host:
            raise _Failure(Verdict.BROKEN, "invalid URL: no host")
        if not host.isascii():
            # Vet the name requests will connect to: it sends IDNA 2008 (UTS 46) punycode.
            try:
                host = idna.encode(host, uts46=True).decode("ascii")
            except idna.IDNAError as exc:
                raise _Failure(Verdict.BROKEN, f"invalid host name: {exc}") from None
        try:
            self.resolver.resolve(host, port or (443 if parts.scheme == "https" else 80))
        except BlockedAddressError as exc:
            raise _Failure(Verdict.BLOCKED, str(exc)) from None
        except (OSError, UnicodeError) as exc:
            raise _Failure(Verdict.UNREACHABLE, f"DNS lookup failed: {exc}") from None

    def _send_with_retries(
        self, method: str, url: str, accepted: frozenset[int], state: _State
    ) -> _Reply:
        retry = 0
        while True:
            self._check_time()
            wait_hint: float | None = None
            try:
                reply = self._send_once(method, url, state)
            except BlockedAddressError as exc:
                raise _Failure(Verdict.BLOCKED, str(exc)) from None
            except RunOverError:
                raise _Failure(Verdict.UNREACHABLE, BUDGET_ERROR) from None
            except (requests.exceptions.InvalidURL, requests.exceptions.InvalidSchema) as exc:
                raise _Failure(Verdict.BROKEN, f"invalid URL: {exc}") from None
            except requests.exceptions.RequestException as exc:
                self._check_time()  # a request cut off by the budget is not a network failure
                message, retryable = _describe_error(exc)
                if not retryable or retry >= self.options.retries:
                    raise _Failure(Verdict.UNREACHABLE, message) from None
                why = message
            else:
                status = state.status = reply.status
                retry_status = status == 429 or (status >= 500 and method == "GET")
                if status in accepted or not retry_status or retry >= self.options.retries:
                    return reply
                why = f"HTTP {status}"
                wait_hint = parse_retry_after(reply.retry_after)
            retry += 1
            delay = backoff_delay(retry, self.options.backoff_base, self.options.backoff_cap)
            if wait_hint is not None:  # the server said when; that beats our guess
                delay = min(wait_hint, self.options.retry_after_cap)
            if time.monotonic() + delay >= self.deadline:
                raise _Failure(
                    Verdict.UNREACHABLE,
                    f"{BUDGET_ERROR} (would wait {delay:.1f} s to retry after {why})",
                    state.status,
                )
            if self.stop.wait(delay):
                raise _Failure(Verdict.UNREACHABLE, BUDGET_ERROR)

    def _send_once(self, method: str, url: str, state: _State) -> _Reply:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise RunOverError(BUDGET_ERROR)
        timeout = (
            min(self.options.connect_timeout, remaining),
            min(self.options.read_timeout, remaining),
        )
        with self._host_slot(_host(url)):
            state.attempts += 1
            response = self.session.request(
                method,
                url,
                allow_redirects=False,
                stream=True,  # headers only: the body is never read
                timeout=timeout,
            )
            try:
                if self.stop.is_set():
                    # The budget ran out while this answer arrived: cutting the socket can end
                    # a trickled header block early (slowloris), so the answer is not trusted.
                    raise RunOverError(BUDGET_ERROR)
                return _Reply(
                    response.status_code,
                    response.headers.get("Location"),
                    response.headers.get("Retry-After"),
                )
            finally:
                _finish(response, method)


def _finish(response: requests.Response, method: str) -> None:
    """Give the connection back without reading a body.

    A HEAD answer or an empty body leaves the connection reusable, so it goes back to the
    pool for the next URL on that host. Anything else is closed unread: that costs a new
    connection later but never downloads a page (or an endless stream).
    """
    raw = response.raw
    if method == "HEAD" or response.headers.get("Content-Length", "").strip() == "0":
        with contextlib.suppress(Exception):
            raw.drain_conn()  # nothing to read; lets urllib3 see the end of the response
            raw.release_conn()
            return
    response.close()


class _Settled:
    """The results so far, by URL as written, and the progress callback that counts them."""

    def __init__(self, places: dict[str, Places], progress: Progress | None) -> None:
        self.places = places
        self.results: dict[str, LinkResult] = {}
        self.waiting: dict[str, list[str]] = {}  # request key -> URLs as written
        self._progress = progress
        self._reported = -1

    def settle(self, key: str, result: LinkResult) -> None:
        """Every URL that shares the request ``key`` gets ``result``, with its own places."""
        for url in self.waiting[key]:
            self.results[url] = dataclasses.replace(result, url=url, lines=list(self.places[url]))

    def report(self) -> None:
        if self._progress is not None and len(self.results) != self._reported:
            self._reported = len(self.results)
            self._progress(self._reported, len(self.places))


def check_urls(
    urls: Mapping[str, Places] | Iterable[str],
    options: LinkOptions | None = None,
    progress: Progress | None = None,
) -> list[LinkResult]:
    """Check every URL live and return one result per distinct URL, in order of appearance.

    ``urls`` is either a mapping URL -> [(path, line), …] (the places are copied into the
    results) or a plain iterable of URLs. Each URL is requested once per run however often it
    is written; URLs that differ only in their ``#fragment`` share one request.
    ``progress(done, total)`` is called from the calling thread, once at the start and after
    each URL is settled, so a CLI can draw a bar without locking.
    """
    options = options or LinkOptions()
    settled = _Settled(_collect(urls), progress)
    deadline = time.monotonic() + options.budget
    cache: ResultCache | None = None
    if options.cache_path:
        cache = ResultCache(options.cache_path, options.cache_ttl)
        cache.load()
    _set_aside(settled, options, cache)
    settled.report()
    fresh = _request_all(settled, options, deadline) if settled.waiting else []
    if cache is not None:
        cache.update(fresh)
        cache.save()
    return [settled.results[url] for url in settled.places]


def _set_aside(settled: _Settled, options: LinkOptions, cache: ResultCache | None) -> None:
    """Settle the excluded and the cached URLs; queue the rest by request key."""
    excludes = [compile_pattern(p) for p in options.exclude]
    for url, where in settled.places.items():
        if any(p.search(url) for p in excludes):
            settled.results[url] = LinkResult(url, Verdict.EXCLUDED, lines=list(where))
            continue
        key = _request_key(url)
        cached = cache.get(key) if cache else None
        if cached is not None:
            settled.results[url] = dataclasses.replace(cached, url=url, lines=list(where))
            continue
        settled.waiting.setdefault(key, []).append(url)


def _request_all(settled: _Settled, options: LinkOptions, deadline: float) -> list[LinkResult]:
    """Request every queued key on a thread pool until done or the deadline; the new results."""
    run = _Run(options, deadline)
    waiting = settled.waiting
    pool = ThreadPoolExecutor(
        max_workers=min(options.concurrency, len(waiting)), thread_name_prefix="linkcheck"
    )
    futures: dict[Future[LinkResult], str] = {
        pool.submit(run.check, key): key for key in _interleave(list(waiting))
    }
    fresh: list[LinkResult] = []
    try:
        pending = set(futures)
        while pending:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            done, pending = wait(pending, timeout=remaining, return_when=FIRST_COMPLETED)
            for future in done:
                result = future.result()
                fresh.append(result)
                settled.settle(futures[future], result)
                settled.report()
    finally:
        # Past the deadline: stop sleeping workers, cut open sockets, drop queued URLs.
        run.stop.set()
        run.tracker.shutdown_all()
        pool.shutdown(wait=False, cancel_futures=True)
    for future, key in futures.items():
        if waiting[key][0] in settled.results:
            continue
        if future.done() and not future.cancelled():  # finished just as time ran out
            result = future.result()
            fresh.append(result)
        else:
            result = LinkResult(key, Verdict.UNREACHABLE, error=BUDGET_ERROR)
        settled.settle(key, result)
    if not any(f.running() for f in futures):
        run.session.close()
    settled.report()
    return fresh
