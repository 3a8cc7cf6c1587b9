"""What the Recipes page reads and writes, on top of ``kegdash.brewing.recipes``.

The window acts as the operator account (site setting ``operator``): it sees every public recipe
plus the operator's private ones, and every write goes through ``brewing.recipes`` so the feed
action and the RECIPE_SAVED event happen exactly as for the API. Results are plain values, safe to
hand from a worker thread to the main thread.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from kegdash.accounts.models import User
from kegdash.accounts.users import create_user
from kegdash.brewing import Recipe, to_beerxml
from kegdash.brewing import recipes as store
from kegdash.brewing.models import StoredRecipe
from kegdash.site_settings import get_setting

SORTS = {
    "Newest first": (StoredRecipe.modified.desc(), StoredRecipe.id.desc()),
    "Oldest first": (StoredRecipe.modified, StoredRecipe.id),
    "Name A–Z": (StoredRecipe.name.collate("NOCASE"), StoredRecipe.id),
    "Name Z–A": (StoredRecipe.name.collate("NOCASE").desc(), StoredRecipe.id.desc()),
}


@dataclass(frozen=True)
class Loaded:
    """A stored recipe as the editor needs it: the engine object plus who owns it."""

    public_id: str
    recipe: Recipe
    private: bool
    owner: str
    mine: bool
    parent_id: str | None


@dataclass(frozen=True)
class Snapshot:
    """Enough to put a deleted recipe back as it was (undo), and its name for the undo bar."""

    name: str
    deleted: store.DeletedRecipe


def operator(create: bool = False) -> User | None:
    """The account the window acts as; created as a superuser on the first write if missing."""
    name = get_setting("operator")
    user = User.get_or_none(User.username == name)
    if user is None and create:
        user = create_user(name, is_superuser=True)
    return user


def _visible(user: User | None):
    visible = StoredRecipe.private == False  # noqa: E712 (peewee expression)
    if user is not None:
        visible = visible | (StoredRecipe.owner == user.id)
    return visible


def _listed(search: str):
    query = StoredRecipe.select(StoredRecipe, User.username).join(User).where(_visible(operator()))
    if search.strip():
        query = query.where(StoredRecipe.name.contains(search.strip()))
    return query


def count_rows(search: str) -> int:
    """How many recipes the list shows for this search."""
    return _listed(search).count()


def recipe_rows(search: str, sort: str, offset: int, limit: int) -> list[tuple]:
    """(public id, name, brewer, style, OG, FG, IBU, ABV, visibility, changed) for the list."""
    query = _listed(search).order_by(*SORTS[sort]).offset(offset).limit(limit)
    rows = []
    for row in query:
        style = (json.loads(row.data or "{}").get("style") or {}).get("name") or ""
        rows.append((row.public_id, row.name, row.owner.username, style, row.og, row.fg, row.ibu,
                     row.abv, "private" if row.private else "public", row.modified))
    return rows


def load(public_id: str) -> Loaded:
    """A recipe for the editor; raises ``store.RecipeNotFound`` if it is gone or not visible."""
    user = operator()
    row = store.get_recipe(public_id, viewer=user, show_private=True)
    return Loaded(public_id=row.public_id, recipe=store.stored_recipe(row), private=row.private,
                  owner=row.owner.username, mine=user is not None and row.owner_id == user.id,
                  parent_id=row.parent.public_id if row.parent_id else None)


def save(recipe: Recipe, *, public_id: str | None, private: bool, parent_id: str | None = None) -> str:
    """Create or update the operator's recipe; returns its public id.

    A recipe of another brewer is never overwritten: saving it stores the operator's own copy
    with the original as parent (a clone), as Tapline does.
    """
    user = operator(create=True)
    if public_id is not None:
        row = store.get_recipe(public_id, viewer=user, show_private=True)
        if row.owner_id == user.id:
            return store.update_recipe(user, public_id, data=recipe.to_dict(), private=private,
                                       show_private=True).public_id
        parent_id = public_id
    return store.create_recipe(user, recipe.to_dict(), private=private, parent_id=parent_id,
                               show_private=True).public_id


def clone(public_id: str) -> str:
    """A copy owned by the operator, named "… (copy)", linked to its parent."""
    loaded = load(public_id)
    loaded.recipe.name = f"{loaded.recipe.name} (copy)"
    user = operator(create=True)
    return store.create_recipe(user, loaded.recipe.to_dict(), private=loaded.private,
                               parent_id=public_id, show_private=True).public_id


def delete(public_id: str) -> Snapshot:
    """Delete one of the operator's recipes; the snapshot lets ``restore`` undo it."""
    deleted = store.delete_recipe(operator(create=True), public_id, show_private=True)
    return Snapshot(name=deleted.row["name"], deleted=deleted)


def restore(snapshot: Snapshot) -> str:
    """Undo a delete: the same recipe under the same id (see ``brewing.recipes.restore_recipe``)."""
    return store.restore_recipe(snapshot.deleted).public_id


def import_one(recipe: Recipe, private: bool = False) -> str:
    """Store one recipe read from a BeerXML file as the operator's."""
    return store.create_recipe(operator(create=True), recipe.to_dict(), private=private).public_id


def export(public_ids: Sequence[str]) -> str:
    """BeerXML for the given recipes, in the given order."""
    return to_beerxml([load(public_id).recipe for public_id in public_ids])
