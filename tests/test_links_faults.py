"""Network faults in the link audit: each ends within the budget with the right verdict.

Raw socket servers on 127.0.0.1 misbehave the way broken or hostile sites do: reset the
connection, trickle headers a byte at a time (slowloris), speak plain HTTP to a TLS client,
or never stop sending. Times are asserted only as upper bounds far above the budget, so a
hang fails the test and a slow machine does not.
"""

from __future__ import annotations

import json
import os
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from checker.links import LinkOptions, check_urls
from checker.model import Verdict

ROOT = Path(__file__).resolve().parents[1]


class RawServer:
    """Accepts connections on 127.0.0.1 and hands each socket to ``behave`` in a thread."""

    def __init__(self, behave: Callable[[socket.socket], None]) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.behave = behave
        self.connections = 0
        self.stop = threading.Event()
        threading.Thread(target=self._run, daemon=True).start()

    @property
    def port(self) -> int:
        return int(self.sock.getsockname()[1])

    def _run(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            self.behave(conn)
        except OSError:
            pass
        finally:
            conn.close()

    def close(self) -> None:
        self.stop.set()
        self.sock.close()


def reset(conn: socket.socket) -> None:
    conn.recv(4096)
    # SO_LINGER with a zero timeout makes close() send RST: "connection reset by peer".
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))


def slowloris(conn: socket.socket) -> None:
    conn.recv(4096)
    conn.sendall(b"HTTP/1.1 200 OK\r\n")
    for _ in range(120):  # one header byte every 0.25 s: never a read timeout, never done
        conn.sendall(b"X")
        time.sleep(0.25)


def endless(conn: socket.socket) -> None:
    conn.recv(4096)
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n")
    chunk = b"\0" * 65536
    for _ in range(16384):  # up to a gigabyte, unless the client hangs up first
        conn.sendall(chunk)


def plain_http(conn: socket.socket) -> None:
    conn.recv(4096)
    conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")


@pytest.fixture
def serve() -> Iterator[Callable[[Callable[[socket.socket], None]], RawServer]]:
    servers: list[RawServer] = []

    def start(behave: Callable[[socket.socket], None]) -> RawServer:
        servers.append(RawServer(behave))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def options(**changes: object) -> LinkOptions:
    base = LinkOptions(allow_private=True, connect_timeout=1.0, read_timeout=1.0, retries=1,
                       backoff_base=0.05, backoff_cap=0.1, budget=4.0)  # fmt: skip
    for key, value in changes.items():
        setattr(base, key, value)
    return base


def test_connection_reset_is_unreachable(serve: Callable[..., RawServer]) -> None:
    server = serve(reset)
    (result,) = check_urls([f"http://127.0.0.1:{server.port}/"], options())
    assert result.verdict is Verdict.UNREACHABLE
    assert result.attempts >= 2  # a reset is worth one retry
    assert server.connections >= 2


def test_slowloris_headers_end_within_the_budget(serve: Callable[..., RawServer]) -> None:
    server = serve(slowloris)
    start = time.monotonic()
    (result,) = check_urls([f"http://127.0.0.1:{server.port}/"], options(budget=3.0))
    assert time.monotonic() - start < 3.0 + 10
    assert result.verdict is Verdict.UNREACHABLE


def test_gigabyte_body_is_not_read(serve: Callable[..., RawServer]) -> None:
    server = serve(endless)
    start = time.monotonic()
    (result,) = check_urls([f"http://127.0.0.1:{server.port}/big"], options())
    assert result.verdict is Verdict.OK
    assert time.monotonic() - start < 10  # reading 1 GiB would take far longer


def test_tls_error_is_unreachable_not_a_crash(serve: Callable[..., RawServer]) -> None:
    server = serve(plain_http)
    (result,) = check_urls([f"https://127.0.0.1:{server.port}/"], options())
    assert result.verdict is Verdict.UNREACHABLE
    assert result.error


def test_cli_process_ends_within_budget_on_a_slowloris_site(
    serve: Callable[..., RawServer], tmp_path: Path
) -> None:
    server = serve(slowloris)
    page = tmp_path / "page.md"
    page.write_text(
        "| Name | Location | Description |\n| - | - | - |\n"
        f"| [Slow](http://127.0.0.1:{server.port}/) | USA | Hosting |\n"
    )
    (tmp_path / "cfg.yml").write_text("links: {budget: 3, timeout: 1, retries: 0}\n")
    start = time.monotonic()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "checker",
            "check",
            str(page),
            "-c",
            str(tmp_path / "cfg.yml"),
            "--links",
            "--allow-private",
            "-q",
            "--format",
            "json",
        ],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert time.monotonic() - start < 3 + 15
    links = json.loads(done.stdout)["links"]
    assert [link["verdict"] for link in links] == ["unreachable"], links
