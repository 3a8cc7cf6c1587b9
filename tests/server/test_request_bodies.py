"""Request bodies sent with ``Transfer-Encoding: chunked`` on every dialect, through the real server.

A chunked body must be read once, within the limits, and answered exactly as the same body sent
with ``Content-Length``: same status, same answer, the dialect's own refusal when it is too big.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import urllib.parse

import pytest

from kegdash.accounts.keys import issue_api_key
from kegdash.accounts.users import create_user
from kegdash.apiary.registry import add_apiary, issue_license_key
from kegdash.bar.taps import add_tap, start_keg
from kegdash.server import beekeeping_params, runner, tapline_validation
from kegdash.site_settings import set_setting

FORM = "application/x-www-form-urlencoded"
KEGBOT_BODY_LIMIT = 4 * 1024 * 1024  # Bottle's MEMFILE_MAX, set in server/app.py


def send(server, method: str, path: str, body: bytes, headers: dict[str, str], *,
         chunked: bool, chunk: int = 1000) -> tuple[int, bytes]:
    """One request; a chunked body goes in ``chunk``-byte pieces (http.client frames them)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        if chunked:
            pieces = (body[i:i + chunk] for i in range(0, len(body), chunk))
            conn.request(method, path, body=pieces, headers=headers)
        else:
            conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def both(server, method: str, path: str, body: bytes, headers: dict[str, str],
         **kwargs) -> tuple[tuple[int, bytes], tuple[int, bytes]]:
    """The answers to the same body sent with Content-Length, then chunked."""
    return (send(server, method, path, body, headers, chunked=False, **kwargs),
            send(server, method, path, body, headers, chunked=True, **kwargs))


@pytest.fixture
def site(database):
    """A staff Kegbot key, a tap with a keg, a licence key and an apiary."""
    set_setting("beekeeping_rate_per_second", 10_000)
    staff = create_user("boss", is_staff=True)
    tap = add_tap("main tap", "kegboard.flow0", ml_per_tick=0.5)
    start_keg(tap.id, "Racer 5", size="half-barrel")
    apiary = add_apiary("Beachtree Apiary", staff, zipcode="02653", country_code="US")
    return {"key": issue_api_key(staff), "license": issue_license_key(staff), "apiary": apiary.uuid}


def _drink(raw: bytes) -> dict:
    """A drink answer without what differs between two drinks: ids and times."""
    drink = json.loads(raw)["result"]["drink"]
    return {k: v for k, v in drink.items() if k not in ("id", "pour_time", "session_id")}


@pytest.mark.parametrize(("ctype", "body"), [
    (FORM, b"ticks=10&duration=3"),
    ("application/json", b'{"ticks": 10, "duration": 3}'),
])
def test_kegbot_drinks_sent_chunked_are_recorded_like_the_same_body(api_server, site, ctype, body):
    headers = {"Content-Type": ctype, "X-Kegbot-Api-Key": site["key"]}
    (plain_status, plain), (chunked_status, chunked) = both(
        api_server, "POST", "/api/taps/kegboard.flow0", body, headers, chunk=7)
    assert plain_status == chunked_status == 200, chunked
    assert _drink(chunked) == _drink(plain)
    assert _drink(chunked)["ticks"] == 10 and _drink(chunked)["volume_ml"] == 5.0


def test_a_33_byte_json_drink_sent_chunked_is_accepted(api_server, site):
    """The issue's case: one chunk holding the whole body."""
    body = b'{"ticks": 10, "volume_ml": 355.5}'
    assert len(body) == 33
    status, raw = send(api_server, "POST", "/api/taps/kegboard.flow0", body,
                       {"Content-Type": "application/json", "X-Kegbot-Api-Key": site["key"]},
                       chunked=True, chunk=len(body))
    assert status == 200, raw
    assert json.loads(raw)["result"]["drink"]["volume_ml"] == 355.5


def test_tapline_calculation_sent_chunked_gives_the_same_answer(api_server, site):
    body = json.dumps({"format": "json", "recipes": [{
        "name": "Pale", "batchSize": 20, "boilSize": 10,
        "fermentables": [{"name": "Pale malt", "weight": 4.5, "yield": 75, "color": 3}]}]}).encode()
    plain, chunked = both(api_server, "POST", "/v1/calculate/recipe", body,
                          {"Content-Type": "application/json"}, chunk=16)
    assert plain[0] == 200 and chunked == plain


