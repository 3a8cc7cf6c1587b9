"""Tapline's authorization-code grant (``type=web_server``, the seed's "using a client secret"),
with PKCE (RFC 7636, S256 only), so an application with a back end never carries a token in a
URL.

The authorize page issues a code: 256 random bits, stored only as its SHA-256, valid for
``CODE_LIFETIME``, bound to the client, the user, the scopes, the registered redirect URI and,
if the client sent one, a PKCE challenge. The client's back end exchanges it once for the
user's bearer token, proving itself with its client secret, with the PKCE verifier, or both:

* a code issued with a challenge needs the verifier whose SHA-256 it is, whatever else is sent;
* a code issued without one needs the client secret, and a verifier sent for it is refused
  (a client that used PKCE must not be talked out of it);
* an expired, unknown or another client's code is refused; a redirect URI sent with the
  exchange must be the one the code was issued for.

A code is used by the first exchange that passes every check. Presenting it again, with every
check passed again, is a replay: it is refused and the authorization it granted is revoked, as
RFC 6749 §4.1.2 recommends, since the code must have leaked. The authorization is the user's
token for the client (``authorizations.grant``: an earlier one is reused with its scopes
replaced, as Tapline's grant exchange did). Refusals are ``GrantError`` carrying OAuth 2.0's
error code (RFC 6749 §5.2). Client secrets go through the one password throttle.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Sequence

from kegdash.accounts import views
from kegdash.accounts.authorizations import ClientError, check_client, grant
from kegdash.accounts.models import Authorization, CodeGrant, User
from kegdash.accounts.passwords import fingerprint
from kegdash.accounts.views import AuthorizationView, ClientView, Principal
from kegdash.db import database, utcnow

CODE_LIFETIME = dt.timedelta(seconds=60)
"""Long enough for a browser's redirect and the back end's exchange, short enough that a code
found later in a log or a history is worthless."""
PURGE_BATCH = 100
"""Expired codes deleted per new code at most, so issuing one never waits on a clean-up."""
S256 = "S256"
PKCE_RE = re.compile(r"[A-Za-z0-9._~-]{43,128}")
"""RFC 7636 §4.1: a verifier is 43-128 unreserved characters; an S256 challenge is 43 of them."""


class GrantError(Exception):
    """An exchange refused: ``error`` is OAuth 2.0's code (``invalid_grant``, ``invalid_client``,
    ``invalid_request``), the message says what was wrong."""

    def __init__(self, error: str, description: str) -> None:
        super().__init__(description)
        self.error, self.description = error, description


def checked_challenge(challenge: str, method: str) -> str:
    """The PKCE challenge of an authorization request ("" if it sent none); ValueError naming
    the fault otherwise. Only S256 is taken: ``plain`` would put the verifier in the URL."""
    if not challenge and not method:
        return ""
    if method != S256:
        raise ValueError("code_challenge_method must be S256 (plain is not accepted).")
    if not PKCE_RE.fullmatch(challenge):
        raise ValueError("code_challenge must be the 43-character base64url SHA-256 of the "
                         "code verifier.")
    return challenge


def s256(verifier: str) -> str:
    """The S256 challenge of a verifier: base64url of its SHA-256, without padding."""
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def issue_code(user: Principal, client: ClientView, scopes: Sequence[str], redirect_uri: str,
               challenge: str = "") -> str:
    """A new one-time code for what ``user`` just allowed ``client``; only its digest is kept."""
    code, now = secrets.token_urlsafe(32), utcnow()
    with database.atomic():
        purge_expired()
        CodeGrant.create(code_hash=fingerprint(code), client=client.id, user=user.id,
                         scopes_json=json.dumps(list(scopes)), redirect_uri=redirect_uri,
                         challenge=challenge, created=now, expires=now + CODE_LIFETIME)
    return code


def _client(client_id: str, client_secret: str | None, address: str) -> ClientView:
    if client_secret is None:
        client = views.client(client_id)
        if client is None:
            raise GrantError("invalid_client", "Client not found")
        return client
    try:
        return check_client(client_id, client_secret, address=address)
    except ClientError as exc:
        raise GrantError("invalid_client", str(exc)) from None


def _proof(row: CodeGrant, client_secret: str | None, verifier: str | None) -> None:
    """The client proved itself as this code asks (the secret was checked with the client)."""
    if row.challenge:
        if verifier is None:
            raise GrantError("invalid_grant", "code_verifier is required: the code was issued "
                                              "with a code_challenge")
        if not PKCE_RE.fullmatch(verifier) or not hmac.compare_digest(
                s256(verifier).encode(), row.challenge.encode()):
            raise GrantError("invalid_grant", "code_verifier does not match the code_challenge")
    elif verifier is not None:
        raise GrantError("invalid_grant", "code_verifier sent for a code issued without a "
                                          "code_challenge")
    elif client_secret is None:
        raise GrantError("invalid_client", "client_secret is required: the code was issued "
                                           "without a code_challenge")


def redeem_code(code: str, *, client_id: str, client_secret: str | None = None,
                verifier: str | None = None, redirect_uri: str | None = None,
                address: str) -> AuthorizationView:
    """The authorization a code grants, once; GrantError (or TooManyAttempts for a client
    secret while ``address`` is throttled) otherwise."""
    client = _client(client_id, client_secret, address)
    row = (CodeGrant.select(CodeGrant, User).join(User)
           .where(CodeGrant.code_hash == fingerprint(code)).first())
    if row is None or row.client_id != client.id:
        raise GrantError("invalid_grant", "The code is unknown or was not issued to this client")
    if utcnow() >= row.expires:
        raise GrantError("invalid_grant", "The code has expired")
    if redirect_uri is not None and redirect_uri != row.redirect_uri:
        raise GrantError("invalid_grant", "redirect_uri is not the one the code was issued for")
    _proof(row, client_secret, verifier)
    user = views.principal(row.user)
    if not user.is_active:
        raise GrantError("invalid_grant", "The account is no longer active")
    with database.atomic():
        first = CodeGrant.update(used=utcnow()).where(
            (CodeGrant.id == row.id) & CodeGrant.used.is_null()).execute()
        if first:
            auth = grant(user, client, json.loads(row.scopes_json))
            granted = Authorization.select(Authorization.id).where(
                Authorization.public_id == auth.public_id)
            CodeGrant.update(authorization=granted).where(CodeGrant.id == row.id).execute()
            return auth
        revoked = CodeGrant.select(CodeGrant.authorization).where(CodeGrant.id == row.id)
        Authorization.delete().where(Authorization.id.in_(revoked)).execute()
    raise GrantError("invalid_grant", "The code was already used; the token it granted is "
                                      "revoked")


def purge_expired(limit: int = PURGE_BATCH) -> int:
    """Delete up to ``limit`` expired codes (by the ``expires`` index); how many went."""
    expired = (CodeGrant.select(CodeGrant.id).where(CodeGrant.expires <= utcnow())
               .limit(limit))
    return CodeGrant.delete().where(CodeGrant.id.in_(expired)).execute()
