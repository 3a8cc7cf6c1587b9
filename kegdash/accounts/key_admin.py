"""What an operator does with keys from the window: list, create, revoke Kegbot API keys.
(Beekeeping licence keys: ``kegdash.apiary.registry`` and ``kegdash.apiary.views``.)

Keys are stored only as fingerprints, so the lists show the 8-character prefix; a new key's
full value is returned once, to be shown once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kegdash.accounts.keys import issue_api_key
from kegdash.accounts.models import ApiKey, User
from kegdash.accounts.users import get_user
from kegdash.db import utcnow


class KeyAdminError(ValueError):
    """The key asked for does not exist; the message names it. (An unknown user raises
    ``AccountError``, also a ValueError.)"""


@dataclass(frozen=True)
class ApiKeyRow:
    key_id: int
    username: str
    prefix: str
    created: dt.datetime
    revoked: dt.datetime | None


def api_key_rows() -> list[ApiKeyRow]:
    """Every Kegbot API key, live ones first, newest first within each group."""
    query = (ApiKey.select(ApiKey, User.username).join(User)
             .order_by(ApiKey.revoked.is_null(False), ApiKey.created.desc(), ApiKey.id.desc()))
    return [ApiKeyRow(k.id, k.user.username, k.prefix, k.created, k.revoked) for k in query]


def create_api_key(username: str) -> str:
    """A new key for ``username`` (their earlier keys are revoked); the full key, shown once."""
    return issue_api_key(get_user(username))


def revoke_api_key(key_id: int) -> None:
    """Revoke a key from now on; revoking an already revoked key keeps its first revocation time."""
    key = ApiKey.get_or_none(ApiKey.id == key_id)
    if key is None:
        raise KeyAdminError(f"no API key #{key_id}")
    if key.revoked is None:
        ApiKey.update(revoked=utcnow()).where(ApiKey.id == key_id).execute()
