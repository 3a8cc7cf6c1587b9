"""Tapline's registration and HTTP Basic against hostile clients, through real HTTP: a password
is checked only once the request's shape is known good, and nobody can register or take the
site's own names or a look-alike of a taken one."""

from __future__ import annotations

import base64
import json

import pytest

from kegdash.accounts.keys import create_client
from kegdash.accounts.models import User
from kegdash.accounts.users import create_user
from kegdash.site_settings import set_setting


@pytest.fixture
def site(http):
    create_user("brewer", password="brewer-pw")
    client, secret = create_client("App")
    return type("Site", (), {"http": http, "client_id": client.public_id, "secret": secret})()


def call(site, method: str, path: str, body: object = None,
         basic: tuple[str, str] | None = None) -> tuple[int, str]:
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if basic is not None:
        headers["Authorization"] = "Basic " + base64.b64encode(":".join(basic).encode()).decode()
    data = json.dumps(body).encode() if body is not None else None
    status, _, payload = site.http.request(method, path, data, headers)
    return status, payload.decode()


def register(site, name: str) -> tuple[int, str]:
    return call(site, "POST", "/v1/users", {"name": name, "email": "x@example.com",
                                            "password": "pw-123456"})


def malformed(site) -> list[tuple[str, str, object]]:
    """Requests for /v1/authorizations that are wrong whatever the password."""
    real = {"clientId": site.client_id, "clientSecret": site.secret}
    return [
        ("GET", "/v1/authorizations", None),
        ("GET", f"/v1/authorizations?clientId={site.client_id}", None),
        ("POST", "/v1/authorizations", {"clientId": site.client_id}),
        ("POST", "/v1/authorizations", {**real, "scopes": ["root"]}),
        ("PUT", "/v1/authorizations/x", real),
        ("PUT", "/v1/authorizations/x", {**real, "scopes": [], "addScopes": []}),
        ("DELETE", "/v1/authorizations/x", {"clientSecret": site.secret}),
        ("POST", "/v1/authorizations", {"clientId": "f" * 24, "clientSecret": "x", "scopes": []}),
        ("POST", "/v1/authorizations", {**real, "clientSecret": "wrong", "scopes": []}),
    ]


def test_a_malformed_request_answers_alike_for_a_right_and_a_wrong_password(site):
    """Before: a right password met ``400 clientId is required`` where a wrong one met 401."""
    for method, path, body in malformed(site):
        right = call(site, method, path, body, basic=("brewer", "brewer-pw"))
        wrong = call(site, method, path, body, basic=("brewer", "guess"))
        assert right == wrong and right[0] in (400, 401), (method, path, body, right, wrong)
        assert right[1] != "Unauthorized"  # the request's fault is named, not the password's


def test_a_well_formed_request_then_checks_the_password(site):
    body = {"clientId": site.client_id, "clientSecret": site.secret, "scopes": []}
    assert call(site, "POST", "/v1/authorizations", body, basic=("brewer", "guess"))[0] == 401
    assert call(site, "POST", "/v1/authorizations", body, basic=("brewer", "brewer-pw"))[0] == 201


@pytest.mark.parametrize("name", ["admin", "guest", "operator", "root", "bar-boss"])
def test_the_sites_own_names_cannot_be_registered(site, name):
    """Before: on a database without the operator account anyone could register ``admin``, and
    the gateway and the window would then act as that stranger."""
    set_setting("operator", "bar-boss")
    status, text = register(site, name)
    assert status == 400 and "reserved" in text
    assert not User.select().where(User.username == name).exists()


def test_look_alikes_of_taken_names_cannot_be_registered(site):
    create_user("Hopper")  # the operator may make names with capitals (kegdash admin)
    for name in ("hopper", "brewer\n"):
        status, _ = register(site, name)
        assert status == 400, name
    assert User.select().count() == 2


def test_the_operator_may_still_create_the_operator_account(site):
    create_user("admin", is_superuser=True)
    status, text = register(site, "admin")
    assert status == 400 and "reserved" in text


def test_a_rename_cannot_take_a_reserved_name_or_a_look_alike(site):
    status, body = register(site, "newbie")
    assert status == 201
    token_body = {"clientId": site.client_id, "clientSecret": site.secret, "scopes": ["user"]}
    token = json.loads(call(site, "POST", "/v1/authorizations", token_body,
                            basic=("newbie", "pw-123456"))[1])["token"]
    create_user("Ferment")
    user_id = json.loads(body)["id"]
    for name, words in (("admin", "reserved"), ("ferment", "taken"), ("brewer", "taken")):
        status, _, text = site.http.request(
            "PUT", f"/v1/users/{user_id}", json.dumps({"name": name}).encode(),
            {"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
        assert status == 400 and words in text.decode(), name
    assert User.get(User.public_id == user_id).username == "newbie"
