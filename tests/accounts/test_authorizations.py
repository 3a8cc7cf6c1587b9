"""Authorizations: client checks, tokens, scope edits, revocation and the browser grant."""

import re

import pytest

from kegdash.accounts import authorizations as grants
from kegdash.accounts import throttle
from kegdash.accounts.keys import create_client
from kegdash.accounts.users import create_user
from kegdash.accounts.views import authenticate, by_token, client_view, principal


@pytest.fixture
def setup(database):
    client, secret = create_client("App")
    return principal(create_user("anna", password="pw")), client_view(client), secret


def test_check_client(setup):
    _, client, secret = setup
    assert grants.check_client(client.public_id, secret, address="10.0.0.1") == client
    with pytest.raises(grants.ClientError, match="Invalid client secret"):
        grants.check_client(client.public_id, "wrong", address="10.0.0.1")
    with pytest.raises(grants.ClientError, match="Client not found"):
        grants.check_client("0" * 24, secret, address="10.0.0.1")


def test_wrong_client_secrets_count_against_the_address_only(setup):
    """A client's secret is 160 random bits: failures lock the address that sends them, never
    the client, which anybody could otherwise shut out."""
    _, client, secret = setup
    for _ in range(throttle.MAX_PER_ADDRESS):
        with pytest.raises(grants.ClientError):
            grants.check_client(client.public_id, "wrong", address="10.0.0.1")
    with pytest.raises(throttle.TooManyAttempts):
        grants.check_client(client.public_id, secret, address="10.0.0.1")
    with pytest.raises(throttle.TooManyAttempts):  # the same address, a password this time
        authenticate("anna", "pw", address="10.0.0.1")
    assert grants.check_client(client.public_id, secret, address="10.0.0.2") == client


def test_token_is_random_hex_with_the_scopes_given_once(setup):
    user, client, _ = setup
    auth = grants.create_authorization(user, client, ["user", "recipe", "user"])
    other = grants.create_authorization(user, client, [])
    assert re.fullmatch(r"[0-9a-f]{40}", auth.token) and auth.token != other.token
    assert auth.scopes == ("user", "recipe")
    assert (auth.user, auth.client_id) == (user, client.public_id)
    assert grants.has_scope(auth, "recipe") and not grants.has_scope(other, "recipe")


def test_scope_edits_keep_order_and_refuse_unknown(setup):
    user, client, _ = setup
    auth = grants.create_authorization(user, client, [])

    def edit(**change):
        return grants.update_scopes(user, client, auth.public_id, **change).scopes

    assert edit(scopes=["user"]) == ("user",)
    assert edit(add=["recipe", "private"]) == ("user", "recipe", "private")
    assert edit(remove=["recipe", "private"]) == ("user",)
    with pytest.raises(grants.ScopeError, match="addScopes"):
        edit(add=["admin"])
    with pytest.raises(grants.ScopeError, match="at least one"):
        edit()
    with pytest.raises(grants.ScopeError, match="Only one"):
        edit(scopes=[], add=[])
    assert grants.get_authorization(user, client, auth.public_id).scopes == ("user",)


def test_delete_revokes_at_once_and_lookup_is_per_user_and_client(setup):
    user, client, _ = setup
    other = principal(create_user("bob"))
    elsewhere = client_view(create_client("Other app")[0])
    auth = grants.create_authorization(user, client, ["user"])
    with pytest.raises(grants.AuthorizationNotFound):
        grants.get_authorization(other, client, auth.public_id)
    with pytest.raises(grants.AuthorizationNotFound):
        grants.delete_authorization(user, elsewhere, auth.public_id)
    assert grants.list_authorizations(other, client) == []
    assert grants.list_authorizations(user, elsewhere) == []
    assert grants.list_authorizations(user, client) == [auth]
    grants.delete_authorization(user, client, auth.public_id)
    assert by_token(auth.token) is None


def test_the_browser_grant_reuses_the_latest_authorization(setup):
    user, client, _ = setup
    first = grants.grant(user, client, ["user"])
    again = grants.grant(user, client, ["recipe", "private"])
    assert (again.public_id, again.token) == (first.public_id, first.token)
    assert again.scopes == ("recipe", "private")
    assert grants.list_authorizations(user, client) == [again]
