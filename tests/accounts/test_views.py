"""The accounts' read side: who is acting, found by name, password, key, token or session, and
the Settings page's rows. Nothing here may hand out a model row or a secret."""

import dataclasses

import pytest

from kegdash.accounts import authorizations as grants
from kegdash.accounts import views, web_sessions
from kegdash.accounts.keys import create_client, issue_api_key
from kegdash.accounts.users import create_user, deactivate_user

ADDRESS = "192.0.2.1"


@pytest.fixture
def anna(database):
    return create_user("anna", email="Anna@Example.com", password="pw", is_staff=True)


def test_principal_lookups_agree_and_carry_no_secret(anna):
    key = issue_api_key(anna)
    session = web_sessions.open_session(views.principal(anna))
    expected = views.Principal(id=anna.id, public_id=anna.public_id, username="anna",
                               is_active=True, is_staff=True, is_superuser=False, admitted=True)
    found = [views.by_username("anna"), views.by_api_key(key),
             views.authenticate("anna", "pw", address=ADDRESS), views.by_session(session)]
    assert found == [expected] * 4 and expected.is_privileged and expected.is_member
    assert {f.name for f in dataclasses.fields(views.Principal)} == {
        "id", "public_id", "username", "is_active", "is_staff", "is_superuser", "admitted"}
    assert views.by_username("Anna") is None and views.by_api_key(key[:-1] + "x") is None
    assert views.authenticate("anna", "wrong", address=ADDRESS) is None
    assert views.by_session("x" * 43) is None


def test_an_inactive_account_is_found_by_name_and_key_but_cannot_act(anna):
    key = issue_api_key(anna)
    deactivate_user(anna)
    assert not views.by_username("anna").is_active and not views.by_api_key(key).is_active
    assert views.authenticate("anna", "pw", address=ADDRESS) is None


def test_a_token_is_found_only_exactly_and_only_for_an_active_user(anna):
    client, _ = create_client("App")
    auth = grants.create_authorization(views.principal(anna), views.client_view(client),
                                       ["user", "recipe"])
    found = views.by_token(auth.token)
    assert found == auth and found.user.username == "anna" and found.client_id == client.public_id
    for wrong in (auth.token[:39] + "x", auth.token[:8] + "0" * 32, auth.token.upper(), "", None):
        assert views.by_token(wrong) is None
    anna.is_active = False
    anna.save()
    assert views.by_token(auth.token) is None


def test_client_lookup_for_the_authorize_page(database):
    client, _ = create_client("Brew App", redirect_uri="https://app.example/cb", description="Logs")
    found = views.client(client.public_id)
    assert (found.name, found.description, found.redirect_uri, found.trusted) == (
        "Brew App", "Logs", "https://app.example/cb", False)
    assert not hasattr(found, "secret_hash")
    assert views.client("0" * 24) is None and views.client("") is None


def test_email_address_is_read_only_on_request(anna):
    assert views.email_address(views.principal(anna)) == "anna@example.com"


def test_active_usernames_are_sorted_and_leave_out_deactivated_accounts(anna):
    create_user("zed")
    deactivate_user(create_user("bob"))
    create_user("carl")
    assert views.active_usernames() == ["anna", "carl", "zed"]


def test_api_key_rows_list_live_keys_first_newest_first(anna):
    bob = create_user("bob")
    first = issue_api_key(anna)
    second = issue_api_key(bob)
    third = issue_api_key(anna)  # revokes ``first``
    rows = views.api_key_rows()
    assert [(r.username, r.prefix) for r in rows] == [("anna", third[:8]), ("bob", second[:8]),
                                                      ("anna", first[:8])]
    assert [r.revoked is None for r in rows] == [True, True, False]
