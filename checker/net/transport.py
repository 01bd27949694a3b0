"""HTTP plumbing: a ``requests`` session whose connections go only where the guard agreed.

urllib3 normally resolves the host itself inside ``create_connection``. Here the connection
classes ask the run's ``Resolver`` instead and connect to one of the addresses it vetted, while
the ``Host`` header, SNI and certificate checks keep using the host name from the URL. Every
new socket is also registered with a ``SocketTracker`` so the run can cut in-flight requests
off when the time budget runs out (a read timeout alone does not bound a server that trickles
one byte every few seconds).
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import socket
import threading
import weakref
from dataclasses import dataclass
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError

from checker.net.credentials import TokenPolicy
from checker.net.guard import Resolver


class RunOverError(Exception):
    """The run's time budget is spent: no new connection may be opened."""


class SocketTracker:
    """The sockets a run opened, so they can all be shut down at once.

    A TLS connection complicates this: ``ssl`` wraps the connected socket in a new object and
    *detaches* the old one, so shutting the old object down does nothing, and a server that
    trickles its handshake or its answer would outlive the deadline. So a socket is tracked
    with its descriptor until the connection is set up (``settle``), and by the TLS socket
    after that.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sockets: dict[int, _Tracked] = {}
        self.closed = False

    def add(self, sock: socket.socket, *, tls: bool = False) -> None:
        """Track ``sock``; ``tls`` when a TLS handshake will wrap it (then ``settle`` follows)."""
        with self._lock:
            if self.closed:
                sock.close()
                raise RunOverError("time budget exhausted")
            self._sockets[id(sock)] = _Tracked(weakref.ref(sock), sock.fileno() if tls else -1)

    def settle(self, raw: socket.socket, final: socket.socket | None) -> None:
        """``raw`` became ``final`` (its TLS wrapper), or failed when ``final`` is None."""
        with self._lock:
            self._sockets.pop(id(raw), None)
            if final is not None:
                self._sockets[id(final)] = _Tracked(weakref.ref(final), final.fileno())
            closed = self.closed
        if closed and final is not None:
            _shutdown(final)
            raise RunOverError("time budget exhausted")

    def shutdown_all(self) -> None:
        """Unblock every thread waiting on one of the run's sockets."""
        with self._lock:
            self.closed = True
            tracked = list(self._sockets.values())
        for entry in tracked:
            sock = entry.sock()
            if sock is None:
                continue
            if sock.fileno() != -1:
                _shutdown(sock)
            elif entry.fd >= 0:
                # Detached mid-handshake: the descriptor still belongs to the TLS socket being
                # built (``settle`` has not run), so shut that down through the descriptor.
                with contextlib.suppress(OSError):
                    borrowed = socket.socket(fileno=entry.fd)
                    try:
                        _shutdown(borrowed)
                    finally:
                        borrowed.detach()


@dataclass(slots=True)
class _Tracked:
    """One tracked socket."""

    sock: weakref.ref[socket.socket]
    """The socket object, not kept alive by the tracker."""
    fd: int
    """Its descriptor while a TLS handshake may detach it; -1 for a plain socket."""


def _shutdown(sock: socket.socket) -> None:
    # shutdown, not close: close() does not wake a thread blocked in recv().
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def _connect_pinned(
    conn: HTTPConnection, resolver: Resolver, tracker: SocketTracker, *, tls: bool = False
) -> socket.socket:
    """What ``HTTPConnection._new_conn`` does, with our resolver in place of ``getaddrinfo``."""
    try:
        resolved = resolver.resolve(conn._dns_host, conn.port)
    except socket.gaierror as exc:
        raise NameResolutionError(conn.host, conn, exc) from exc
    last: OSError | None = None
    for family, sockaddr in resolved.addresses:
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            for level, option, value in conn.socket_options or ():
                sock.setsockopt(level, option, value)
            if isinstance(conn.timeout, int | float):
                sock.settimeout(conn.timeout)
            sock.connect(sockaddr)
            # The address is ours, so this cannot differ; it guards against a future change
            # (a proxy, a source route) silently bypassing the pin.
            resolver.check_peer(sock.getpeername())
            tracker.add(sock, tls=tls)
            return sock
        except TimeoutError as exc:
            sock.close()
            raise ConnectTimeoutError(
                conn, f"Connection to {conn.host} timed out. (connect timeout={conn.timeout})"
            ) from exc
        except OSError as exc:
            sock.close()
            last = exc
        except BaseException:
            sock.close()
            raise
    raise NewConnectionError(conn, f"Failed to establish a new connection: {last}")


