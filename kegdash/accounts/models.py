"""Account tables shared by all three APIs: a drinker, a brewer and a beekeeper are one user."""

from __future__ import annotations

import json

import peewee

from kegdash.db import BaseModel, new_public_id, utcnow


class User(BaseModel):
    """An account. ``name_key`` is the username as names are compared (``accounts.names``),
    unique so that no look-alike of a name can be stored beside it (NULL only for look-alikes
    that existed before the key did). ``admission`` says whether the operator let the account
    in: only ``admitted`` accounts are members (``PENDING`` self-registrations wait for the
    operator, ``REFUSED`` ones were turned away and deactivated)."""

    ADMITTED, PENDING, REFUSED = "admitted", "pending", "refused"

    public_id = peewee.CharField(max_length=24, unique=True, default=new_public_id)
    username = peewee.CharField(max_length=30, unique=True)
    name_key = peewee.CharField(max_length=120, unique=True, null=True)
    email = peewee.CharField(max_length=254, null=True, index=True)
    image_url = peewee.CharField(max_length=500, default="")
    longitude = peewee.DoubleField(null=True)
    latitude = peewee.DoubleField(null=True)
    confirmed = peewee.BooleanField(default=False)
    is_active = peewee.BooleanField(default=True)
    is_staff = peewee.BooleanField(default=False)
    is_superuser = peewee.BooleanField(default=False)
    joined = peewee.DateTimeField(default=utcnow, index=True)
    password_hash = peewee.CharField(max_length=255, null=True)
    admission = peewee.CharField(max_length=8, default=ADMITTED)


class Follow(BaseModel):
    """``follower`` follows ``followed`` (Tapline's ``following`` list, in insertion order)."""

    follower = peewee.ForeignKeyField(User, backref="follows", on_delete="CASCADE")
    followed = peewee.ForeignKeyField(User, backref="followers", on_delete="CASCADE")
    created = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("follower", "followed"), True),)


class ApiKey(BaseModel):
    """A Kegbot API key; only its SHA-256 is stored, so a stolen database holds no usable key."""

    user = peewee.ForeignKeyField(User, backref="api_keys", on_delete="CASCADE")
    key_hash = peewee.CharField(max_length=64, unique=True)
    prefix = peewee.CharField(max_length=8)
    created = peewee.DateTimeField(default=utcnow)
    revoked = peewee.DateTimeField(null=True)


class ClientApp(BaseModel):
    """An application allowed to ask users for Tapline authorizations."""

    public_id = peewee.CharField(max_length=24, unique=True, default=new_public_id)
    name = peewee.CharField(max_length=100)
    description = peewee.TextField(default="")
    image_url = peewee.CharField(max_length=500, default="")
    secret_hash = peewee.CharField(max_length=255)
    redirect_uri = peewee.CharField(max_length=1000, default="")
    owner = peewee.ForeignKeyField(User, null=True, backref="client_apps", on_delete="SET NULL")
    trusted = peewee.BooleanField(default=False)
    created = peewee.DateTimeField(default=utcnow)


class Authorization(BaseModel):
    """A bearer token a user granted a client, with its scopes.

    The token is stored readable because Tapline returns it from ``GET /v1/authorizations``
    (``decisions.md``); it is compared in constant time.
    """

    public_id = peewee.CharField(max_length=24, unique=True, default=new_public_id)
    token = peewee.CharField(max_length=64, unique=True)
    user = peewee.ForeignKeyField(User, backref="authorizations", on_delete="CASCADE")
    client = peewee.ForeignKeyField(ClientApp, backref="authorizations", on_delete="CASCADE")
    scopes_json = peewee.TextField(default="[]")
    created = peewee.DateTimeField(default=utcnow)

    @property
    def scopes(self) -> list[str]:
        return json.loads(self.scopes_json)

    @scopes.setter
    def scopes(self, value: list[str]) -> None:
        self.scopes_json = json.dumps(list(value))


class WebSession(BaseModel):
    """A logged-in browser (``web_sessions``): only the SHA-256 of the cookie's id is stored.

    ``expires`` is the earlier of the absolute and the idle deadline, so one indexed column
    answers both "is it still valid" and "which rows may be purged".
    """

    user = peewee.ForeignKeyField(User, backref="web_sessions", on_delete="CASCADE")
    key_hash = peewee.CharField(max_length=64, unique=True)
    password_tag = peewee.CharField(max_length=16)
    created = peewee.DateTimeField(default=utcnow)
    last_seen = peewee.DateTimeField(default=utcnow)
    expires = peewee.DateTimeField(index=True)


class CodeGrant(BaseModel):
    """A one-time authorization code (Tapline's ``type=web_server``), stored as its SHA-256.

    ``challenge`` is the PKCE S256 challenge ("" when the client will prove itself with its
    secret instead). ``used`` is set by the one exchange that succeeds, and ``authorization``
    is what it granted, so a replayed code can revoke it; rows go once expired.
    """

    code_hash = peewee.CharField(max_length=64, unique=True)
    client = peewee.ForeignKeyField(ClientApp, backref="code_grants", on_delete="CASCADE")
    user = peewee.ForeignKeyField(User, backref="code_grants", on_delete="CASCADE")
    scopes_json = peewee.TextField(default="[]")
    redirect_uri = peewee.CharField(max_length=1000)
    challenge = peewee.CharField(max_length=128, default="")
    created = peewee.DateTimeField(default=utcnow)
    expires = peewee.DateTimeField(index=True)
    used = peewee.DateTimeField(null=True)
    authorization = peewee.ForeignKeyField(Authorization, null=True, backref="code_grants",
                                           on_delete="SET NULL")
