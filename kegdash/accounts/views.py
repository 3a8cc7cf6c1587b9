"""The accounts' read side: who is acting, as a plain value the window, the pages and the APIs
may hold, compare and pass back to the domain services, without ever querying it.

A :class:`Principal` carries what an authorisation decision needs and nothing secret (no
e-mail, no password hash). Services that act for someone take it (anything with ``.id``).
"""

from __future__ import annotations

from dataclasses import dataclass

from kegdash.accounts import keys, users
from kegdash.accounts.models import User


@dataclass(frozen=True, slots=True)
class Principal:
    id: int
    public_id: str
    username: str
    is_active: bool
    is_staff: bool
    is_superuser: bool

    @property
    def is_privileged(self) -> bool:
        """Staff or superuser: may use the protected Kegbot endpoints."""
        return self.is_staff or self.is_superuser


def principal(user: User) -> Principal:
    return Principal(id=user.id, public_id=user.public_id, username=user.username,
                     is_active=user.is_active, is_staff=user.is_staff,
                     is_superuser=user.is_superuser)


def by_username(username: str) -> Principal | None:
    """The account with exactly this name, active or not."""
    user = User.get_or_none(User.username == username)
    return principal(user) if user is not None else None


def by_api_key(key: str) -> Principal | None:
    """The owner of an unrevoked Kegbot API key (active or not: the caller decides)."""
    user = keys.user_for_api_key(key)
    return principal(user) if user is not None else None


def authenticate(username: str, password: str) -> Principal | None:
    """The active account whose password matches, else None (same work either way)."""
    user = users.authenticate(username, password)
    return principal(user) if user is not None else None