@pytest.mark.parametrize("ctype", [FORM, "application/json"])
def test_beekeeping_query_sent_chunked_gives_the_same_answer(api_server, site, ctype):
    fields = {"license_key": site["license"], "uuid": site["apiary"]}
    body = urllib.parse.urlencode(fields).encode() if ctype == FORM else json.dumps(fields).encode()
    plain, chunked = both(api_server, "POST", "/api_v1/get_apiary_detail", body,
                          {"Content-Type": ctype}, chunk=5)
    assert plain[0] == 200 and chunked == plain


@pytest.mark.parametrize(("path", "ctype", "size", "status"), [
    ("/api_v1/data_upload", "application/json", beekeeping_params.MAX_BODY_BYTES + 1, 413),
    ("/v1/calculate/recipe", "application/json", tapline_validation.MAX_BODY_BYTES + 1, 400),
    ("/api/taps/kegboard.flow0", FORM, KEGBOT_BODY_LIMIT + 1, 413),
])
def test_a_chunked_body_over_a_dialects_limit_gets_that_dialects_refusal(api_server, site, path,
                                                                        ctype, size, status):
    body = b"ticks=1&x=" + b"a" * (size - 10) if ctype == FORM else b'"' + b"a" * (size - 2) + b'"'
    assert len(body) == size
    headers = {"Content-Type": ctype, "X-Kegbot-Api-Key": site["key"]}
    plain, chunked = both(api_server, "POST", path, body, headers, chunk=64 * 1024)
    assert plain[0] == status
    assert chunked == plain


def test_an_endless_chunked_body_is_cut_off_at_the_servers_limit(api_server, site):
    """The server reads at most its limit (plus what the sockets buffer), answers 413 and closes;
    it never reads the whole stream."""
    endless = 64 * runner.MAX_BODY_BYTES
    chunk = b"%x\r\n%s\r\n" % (64 * 1024, b"a" * 64 * 1024)
    sent = 0
    with socket.create_connection(("127.0.0.1", api_server.port), timeout=30) as sock:
        sock.sendall(b"POST /api/taps/kegboard.flow0 HTTP/1.1\r\nHost: kegdash\r\n"
                     b"Content-Type: application/x-www-form-urlencoded\r\n"
                     b"X-Kegbot-Api-Key: " + site["key"].encode() + b"\r\n"
                     b"Transfer-Encoding: chunked\r\n\r\n")

        def flood() -> None:
            nonlocal sent
            try:
                while sent < endless:
                    sock.sendall(chunk)
                    sent += len(chunk)
            except OSError:  # the server closed the connection: what this test wants
                pass

        sender = threading.Thread(target=flood)
        sender.start()
        answer = b""
        try:
            while part := sock.recv(65536):
                answer += part
        except ConnectionResetError:
            pass
        sender.join(30)
    assert not sender.is_alive()
    assert sent < endless / 4, f"the server read {sent} bytes of an endless body"
    assert answer == b"" or answer.startswith(b"HTTP/1.1 413 "), answer[:100]


def test_a_body_in_many_tiny_chunks_is_refused_past_the_chunk_cap(api_server, site):
    """De-chunking costs the server's one I/O thread per chunk: up to the cap a body in 1-byte
    chunks is answered like any other, one chunk more is 400 and the connection closes."""
    calc = json.dumps({"format": "json", "recipes": [{"name": "Pale", "batchSize": 20}]}).encode()
    headers = {"Content-Type": "application/json"}
    at_cap = calc.ljust(runner.MAX_CHUNKS)  # JSON allows the padding spaces
    plain, chunked = both(api_server, "POST", "/v1/calculate/recipe", at_cap, headers, chunk=1)
    assert plain[0] == 200 and chunked == plain
    over = calc.ljust(runner.MAX_CHUNKS + 1)
    assert send(api_server, "POST", "/v1/calculate/recipe", over, headers, chunked=False)[0] == 200
    status, raw = send(api_server, "POST", "/v1/calculate/recipe", over, headers, chunked=True,
                       chunk=1)
    assert status == 400, raw
