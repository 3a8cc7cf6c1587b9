"""The accounts' read side: who is acting, as a plain value the window, the pages and the APIs
may hold, compare and pass back to the domain services, without ever querying it.

A :class:`Principal` carries what an authorisation decision needs and nothing secret (no
e-mail, no password hash). Services that act for someone take it (anything with ``.id``).
It comes from a user name and password, a Kegbot API key, a Tapline bearer token (with the
token's scopes, as an :class:`AuthorizationView`) or a logged-in browser session. The window's
Settings page reads its API-key rows and user names here too.
"""

from __future__ import annotations

import datetime as dt
import hmac
import re
from dataclasses import dataclass

from kegdash.accounts import keys, users, web_sessions
from kegdash.accounts.models import ApiKey, Authorization, ClientApp, User
from kegdash.accounts.throttle import THROTTLE
from kegdash.prepared import PreparedQuery, slot

_TOKEN_RE = re.compile(r"^[0-9a-f]{40}$")
_SELECTOR = 8


@dataclass(frozen=True, slots=True)
class Principal:
    id: int
    public_id: str
    username: str
    is_active: bool
    is_staff: bool
    is_superuser: bool
    admitted: bool
    """The operator let this account in (``accounts.admission``); a self-registration waiting
    for that, or refused, is not."""

    @property
    def is_privileged(self) -> bool:
        """Staff or superuser: may use the protected Kegbot endpoints."""
        return self.is_staff or self.is_superuser

    @property
    def is_member(self) -> bool:
        """Counts as a member where the ``members`` privacy mode asks for one: active, and
        admitted by the operator (staff always are: the operator made them staff)."""
        return self.is_active and (self.admitted or self.is_privileged)


@dataclass(frozen=True, slots=True)
class ClientView:
    """An application that may ask users for Tapline authorizations (never its secret)."""

    id: int
    public_id: str
    name: str
    description: str
    redirect_uri: str
    trusted: bool


@dataclass(frozen=True, slots=True)
class AuthorizationView:
    """A bearer token a user granted a client, with its scopes; ``client_id`` is the client's
    public id."""

    public_id: str
    token: str
    scopes: tuple[str, ...]
    client_id: str
    user: Principal
    created: dt.datetime


@dataclass(frozen=True, slots=True)
class ApiKeyRow:
    """A Kegbot API key as the Settings page lists it: only the prefix is known."""

    key_id: int
    username: str
    prefix: str
    created: dt.datetime
    revoked: dt.datetime | None


def principal(user: User) -> Principal:
    return Principal(id=user.id, public_id=user.public_id, username=user.username,
                     is_active=user.is_active, is_staff=user.is_staff,
                     is_superuser=user.is_superuser, admitted=user.admission == User.ADMITTED)


def client_view(client: ClientApp) -> ClientView:
    return ClientView(id=client.id, public_id=client.public_id, name=client.name,
                      description=client.description, redirect_uri=client.redirect_uri,
                      trusted=client.trusted)


def authorization_view(auth: Authorization) -> AuthorizationView:
    """The view of an authorization row (its client and user are read if not joined)."""
    return AuthorizationView(public_id=auth.public_id, token=auth.token, scopes=tuple(auth.scopes),
                             client_id=auth.client.public_id, user=principal(auth.user),
                             created=auth.created)


def by_username(username: str) -> Principal | None:
    """The account with exactly this name, active or not."""
    user = User.get_or_none(User.username == username)
    return principal(user) if user is not None else None


def by_api_key(key: str) -> Principal | None:
    """The owner of an unrevoked Kegbot API key (active or not: the caller decides). Read as
    one row of plain values: every Kegbot request with a key comes here."""
    key_hash = keys.key_fingerprint(key)
    if key_hash is None:
        return None
    row = _PRINCIPAL_BY_KEY_HASH.one(key_hash=key_hash)
    if row is None:
        return None
    *fields, admission = row
    return Principal(*fields, admitted=admission == User.ADMITTED)


_PRINCIPAL_BY_KEY_HASH = PreparedQuery(lambda: (
    User.select(User.id, User.public_id, User.username, User.is_active, User.is_staff,
                User.is_superuser, User.admission)
    .join(ApiKey).where((ApiKey.key_hash == slot("key_hash")) & ApiKey.revoked.is_null())
    .limit(1).tuples()
))


def authenticate(username: str, password: str, *, address: str) -> Principal | None:
    """The active account whose password matches, else None (same work either way).

    Every password check of the servers comes here, so they share the one throttle
    (``accounts.throttle``): TooManyAttempts while the name or the client ``address`` has
    too many recent failures, before the password is looked at.
    """
    def attempt() -> Principal | None:
        user = users.authenticate(username, password)
        return principal(user) if user is not None else None

    return THROTTLE.check(address, username, attempt)


def by_session(session_id: str) -> Principal | None:
    """The account a live browser session is logged in as (a dead session is deleted)."""
    user = web_sessions.session_user(session_id)
    return principal(user) if user is not None else None


def by_token(token: str) -> AuthorizationView | None:
    """The authorization holding this Tapline bearer token, if its user is active; else None.

    Tokens are stored readable (Tapline returns them from ``GET /v1/authorizations``), so the
    whole token is never compared in SQL: its first 8 characters select candidate rows through
    the unique index and the full token is compared with ``hmac.compare_digest``.
    """
    if not isinstance(token, str) or not _TOKEN_RE.match(token):
        return None
    selector = token[:_SELECTOR]
    candidates = (Authorization.select(Authorization, User, ClientApp)
                  .join(User).switch(Authorization).join(ClientApp)
                  .where((Authorization.token >= selector)
                         & (Authorization.token < selector + "~")))
    found = None
    for auth in candidates:
        if hmac.compare_digest(auth.token.encode("ascii"), token.encode("ascii")):
            found = auth
    if found is None or not found.user.is_active:
        return None
    return authorization_view(found)


def client(public_id: str) -> ClientView | None:
    """The client application with this public id (the authorize page names it), else None."""
    row = ClientApp.get_or_none(ClientApp.public_id == public_id) if public_id else None
    return client_view(row) if row is not None else None


def email_address(user: Principal) -> str | None:
    """The account's e-mail address (Tapline shows it to a token with ``user:email``)."""
    return User.select(User.email).where(User.id == user.id).scalar()


def active_usernames() -> list[str]:
    """Names of the accounts that may act, alphabetically (the Settings page's choices)."""
    return [name for (name,) in User.select(User.username).where(User.is_active)
            .order_by(User.username).tuples()]


def api_key_rows() -> list[ApiKeyRow]:
    """Every Kegbot API key, live ones first, newest first within each group."""
    query = (ApiKey.select(ApiKey, User.username).join(User)
             .order_by(ApiKey.revoked.is_null(False), ApiKey.created.desc(), ApiKey.id.desc()))
    return [ApiKeyRow(k.id, k.user.username, k.prefix, k.created, k.revoked) for k in query]
