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


def test_stop_closes_idle_keep_alive_connections_and_frees_the_port(database):
    """The window closing, or Settings moving the server, must not wait on connected clients."""
    import http.client

    from kegdash.server.app import build_app

    server = ApiServer(build_app(), "127.0.0.1", 0)
    server.start()
    client = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    client.request("GET", "/api/version")
    client.getresponse().read()  # the connection stays open (keep-alive)
    server.stop()
    assert not server.running
    try:
        closed = client.sock.recv(1) == b""  # the server closed it
    except ConnectionResetError:
        closed = True
    assert closed
    client.close()
    again = ApiServer(build_app(), "127.0.0.1", server.port)
    again.start()  # the port is free at once
    again.stop()


def test_all_addresses_over_ipv6_take_ipv4_clients_too(database):
    from kegdash.server.app import build_app

    if not socket.has_ipv6:
        pytest.skip("no IPv6 here")
    server = ApiServer(build_app(), "::", 0)
    try:
        server.start()
    except ServerError as exc:
        pytest.skip(f"no IPv6 here: {exc}")
    try:
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            sock.sendall(b"GET /api/version HTTP/1.1\r\nHost: kegdash\r\nConnection: close\r\n\r\n")
            assert sock.recv(100).startswith(b"HTTP/1.1 200 ")
    finally:
        server.stop()
