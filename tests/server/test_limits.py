"""The WSGI server's limits (``kegdash/server/runner.py``): slow clients, big requests, keep-alive,
connections per address."""

from __future__ import annotations

import http.client
import re
import socket
import threading
from collections.abc import Iterator

import pytest
from polling import wait_for

from kegdash.server import runner
from kegdash.server.app import build_app
from kegdash.server.runner import ApiServer


@pytest.fixture
def small_server(database) -> Iterator[ApiServer]:
    """Two worker threads and a one-second idle timeout, so one slow client is a big share."""
    server = ApiServer(build_app(), "127.0.0.1", 0, threads=2, timeout=1.0)
    server.start()
    yield server
    server.stop()


def _read_all(sock: socket.socket) -> bytes:
    """Everything until the server closes the connection (the socket's own timeout is a
    generous upper bound, so a server that never closes fails the test instead of hanging)."""
    sock.settimeout(30)
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


def _get(server: ApiServer, path: str = "/api/version") -> int:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def test_a_client_that_stops_mid_request_is_disconnected_without_blocking_others(small_server):
    with socket.create_connection(("127.0.0.1", small_server.port)) as slow:
        slow.sendall(b"GET /api/version HTTP/1.1\r\nHost: kegdash\r\n")  # no blank line: half a request
        assert _get(small_server) == 200  # the other worker still answers
        answer = _read_all(slow)
    assert answer == b"" or answer.startswith(b"HTTP/1.1 408 ")


def test_an_idle_keep_alive_connection_is_closed_after_the_configured_timeout(small_server):
    """One second here; a connection left open after one request is closed by the server."""
    with socket.create_connection(("127.0.0.1", small_server.port)) as idle:
        idle.sendall(b"GET /api/version HTTP/1.1\r\nHost: kegdash\r\n\r\n")
        answer = _read_all(idle)  # the answer, then the close (at most ~2 s later)
    assert answer.startswith(b"HTTP/1.1 200 ") and answer.count(b"HTTP/1.1") == 1
    assert ApiServer(build_app()).timeout == runner.IDLE_TIMEOUT_S


def test_oversized_headers_are_refused_with_a_4xx(api_server):
    with socket.create_connection(("127.0.0.1", api_server.port)) as sock:
        sock.sendall(b"GET /api/version HTTP/1.1\r\nHost: kegdash\r\nX-Padding: "
                     + b"a" * (runner.MAX_HEADER_BYTES + 1) + b"\r\n\r\n")
        status_line = _read_all(sock).split(b"\r\n", 1)[0]
    assert re.match(rb"HTTP/1\.[01] 4\d\d ", status_line), status_line


def test_a_body_over_the_limit_is_413_before_it_is_sent(api_server):
    with socket.create_connection(("127.0.0.1", api_server.port)) as sock:
        sock.sendall(b"POST /api/taps/1 HTTP/1.1\r\nHost: kegdash\r\n"
                     b"Content-Type: application/x-www-form-urlencoded\r\n"
                     + f"Content-Length: {runner.MAX_BODY_BYTES + 1}\r\n\r\n".encode())
        status_line = _read_all(sock).split(b"\r\n", 1)[0]
    assert status_line.startswith(b"HTTP/1.1 413 "), status_line


def test_many_idle_keep_alive_clients_keep_their_connections_and_hold_no_thread(small_server):
    """50 clients on 2 threads: idle connections wait in the I/O thread's poll, not in a worker."""
    clients = [http.client.HTTPConnection("127.0.0.1", small_server.port, timeout=30)
               for _ in range(50)]
    def round_trip() -> list[socket.socket]:
        for conn in clients:
            conn.request("GET", "/api/version")
            response = conn.getresponse()
            response.read()
            assert response.status == 200
        return [conn.sock for conn in clients]

    try:
        first = round_trip()
        assert round_trip() == first, "a keep-alive connection was closed and reopened"
        assert _get(small_server) == 200
    finally:
        for conn in clients:
            conn.close()


