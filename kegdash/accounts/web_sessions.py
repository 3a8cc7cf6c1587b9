"""Logged-in browser sessions, kept in the database so that they can be ended.

The browser holds a random session id (256 bits from ``secrets``); the ``web_session`` table
holds only its SHA-256, so a copy of the database logs nobody in. A session is found by that
digest through the unique index; the database's comparison of digests needs no constant-time
care (learning how much of a digest matched does not help to find an id that hashes to it),
unlike the comparison of password tags below. Ending a session deletes its row; from then on
its id is one with no row, an anonymous visitor.

A session ends at logout, when the user's password changes (``set_password`` deletes the rows;
any other way of changing it is caught by the password tag each row keeps), when the user is
deactivated, after ``LIFETIME`` in any case and after ``IDLE`` without use. Only logins write
rows, and each login first deletes a bounded batch of expired ones and the user's oldest
beyond ``MAX_PER_USER``, so the table stays as small as the set of live sessions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import re
import secrets
from typing import TYPE_CHECKING

from kegdash.accounts.models import User, WebSession
from kegdash.accounts.passwords import fingerprint
from kegdash.db import database, utcnow
from kegdash.prepared import PreparedQuery, slot

if TYPE_CHECKING:
    from kegdash.accounts.views import Principal

LIFETIME = dt.timedelta(days=14)
"""Long enough that a bar's TV logged in for a members-only tap list stays logged in."""
IDLE = dt.timedelta(days=3)
"""A session unused this long ends: a phone left logged in at a friend's does not stay so for
two weeks, while the TV (polling twice a second) and regular visitors never notice."""
TOUCH_EVERY = dt.timedelta(minutes=5)
"""``last_seen`` moves at most this often, so a polling page does not write on every request."""
MAX_PER_USER = 20
"""Beyond this many, a user's oldest session ends at their next login, so logging in in a loop
cannot grow the table."""
PURGE_BATCH = 100
"""Expired rows deleted per login at most, so a login never waits on a large clean-up."""
_ID_RE = re.compile(r"[A-Za-z0-9_-]{43}")


def new_session_id() -> str:
    """A fresh random session id (URL-safe, 43 characters)."""
    return secrets.token_urlsafe(32)


def well_formed(session_id: str) -> bool:
    """True if ``session_id`` has the shape ``new_session_id`` makes (anything else is junk)."""
    return _ID_RE.fullmatch(session_id) is not None


def password_tag(user: User) -> str:
    """A short digest of the password hash: it changes whenever the password does."""
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:16]


def _deadline(created: dt.datetime, seen: dt.datetime) -> dt.datetime:
    return min(created + LIFETIME, seen + IDLE)


def open_session(user: User | Principal) -> str:
    """Log ``user`` in: store a new session and return its id (to be sent once, as the cookie)."""
    session_id, now = new_session_id(), utcnow()
    with database.atomic():
        account = User.get_by_id(user.id)
        purge_expired()
        oldest = (WebSession.select(WebSession.id).where(WebSession.user == user.id)
                  .order_by(WebSession.created.desc(), WebSession.id.desc()).offset(MAX_PER_USER - 1))
        WebSession.delete().where(WebSession.id.in_(oldest)).execute()
        WebSession.create(user=user.id, key_hash=fingerprint(session_id),
                          password_tag=password_tag(account), created=now, last_seen=now,
                          expires=_deadline(now, now))
    return session_id


def session_user(session_id: str) -> User | None:
    """The user a live session belongs to, or None; a session found dead is deleted."""
    if not well_formed(session_id):
        return None
    row = _SESSION_BY_HASH.one(key_hash=fingerprint(session_id))
    if row is None:
        return None
    now, user = utcnow(), row.user
    if (now >= row.expires or not user.is_active
            or not hmac.compare_digest(row.password_tag, password_tag(user))):
        WebSession.delete().where(WebSession.id == row.id).execute()
        return None
    if now - row.last_seen >= TOUCH_EVERY:
        WebSession.update(last_seen=now, expires=_deadline(row.created, now))\
            .where(WebSession.id == row.id).execute()
    return user


def end_session(session_id: str) -> None:
    """Log out: the session's row goes, so a copy of its cookie logs nobody in."""
    if well_formed(session_id):
        WebSession.delete().where(WebSession.key_hash == fingerprint(session_id)).execute()


def end_user_sessions(user: User | Principal) -> int:
    """End every session of ``user`` (password changed, account deactivated); how many ended."""
    return WebSession.delete().where(WebSession.user == user.id).execute()


def purge_expired(limit: int = PURGE_BATCH) -> int:
    """Delete up to ``limit`` expired sessions (by the ``expires`` index); how many went."""
    expired = (WebSession.select(WebSession.id).where(WebSession.expires <= utcnow())
               .limit(limit))
    return WebSession.delete().where(WebSession.id.in_(expired)).execute()


_SESSION_BY_HASH = PreparedQuery(lambda: (
    WebSession.select(WebSession, User).join(User)
    .where(WebSession.key_hash == slot("key_hash"))
    .limit(1)
))
