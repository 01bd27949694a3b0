"""A listener on 127.0.0.1 that logs what reaches it: https with its own CA, or plain http.

The tests point the checker at it the way an attacker would point a pull request at their own
server, and assert on what it saw: connections, request headers (a token would show up in
``Authorization``). The CA's certificate goes to the checker through ``SSL_CERT_FILE``, as a
company CA would, so TLS really is verified.
"""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import trustme

SENTINEL = "SENTINEL-7f3a9c-do-not-leak"

REGISTRY = (
    "effective_date: 2024-03-01\n"
    "subprocessors:\n"
    "  - {name: Alive, url: 'https://alive.example/', location: USA, description: Hosting}\n"
)


@dataclass
class Seen:
    """What one listener received."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    connections: int = 0
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    sent: int = 0
    """Body bytes a streaming answer managed to send before the client hung up."""

    def authorization(self) -> list[str]:
        """Every ``Authorization`` header that arrived."""
        with self.lock:
            return [h["Authorization"] for _, h in self.requests if "Authorization" in h]

    def paths(self) -> list[str]:
        with self.lock:
            return [p for p, _ in self.requests]


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _reply(self, code: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(code)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _answer(self) -> None:
        parts = urlsplit(self.path)
        with self.server.seen.lock:
            self.server.seen.requests.append((parts.path, dict(self.headers.items())))
        if self.command == "HEAD" and "nohead" in parts.query:
            self._reply(405)  # as many sites do, so that a link checker falls back to GET
        elif parts.path == "/registry.yml":
            self._reply(200, REGISTRY.encode())
        elif parts.path == "/to":
            target = parse_qs(parts.query)["u"][0]
            self._reply(302, headers={"Location": target})
        elif parts.path == "/secret":
            body = f"subprocessors:\n  - {{name: x, {SENTINEL}: [unclosed\n"
            self._reply(200, body.encode())
        elif parts.path == "/big":
            self._reply(200, b"# padding\n" * (700 * 1024))
        elif parts.path == "/trickle":
            self._trickle()
        elif parts.path == "/big-redirect":
            self._big_redirect()
        elif parts.path == "/gzip-redirect":
            # Not gzip at all: a client that inflated a redirect's body would fail on it.
            headers = {"Location": "/registry.yml", "Content-Encoding": "gzip"}
            self._reply(302, b"\x1f\x8b not gzip " * 1000, headers)
        elif parts.path == "/bad-location":
            self._reply(302, headers={"Location": parse_qs(parts.query)["u"][0]})
        elif parts.path == "/bad-status":
            self.wfile.write(f"{SENTINEL} <b>x</b> ::error::boom\r\n\r\n".encode())
            self.close_connection = True
        else:
            self._reply(200)

    def _big_redirect(self) -> None:
        self.send_response(302)
        self.send_header("Location", "/registry.yml")
        self.send_header("Content-Length", str(1 << 30))
        self.end_headers()
        if self.command == "HEAD":
            return
        chunk = b"x" * (1 << 20)
        try:
            for _ in range(1024):  # a GiB at most, then it stops by itself
                self.wfile.write(chunk)
                with self.server.seen.lock:
                    self.server.seen.sent += len(chunk)
        except OSError:
            pass
        self.close_connection = True

    def _trickle(self) -> None:
        self.send_response(200)
        self.send_header("Content-Length", "1000000")
        self.end_headers()
        try:
            for _ in range(600):  # at most five minutes, then it stops by itself
                self.wfile.write(b"#")
                self.wfile.flush()
                time.sleep(0.5)
        except OSError:
            pass
        self.close_connection = True

    do_GET = do_HEAD = _answer


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, context: ssl.SSLContext | None) -> None:
        self.seen = Seen()
        self.context = context
        super().__init__(("127.0.0.1", 0), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client hanging up mid-answer is what several tests do on purpose

    def server_bind(self) -> None:
        super().server_bind()
        # select() can say "readable" for a connection that is gone by accept(); a blocking
        # accept would then hang the server thread, and shutdown() with it.
        self.socket.settimeout(1.0)

    def get_request(self) -> tuple[socket.socket, Any]:
        sock, addr = super().get_request()
        sock.settimeout(30.0)
        with self.seen.lock:
            self.seen.connections += 1
        return sock, addr

    def finish_request(self, request: Any, client_address: Any) -> None:
        # The TLS handshake runs in the request's own thread, so a client that never
        # finishes it holds that thread only, not the server.
        if self.context is not None:
            try:
                request = self.context.wrap_socket(request, server_side=True)
            except OSError:
                return
        try:
            super().finish_request(request, client_address)
        finally:
            if self.context is not None:
                request.close()


@dataclass
class Listener:
    """A running listener: its base URL and what it saw."""

    base: str
    seen: Seen
    port: int

    def url(self, path: str) -> str:
        return self.base + path


@dataclass
class Authority:
    """A test CA and the file a client trusts it through."""

    ca: trustme.CA
    bundle: Path


@contextmanager
def certificate_authority(folder: Path) -> Iterator[Authority]:
    ca = trustme.CA()
    bundle = folder / "test-ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    yield Authority(ca, bundle)


@contextmanager
def listener(authority: Authority | None) -> Iterator[Listener]:
    """https with a certificate for 127.0.0.1 from ``authority``, or plain http without one."""
    context = None
    if authority is not None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        authority.ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    server = _Server(context)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = server.server_address[1]
    scheme = "https" if context else "http"
    try:
        yield Listener(f"{scheme}://127.0.0.1:{port}", server.seen, int(port))
    finally:
        server.shutdown()
        server.server_close()