class Trickle:
    """Connections that each send ``prefix`` whole, then ``drip`` one byte at a time, every
    connection a byte every 0.2 s: faster than the idle timeout, never a whole request. Stops
    when asked, when the server has closed them all, or after a minute."""

    def __init__(self, server: ApiServer, count: int, prefix: bytes, drip: bytes) -> None:
        self.socks = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(count)]
        for sock in self.socks:
            sock.sendall(prefix)
        self.drip = drip
        self.closed_by_server: set[int] = set()
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run)
        self.thread.start()

    def _run(self) -> None:
        for i in range(300):
            if self.stopped.wait(0.2) or len(self.closed_by_server) == len(self.socks):
                return
            for n, sock in enumerate(self.socks):
                if n not in self.closed_by_server:
                    try:
                        sock.sendall(self.drip[i % len(self.drip):][:1])
                    except OSError:
                        self.closed_by_server.add(n)

    def close(self) -> None:
        self.stopped.set()
        self.thread.join()
        for sock in self.socks:
            sock.close()


def _get_within(server: ApiServer, seconds: float) -> int:
    """/api/version's status; a generous bound instead of waiting forever behind slow clients."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=seconds)
    try:
        conn.request("GET", "/api/version")
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


HEADER_DRIP = b"X-Slow: " + b"a" * 10_000


def test_ten_clients_sending_headers_a_byte_at_a_time_hold_no_worker(small_server):
    """The issue's attack: more slow connections than workers; the API still answers."""
    slow = Trickle(small_server, 10, b"GET /api/version HTTP/1.1\r\nHost: kegdash\r\n", HEADER_DRIP)
    try:
        assert _get_within(small_server, 10) == 200
    finally:
        slow.close()


def test_ten_clients_sending_bodies_a_byte_at_a_time_hold_no_worker(small_server):
    slow = Trickle(small_server, 10, b"POST /api/taps/1 HTTP/1.1\r\nHost: kegdash\r\n"
                   b"Content-Type: application/x-www-form-urlencoded\r\n"
                   b"Content-Length: 10000\r\n\r\nticks=1", b"1")
    try:
        assert _get_within(small_server, 10) == 200
    finally:
        slow.close()


def test_a_request_that_never_completes_is_cut_off_at_the_deadline(database):
    """Bytes keep coming, faster than the idle timeout, but the request must arrive whole in
    time; the server closes the connection (the trickle would otherwise go on for a minute)."""
    server = ApiServer(build_app(), "127.0.0.1", 0, threads=2, timeout=1.0, deadline=2.0)
    server.start()
    slow = Trickle(server, 1, b"GET /api/version HTTP/1.1\r\nHost: kegdash\r\n", HEADER_DRIP)
    try:
        slow.socks[0].settimeout(30)
        try:
            answer = slow.socks[0].recv(1024)
        except ConnectionResetError:
            answer = b""
        assert answer == b""
    finally:
        slow.close()
        server.stop()


def test_one_address_gets_a_bounded_share_of_the_connections(api_server):
    """Connections over the per-address cap are answered 503 and closed; one closing frees a place."""
    def connect() -> http.client.HTTPConnection:
        return http.client.HTTPConnection("127.0.0.1", api_server.port, timeout=30)

    def status(conn: http.client.HTTPConnection) -> int:
        conn.request("GET", "/api/version")
        response = conn.getresponse()
        response.read()
        return response.status

    held = [connect() for _ in range(runner.MAX_CONNECTIONS_PER_ADDRESS)]
    try:
        assert {status(conn) for conn in held} == {200}  # every one accepted and kept alive
        extra = connect()
        assert status(extra) == 503
        extra.close()
        held.pop().close()
        assert wait_for(lambda: _get(api_server) == 200)  # once the server has seen it close
    finally:
        for conn in held:
            conn.close()
