"""Creating, finding, renaming and authenticating users."""

from __future__ import annotations

import re

import peewee

from kegdash.accounts.models import User
from kegdash.accounts.names import name_key, reserved, well_formed
from kegdash.accounts.passwords import hash_password, verify_password
from kegdash.accounts.web_sessions import end_user_sessions
from kegdash.db import database

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class AccountError(ValueError):
    """A user-level mistake (taken name, bad e-mail, unknown user); the message says which."""


def create_user(
    username: str,
    *,
    email: str | None = None,
    password: str | None = None,
    is_staff: bool = False,
    is_superuser: bool = False,
    longitude: float | None = None,
    latitude: float | None = None,
    image_url: str = "",
    admission: str = User.ADMITTED,
) -> User:
    """Create an active user; raises AccountError if the name is malformed or taken (a
    look-alike of an existing name counts as taken: ``accounts.names``).

    Accounts the operator makes are admitted; a self-registration passes the admission its
    registration policy gives (``accounts.admission``).
    """
    _check_shape(username)
    if email is not None and not EMAIL_RE.match(email):
        raise AccountError(f"invalid e-mail address {email!r}")
    try:
        with database.atomic():
            return User.create(
                username=username,
                name_key=name_key(username),
                admission=admission,
                email=email.lower() if email else None,
                password_hash=hash_password(password) if password else None,
                is_staff=is_staff or is_superuser,
                is_superuser=is_superuser,
                longitude=longitude,
                latitude=latitude,
                image_url=image_url,
            )
    except peewee.IntegrityError:
        raise AccountError(f"username {username!r} is already taken") from None


def _check_shape(username: str) -> None:
    if not well_formed(username):
        raise AccountError(
            f"invalid username {username!r}: 1-30 letters, digits or _ . @ + -"
        )


def check_chosen_name(username: str) -> None:
    """Refuse a name someone picks for themselves if it is malformed or reserved for the site
    (``accounts.names.reserved``); whether it is taken is the database's to say."""
    _check_shape(username)
    if reserved(username):
        raise AccountError(f"User name {username} is reserved")


def rename_user(user: User, username: str) -> None:
    """Give ``user`` a name they chose (a Tapline profile edit): refused if malformed, reserved,
    or taken by another account in any look-alike spelling. Written at once, in a savepoint so
    a refusal leaves the caller's transaction usable."""
    check_chosen_name(username)
    try:
        with database.atomic():
            User.update(username=username, name_key=name_key(username))\
                .where(User.id == user.id).execute()
    except peewee.IntegrityError:
        raise AccountError(f"User name {username} already taken!") from None
    user.username, user.name_key = username, name_key(username)


def get_user(username: str) -> User:
    """The user with this exact name; raises AccountError naming it if there is none."""
    user = User.get_or_none(User.username == username)
    if user is None:
        raise AccountError(f"no such user: {username!r}")
    return user


def authenticate(username: str, password: str) -> User | None:
    """The active user whose password matches, else None (same work either way)."""
    user = User.get_or_none(User.username == username)
    stored = user.password_hash if user is not None else None
    ok = verify_password(password, stored or _DUMMY_HASH)
    if user is None or not user.is_active or not stored or not ok:
        return None
    return user


def set_password(user: User, password: str) -> None:
    """Change the password; every web session of the user ends with the old one."""
    with database.atomic():
        user.password_hash = hash_password(password)
        user.save(only=[User.password_hash])
        end_user_sessions(user)


def deactivate_user(user: User) -> None:
    """Refuse the user from now on: logins, keys and tokens check ``is_active``; web sessions end
    here, so that reactivating the account later does not bring them back."""
    with database.atomic():
        user.is_active = False
        user.save(only=[User.is_active])
        end_user_sessions(user)


def reactivate_user(user: User) -> None:
    """Let a deactivated user back in; they log in afresh (their sessions ended for good)."""
    user.is_active = True
    user.save(only=[User.is_active])


_DUMMY_HASH = hash_password("kegdash-timing-equaliser")
