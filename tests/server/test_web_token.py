"""Tapline's code grant through a real server and a real browser session (seed 002, "using a
client secret", with PKCE): the authorize page redirects with a one-time code, and the client's
back end exchanges it at ``POST /account/access_token`` for the user's bearer token."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
import secrets
import urllib.parse

import pytest
from web_client import Browser

from kegdash.accounts import throttle
from kegdash.accounts.code_grants import s256
from kegdash.accounts.keys import create_client
from kegdash.accounts.models import Authorization, CodeGrant
from kegdash.accounts.users import create_user
from kegdash.db import utcnow

CALLBACK = "http://app.example/auth/callback"
CODE_RE = re.compile(r"^http://app\.example/auth/callback\?code=([A-Za-z0-9_-]{43})&state=s-1$")


@pytest.fixture
def site(api_server, http):
    create_user("alice", password="alice-pw-1")
    client, secret = create_client("Brew Log", redirect_uri=CALLBACK)
    other, other_secret = create_client("Other App", redirect_uri="http://other.example/cb")
    site = type("Site", (), {})()
    site.url, site.http, site.client, site.secret = api_server.url, http, client, secret
    site.other, site.other_secret = other, other_secret
    return site


def authorize(site, browser: Browser | None = None, *, verifier: str | None = None,
              decision: str = "approve", **override: str) -> tuple[int, str]:
    """Log in (if need be) and answer the consent page; the status and Location of the end."""
    query = {"client_id": site.client.public_id, "type": "web_server", "scope": "user,recipe",
             "redirect_uri": CALLBACK, "state": "s-1", **override}
    if verifier is not None:
        query.update(code_challenge=s256(verifier), code_challenge_method="S256")
    b = browser or Browser(site.url)
    path = "/account/authorize?" + urllib.parse.urlencode(query)
    status, headers, page = b.get(path)
    if status == 303:
        assert headers["location"].startswith("/account/login?")
        next_path = urllib.parse.parse_qs(urllib.parse.urlsplit(headers["location"]).query)["next"][0]
        status, headers, _ = b.login("alice", "alice-pw-1", next_path)
        assert status == 303 and headers["location"] == next_path
        status, headers, page = b.get(next_path)
    assert status == 200, page
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', page))
    status, headers, _ = b.post("/account/authorize", {**fields, "decision": decision})
    return status, headers.get("location", "")


def code_of(location: str) -> str:
    match = CODE_RE.match(location)
    assert match, location
    return match.group(1)


def exchange(site, form: dict[str, str], *, basic: tuple[str, str] | None = None,
             json_body: bool = False) -> tuple[int, dict[str, str], dict]:
    headers = {"Content-Type": "application/json" if json_body
               else "application/x-www-form-urlencoded"}
    if basic is not None:
        pair = ":".join(urllib.parse.quote_plus(part) for part in basic)
        headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
    body = json.dumps(form) if json_body else urllib.parse.urlencode(form)
    status, got, raw = site.http.request("POST", "/account/access_token", body.encode(), headers)
    got = {k.lower(): v for k, v in got.items()}
    assert got["content-type"] == "application/json; charset=utf-8"
    assert got["cache-control"] == "no-store" and got["pragma"] == "no-cache"
    return status, got, json.loads(raw)


def profile(site, token: str) -> int:
    return site.http.request("GET", "/v1/profile", headers={"Authorization": f"Bearer {token}"})[0]


def test_the_full_flow_with_pkce_and_no_token_in_any_url(site):
    verifier = secrets.token_urlsafe(48)
    status, location = authorize(site, verifier=verifier)
    assert status == 303 and "access_token" not in location
    code = code_of(location)
    status, _, body = exchange(site, {"grant_type": "authorization_code", "code": code,
                                      "client_id": site.client.public_id,
                                      "code_verifier": verifier, "redirect_uri": CALLBACK})
    assert status == 200 and body["token_type"] == "bearer", body
    assert set(body) == {"access_token", "token_type"} and profile(site, body["access_token"]) == 200
    assert Authorization.get(Authorization.token == body["access_token"]).scopes == ["user", "recipe"]
    assert CodeGrant.get().code_hash != code and code not in CodeGrant.get().code_hash


def test_a_replayed_code_is_refused_and_revokes_the_token_it_granted(site):
    verifier = secrets.token_urlsafe(48)
    code = code_of(authorize(site, verifier=verifier)[1])
    form = {"code": code, "client_id": site.client.public_id, "code_verifier": verifier}
    first = exchange(site, form)[2]["access_token"]
    status, _, body = exchange(site, form)
    assert status == 400 and body["error"] == "invalid_grant" and "already used" in body[
        "error_description"]
    assert profile(site, first) == 401


def test_a_wrong_verifier_is_refused_and_the_right_one_still_works(site):
    verifier = secrets.token_urlsafe(48)
    code = code_of(authorize(site, verifier=verifier)[1])
    form = {"code": code, "client_id": site.client.public_id}
    for wrong in (secrets.token_urlsafe(48), verifier[:-1] + ("A" if verifier[-1] != "A" else "B"),
                  "short", ""):
        status, _, body = exchange(site, {**form, "code_verifier": wrong, "client_secret": site.secret})
        assert status == 400 and body["error"] == "invalid_grant", (wrong, body)
    assert exchange(site, {**form, "client_secret": site.secret})[2]["error"] == "invalid_grant"
    assert exchange(site, {**form, "code_verifier": verifier})[0] == 200


def test_an_expired_code_is_refused(site):
    code = code_of(authorize(site)[1])
    CodeGrant.update(expires=utcnow() - dt.timedelta(seconds=1)).execute()
    status, _, body = exchange(site, {"code": code, "client_id": site.client.public_id,
                                      "client_secret": site.secret})
    assert status == 400 and body == {"error": "invalid_grant",
                                      "error_description": "The code has expired"}


@pytest.mark.parametrize("how", ["body", "basic", "json"])
def test_a_back_end_exchanges_a_code_with_its_client_secret(site, how):
    code = code_of(authorize(site)[1])
    if how == "basic":
        status, _, body = exchange(site, {"code": code}, basic=(site.client.public_id, site.secret))
    else:
        status, _, body = exchange(site, {"code": code, "client_id": site.client.public_id,
                                          "client_secret": site.secret}, json_body=how == "json")
    assert status == 200 and profile(site, body["access_token"]) == 200


def test_the_client_must_prove_itself_as_the_code_asks(site):
    code = code_of(authorize(site)[1])  # issued without a code_challenge
    mine = {"code": code, "client_id": site.client.public_id}
    cases = [
        ({**mine}, 400, "invalid_request"),
        ({**mine, "code_verifier": secrets.token_urlsafe(48)}, 400, "invalid_grant"),
        ({**mine, "client_secret": "wrong"}, 401, "invalid_client"),
        ({"code": code, "client_id": site.other.public_id, "client_secret": site.other_secret},
         400, "invalid_grant"),
        ({**mine, "client_secret": site.secret, "redirect_uri": "http://evil.example/"}, 400,
         "invalid_grant"),
        ({**mine, "client_secret": site.secret, "grant_type": "password"}, 400,
         "unsupported_grant_type"),
        ({"code": "x" * 43, "client_id": site.client.public_id, "client_secret": site.secret},
         400, "invalid_grant"),
        ({"client_id": site.client.public_id, "client_secret": site.secret}, 400,
         "invalid_request"),
    ]
    for form, status, error in cases:
        got, headers, body = exchange(site, form)
        assert (got, body["error"]) == (status, error), (form, body)
        assert "www-authenticate" not in headers  # only for a client that sent HTTP Basic
    got, headers, body = exchange(site, {"code": code}, basic=(site.client.public_id, "wrong"))
    assert (got, body["error"]) == (401, "invalid_client") and "www-authenticate" in headers
    assert exchange(site, {**mine, "client_secret": site.secret})[0] == 200  # still unused


@pytest.mark.parametrize("body, content_type", [
    (b"code=a&code=b&client_id=x&client_secret=y", "application/x-www-form-urlencoded"),
    (b"code=%ff&client_id=x&client_secret=y", "application/x-www-form-urlencoded"),
    (b"code=a&client_id=x&client_secret=" + b"y" * 300, "application/x-www-form-urlencoded"),
    (b'{"code": 5, "client_id": "x", "client_secret": "y"}', "application/json"),
    (b'[1' * 100_000, "application/json"),
    (b'[1, 2]', "application/json"),
    (b'[["code", "a"], ["client_id", "x"], ["client_secret", "y"]]', "application/json"),
    (b'{"code": "a", "code": "b", "client_id": "x", "client_secret": "y"}', "application/json"),
    (b"code=a", "text/plain"),
    (b"x" * 9000, "application/x-www-form-urlencoded"),
])
def test_malformed_exchanges_are_invalid_requests(site, body, content_type):
    status, headers, raw = site.http.request("POST", "/account/access_token", body,
                                             {"Content-Type": content_type})
    assert status == 400 and json.loads(raw)["error"] == "invalid_request"


def test_denial_and_bad_authorize_requests(site):
    status, location = authorize(site, decision="deny")
    assert (status, location) == (303, CALLBACK + "?error=access_denied&state=s-1")
    b = Browser(site.url)
    b.login("alice", "alice-pw-1")
    for override, words in (({"code_challenge": "a" * 43, "code_challenge_method": "plain"}, "S256"),
                            ({"code_challenge": "too-short", "code_challenge_method": "S256"},
                             "code_challenge"),
                            ({"redirect_uri": "http://evil.example/cb"}, "Redirect not allowed")):
        query = {"client_id": site.client.public_id, "type": "web_server", **override}
        status, headers, page = b.get("/account/authorize?" + urllib.parse.urlencode(query))
        assert status == 400 and "location" not in headers and words in page, override
    assert CodeGrant.select().count() == 0


def test_a_trusted_client_gets_its_code_without_the_consent_page(site):
    site.client.trusted = True
    site.client.save()
    b = Browser(site.url)
    b.login("alice", "alice-pw-1")
    query = {"client_id": site.client.public_id, "type": "web_server", "scope": "recipe",
             "state": "s-1"}
    status, headers, _ = b.get("/account/authorize?" + urllib.parse.urlencode(query))
    code = code_of(headers["location"])
    assert status == 303
    assert exchange(site, {"code": code, "client_id": site.client.public_id,
                           "client_secret": site.secret})[0] == 200


def test_wrong_client_secrets_at_the_exchange_are_throttled(site):
    code = code_of(authorize(site)[1])
    form = {"code": code, "client_id": site.client.public_id}
    for _ in range(throttle.MAX_PER_ADDRESS):
        assert exchange(site, {**form, "client_secret": "wrong"})[0] == 401
    status, headers, body = exchange(site, {**form, "client_secret": site.secret})
    assert status == 429 and int(headers["retry-after"]) > 0 and body["error"] == "invalid_client"
