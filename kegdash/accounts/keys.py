"""Kegbot API keys and OAuth client applications: random secrets stored as fingerprints."""

from __future__ import annotations

from kegdash.accounts.models import ApiKey, ClientApp, User
from kegdash.accounts.passwords import fingerprint, hash_password, new_secret
from kegdash.db import database, utcnow
from kegdash.prepared import PreparedQuery, slot


def issue_api_key(user: User) -> str:
    """A new API key for ``user``; earlier keys are revoked. The key is shown once, never stored."""
    key = new_secret(20)
    with database.atomic():
        ApiKey.update(revoked=utcnow()).where(
            (ApiKey.user == user) & ApiKey.revoked.is_null()
        ).execute()
        ApiKey.create(user=user, key_hash=fingerprint(key), prefix=key[:8])
    return key


MAX_KEY_LENGTH = 200
"""Longer is not a key of ours: refused before it is fingerprinted."""


def key_fingerprint(key: str) -> str | None:
    """What a key is looked up by (never the key itself); None for what cannot be one of ours,
    empty or longer than ``MAX_KEY_LENGTH``."""
    if not key or len(key) > MAX_KEY_LENGTH:
        return None
    return fingerprint(key)


def user_for_api_key(key: str) -> User | None:
    """The user owning an unrevoked key, or None."""
    key_hash = key_fingerprint(key)
    return None if key_hash is None else _USER_BY_KEY_HASH.one(key_hash=key_hash)


_USER_BY_KEY_HASH = PreparedQuery(lambda: (
    User.select().join(ApiKey)
    .where((ApiKey.key_hash == slot("key_hash")) & ApiKey.revoked.is_null())
    .limit(1)
))


def create_client(
    name: str, *, redirect_uri: str = "", owner: User | None = None, description: str = ""
) -> tuple[ClientApp, str]:
    """Register a client application; returns it and its secret (shown once, stored hashed)."""
    if not name.strip():
        raise ValueError("a client application needs a name")
    secret = new_secret(20)
    client = ClientApp.create(
        name=name.strip(),
        description=description,
        secret_hash=hash_password(secret),
        redirect_uri=redirect_uri,
        owner=owner,
    )
    return client, secret
