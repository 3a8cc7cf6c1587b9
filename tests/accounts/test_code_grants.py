"""One-time codes without HTTP (the whole flow through a server is in
tests/server/test_web_token.py): PKCE's S256, what a code is bound to, and their clean-up."""

import datetime as dt

import pytest

from kegdash.accounts import code_grants
from kegdash.accounts.code_grants import GrantError, checked_challenge, issue_code, redeem_code
from kegdash.accounts.keys import create_client
from kegdash.accounts.models import CodeGrant
from kegdash.accounts.users import create_user, deactivate_user
from kegdash.accounts.views import client_view, principal
from kegdash.db import utcnow

VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
"""RFC 7636, appendix B."""


@pytest.fixture
def setup(database):
    client, secret = create_client("App", redirect_uri="https://app.example/cb")
    return create_user("anna"), client_view(client), secret


def test_s256_is_rfc_7636s():
    assert code_grants.s256(VERIFIER) == CHALLENGE
    assert checked_challenge(CHALLENGE, "S256") == CHALLENGE and checked_challenge("", "") == ""
    for challenge, method in ((CHALLENGE, "plain"), (CHALLENGE, ""), ("", "S256"),
                              (CHALLENGE[:-1] + "+", "S256")):
        with pytest.raises(ValueError):
            checked_challenge(challenge, method)


def test_a_code_of_a_deactivated_account_grants_nothing(setup):
    user, client, _ = setup
    code = issue_code(principal(user), client, ["user"], client.redirect_uri, CHALLENGE)
    deactivate_user(user)
    with pytest.raises(GrantError, match="no longer active"):
        redeem_code(code, client_id=client.public_id, verifier=VERIFIER, address="192.0.2.1")


def test_expired_codes_are_purged_as_new_ones_are_issued(setup, monkeypatch):
    user, client, _ = setup
    now = [utcnow()]
    monkeypatch.setattr(code_grants, "utcnow", lambda: now[0])
    old = issue_code(principal(user), client, [], client.redirect_uri)
    now[0] += code_grants.CODE_LIFETIME
    with pytest.raises(GrantError, match="expired"):
        redeem_code(old, client_id=client.public_id, client_secret=setup[2], address="192.0.2.1")
    issue_code(principal(user), client, [], client.redirect_uri)
    assert CodeGrant.select().count() == 1
    now[0] += dt.timedelta(days=1)
    assert code_grants.purge_expired() == 1
