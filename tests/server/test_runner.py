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


# HTTP/1.1 connection handling is the runner's own (httptools parses): an app that echoes what
# it was given shows what a request became.

def _echo(environ, start_response):
    import json

    body = environ["wsgi.input"].read()
    seen = {k: v for k, v in environ.items() if isinstance(v, str)}
    seen["body"] = body.decode("latin-1")
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps(seen).encode()]


@pytest.fixture
def echo_server():
    server = ApiServer(_echo, "127.0.0.1", 0, threads=2)
    server.start()
    yield server
    server.stop()


def _exchange(server: ApiServer, raw: bytes, answers: int = 1) -> list[tuple[bytes, dict, bytes]]:
    """Send raw bytes, read ``answers`` whole answers (by Content-Length): (status line,
    headers, body) each."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(raw)
        data, out = b"", []
        while len(out) < answers:
            while b"\r\n\r\n" not in data:
                data += sock.recv(65536) or pytest.fail(f"closed after {out!r}, {data!r}")
            head, data = data.split(b"\r\n\r\n", 1)
            status, *lines = head.decode("latin-1").split("\r\n")
            headers = {k.lower(): v.strip() for k, v in (line.split(":", 1) for line in lines)}
            length = int(headers.get("content-length", 0))
            while len(data) < length:
                data += sock.recv(65536)
            out.append((status.encode(), headers, data[:length]))
            data = data[length:]
    return out


def test_pipelined_requests_are_answered_in_order(echo_server):
    import json

    raw = b"".join(f"GET /n/{n} HTTP/1.1\r\nHost: x\r\n\r\n".encode() for n in range(5))
    answers = _exchange(echo_server, raw, answers=5)
    assert [json.loads(body)["PATH_INFO"] for _, _, body in answers] == [f"/n/{n}" for n in range(5)]


def test_the_environ_carries_the_request(echo_server):
    import json

    raw = (b"POST /a%20b/c?x=1&y=%41 HTTP/1.1\r\nHost: bar.example\r\nX-Kegbot-Api-Key: k\r\n"
           b"X_Forwarded_For: 6.6.6.6\r\nAccept: a\r\nAccept: b\r\n"
           b"Content-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
           b"3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n")
    (status, _, body), = _exchange(echo_server, raw)
    seen = json.loads(body)
    assert status == b"HTTP/1.1 200 OK"
    assert seen["PATH_INFO"] == "/a b/c" and seen["QUERY_STRING"] == "x=1&y=%41"
    assert seen["HTTP_HOST"] == "bar.example" and seen["HTTP_X_KEGBOT_API_KEY"] == "k"
    assert seen["HTTP_ACCEPT"] == "a,b"
    assert "HTTP_X_FORWARDED_FOR" not in seen, "an underscore header posed as X-Forwarded-For"
    assert seen["body"] == "abcde" and seen["CONTENT_LENGTH"] == "5"
    assert "HTTP_TRANSFER_ENCODING" not in seen and seen["REMOTE_ADDR"] == "127.0.0.1"


def test_http_1_0_closes_unless_asked_to_keep_alive(echo_server):
    (_, headers, _), = _exchange(echo_server, b"GET / HTTP/1.0\r\n\r\n")
    assert headers.get("connection") == "close"
    (_, headers, _), = _exchange(echo_server, b"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
    assert headers.get("connection") == "keep-alive"
    (_, headers, _), = _exchange(echo_server, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert headers.get("connection") == "close"


def test_expect_100_continue_is_answered_before_the_body(echo_server):
    with socket.create_connection(("127.0.0.1", echo_server.port), timeout=10) as sock:
        sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n")
        assert sock.recv(100) == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(b"hi")
        assert sock.recv(1000).startswith(b"HTTP/1.1 200 ")


def test_head_answers_have_no_body(http):
    import urllib.request

    request = urllib.request.Request(http.base + "/api/version", method="HEAD")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200 and response.read() == b""


@pytest.mark.parametrize("raw", [
    b"GARBAGE\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n",
    b"GET / HTTP/1.1\r\nBad Header\r\n\r\n",
])
def test_a_malformed_request_is_400_and_closed(echo_server, raw):
    with socket.create_connection(("127.0.0.1", echo_server.port), timeout=10) as sock:
        sock.sendall(raw)
        answer = b""
        while part := sock.recv(65536):
            answer += part
    assert answer.startswith(b"HTTP/1.1 400 "), answer


def test_an_app_that_fails_is_a_500_and_the_server_goes_on():
    def broken(environ, start_response):
        raise RuntimeError("boom")

    server = ApiServer(broken, "127.0.0.1", 0, threads=1)
    server.start()
    try:
        for _ in range(2):
            with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
                sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
                assert sock.recv(1000).startswith(b"HTTP/1.1 500 ")
    finally:
        server.stop()


def test_stop_closes_the_database_connections_of_the_worker_threads(database):
    """Each worker keeps a SQLite connection for life (``server/app.py``); stopping ends the
    threads and must close those connections (Python 3.13 warns on one left open). SQLite
    removes a WAL database's ``-wal`` file when its last connection closes: that is the sign."""
    from pathlib import Path

    from kegdash import db

    held = []  # keeps each worker's connection object alive, as a leak would

    def app(environ, start_response):
        db.database.connect(reuse_if_open=True)
        db.database.execute_sql("INSERT INTO site_setting (key, value) VALUES ('x', '1') "
                                "ON CONFLICT (key) DO NOTHING")
        held.append(db.database.connection())
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    server = ApiServer(app, "127.0.0.1", 0, threads=2)
    server.start()
    for _ in range(4):
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            assert sock.recv(100).startswith(b"HTTP/1.1 200 ")
    server.stop()
    db.close_database()  # this thread's own connection
    wal = Path(database.removeprefix("sqlite:///") + "-wal")
    assert held and not wal.exists(), "a worker's connection outlived the server"
