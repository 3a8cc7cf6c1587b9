"""The web pages' accounts side through real HTTP: login, logout, server-side sessions and
their ending, CSRF, throttling, redirects that stay on the site, the Tapline browser
authorization (seed 002) and logged-in Kegbot reads in ``members`` mode, for members only.
The code grant's exchange is in test_web_token.py."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
import re
import secrets
import urllib.parse

import pytest
from web_client import CSRF_RE, Browser

from kegdash import site_settings
from kegdash.accounts import admission, throttle
from kegdash.accounts.authorizations import create_authorization
from kegdash.accounts.keys import create_client, issue_api_key
from kegdash.accounts.models import Authorization, WebSession
from kegdash.accounts.users import create_user, deactivate_user, get_user, set_password
from kegdash.bar import drinks
from kegdash.bar.taps import add_tap, start_keg
from kegdash.db import utcnow
from kegdash.server import web_session
from kegdash.site_settings import get_setting, set_setting

TOKEN_RE = re.compile(r"^http://app\.example/auth/callback#access_token:([0-9a-f]{40})$")
CALLBACK = "http://app.example/auth/callback"


@pytest.fixture
def site(api_server):
    """A bar with one keg, a member (alice), a staff user and a registered client app."""
    alice = create_user("alice", password="alice-pw-1")
    create_user("bob", password="bob-pw-1")
    staff = create_user("barkeep", password="staff-pw-1", is_staff=True)
    client, secret = create_client("Brew Log <b>", redirect_uri=CALLBACK, description="Logs brews")
    add_tap("Tap 1", "kegboard.flow0")
    start_keg(1, "Pale Ale", size="corny")
    site = type("Site", (), {})()
    site.url, site.alice, site.client, site.client_secret = api_server.url, alice, client, secret
    site.staff_key = issue_api_key(staff)
    return site


def browser(site) -> Browser:
    return Browser(site.url)


def authorize_path(site, **override) -> str:
    query = {"response_type": "code", "redirect_uri": CALLBACK, "scope": "user,recipe",
             "client_id": site.client.public_id, "type": "token", **override}
    return "/account/authorize?" + urllib.parse.urlencode(query)


def consent_form(page: str) -> dict[str, str]:
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', page))
    return {k: v.replace("&amp;", "&").replace("&#039;", "'") for k, v in fields.items()}


# --- sessions, login, logout ----------------------------------------------------------------

def test_login_form_sets_a_hardened_session_cookie(site):
    b = browser(site)
    status, headers, page = b.get("/account/login")
    assert status == 200 and CSRF_RE.search(page)
    cookie = b.last_set_cookie.lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie
    assert headers["x-frame-options"] == "DENY" and "frame-ancestors 'none'" in headers[
        "content-security-policy"]
    assert headers["cache-control"] == "no-store"


def test_login_and_logout(site):
    b = browser(site)
    b.csrf()
    before = b.cookies["kegdash_session"]
    status, headers, _ = b.login("alice", "alice-pw-1", "/taps")
    assert status == 303 and headers["location"] == "/taps"
    assert b.cookies["kegdash_session"] != before  # a fresh session id at login
    assert "Signed in as <strong>alice</strong>" in b.get("/taps")[2]
    token = CSRF_RE.search(b.get("/taps")[2]).group(1)
    status, headers, _ = b.post("/account/logout", {"csrf": token, "next": "/"})
    assert status == 303 and headers["location"] == "/"
    assert "Signed in as" not in b.get("/taps")[2]


def test_wrong_password_is_one_generic_message(site):
    b = browser(site)
    for name, password in (("alice", "nope"), ("nobody", "nope")):
        token = b.csrf()
        status, _, page = b.post("/account/login", {"csrf": token, "username": name,
                                                    "password": password, "next": "/"})
        assert status == 401 and "Wrong user name or password." in page
        assert "Signed in as" not in page
        assert re.search(r'<input name="password"[^>]* autofocus>', page), "the cursor waits in the password"
        assert not re.search(r'<input name="username"[^>]* autofocus>', page)


@pytest.mark.parametrize("csrf", [None, "", "0" * 64, "other-session"])
def test_forms_without_the_sessions_csrf_token_are_refused(site, csrf):
    b = browser(site)
    b.csrf()
    form = {"username": "alice", "password": "alice-pw-1", "next": "/"}
    if csrf == "other-session":
        form["csrf"] = browser(site).csrf()
    elif csrf is not None:
        form["csrf"] = csrf
    status, headers, page = b.post("/account/login", form)
    assert status == 403 and "location" not in headers and "did not come from this site" in page
    assert "Signed in as" not in b.get("/account/login")[2]


def test_post_without_any_cookie_is_refused(site):
    b = browser(site)
    token = b.csrf()
    b.cookies.clear()
    status, _, _ = b.post("/account/login", {"csrf": token, "username": "alice",
                                             "password": "alice-pw-1"})
    assert status == 403


def test_logout_needs_the_csrf_token(site):
    b = browser(site)
    b.login("alice", "alice-pw-1")
    status, _, _ = b.post("/account/logout", {"next": "/"})
    assert status == 403
    assert "Signed in as <strong>alice</strong>" in b.get("/taps")[2]


def cookie_of(b: Browser) -> str:
    return b.cookies["kegdash_session"]


def replay(site, cookie: str) -> Browser:
    """Another browser holding a copy of ``cookie`` (as a thief would)."""
    thief = browser(site)
    thief.cookies["kegdash_session"] = cookie
    return thief


def signed_in(b: Browser) -> bool:
    status, _, page = b.get("/taps")
    assert status == 200, page
    return "Signed in as" in page


@pytest.mark.parametrize("cookie", [
    "flip-one-character", pytest.param(secrets.token_urlsafe(32), id="random-token"), "garbage",
    "x" * 5000, "a.b.c", "%00%ff", '"quoted"', "",
])  # a fixed id for the random token: pytest-xdist's workers must collect the same test ids
def test_forged_or_garbled_cookies_are_anonymous_visitors(site, cookie):
    b = browser(site)
    b.login("alice", "alice-pw-1")
    if cookie == "flip-one-character":
        real = cookie_of(b)
        cookie = ("A" if real[0] != "A" else "B") + real[1:]
    b.cookies["kegdash_session"] = cookie
    assert not signed_in(b)
    assert b.login("alice", "alice-pw-1")[0] == 303  # and the login form works from there
    assert signed_in(b)


def test_a_logged_out_cookie_no_longer_authenticates(site):
    set_setting("privacy", "members")
    b = browser(site)
    b.login("alice", "alice-pw-1")
    copied = cookie_of(b)
    assert replay(site, copied).get("/taps/state")[0] == 200
    token = CSRF_RE.search(b.get("/taps")[2]).group(1)
    assert b.post("/account/logout", {"csrf": token, "next": "/"})[0] == 303
    thief = replay(site, copied)
    assert b.get("/taps")[0] == 303 and thief.get("/taps")[0] == 303  # both sent to log in
    assert thief.get("/taps/state")[0] == 401
    assert thief.get("/api/taps", headers={"Accept": "application/json"})[0] == 401
    assert WebSession.select().count() == 0


def test_logging_in_again_ends_the_previous_session(site):
    b = browser(site)
    b.login("alice", "alice-pw-1")
    first = cookie_of(b)
    b.login("bob", "bob-pw-1")
    assert "Signed in as <strong>bob</strong>" in b.get("/taps")[2]
    assert not signed_in(replay(site, first))
    assert WebSession.select().count() == 1


def test_password_change_ends_every_session_of_the_user(site):
    phone, laptop, other = browser(site), browser(site), browser(site)
    phone.login("alice", "alice-pw-1")
    laptop.login("alice", "alice-pw-1")
    other.login("bob", "bob-pw-1")
    set_password(site.alice, "new-password-2")
    assert not signed_in(phone) and not signed_in(laptop)
    assert signed_in(other)
    assert [s.user.username for s in WebSession.select()] == ["bob"]
    assert phone.login("alice", "new-password-2")[0] == 303 and signed_in(phone)


def test_a_password_changed_through_the_tapline_api_ends_the_sessions_too(site, http):
    b = browser(site)
    b.login("alice", "alice-pw-1")
    token = create_authorization(site.alice, site.client, ["user"]).token
    status, _, _ = http.request("PUT", f"/v1/users/{site.alice.public_id}",
                                data=b'{"password": "changed-by-an-app"}',
                                headers={"Authorization": f"Bearer {token}",
                                         "Content-Type": "application/json"})
    assert status == 200
    assert not signed_in(b)
    assert WebSession.select().count() == 0  # the refused session was deleted on sight


def test_deactivation_ends_the_sessions_for_good(site):
    b = browser(site)
    b.login("alice", "alice-pw-1")
    deactivate_user(site.alice)
    assert WebSession.select().count() == 0
    site.alice.is_active = True
    site.alice.save()
    assert not signed_in(b)


def test_an_expired_session_is_refused_and_deleted(site):
    set_setting("privacy", "members")
    b = browser(site)
    b.login("alice", "alice-pw-1")
    WebSession.update(expires=utcnow() - dt.timedelta(seconds=1)).execute()
    assert b.get("/api/taps", headers={"Accept": "application/json"})[0] == 401
    assert WebSession.select().count() == 0
    assert b.get("/taps")[0] == 303


def test_anonymous_visitors_write_no_session_rows(site):
    b = browser(site)
    for path in ("/", "/taps", "/taps/state", "/account/login"):
        b.get(path)
    b.login("alice", "wrong")
    assert "kegdash_session" in b.cookies
    assert WebSession.select().count() == 0


def test_the_database_holds_no_session_id(site, database):
    b = browser(site)
    b.login("alice", "alice-pw-1")
    cookie = cookie_of(b)
    row = WebSession.get()
    assert all(cookie not in str(value) for value in row.__data__.values())
    assert row.key_hash == hashlib.sha256(cookie.encode()).hexdigest()
    path = database.removeprefix("sqlite:///")
    for name in (path, path + "-wal"):
        if os.path.exists(name):
            with open(name, "rb") as f:
                assert cookie.encode() not in f.read()


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example",
                                    "javascript:alert(1)", "/ok\r\nSet-Cookie: x=1"])
def test_login_never_redirects_off_site(site, target):
    status, headers, _ = browser(site).login("alice", "alice-pw-1", target)
    assert status == 303 and headers["location"] == "/"


# --- throttling -----------------------------------------------------------------------------

def test_login_is_throttled_per_user_name(site):
    b = browser(site)
    for _ in range(throttle.MAX_PER_NAME):
        assert b.login("alice", "wrong")[0] == 401
    status, headers, page = b.login("alice", "alice-pw-1")
    assert status == 429 and int(headers["retry-after"]) > 0 and "Too many failed attempts" in page
    assert b.login("bob", "bob-pw-1")[0] == 303  # another name from the same address still works


def test_login_is_throttled_per_address(site):
    b = browser(site)
    for i in range(throttle.MAX_PER_ADDRESS):
        assert b.login(f"guess{i}", "wrong")[0] == 401
    assert b.login("bob", "bob-pw-1")[0] == 429


# --- the authorize flow (seed 002, "Using a preconfigured redirect URI") --------------------

def test_authorize_asks_for_login_then_consent_then_redirects_with_the_token(site, http):
    b = browser(site)
    path = authorize_path(site)
    status, headers, _ = b.get(path)
    assert status == 303
    login = urllib.parse.urlsplit(headers["location"])
    assert login.path == "/account/login"
    next_path = urllib.parse.parse_qs(login.query)["next"][0]
    status, headers, _ = b.login("alice", "alice-pw-1", next_path)
    assert status == 303
    status, _, page = b.get(headers["location"])
    assert status == 200
    assert "Brew Log &lt;b&gt;" in page and "<b>" not in page.split("<main>")[1]
    assert "Create and change your public recipes and brews" in page
    assert "Change your public profile" in page and "Delete your account" not in page
    assert "http://app.example" in page
    status, headers, _ = b.post("/account/authorize", {**consent_form(page), "decision": "approve"})
    assert status == 303
    token = TOKEN_RE.match(headers["location"]).group(1)
    auth = Authorization.get(Authorization.token == token)
    assert auth.scopes == ["user", "recipe"] and auth.user_id == site.alice.id
    status, _, body = http.request("GET", "/v1/recipes", headers={"Authorization": f"Bearer {token}"})
    assert status == 200 and body.startswith(b"[")


def test_approving_again_reuses_the_token_with_the_new_scopes(site):
    b = browser(site)
    b.login("alice", "alice-pw-1")
    tokens = []
    for scope in ("user,recipe", "recipe"):
        page = b.get(authorize_path(site, scope=scope))[2]
        headers = b.post("/account/authorize", {**consent_form(page), "decision": "approve"})[1]
        tokens.append(TOKEN_RE.match(headers["location"]).group(1))
    assert tokens[0] == tokens[1]
    assert Authorization.get(Authorization.token == tokens[0]).scopes == ["recipe"]


def test_denial_redirects_with_an_error_and_no_token(site):
    b = browser(site)
    b.login("alice", "alice-pw-1")
    page = b.get(authorize_path(site, state="xyz 1"))[2]
    status, headers, _ = b.post("/account/authorize", {**consent_form(page), "decision": "deny"})
    assert status == 303 and headers["location"] == CALLBACK + "#error:access_denied&state=xyz%201"
    assert Authorization.select().count() == 0


def test_state_comes_back_after_the_token(site):
    b = browser(site)
    b.login("alice", "alice-pw-1")
    page = b.get(authorize_path(site, state="abc"))[2]
    location = b.post("/account/authorize", {**consent_form(page), "decision": "approve"})[1]["location"]
    assert re.match(r"^http://app\.example/auth/callback#access_token:[0-9a-f]{40}&state=abc$", location)


@pytest.mark.parametrize("override, status, words", [
    ({"redirect_uri": "http://evil.example/steal"}, 400, "Redirect not allowed"),
    ({"redirect_uri": CALLBACK + "/../x"}, 400, "Redirect not allowed"),
    ({"client_id": "0" * 24}, 404, "Cannot find client"),
    ({"type": "code"}, 400, "Invalid type"),
    ({"scope": "user,root"}, 400, "Unknown scope root"),
])
def test_bad_authorize_requests_are_refused_on_the_page(site, override, status, words):
    b = browser(site)
    b.login("alice", "alice-pw-1")
    got, headers, page = b.get(authorize_path(site, **override))
    assert got == status and "location" not in headers and words in page
    assert "<a href=\"http://evil" not in page  # named as text, never offered as a link


def test_a_forged_approval_for_another_redirect_is_refused(site):
    b = browser(site)
    b.login("alice", "alice-pw-1")
    page = b.get(authorize_path(site))[2]
    form = {**consent_form(page), "decision": "approve", "redirect_uri": "http://evil.example/"}
    status, headers, _ = b.post("/account/authorize", form)
    assert status == 400 and "location" not in headers
    assert Authorization.select().count() == 0


def test_approval_without_csrf_is_refused(site):
    b = browser(site)
    b.login("alice", "alice-pw-1")
    page = b.get(authorize_path(site))[2]
    form = {**consent_form(page), "decision": "approve"}
    del form["csrf"]
    status, headers, _ = b.post("/account/authorize", form)
    assert status == 403 and "location" not in headers
    assert Authorization.select().count() == 0


def test_a_client_without_a_registered_redirect_uri_cannot_use_the_flow(site):
    bare, _ = create_client("No redirect")
    scripted, _ = create_client("Scripted", redirect_uri="javascript:alert(1)")
    b = browser(site)
    b.login("alice", "alice-pw-1")
    for client in (bare, scripted):
        status, headers, page = b.get(authorize_path(site, client_id=client.public_id,
                                                     redirect_uri=client.redirect_uri))
        assert status == 400 and "location" not in headers and "redirect URI" in page


def test_trusted_clients_skip_the_consent_page(site):
    site.client.trusted = True
    site.client.save()
    b = browser(site)
    b.login("alice", "alice-pw-1")
    status, headers, _ = b.get(authorize_path(site))
    assert status == 303 and TOKEN_RE.match(headers["location"])


# --- logged-in reads of the Kegbot API in members mode (seed 000) ---------------------------

def test_members_mode_lets_a_logged_in_browser_read(site):
    set_setting("privacy", "members")
    b = browser(site)
    assert b.get("/api/taps", headers={"Accept": "application/json"})[0] == 401
    b.login("alice", "alice-pw-1")
    status, _, body = b.get("/api/taps", headers={"Accept": "application/json"})
    assert status == 200 and "Pale Ale" in body
    assert b.get("/api/kegs")[0] == 200
    status, _, body = b.post("/api/taps/1", {"ticks": "100"})
    assert status == 401 and "NoAuthTokenError" in body
    b.cookies["kegdash_session"] = "x" + b.cookies["kegdash_session"]
    assert b.get("/api/taps")[0] == 401


def test_a_session_is_no_key_in_public_or_staff_mode(site):
    b = browser(site)
    b.login("alice", "alice-pw-1")
    assert b.post("/api/taps/1", {"ticks": "100"})[0] == 401
    set_setting("privacy", "staff")
    assert b.get("/api/taps")[0] == 401


def test_members_mode_tap_list_needs_a_login(site):
    set_setting("privacy", "members")
    b = browser(site)
    status, headers, _ = b.get("/taps")
    assert status == 303 and headers["location"].startswith("/account/login?next=")
    assert b.get("/taps/state")[0] == 401
    b.login("alice", "alice-pw-1")
    assert b.get("/taps")[0] == 200 and b.get("/taps/state")[0] == 200
    set_setting("privacy", "staff")
    assert b.get("/taps/state")[0] == 401


def test_the_csrf_key_made_on_first_use_is_the_stored_one(database):
    """Settings are cached for a second: the key just made must not be read back as unset."""
    session = web_session.Session(sid=secrets.token_urlsafe(32))
    first = web_session.csrf_token(session)
    site_settings._cache.clear()
    assert web_session.csrf_token(session) == first
    assert len(get_setting("web_session_secret")) == 64


# --- members are admitted members (issue 21) -------------------------------------------------

def register(http, name: str, password: str = "stranger-pw") -> int:
    """Self-registration through Tapline, as anyone on the network may try it."""
    status, _, _ = http.request("POST", "/v1/users", json.dumps(
        {"name": name, "email": f"{name}@example.com", "password": password}).encode(),
        {"Content-Type": "application/json"})
    return status


MEMBERS_READS = ["/api/drinks", "/api/taps", "/api/users/alice/drinks", "/api/kegs"]


def test_a_self_registered_account_is_no_member_until_the_operator_admits_it(site, http):
    """Before: in members mode anyone could register, log in and read every drink."""
    set_setting("privacy", "members")
    drinks.record_drink("kegboard.flow0", ticks=500, user=site.alice)
    assert register(http, "stranger") == 201  # registration is open for Tapline...
    b = browser(site)
    assert b.login("stranger", "stranger-pw", "/taps")[0] == 303  # ...and logging in works...
    for path in MEMBERS_READS:  # ...but it is nobody's member
        status, _, body = b.get(path, headers={"Accept": "application/json"})
        assert status == 401 and "NoAuthTokenError" in body, path
    assert b.get("/taps/state")[0] == 401
    status, headers, _ = b.get("/taps")
    assert status == 303 and headers["location"] == "/account/login?next=%2Ftaps"
    page = b.get(headers["location"])[2]
    assert "has not admitted this account" in page
    key = issue_api_key(get_user("stranger"))  # even a key the operator issued
    assert http.request("GET", "/api/drinks", headers={"X-Kegbot-Api-Key": key})[0] == 403

    admission.admit("stranger")
    for path in MEMBERS_READS:
        assert b.get(path, headers={"Accept": "application/json"})[0] == 200, path
    assert b.get("/taps/state")[0] == 200 and b.get("/taps")[0] == 200
    assert http.request("GET", "/api/drinks", headers={"X-Kegbot-Api-Key": key})[0] == 200


def test_a_refused_account_cannot_even_log_in(site, http):
    assert register(http, "stranger") == 201
    b = browser(site)
    b.login("stranger", "stranger-pw")
    assert signed_in(b)
    admission.refuse("stranger")
    assert not signed_in(b)
    assert b.login("stranger", "stranger-pw")[0] == 401


@pytest.mark.parametrize("privacy, policy, expected", [
    ("public", None, 201), ("members", None, 201), ("staff", None, 403),
    ("members", "closed", 403), ("staff", "approval", 201),
])
def test_registration_follows_the_policy_or_the_privacy_modes_default(site, http, privacy,
                                                                       policy, expected):
    set_setting("privacy", privacy)
    set_setting("registration", policy)
    assert register(http, "newcomer") == expected


def test_open_registration_makes_members_at_once(site, http):
    set_setting("privacy", "members")
    set_setting("registration", "open")
    assert register(http, "regular") == 201
    b = browser(site)
    b.login("regular", "stranger-pw")
    assert b.get("/api/drinks", headers={"Accept": "application/json"})[0] == 200


# --- one throttle for the web login and Tapline's Basic ---------------------------------------

def basic_list(http, site, name: str, password: str) -> int:
    """``GET /v1/authorizations`` with HTTP Basic and the client's real id and secret."""
    query = urllib.parse.urlencode({"clientId": site.client.public_id,
                                    "clientSecret": site.client_secret})
    credentials = base64.b64encode(f"{name}:{password}".encode()).decode()
    return http.request("GET", f"/v1/authorizations?{query}",
                        headers={"Authorization": f"Basic {credentials}"})[0]


