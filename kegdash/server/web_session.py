"""Browser sessions for the web pages: a random session id in a cookie, CSRF tokens derived from it.

Every visitor gets a session id (anonymous until login) so that even the login form carries a
CSRF token. Anonymous ids are stored nowhere: an anonymous session is only a key for its CSRF
token, and keeping no row for it means unauthenticated traffic (a TV in ``public`` mode, a
crawler, a client that never keeps cookies) never writes to the database. Logging in replaces
the id with a new one that ``accounts.web_sessions`` stores (as a digest) with its user;
logging out deletes that row, so a copied cookie is worth nothing afterwards. An id with no
live row, forged or expired, is an anonymous visitor, never an error.

The CSRF token is an HMAC of the session id under a random site setting, so every kegdash
process on the same database accepts the same tokens. Nothing here is logged.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

import bottle

from kegdash.accounts import views, web_sessions
from kegdash.accounts.views import Principal
from kegdash.site_settings import ensure_secret

COOKIE = "kegdash_session"
_SECRET_KEY = "web_session_secret"


@dataclass(frozen=True)
class Session:
    """This browser's session id, and its user if it is logged in."""

    sid: str
    user: Principal | None = None


def _secret() -> bytes:
    """The CSRF key: a site setting made on first use, the same in every process."""
    return bytes.fromhex(ensure_secret(_SECRET_KEY))


def current() -> Session | None:
    """This request's session, if it sent a well-formed id (logged in only if its row is live)."""
    sid = bottle.request.get_cookie(COOKIE) or ""
    if not web_sessions.well_formed(sid):
        return None
    return Session(sid=sid, user=views.by_session(sid))


def _start(sid: str, user: Principal | None) -> Session:
    bottle.response.set_cookie(
        COOKIE, sid, max_age=int(web_sessions.LIFETIME.total_seconds()), path="/", httponly=True,
        samesite="Lax", secure=bottle.request.urlparts.scheme == "https",
    )
    return Session(sid=sid, user=user)


def ensure() -> Session:
    """This request's session, or a new anonymous one."""
    return current() or _start(web_sessions.new_session_id(), None)


def _end(session: Session | None) -> None:
    if session is not None and session.user is not None:
        web_sessions.end_session(session.sid)


def log_in(session: Session | None, user: Principal) -> Session:
    """Replace ``session`` by a new logged-in one: a fresh id, so a planted id is never promoted."""
    _end(session)
    return _start(web_sessions.open_session(user), user)


def log_out(session: Session | None) -> Session:
    """End ``session`` (its row is deleted) and give the browser a new anonymous one."""
    _end(session)
    return _start(web_sessions.new_session_id(), None)


def logged_in_user() -> Principal | None:
    """The user this browser is logged in as, if any (used by the Kegbot members mode too)."""
    session = current()
    return session.user if session else None


def csrf_token(session: Session) -> str:
    """The form token for this session: bound to ``sid``, so it changes at login and logout."""
    return hmac.new(_secret(), b"csrf\0" + session.sid.encode(), hashlib.sha256).hexdigest()


def csrf_ok(session: Session | None, token: str | None) -> bool:
    """True if ``token`` is this session's CSRF token (constant-time comparison)."""
    if session is None or not token:
        return False
    return hmac.compare_digest(token.encode(), csrf_token(session).encode())
