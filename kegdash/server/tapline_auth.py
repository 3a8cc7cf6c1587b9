"""Who is calling the Tapline dialect: HTTP Basic for authorizations, bearer tokens elsewhere.

401 means "no usable credentials" (with ``WWW-Authenticate``), 403 means "a valid token that
lacks the scope" (``spec/tapline.md`` §11: the original answered 401 for both). A wrong
password is a 401, not the original's 500. Passwords and client secrets are checked through
the one password throttle (``accounts.throttle``): 429 with ``Retry-After`` while the name or
the client's address has too many recent failures.
"""

from __future__ import annotations

import base64
import binascii

import bottle

from kegdash.accounts import views as accounts
from kegdash.accounts.authorizations import check_client, has_scope
from kegdash.accounts.throttle import TooManyAttempts
from kegdash.accounts.views import AuthorizationView, ClientView, Principal
from kegdash.server.tapline_validation import TaplineError

BASIC_CHALLENGE = 'Basic realm="Users"'
BEARER_CHALLENGE = 'Bearer realm="Users"'
MAX_CREDENTIAL = 1024


def _unauthorized(challenge: str, message: str = "Unauthorized") -> TaplineError:
    return TaplineError(401, message, {"WWW-Authenticate": challenge})


def _too_many(exc: TooManyAttempts) -> TaplineError:
    return TaplineError(429, f"Too many failed attempts: try again in {exc.wait_seconds} s",
                        {"Retry-After": str(exc.wait_seconds)})


def _address() -> str:
    """The socket's peer (``X-Forwarded-For`` is anybody's to send)."""
    return bottle.request.environ.get("REMOTE_ADDR", "")


def basic_credentials() -> tuple[str, str]:
    """The name and password of the HTTP Basic header, not yet checked: 401 without one, 400
    if it is malformed. Routes read the rest of the request before checking the password, so
    a right and a wrong password meet the same answers to a malformed request."""
    header = (bottle.request.get_header("Authorization") or "").strip()
    if not header:
        raise _unauthorized(BASIC_CHALLENGE)
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        raise _unauthorized(BASIC_CHALLENGE)
    encoded = encoded.strip()
    if not encoded or len(encoded) > MAX_CREDENTIAL:
        raise TaplineError(400, "Error: malformed Basic Authorization header")
    try:
        decoded = base64.b64decode(encoded, validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        raise TaplineError(400, "Error: malformed Basic Authorization header") from None
    name, colon, password = decoded.partition(":")
    if not colon:
        raise TaplineError(400, "Error: malformed Basic Authorization header")
    return name, password


def password_user(name: str, password: str) -> Principal:
    """The user these Basic credentials name, checked against their password hash."""
    try:
        user = accounts.authenticate(name, password, address=_address())
    except TooManyAttempts as exc:
        raise _too_many(exc) from None
    if user is None:
        raise _unauthorized(BASIC_CHALLENGE)
    return user


def client(client_id: str, client_secret: str) -> ClientView:
    """The client application whose id and secret these are (401 ``ClientError`` if not)."""
    try:
        return check_client(client_id, client_secret, address=_address())
    except TooManyAttempts as exc:
        raise _too_many(exc) from None


def _token() -> str | None:
    """The bearer token from the header or an ``access_token`` query parameter (not both)."""
    header = (bottle.request.get_header("Authorization") or "").strip()
    query = bottle.request.query.getall("access_token")
    sources = (1 if header else 0) + len(query)
    if sources > 1:
        raise TaplineError(400, "Error: give the access token once, in the Authorization header "
                                "or as access_token")
    if header:
        parts = header.split()
        if len(parts) != 2 or parts[0].lower() != "bearer":
            raise _unauthorized(BEARER_CHALLENGE + ', error="invalid_request"',
                                "Error: Authorization header must be 'Bearer <token>'")
        return parts[1]
    return query[0] if query else None


def bearer(scope: str | None = None) -> AuthorizationView:
    """The caller's authorization; 401 without a valid token, 403 if it lacks ``scope``."""
    token = _token()
    if token is None:
        raise _unauthorized(BEARER_CHALLENGE)
    auth = accounts.by_token(token)
    if auth is None:
        raise _unauthorized(BEARER_CHALLENGE + ', error="invalid_token"')
    if scope is not None:
        require(auth, scope)
    return auth


def require(auth: AuthorizationView, scope: str) -> None:
    """403 unless the authorization carries ``scope``."""
    if not has_scope(auth, scope):
        raise TaplineError(403, f"Scope {scope} not found for user", {
            "WWW-Authenticate": f'{BEARER_CHALLENGE}, error="insufficient_scope", scope="{scope}"',
        })