def test_tapline_basic_guesses_lock_the_web_login_and_back(site, http):
    """Before: 30 wrong guesses through Tapline went unthrottled while the login was locked."""
    for _ in range(throttle.MAX_PER_NAME):
        assert basic_list(http, site, "alice", "guess") == 401
    assert basic_list(http, site, "alice", "alice-pw-1") == 429
    assert browser(site).login("alice", "alice-pw-1")[0] == 429

    b = browser(site)
    for _ in range(throttle.MAX_PER_NAME):
        assert b.login("bob", "guess")[0] == 401
    assert basic_list(http, site, "bob", "bob-pw-1") == 429


# --- redirects stay on the site ---------------------------------------------------------------

@pytest.mark.parametrize("forged", [
    {"X-Forwarded-Host": "evil.example"}, {"Host": "evil.example"},
    {"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"},
])
def test_no_redirect_to_the_site_leaves_it_whatever_the_host_headers_say(site, forged):
    """Before: a login with ``X-Forwarded-Host: evil.example`` answered
    ``Location: http://evil.example/taps`` (Bottle's redirect() builds absolute URLs)."""
    set_setting("privacy", "members")
    b = browser(site)
    locations = [b.get("/taps", headers=forged)[1]["location"],
                 b.get(authorize_path(site), headers=forged)[1]["location"]]
    token = b.csrf()
    locations.append(b.post("/account/login", {"csrf": token, "username": "alice",
                                               "password": "alice-pw-1", "next": "/taps"},
                            headers=forged)[1]["location"])
    token = CSRF_RE.search(b.get("/taps")[2]).group(1)
    locations.append(b.post("/account/logout", {"csrf": token, "next": "/"},
                            headers=forged)[1]["location"])
    assert locations[2:] == ["/taps", "/"]
    for location in locations:
        assert location.startswith("/") and not location.startswith("//"), location
        assert "evil" not in location
