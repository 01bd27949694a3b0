"""Real local servers for the link checker tests (loopback only, started and stopped by tests).

``Site`` is a ``ThreadingHTTPServer`` whose paths imitate what real websites do to link
checkers; it records every request (method, path, headers, time) and every accepted
connection, so tests can assert exact request counts and "zero connections".
``SilentServer`` accepts connections and never answers.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


@dataclass
class Hit:
    method: str
    path: str
    headers: dict[str, str]
    at: float


@dataclass
class Record:
    lock: threading.Lock = field(default_factory=threading.Lock)
    hits: list[Hit] = field(default_factory=list)
    connections: int = 0
    seen: set[str] = field(default_factory=set)
    endless_closed: threading.Event = field(default_factory=threading.Event)

    def count(self, path: str, method: str | None = None) -> int:
        with self.lock:
            return sum(
                1 for h in self.hits if h.path == path and (method is None or h.method == method)
            )

    def first_hit(self, key: str) -> bool:
        with self.lock:
            if key in self.seen:
                return False
            self.seen.add(key)
            return True


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, code: int, headers: dict[str, str] | None = None, body: bytes = b"") -> None:
        self.send_response(code)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD" and body:
            self.wfile.write(body)

    def _endless(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        chunk = b"x" * 65536
        try:
            while True:  # until the client hangs up
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.flush()
                time.sleep(0.01)
        except OSError:
            self.server.record.endless_closed.set()
            self.close_connection = True

    def _handle(self) -> None:
        parts = urlsplit(self.path)
        path, query = parts.path, parse_qs(parts.query)
        record = self.server.record
        with record.lock:
            record.hits.append(Hit(self.command, path, dict(self.headers), time.monotonic()))
        base = path.split("/")[1] if path.count("/") >= 1 else ""
        if path == "/ok" or path.startswith("/ok/"):
            return self._send(200, {"Content-Type": "text/html"}, b"<p>hello</p>")
        if path.startswith("/slow/"):
            time.sleep(float(path.split("/")[2]))
            return self._send(200, {}, b"late")
        if path in ("/404", "/410"):
            return self._send(int(path[1:]), {}, b"gone")
        if base in ("301", "302", "303", "307", "308"):
            return self._send(int(base), {"Location": "/ok"})
        if path == "/to":  # redirect anywhere: /to?url=...&code=301
            code = int(query.get("code", ["302"])[0])
            return self._send(code, {"Location": query["url"][0]})
        if path == "/loop/a":
            return self._send(302, {"Location": "/loop/b"})
        if path == "/loop/b":
            return self._send(302, {"Location": "/loop/a"})
        if base == "chain":  # /chain/N -> /chain/N-1 -> ... -> /ok
            n = int(path.split("/")[2])
            return self._send(302, {"Location": f"/chain/{n - 1}" if n > 1 else "/ok"})
        if base == "ratelimit":  # /ratelimit/<retry-after>/<id>: 429 once, then 200
            if record.first_hit(path):
                return self._send(429, {"Retry-After": path.split("/")[2]}, b"slow down")
            return self._send(200, {}, b"ok")
        if base == "flaky":  # 503 on the first hit of the path, whatever the method
            if record.first_hit(path):
                return self._send(503, {}, b"try later")
            return self._send(200, {}, b"ok")
        if base == "getflaky":  # HEAD refused; GET 503 once, then 200
            if self.command == "HEAD":
                return self._send(405, {"Allow": "GET"})
            if record.first_hit(path):
                return self._send(503, {}, b"try later")
            return self._send(200, {}, b"ok")
        if path == "/down":
            return self._send(503, {}, b"down")
        if path == "/head405":
            if self.command == "HEAD":
                return self._send(405, {"Allow": "GET"})
            return self._send(200, {}, b"ok")
        if path == "/endless":
            if self.command == "HEAD":
                return self._send(405, {"Allow": "GET"})
            return self._endless()
        if path == "/nolocation":
            return self._send(302, {})
        return self._send(404, {}, b"no such page")

    def do_HEAD(self) -> None:
        self._handle()

    def do_GET(self) -> None:
        self._handle()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    record: Record

    def get_request(self) -> tuple[socket.socket, Any]:
        conn = super().get_request()
        with self.record.lock:
            self.record.connections += 1
        return conn


class Site:
    """A live test website on ``host`` (a 127.0.0.0/8 address), ephemeral port."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.record = Record()
        self._server = _Server((host, 0), _Handler)
        self._server.record = self.record
        self.host = host
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class SilentServer:
    """Accepts TCP connections on loopback and never sends a byte."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind((host, 0))
        self._sock.listen(16)
        self._sock.settimeout(0.1)
        self.port = self._sock.getsockname()[1]
        self.host = host
        self.connections = 0
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            self._held.append(conn)

    def url(self, path: str = "/") -> str:
        return f"http://{self.host}:{self.port}{path}"

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        for conn in self._held:
            conn.close()
        self._sock.close()
