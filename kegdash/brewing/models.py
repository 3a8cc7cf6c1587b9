"""Stored recipes and the actions feed (the Tapline side of the data set)."""

from __future__ import annotations

import peewee

from kegdash.accounts.models import User
from kegdash.db import BaseModel, new_public_id, utcnow


class StoredRecipe(BaseModel):
    """A recipe document (Brauhaus JSON in ``data``) owned by a user; slugs are unique per owner."""

    public_id = peewee.CharField(max_length=24, unique=True, default=new_public_id)
    owner = peewee.ForeignKeyField(User, backref="recipes", on_delete="CASCADE")
    slug = peewee.CharField(max_length=120)
    name = peewee.CharField(max_length=200)
    private = peewee.BooleanField(default=False, index=True)
    parent = peewee.ForeignKeyField(
        "self", null=True, backref="children", on_delete="SET NULL"
    )
    data = peewee.TextField(default="{}")
    og = peewee.DoubleField(null=True)
    fg = peewee.DoubleField(null=True)
    ibu = peewee.DoubleField(null=True)
    abv = peewee.DoubleField(null=True)
    color = peewee.DoubleField(null=True)
    created = peewee.DateTimeField(default=utcnow, index=True)
    modified = peewee.DateTimeField(default=utcnow)

    class Meta:
        table_name = "recipe"
        indexes = ((("owner", "slug"), True),)


class Action(BaseModel):
    """One entry of the activity feed: ``user-joined``, ``recipe-created``, ``user-followed`` …"""

    public_id = peewee.CharField(max_length=24, unique=True, default=new_public_id)
    type = peewee.CharField(max_length=40, index=True)
    user = peewee.ForeignKeyField(User, backref="actions", on_delete="CASCADE")
    target_id = peewee.CharField(max_length=24, null=True, index=True)
    private = peewee.BooleanField(default=False)
    data = peewee.TextField(default="{}")
    created = peewee.DateTimeField(default=utcnow, index=True)
