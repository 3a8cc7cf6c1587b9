"""What the Recipes page reads (through ``brewing.views``) and writes (through ``brewing.recipes``).

The window acts as the operator account (site setting ``operator``): it sees every public recipe
plus the operator's private ones, and every write goes through ``brewing.recipes`` so the feed
action and the RECIPE_SAVED event happen exactly as for the API. Results are plain values, safe to
hand from a worker thread to the main thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kegdash.accounts import views as accounts
from kegdash.accounts.users import create_user
from kegdash.accounts.views import Principal
from kegdash.brewing import Recipe, to_beerxml
from kegdash.brewing import recipes as store
from kegdash.brewing import views as brewing
from kegdash.site_settings import get_setting

SORTS = {"Newest first": "-modified", "Oldest first": "modified", "Name A–Z": "name",
         "Name Z–A": "-name"}
"""The list's sort choices and the ``brewing.views.recipe_rows`` order each stands for."""


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


def operator(create: bool = False) -> Principal | None:
    """The account the window acts as; created as a superuser on the first write if missing."""
    name = get_setting("operator")
    user = accounts.by_username(name)
    if user is None and create:
        user = accounts.principal(create_user(name, is_superuser=True))
    return user


def count_rows(search: str) -> int:
    """How many recipes the list shows for this search."""
    return brewing.count_recipe_rows(operator(), search)


def recipe_rows(search: str, sort: str, offset: int, limit: int) -> list[tuple]:
    """(public id, name, brewer, style, OG, FG, IBU, ABV, visibility, changed) for the list."""
    return [(row.public_id, row.name, row.brewer, row.style, row.og, row.fg, row.ibu, row.abv,
             "private" if row.private else "public", row.modified)
            for row in brewing.recipe_rows(operator(), search, SORTS[sort], offset, limit)]


def load(public_id: str) -> Loaded:
    """A recipe for the editor; raises ``store.RecipeNotFound`` if it is gone or not visible."""
    user = operator()
    view = brewing.recipe(public_id, viewer=user, show_private=True)
    return Loaded(public_id=view.public_id, recipe=view.recipe, private=view.private,
                  owner=view.owner.name, mine=user is not None and view.owner.public_id == user.public_id,
                  parent_id=view.parent.public_id if view.parent is not None else None)


def copy_name(name: str) -> str:
    """What a copy of a recipe is called: "Guest IPA" → "Guest IPA (copy)"."""
    return f"{name} (copy)"


def save(recipe: Recipe, *, public_id: str | None, private: bool, parent_id: str | None = None) -> str:
    """Create or update the operator's recipe; returns its public id.

    A recipe of another brewer is never overwritten: saving it stores the operator's own copy,
    named "… (copy)", with the original as parent (a clone), as Tapline does.
    """
    user = operator(create=True)
    data = recipe.to_dict()
    if public_id is not None:
        if brewing.recipe(public_id, viewer=user, show_private=True).owner.public_id == user.public_id:
            store.update_recipe(user, public_id, data=data, private=private, show_private=True)
            return public_id
        parent_id = public_id
        data["name"] = copy_name(recipe.name)
    return store.create_recipe(user, data, private=private, parent_id=parent_id,
                               show_private=True).public_id


def clone(public_id: str) -> str:
    """A copy owned by the operator, named "… (copy)", linked to its parent."""
    loaded = load(public_id)
    loaded.recipe.name = copy_name(loaded.recipe.name)
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
