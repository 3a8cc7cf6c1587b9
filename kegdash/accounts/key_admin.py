"""What an operator does with Kegbot API keys from the window: create and revoke them (the list
is ``accounts.views.api_key_rows``; Beekeeping licence keys are the apiary's:
``kegdash.apiary.registry`` and ``kegdash.apiary.views``).

Keys are stored only as fingerprints; a new key's full value is returned once, to be shown once.
"""

from __future__ import annotations

from kegdash.accounts.keys import issue_api_key
from kegdash.accounts.models import ApiKey
from kegdash.accounts.users import get_user
from kegdash.db import utcnow


class KeyAdminError(ValueError):
    """The key asked for does not exist; the message names it. (An unknown user raises
    ``AccountError``, also a ValueError.)"""


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
