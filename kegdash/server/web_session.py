"""Browser sessions for the web pages: a signed cookie, CSRF tokens derived from it.

Every visitor gets a session (anonymous until login) so that even the login form carries a
CSRF token. The cookie holds ``{sid, uid, exp, pw}`` as base64 JSON plus an HMAC-SHA256 of it;
the key is a random site setting, so every kegdash process on the same database accepts the
same cookies. ``pw`` is a short digest of the user's password hash: changing the password ends
every session of that user. Nothing secret is in the cookie, and nothing here is logged.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass

import bottle

from kegdash.accounts.models import User
from kegdash.site_settings import SiteSetting, get_setting

COOKIE = "kegdash_session"
LIFETIME_S = 14 * 24 * 3600
"""Long enough that a bar's TV logged in for a members-only tap list stays logged in."""
MAX_COOKIE = 1024
_SECRET_KEY = "web_session_secret"


@dataclass(frozen=True)
class Session:
    sid: str
    uid: str | None
    exp: int
    pw: str = ""


def _secret() -> bytes:
    """The signing key, made on first use; ``on_conflict_ignore`` lets racing processes agree."""
    value = get_setting(_SECRET_KEY)
    if not value:
        SiteSetting.insert(key=_SECRET_KEY, value=json.dumps(secrets.token_hex(32))).on_conflict_ignore()\
            .execute()
        value = get_setting(_SECRET_KEY)
    return bytes.fromhex(value)


def _mac(purpose: str, data: bytes) -> str:
    return hmac.new(_secret(), purpose.encode() + b"\0" + data, hashlib.sha256).hexdigest()


def _password_tag(user: User) -> str:
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


def _encode(session: Session) -> str:
    payload = json.dumps({"sid": session.sid, "uid": session.uid, "exp": session.exp,
                          "pw": session.pw}, separators=(",", ":")).encode()
    body = base64.urlsafe_b64encode(payload).decode().rstrip("=")
    return f"{body}.{_mac('session', body.encode())}"


def _decode(value: str) -> Session | None:
    """The session in a cookie value if its signature is right and it has not expired."""
    if not value or len(value) > MAX_COOKIE or value.count(".") != 1:
        return None
    body, mac = value.split(".")
    if not hmac.compare_digest(mac.encode(), _mac("session", body.encode()).encode()):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        session = Session(sid=str(data["sid"]), uid=data["uid"], exp=int(data["exp"]),
                          pw=str(data.get("pw", "")))
    except (binascii.Error, ValueError, KeyError, TypeError):
        return None
    return session if session.exp > time.time() else None


def current() -> Session | None:
    """This request's valid session, if it sent one."""
    return _decode(bottle.request.get_cookie(COOKIE) or "")


def start(user: User | None = None) -> Session:
    """A new session (fresh ``sid``, so logging in never keeps a planted one) set as the cookie."""
    session = Session(sid=secrets.token_hex(16), uid=user.public_id if user else None,
                      exp=int(time.time()) + LIFETIME_S, pw=_password_tag(user) if user else "")
    bottle.response.set_cookie(
        COOKIE, _encode(session), max_age=LIFETIME_S, path="/", httponly=True, samesite="Lax",
        secure=bottle.request.urlparts.scheme == "https",
    )
    return session


def ensure() -> Session:
    """This request's session, or a new anonymous one."""
    return current() or start()


def user_of(session: Session | None) -> User | None:
    """The active user a session belongs to; None if anonymous, deactivated or re-passworded."""
    if session is None or not session.uid:
        return None
    user = User.get_or_none(User.public_id == session.uid)
    if user is None or not user.is_active or not hmac.compare_digest(session.pw, _password_tag(user)):
        return None
    return user


def logged_in_user() -> User | None:
    """The user this browser is logged in as, if any (used by the Kegbot members mode too)."""
    return user_of(current())


def csrf_token(session: Session) -> str:
    """The form token for this session: bound to ``sid``, so it changes at login and logout."""
    return _mac("csrf", session.sid.encode())


def csrf_ok(session: Session | None, token: str | None) -> bool:
    """True if ``token`` is this session's CSRF token (constant-time comparison)."""
    if session is None or not token:
        return False
    return hmac.compare_digest(token.encode(), csrf_token(session).encode())
