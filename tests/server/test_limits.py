"""The WSGI server's limits (``kegdash/server/runner.py``): slow clients, big requests, keep-alive."""

from __future__ import annotations

import http.client
import socket
from collections.abc import Iterator

import pytest

from kegdash.server import runner
from kegdash.server.app import build_app
from kegdash.server.runner import ApiServer


@pytest.fixture
def small_server(database) -> Iterator[ApiServer]:
    """Two worker threads and a one-second socket timeout, so one slow client is a big share."""
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


def test_the_configured_timeout_is_the_one_cheroot_uses(small_server):
    assert small_server._server.timeout == 1.0
    assert ApiServer(build_app()).timeout == runner.SOCKET_TIMEOUT_S


def test_oversized_headers_are_refused_with_a_4xx(api_server):
    with socket.create_connection(("127.0.0.1", api_server.port)) as sock:
        sock.sendall(b"GET /api/version HTTP/1.1\r\nHost: kegdash\r\nX-Padding: "
                     + b"a" * (runner.MAX_HEADER_BYTES + 1) + b"\r\n\r\n")
        status_line = _read_all(sock).split(b"\r\n", 1)[0]
    assert status_line.startswith(b"HTTP/1.1 4"), status_line


def test_a_body_over_the_limit_is_413_before_it_is_sent(api_server):
    with socket.create_connection(("127.0.0.1", api_server.port)) as sock:
        sock.sendall(b"POST /api/taps/1 HTTP/1.1\r\nHost: kegdash\r\n"
                     b"Content-Type: application/x-www-form-urlencoded\r\n"
                     + f"Content-Length: {runner.MAX_BODY_BYTES + 1}\r\n\r\n".encode())
        status_line = _read_all(sock).split(b"\r\n", 1)[0]
    assert status_line.startswith(b"HTTP/1.1 413 "), status_line


def test_many_idle_keep_alive_clients_keep_their_connections_and_hold_no_thread(small_server):
    """50 clients on 2 threads: idle connections wait in cheroot's selector, not in a worker."""
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
