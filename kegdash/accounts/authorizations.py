"""Tapline authorizations: bearer tokens a user grants a client application, with scopes.

Tokens are 40 random hex characters (``secrets``). They are stored readable because Tapline
returns them from ``GET /v1/authorizations`` (``decisions.md``), so a lookup never compares the
whole token in SQL: the first 8 characters select candidate rows through the unique index and
the full token is compared with ``hmac.compare_digest``. Deleting an authorization deletes its
row, so its token stops working with the next request.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Sequence

from kegdash.accounts.models import Authorization, ClientApp, User
from kegdash.accounts.passwords import hash_password, new_secret, verify_password
from kegdash.db import database

SCOPES = ("user", "user:delete", "user:email", "recipe", "recipe:delete", "private")
"""The seed's scope table, the only scopes a token can carry."""

MAX_SCOPES = 50
_TOKEN_RE = re.compile(r"^[0-9a-f]{40}$")
_SELECTOR = 8
_DUMMY_HASH = hash_password("kegdash-client-timing-equaliser")


class ClientError(PermissionError):
    """The client id or secret is wrong (``Client not found`` / ``Invalid client secret``)."""


class AuthorizationNotFound(LookupError):
    """No authorization with that id belongs to the caller."""


class ScopeError(ValueError):
    """A scope list is unusable; the message names the property."""


def check_client(client_id: str, client_secret: str) -> ClientApp:
    """The client application whose id and secret match, else ClientError.

    The secret is verified against its scrypt hash even for an unknown client id, so the two
    failures take the same time.
    """
    client = ClientApp.get_or_none(ClientApp.public_id == client_id) if client_id else None
    ok = verify_password(client_secret, client.secret_hash if client is not None else _DUMMY_HASH)
    if client is None:
        raise ClientError("Client not found")
    if not ok:
        raise ClientError("Invalid client secret")
    return client


def _checked(scopes: Sequence[str], name: str) -> list[str]:
    out: list[str] = []
    for i, scope in enumerate(scopes):
        if scope not in SCOPES:
            raise ScopeError(f"Error: JSON object property '{name}.[{i}]' is not in enum")
        if scope not in out:
            out.append(scope)
    return out


def create_authorization(user: User, client: ClientApp, scopes: Sequence[str]) -> Authorization:
    """A new authorization (always new, as in Tapline) with a fresh random token."""
    wanted = _checked(scopes, "scopes")
    auth = Authorization(user=user, client=client, token=new_secret(20))
    auth.scopes = wanted
    auth.save(force_insert=True)
    return auth


def list_authorizations(user: User, client: ClientApp) -> list[Authorization]:
    """The user's authorizations for this client, oldest first."""
    return list(Authorization.select(Authorization, ClientApp)
                .join(ClientApp)
                .where((Authorization.user == user.id) & (Authorization.client == client.id))
                .order_by(Authorization.created, Authorization.id))


def get_authorization(user: User, public_id: str) -> Authorization:
    """One of the user's authorizations by id (any client, as Tapline matched), else not found."""
    auth = (Authorization.select(Authorization, ClientApp).join(ClientApp)
            .where((Authorization.public_id == public_id) & (Authorization.user == user.id))
            .first())
    if auth is None:
        raise AuthorizationNotFound("Authorization not found")
    return auth


def update_scopes(auth: Authorization, *, scopes: Sequence[str] | None = None,
                  add: Sequence[str] | None = None,
                  remove: Sequence[str] | None = None) -> Authorization:
    """Replace, extend or shrink the scope list (exactly one), keeping the order given."""
    given = [value is not None for value in (scopes, add, remove)]
    if not any(given):
        raise ScopeError("Must supply at least one of scopes, addScopes or removeScopes")
    if sum(given) > 1:
        raise ScopeError("Only one of scopes, addScopes or removeScopes can be given")
    if scopes is not None:
        new = _checked(scopes, "scopes")
    elif add is not None:
        new = auth.scopes + [s for s in _checked(add, "addScopes") if s not in auth.scopes]
    else:
        gone = set(remove or ())
        new = [s for s in auth.scopes if s not in gone]
    auth.scopes = new[:MAX_SCOPES]
    auth.save(only=[Authorization.scopes_json])
    return auth


def delete_authorization(auth: Authorization) -> None:
    """Revoke at once: the row goes, so the next request with the token is refused."""
    with database.atomic():
        auth.delete_instance()


def authorization_for_token(token: str) -> Authorization | None:
    """The authorization (with its user) holding ``token``, compared in constant time; else None."""
    if not isinstance(token, str) or not _TOKEN_RE.match(token):
        return None
    selector = token[:_SELECTOR]
    candidates = (Authorization.select(Authorization, User).join(User)
                  .where((Authorization.token >= selector)
                         & (Authorization.token < selector + "~")))
    found = None
    for auth in candidates:
        if hmac.compare_digest(auth.token.encode("ascii"), token.encode("ascii")):
            found = auth
    if found is None or not found.user.is_active:
        return None
    return found


def has_scope(auth: Authorization, scope: str) -> bool:
    """True if the authorization carries ``scope``."""
    return scope in auth.scopes