class _GuardedAdapter(HTTPAdapter):
    """An ``HTTPAdapter`` whose pools build guarded connections, and the one place that adds
    the token: decided on each request's prepared URL, which is what the pool connects to."""

    def __init__(
        self,
        pools: dict[str, type[HTTPConnectionPool]],
        pool_connections: int,
        pool_maxsize: int,
        token: TokenPolicy,
    ) -> None:
        self._pools = pools  # read by init_poolmanager, which HTTPAdapter.__init__ calls
        self._token = token
        super().__init__(
            pool_connections=pool_connections, pool_maxsize=pool_maxsize, max_retries=0
        )

    def init_poolmanager(
        self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any
    ) -> None:
        super().init_poolmanager(connections, maxsize, block=block, **pool_kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(self._pools)

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        # Whatever a caller put there, the header is ours to decide: no other code path can
        # send a credential, and a redirect hop is a new send, decided again.
        request.headers.pop("Authorization", None)
        value = self._token.header(request.url or "")
        if value is not None:
            request.headers["Authorization"] = value
        return super().send(request, *args, **kwargs)


class _GuardedSession(requests.Session):
    """A session that never looks at a redirect itself.

    Even with ``allow_redirects=False``, ``Session.send`` asks ``resolve_redirects`` for the
    next hop, which reads (and inflates) the whole body of every 3xx answer and parses its
    ``Location`` (a stray byte there raises ``UnicodeDecodeError``). Callers follow
    redirects by hand from the ``Location`` header, so the session is told there never is
    one: no 3xx body is read, and a crafted ``Location`` reaches only code that expects it.
    """

    def get_redirect_target(self, resp: requests.Response) -> None:
        return None


def build_session(
    resolver: Resolver,
    tracker: SocketTracker,
    *,
    pool_connections: int,
    pool_maxsize: int,
    user_agent: str,
    token: TokenPolicy | None = None,
) -> requests.Session:
    """A session for one run: guarded connections, no proxies, no netrc, no redirects, and
    the token (if any) only where ``token`` allows, request by request."""

    # Classes per run, so each run's connections see that run's resolver and tracker
    # (urllib3 builds connections itself and offers no hook to pass them in).
    class GuardedHTTPConnection(HTTPConnection):
        def _new_conn(self) -> socket.socket:
            return _connect_pinned(self, resolver, tracker)

    class GuardedHTTPSConnection(HTTPSConnection):
        _raw: socket.socket | None = None

        def _new_conn(self) -> socket.socket:
            self._raw = _connect_pinned(self, resolver, tracker, tls=True)
            return self._raw

        def connect(self) -> None:
            try:
                super().connect()
            except BaseException:
                if self._raw is not None:
                    tracker.settle(self._raw, None)
                raise
            if self._raw is not None:
                tracker.settle(self._raw, self.sock)
                self._raw = None

    class GuardedHTTPConnectionPool(HTTPConnectionPool):
        ConnectionCls = GuardedHTTPConnection

    class GuardedHTTPSConnectionPool(HTTPSConnectionPool):
        ConnectionCls = GuardedHTTPSConnection

    session = _GuardedSession()
    # No state carried from one answer to the next request: a page's links are strangers.
    session.cookies.set_policy(http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
    # No proxy from the environment (it would bypass the pin), no ~/.netrc credentials sent
    # to whatever host a page links to.
    session.trust_env = False
    session.headers["User-Agent"] = user_agent
    session.headers["Accept"] = "text/html,application/xhtml+xml,*/*;q=0.8"
    # trust_env is off, so requests no longer reads the CA bundle variables itself; honour
    # them by hand, for a company CA in front of an intranet registry (the runner's
    # environment, never the repository, sets them).
    session.verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("SSL_CERT_FILE") or True
    adapter = _GuardedAdapter(
        {"http": GuardedHTTPConnectionPool, "https": GuardedHTTPSConnectionPool},
        pool_connections=pool_connections,
        pool_maxsize=pool_maxsize,
        token=token or TokenPolicy(),
    )
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
