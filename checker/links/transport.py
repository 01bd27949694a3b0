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
import socket
import threading
import weakref
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NameResolutionError, NewConnectionError

from checker.links.guard import Resolver


class RunOverError(Exception):
    """The run's time budget is spent: no new connection may be opened."""


class SocketTracker:
    """The sockets a run opened, so they can all be shut down at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sockets: weakref.WeakSet[socket.socket] = weakref.WeakSet()
        self.closed = False

    def add(self, sock: socket.socket) -> None:
        with self._lock:
            if self.closed:
                sock.close()
                raise RunOverError("time budget exhausted")
            self._sockets.add(sock)

    def shutdown_all(self) -> None:
        """Unblock every thread waiting on one of the run's sockets."""
        with self._lock:
            self.closed = True
            socks = list(self._sockets)
        for sock in socks:
            # shutdown, not close: close() does not wake a thread blocked in recv().
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


def _connect_pinned(
    conn: HTTPConnection, resolver: Resolver, tracker: SocketTracker
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
            tracker.add(sock)
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
    """An ``HTTPAdapter`` whose pools build guarded connections."""

    def __init__(
        self,
        pools: dict[str, type[HTTPConnectionPool]],
        pool_connections: int,
        pool_maxsize: int,
    ) -> None:
        self._pools = pools  # read by init_poolmanager, which HTTPAdapter.__init__ calls
        super().__init__(
            pool_connections=pool_connections, pool_maxsize=pool_maxsize, max_retries=0
        )

    def init_poolmanager(
        self, connections: int, maxsize: int, block: bool = False, **pool_kwargs: Any
    ) -> None:
        super().init_poolmanager(connections, maxsize, block=block, **pool_kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(self._pools)


def build_session(
    resolver: Resolver,
    tracker: SocketTracker,
    *,
    pool_connections: int,
    pool_maxsize: int,
    user_agent: str,
) -> requests.Session:
    """A session for one run: guarded connections, no proxies, no netrc, no redirects."""

    # Classes per run, so each run's connections see that run's resolver and tracker
    # (urllib3 builds connections itself and offers no hook to pass them in).
    class GuardedHTTPConnection(HTTPConnection):
        def _new_conn(self) -> socket.socket:
            return _connect_pinned(self, resolver, tracker)

    class GuardedHTTPSConnection(HTTPSConnection):
        def _new_conn(self) -> socket.socket:
            return _connect_pinned(self, resolver, tracker)

    class GuardedHTTPConnectionPool(HTTPConnectionPool):
        ConnectionCls = GuardedHTTPConnection

    class GuardedHTTPSConnectionPool(HTTPSConnectionPool):
        ConnectionCls = GuardedHTTPSConnection

    session = requests.Session()
    # No proxy from the environment (it would bypass the pin), no ~/.netrc credentials sent
    # to whatever host a page links to.
    session.trust_env = False
    session.headers["User-Agent"] = user_agent
    session.headers["Accept"] = "text/html,application/xhtml+xml,*/*;q=0.8"
    adapter = _GuardedAdapter(
        {"http": GuardedHTTPConnectionPool, "https": GuardedHTTPSConnectionPool},
        pool_connections=pool_connections,
        pool_maxsize=pool_maxsize,
    )
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
