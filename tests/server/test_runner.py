import socket

import pytest

from kegdash.server.runner import ApiServer, ServerError


def test_root_describes_the_apis(http):
    status, body = http.json("GET", "/")
    assert status == 200 and "/api/" in body["apis"]


def test_server_header_carries_version(http):
    from kegdash import __version__

    status, headers, _ = http.request("GET", "/api/version")
    assert status == 200 and headers["Server"] == f"kegdash/{__version__}"


def test_unknown_paths_answer_in_their_dialect(http):
    status, headers, body = http.request("GET", "/api/no/such/thing")
    assert status == 404 and headers["Content-Type"].startswith("application/json")
    assert b'"code":"NotFoundError"' in body
    status, headers, body = http.request("GET", "/elsewhere")
    assert status == 404 and headers["Content-Type"].startswith("text/plain")
    assert b"<html" not in body.lower()


def test_oversized_body_is_refused_before_it_is_read(api_server):
    with socket.create_connection(("127.0.0.1", api_server.port), timeout=5) as sock:
        sock.sendall(b"POST /api/version HTTP/1.1\r\nHost: x\r\n"
                     b"Content-Length: 9437184\r\n\r\n")
        status_line = sock.recv(200).split(b"\r\n", 1)[0]
    assert status_line.startswith(b"HTTP/1.1 413")


def test_taken_port_fails_at_start_with_one_line():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        server = ApiServer(lambda env, start: [], "127.0.0.1", taken.getsockname()[1])
        with pytest.raises(ServerError, match=r"cannot listen on 127\.0\.0\.1:\d+: .*in use"):
            server.start()
    assert not server.running


def test_stop_ends_the_thread(database):
    from kegdash.server.app import build_app

    server = ApiServer(build_app(), "127.0.0.1", 0)
    server.start()
    assert server.running and server.port != 0
    server.stop()
    assert not server.running
