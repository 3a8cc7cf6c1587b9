"""What an operator does with keys from the window: list, create, revoke Kegbot API keys, and
create, enable or disable Beekeeping licence keys.

Keys are stored only as fingerprints, so the lists show the 8-character prefix; a new key's
full value is returned once, to be shown once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kegdash.accounts.keys import issue_api_key
from kegdash.accounts.models import ApiKey, User
from kegdash.accounts.users import get_user
from kegdash.apiary.models import LicenseKey
from kegdash.apiary.registry import issue_license_key
from kegdash.db import utcnow


class KeyAdminError(ValueError):
    """The key asked for does not exist; the message names it. (An unknown user raises
    ``AccountError``, also a ValueError.)"""


@dataclass(frozen=True)
class LicenseKeyRow:
    key_id: int
    owner: str
    prefix: str
    created: dt.datetime
    enabled: bool


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


def license_key_rows() -> list[LicenseKeyRow]:
    """Every Beekeeping licence key, newest first."""
    query = (LicenseKey.select(LicenseKey, User.username).join(User)
             .order_by(LicenseKey.created.desc(), LicenseKey.id.desc()))
    return [LicenseKeyRow(k.id, k.owner.username, k.prefix, k.created, k.enabled) for k in query]


def create_license_key(username: str) -> str:
    """A new licence key owned by ``username``; the full key, shown once."""
    return issue_license_key(get_user(username))


def set_license_enabled(key_id: int, enabled: bool) -> None:
    """Disable a licence key (its gateways are refused) or enable it again."""
    if not LicenseKey.update(enabled=enabled).where(LicenseKey.id == key_id).execute():
        raise KeyAdminError(f"no licence key #{key_id}")
