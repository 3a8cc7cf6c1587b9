"""Tapline authorizations: bearer tokens a user grants a client application, with scopes.

Tokens are 40 random hex characters (``secrets``), stored readable because Tapline returns them
from ``GET /v1/authorizations`` (``decisions.md``); ``views.by_token`` finds one in constant
time. A client only ever sees and changes the authorizations made for itself. Deleting an
authorization deletes its row, so its token stops working with the next request.

The services take the acting user as a ``Principal`` and the client as the ``ClientView`` that
``check_client`` returned, and answer with ``AuthorizationView`` values.
"""

from __future__ import annotations

from collections.abc import Sequence

from kegdash.accounts.models import Authorization, ClientApp, User
from kegdash.accounts.passwords import hash_password, new_secret, verify_password
from kegdash.accounts.throttle import THROTTLE
from kegdash.accounts.views import (
    AuthorizationView,
    ClientView,
    Principal,
    authorization_view,
    client_view,
)
from kegdash.db import database

SCOPES = ("user", "user:delete", "user:email", "recipe", "recipe:delete", "private")
"""The seed's scope table, the only scopes a token can carry."""

MAX_SCOPES = 50
_DUMMY_HASH = hash_password("kegdash-client-timing-equaliser")


class ClientError(PermissionError):
    """The client id or secret is wrong (``Client not found`` / ``Invalid client secret``)."""


class AuthorizationNotFound(LookupError):
    """No authorization with that id belongs to the caller and their client."""


class ScopeError(ValueError):
    """A scope list is unusable; the message names the property."""


def check_client(client_id: str, client_secret: str, *, address: str) -> ClientView:
    """The client application whose id and secret match, else ClientError.

    The secret is verified against its scrypt hash even for an unknown client id, so the two
    failures take the same time. Failures count against the client ``address`` in the one
    password throttle (TooManyAttempts when it is locked); not against the client id, whose
    secret is 160 random bits: locking it would only let anyone shut an application out.
    """
    client = ClientApp.get_or_none(ClientApp.public_id == client_id) if client_id else None

    def attempt() -> ClientView | None:
        stored = client.secret_hash if client is not None else _DUMMY_HASH
        ok = verify_password(client_secret, stored)
        return client_view(client) if ok and client is not None else None

    checked = THROTTLE.check(address, None, attempt)
    if checked is None:
        raise ClientError("Client not found" if client is None else "Invalid client secret")
    return checked


def checked_scopes(scopes: Sequence[str], name: str) -> list[str]:
    """``scopes`` without repeats, if each is one of ``SCOPES``; else ScopeError naming the
    property (``name``) and the item at fault."""
    out: list[str] = []
    for i, scope in enumerate(scopes):
        if scope not in SCOPES:
            raise ScopeError(f"Error: JSON object property '{name}.[{i}]' is not in enum")
        if scope not in out:
            out.append(scope)
    return out


def has_scope(auth: AuthorizationView, scope: str) -> bool:
    """True if the authorization carries ``scope``."""
    return scope in auth.scopes


def create_authorization(user: Principal, client: ClientView,
                         scopes: Sequence[str]) -> AuthorizationView:
    """A new authorization (always new, as in Tapline) with a fresh random token."""
    wanted = checked_scopes(scopes, "scopes")
    auth = Authorization(user=user.id, client=client.id, token=new_secret(20))
    auth.scopes = wanted
    auth.save(force_insert=True)
    return authorization_view(auth)


def _rows(user: Principal, client: ClientView):
    return (Authorization.select(Authorization, ClientApp, User)
            .join(ClientApp).switch(Authorization).join(User)
            .where((Authorization.user == user.id) & (Authorization.client == client.id)))


def list_authorizations(user: Principal, client: ClientView) -> list[AuthorizationView]:
    """The user's authorizations for this client, oldest first."""
    return [authorization_view(auth)
            for auth in _rows(user, client).order_by(Authorization.created, Authorization.id)]


def _row(user: Principal, client: ClientView, public_id: str) -> Authorization:
    auth = _rows(user, client).where(Authorization.public_id == public_id).first()
    if auth is None:
        raise AuthorizationNotFound("Authorization not found")
    return auth


def get_authorization(user: Principal, client: ClientView, public_id: str) -> AuthorizationView:
    """One of the user's authorizations for this client by id, else AuthorizationNotFound."""
    return authorization_view(_row(user, client, public_id))


def update_scopes(user: Principal, client: ClientView, public_id: str, *,
                  scopes: Sequence[str] | None = None, add: Sequence[str] | None = None,
                  remove: Sequence[str] | None = None) -> AuthorizationView:
    """Replace, extend or shrink the scope list (exactly one), keeping the order given.

    An unknown authorization is reported before a bad scope list, as Tapline did.
    """
    given = [value is not None for value in (scopes, add, remove)]
    if not any(given):
        raise ScopeError("Must supply at least one of scopes, addScopes or removeScopes")
    if sum(given) > 1:
        raise ScopeError("Only one of scopes, addScopes or removeScopes can be given")
    auth = _row(user, client, public_id)
    if scopes is not None:
        new = checked_scopes(scopes, "scopes")
    elif add is not None:
        new = auth.scopes + [s for s in checked_scopes(add, "addScopes") if s not in auth.scopes]
    else:
        gone = set(remove or ())
        new = [s for s in auth.scopes if s not in gone]
    auth.scopes = new[:MAX_SCOPES]
    auth.save(only=[Authorization.scopes_json])
    return authorization_view(auth)


def delete_authorization(user: Principal, client: ClientView, public_id: str) -> None:
    """Revoke at once: the row goes, so the next request with the token is refused."""
    with database.atomic():
        _row(user, client, public_id).delete_instance()


def grant(user: Principal, client: ClientView, scopes: Sequence[str]) -> AuthorizationView:
    """The user's authorization for this client with exactly ``scopes`` (the browser flow).

    The latest earlier authorization of the same client is reused with its scopes replaced (as
    Tapline's grant exchange did), so signing in again does not pile up tokens.
    """
    existing = list_authorizations(user, client)
    if existing:
        return update_scopes(user, client, existing[-1].public_id, scopes=scopes)
    return create_authorization(user, client, scopes)
