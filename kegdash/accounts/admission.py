"""Who is a member: the registration policy, and the operator admitting or refusing accounts.

Anyone may register through Tapline (``POST /v1/users``) unless registration is ``closed``. A
self-registered account can use Tapline at once, but it counts as a member (the Kegbot
``members`` privacy mode, the tap list) only once the operator admits it, unless registration
is ``open``. Accounts the operator creates are admitted from the start.

The site setting ``registration`` is ``open``, ``approval`` or ``closed``; unset, it follows the
privacy mode (``BY_PRIVACY``): ``approval`` in ``public`` and ``members`` mode, so that moving
a public bar to members-only never turns strangers who registered meanwhile into members, and
``closed`` in ``staff`` mode, where the bar is the staff's alone. ``kegdash admin pending``,
``admit`` and ``refuse`` and the window's Settings page call the functions here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kegdash.accounts.models import User
from kegdash.accounts.users import AccountError, check_chosen_name, get_user
from kegdash.accounts.views import Principal, principal
from kegdash.accounts.web_sessions import end_user_sessions
from kegdash.db import database
from kegdash.site_settings import get_settings

BY_PRIVACY = {"public": "approval", "members": "approval", "staff": "closed"}
"""The registration policy while the ``registration`` setting is unset, per privacy mode."""


class RegistrationClosed(PermissionError):
    """Self-registration is closed on this site."""


class AdmissionError(AccountError):
    """The account cannot be admitted or refused as asked; the message says why."""


@dataclass(frozen=True, slots=True)
class PendingAccount:
    """A self-registered account waiting for the operator, as the Settings page lists it."""

    username: str
    email: str | None
    joined: dt.datetime


def registration_policy() -> str:
    """``open``, ``approval`` or ``closed``: the setting, or the privacy mode's default."""
    chosen = get_settings("registration", "privacy")
    return chosen["registration"] or BY_PRIVACY[chosen["privacy"]]


def admission_for_registration(username: str) -> str:
    """The admission a self-registration under ``username`` gets (``User.ADMITTED`` or
    ``User.PENDING``); RegistrationClosed if nobody may register, AccountError if the name is
    malformed or reserved for the site."""
    policy = registration_policy()
    if policy == "closed":
        raise RegistrationClosed("Registration is closed: ask the operator for an account")
    check_chosen_name(username)
    return User.ADMITTED if policy == "open" else User.PENDING


def pending_accounts() -> list[PendingAccount]:
    """Accounts waiting to be admitted, oldest first."""
    query = (User.select(User.username, User.email, User.joined)
             .where(User.admission == User.PENDING).order_by(User.joined, User.id))
    return [PendingAccount(u.username, u.email, u.joined) for u in query]


def admit(username: str) -> Principal:
    """Make the account a member; a refused one is reactivated too. Admitting a member again
    changes nothing. AccountError if there is no such account."""
    with database.atomic():
        user = get_user(username)
        if user.admission == User.REFUSED:
            user.is_active = True
        user.admission = User.ADMITTED
        user.save(only=[User.admission, User.is_active])
    return principal(user)


def refuse(username: str) -> Principal:
    """Turn a pending account away: it is deactivated (its sessions, keys and tokens stop) and
    stays refused, so the name is not registered again at once; ``admit`` undoes it. A member
    is not refused (``kegdash admin deactivate-user`` shuts one out)."""
    with database.atomic():
        user = get_user(username)
        if user.admission == User.ADMITTED:
            raise AdmissionError(f"{username} is already a member; deactivate the account to "
                                 "shut it out")
        user.admission, user.is_active = User.REFUSED, False
        user.save(only=[User.admission, User.is_active])
        end_user_sessions(user)
    return principal(user)
