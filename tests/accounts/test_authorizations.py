"""Authorizations: client checks, tokens, scope edits and revocation."""

import re

import pytest

from kegdash.accounts import authorizations as grants
from kegdash.accounts.keys import create_client
from kegdash.accounts.users import create_user


@pytest.fixture
def setup(database):
    client, secret = create_client("App")
    return create_user("anna", password="pw"), client, secret


def test_check_client(setup):
    _, client, secret = setup
    assert grants.check_client(client.public_id, secret).id == client.id
    with pytest.raises(grants.ClientError, match="Invalid client secret"):
        grants.check_client(client.public_id, "wrong")
    with pytest.raises(grants.ClientError, match="Client not found"):
        grants.check_client("0" * 24, secret)


def test_token_is_random_hex_and_found_only_exactly(setup):
    user, client, _ = setup
    auth = grants.create_authorization(user, client, ["user", "recipe", "user"])
    other = grants.create_authorization(user, client, [])
    assert re.fullmatch(r"[0-9a-f]{40}", auth.token) and auth.token != other.token
    assert auth.scopes == ["user", "recipe"]
    assert grants.authorization_for_token(auth.token).id == auth.id
    assert grants.authorization_for_token(auth.token[:39] + "x") is None
    assert grants.authorization_for_token(auth.token[:8] + "0" * 32) is None
    assert grants.authorization_for_token(auth.token.upper()) is None
    assert grants.authorization_for_token("") is None


def test_scope_edits_keep_order_and_refuse_unknown(setup):
    user, client, _ = setup
    auth = grants.create_authorization(user, client, [])
    assert grants.update_scopes(auth, scopes=["user"]).scopes == ["user"]
    assert grants.update_scopes(auth, add=["recipe", "private"]).scopes == ["user", "recipe",
                                                                           "private"]
    assert grants.update_scopes(auth, remove=["recipe", "private"]).scopes == ["user"]
    with pytest.raises(grants.ScopeError, match="addScopes"):
        grants.update_scopes(auth, add=["admin"])
    with pytest.raises(grants.ScopeError, match="at least one"):
        grants.update_scopes(auth)
    with pytest.raises(grants.ScopeError, match="Only one"):
        grants.update_scopes(auth, scopes=[], add=[])


def test_delete_revokes_at_once_and_lookup_is_per_user(setup):
    user, client, _ = setup
    other = create_user("bob")
    auth = grants.create_authorization(user, client, ["user"])
    with pytest.raises(grants.AuthorizationNotFound):
        grants.get_authorization(other, auth.public_id)
    assert grants.list_authorizations(other, client) == []
    grants.delete_authorization(grants.get_authorization(user, auth.public_id))
    assert grants.authorization_for_token(auth.token) is None


def test_inactive_user_token_refused(setup):
    user, client, _ = setup
    auth = grants.create_authorization(user, client, ["user"])
    user.is_active = False
    user.save()
    assert grants.authorization_for_token(auth.token) is None
