"""Stored recipes: create, update, clone, delete (and undo it) and list, with Tapline's slug and
privacy rules.

Every write recalculates the recipe with the engine (the cached og/fg/ibu/abv/color columns
feed lists, the feed and the window), records an action in the same transaction, and
publishes ``events.RecipeSaved`` only after the commit.  A private recipe is visible to its
owner alone; lookups that would reveal one to anybody else behave as if it did not exist.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import peewee

from kegdash import events
from kegdash.accounts.models import User
from kegdash.accounts.views import Principal
from kegdash.brewing import actions
from kegdash.brewing.calc import RecipeResults, calculate
from kegdash.brewing.jsmath import json_number
from kegdash.brewing.models import Action, StoredRecipe
from kegdash.brewing.recipe import Recipe
from kegdash.db import database, new_public_id

RECIPE_SORTS = ("created", "-created", "name", "-name")
MAX_SLUG = 100
_SLUG_RETRIES = 20

_SYMBOLS = {"&": " and ", "|": " or ", "<": " less ", ">": " greater ", "€": " euro ",
            "$": " dollar ", "£": " pound ", "♥": " love ", "ß": "ss", "æ": "ae", "Æ": "AE",
            "ø": "o", "Ø": "O", "œ": "oe", "Œ": "OE", "đ": "d", "Đ": "D", "ł": "l", "Ł": "L",
            "þ": "th", "Þ": "TH", "ð": "d", "Ð": "D"}
_DROP_RE = re.compile(r"[^a-z0-9\s_-]")
_SEPARATORS_RE = re.compile(r"[\s_-]+")
_TRAILING_NUMBER_RE = re.compile(r"(\d+)$")


class RecipeNotFound(LookupError):
    """No such recipe, or one the caller may not see (the two are never told apart)."""


class NotRecipeOwner(PermissionError):
    """The recipe exists and is visible, but belongs to somebody else."""


class RecipeInputError(ValueError):
    """A request names something unusable (an unknown parent); the message names the property."""


@dataclass(frozen=True)
class DeletedRecipe:
    """What ``delete_recipe`` removed, as plain values, so ``restore_recipe`` can put it back.

    ``row`` holds the stored columns as they were (``owner`` as a user id; no ``id`` or
    ``parent``), ``parent_id`` the parent's public id, ``children`` the public ids of the recipes
    whose parent link the delete cleared, ``actions`` the feed entries about it that it dropped.
    """

    row: dict[str, Any]
    parent_id: str | None
    children: tuple[str, ...]
    actions: tuple[dict[str, Any], ...]


def slugify(name: str) -> str:
    """Tapline's slug shape restricted to ``[a-z0-9-]``: "Märzen Öl" → ``marzen-ol``.

    Symbols the ``slug`` package spelt out (``&`` → "and") are spelt out, accents are folded,
    everything else outside the alphabet is dropped; a name with nothing left becomes ``recipe``.
    """
    text = "".join(_SYMBOLS.get(char, char) for char in name)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char)).lower()
    text = _DROP_RE.sub("", text)
    slug = _SEPARATORS_RE.sub("-", text).strip("-")[:MAX_SLUG].strip("-")
    return slug or "recipe"


def next_slug(slug: str) -> str:
    """The next candidate on a collision: ``a`` → ``a-1`` → ``a-2``; ``ipa-2013`` → ``ipa-2014``."""
    match = _TRAILING_NUMBER_RE.search(slug)
    if match is None:
        return f"{slug}-1"
    return slug[: match.start()] + str(int(match.group(1)) + 1)


def _unique_slug(owner: Principal, name: str, exclude_id: int | None = None) -> str:
    taken_query = StoredRecipe.select(StoredRecipe.slug).where(StoredRecipe.owner == owner.id)
    if exclude_id is not None:
        taken_query = taken_query.where(StoredRecipe.id != exclude_id)
    taken = {row.slug for row in taken_query}
    slug = slugify(name)
    while slug in taken:
        slug = next_slug(slug)
    return slug


def summary(recipe: StoredRecipe) -> dict[str, Any]:
    """What a recipe action carries: name, slug, description and the cached numbers."""
    data = json.loads(recipe.data or "{}")
    return {"name": recipe.name, "slug": recipe.slug, "description": data.get("description", ""),
            "og": recipe.og, "fg": recipe.fg, "ibu": recipe.ibu, "abv": recipe.abv,
            "color": recipe.color}


def _apply_data(row: StoredRecipe, recipe: Recipe) -> None:
    results: RecipeResults = calculate(recipe)
    row.name = recipe.name[:200]
    row.data = json.dumps(recipe.to_dict())
    row.og, row.fg = json_number(results.og), json_number(results.fg)
    row.ibu, row.abv = json_number(results.ibu), json_number(results.abv)
    row.color = json_number(results.color)


def _save_with_slug(row: StoredRecipe, owner: Principal, *, new_slug: bool = True) -> None:
    """Save, choosing a free slug; a concurrent writer taking the same slug only costs a retry."""
    for _ in range(_SLUG_RETRIES):
        if new_slug:
            row.slug = _unique_slug(owner, row.name, row.id)
        try:
            with database.atomic():
                row.save()
            return
        except peewee.IntegrityError:
            continue
    raise RecipeInputError(f"could not find a free slug for {row.name!r}")


def visible_to(recipe: StoredRecipe, viewer: Principal | None, show_private: bool) -> bool:
    """Public recipes to all; private ones to their owner, and only when private ones are asked for."""
    if not recipe.private:
        return True
    return show_private and viewer is not None and recipe.owner_id == viewer.id


def visible(recipes: type[StoredRecipe] | peewee.ModelAlias, viewer: Principal | None,
            show_private: bool) -> peewee.Expression:
    """``visible_to`` as a condition on ``recipes`` (the model or an alias of it), for queries."""
    condition = recipes.private == False  # noqa: E712 (peewee expression)
    if show_private and viewer is not None:
        condition = condition | ((recipes.private == True) & (recipes.owner == viewer.id))  # noqa: E712
    return condition


def get_recipe(public_id: str, *, viewer: Principal | None = None,
               show_private: bool = False) -> StoredRecipe:
    """One recipe by id, or RecipeNotFound (also for a private recipe the viewer may not see)."""
    row = (StoredRecipe.select(StoredRecipe, User).join(User)
           .where(StoredRecipe.public_id == public_id).first())
    if row is None or not visible_to(row, viewer, show_private):
        raise RecipeNotFound(f"Recipe {public_id} not found")
    return row


def _owned(owner: Principal, public_id: str, show_private: bool) -> StoredRecipe:
    row = get_recipe(public_id, viewer=owner, show_private=show_private)
    if row.owner_id != owner.id:
        raise NotRecipeOwner("Recipe owner does not match user ID")
    return row


def _parent(owner: Principal, parent_id: str | None, show_private: bool) -> StoredRecipe | None:
    if parent_id is None:
        return None
    try:
        return get_recipe(parent_id, viewer=owner, show_private=show_private)
    except RecipeNotFound:
        raise RecipeInputError(f"parent: recipe {parent_id} not found") from None


def _publish(row: StoredRecipe, change: str) -> None:
    events.bus.publish(events.RecipeSaved(recipe_id=row.public_id, recipe_name=row.name, change=change))


def create_recipe(owner: Principal, data: dict[str, Any], *, private: bool = False,
                  parent_id: str | None = None, show_private: bool = False) -> StoredRecipe:
    """Store a new recipe (a clone when ``parent_id`` names a recipe the owner can see;
    the owner's private recipes count only with ``show_private``).

    ``author`` defaults to the owner's name as in Tapline. Raises the engine's BrewingError
    for bad recipe data, RecipeInputError for an unusable parent.
    """
    data = dict(data) if isinstance(data, dict) else data
    if isinstance(data, dict) and "author" not in data:
        data["author"] = owner.username
    recipe = Recipe.from_dict(data)
    now = actions.now_ms()
    with database.atomic():
        row = StoredRecipe(owner=owner.id, private=private, parent=_parent(owner, parent_id, show_private),
                           created=now, modified=now)
        _apply_data(row, recipe)
        _save_with_slug(row, owner)
        actions.record_action(owner, actions.RECIPE_CREATED, target_id=row.public_id,
                              data=summary(row), private=private)
    _publish(row, "created")
    return get_recipe(row.public_id, viewer=owner, show_private=True)


def update_recipe(owner: Principal, public_id: str, *, data: dict[str, Any] | None = None,
                  private: bool | None = None, parent_id: str | None = None,
                  show_private: bool = False) -> StoredRecipe:
    """Change an owner's recipe; a new name gives a new slug, and the feed is brought up to date.

    ``show_private`` says whether the caller may touch private recipes at all; without it a
    private recipe is not found. New ``data`` without an ``author`` keeps the stored author
    (Tapline applies no default on update: the recipe was not written by "Anonymous Brewer").
    """
    row = _owned(owner, public_id, show_private)
    if isinstance(data, dict) and "author" not in data:
        data = {**data, "author": stored_recipe(row).author}
    recipe = Recipe.from_dict(data) if data is not None else None
    with database.atomic():
        if parent_id is not None:
            parent = _parent(owner, parent_id, show_private)
            if parent is not None and parent.id == row.id:
                raise RecipeInputError("parent: a recipe cannot be its own parent")
            row.parent = parent
        if private is not None:
            row.private = private
        if recipe is not None:
            _apply_data(row, recipe)
        row.modified = actions.now_ms()
        _save_with_slug(row, owner, new_slug=recipe is not None)
        actions.refresh_recipe_actions(row.public_id, summary(row), row.private)
        actions.record_action(owner, actions.RECIPE_UPDATED, target_id=row.public_id,
                              data=summary(row), private=row.private)
    _publish(row, "updated")
    return get_recipe(row.public_id, viewer=owner, show_private=True)


def delete_recipe(owner: Principal, public_id: str, *, show_private: bool = False) -> DeletedRecipe:
    """Delete an owner's recipe and the actions about it (so the feed forgets its name).

    Clones of it lose their parent link (``ON DELETE SET NULL``). Returns what ``restore_recipe``
    needs to undo all of this.
    """
    row = _owned(owner, public_id, show_private)
    with database.atomic():
        deleted = _deleted(row)
        actions.delete_actions_about([row.public_id])
        row.delete_instance()
    _publish(row, "deleted")
    return deleted


def _deleted(row: StoredRecipe) -> DeletedRecipe:
    """The snapshot of a recipe about to be deleted, read in the deleting transaction."""
    columns = StoredRecipe.select().where(StoredRecipe.id == row.id).dicts().get()
    del columns["id"], columns["parent"]
    children = (StoredRecipe.select(StoredRecipe.public_id)
                .where(StoredRecipe.parent == row.id).order_by(StoredRecipe.id))
    feed = Action.select().where(Action.target_id == row.public_id).order_by(Action.id).dicts()
    return DeletedRecipe(row=columns, parent_id=row.parent.public_id if row.parent_id else None,
                         children=tuple(child.public_id for child in children),
                         actions=tuple({k: v for k, v in action.items() if k != "id"}
                                       for action in feed))


def restore_recipe(deleted: DeletedRecipe) -> StoredRecipe:
    """Undo a delete: the same public id, slug, owner, privacy, data, times and feed entries, so a
    client or bookmark holding the id finds the recipe again; clones whose link the delete cleared
    point at it again.

    Whatever changed meanwhile wins: a parent deleted since is dropped, a slug the owner has used
    since gives a fresh one, a clone re-linked elsewhere stays there, and a public id in use again
    gives a new id. Raises RecipeInputError when the owner no longer exists. Publishes what a
    create publishes.
    """
    owner = User.get_or_none(User.id == deleted.row["owner"])
    if owner is None:
        raise RecipeInputError("owner: the recipe's owner no longer exists")
    with database.atomic():
        row = StoredRecipe(**deleted.row)
        if deleted.parent_id is not None:
            row.parent = StoredRecipe.get_or_none(StoredRecipe.public_id == deleted.parent_id)
        if StoredRecipe.select().where(StoredRecipe.public_id == row.public_id).exists():
            row.public_id = new_public_id()
        slug_taken = (StoredRecipe.select()
                      .where((StoredRecipe.owner == owner.id) & (StoredRecipe.slug == row.slug))
                      .exists())
        _save_with_slug(row, owner, new_slug=slug_taken)
        if deleted.children:
            (StoredRecipe.update(parent=row.id)
             .where(StoredRecipe.public_id.in_(deleted.children) & StoredRecipe.parent.is_null())
             .execute())
        _restore_actions(deleted.actions, row.public_id)
    _publish(row, "created")
    return get_recipe(row.public_id, viewer=owner, show_private=True)


def _restore_actions(feed: Sequence[dict[str, Any]], target_id: str) -> None:
    """Put a deleted recipe's feed entries back (of users that still exist), pointing at it."""
    if not feed:
        return
    users = {user.id for user in User.select(User.id).where(User.id.in_([a["user"] for a in feed]))}
    taken = {action.public_id for action in Action.select(Action.public_id)
             .where(Action.public_id.in_([a["public_id"] for a in feed]))}
    rows = [{**action, "target_id": target_id,
             "public_id": new_public_id() if action["public_id"] in taken else action["public_id"]}
            for action in feed if action["user"] in users]
    if rows:
        Action.insert_many(rows).execute()


def find_recipes(
    *,
    viewer: Principal | None = None,
    show_private: bool = False,
    ids: Sequence[str] | None = None,
    parent_ids: Sequence[str] | None = None,
    user_ids: Sequence[str] | None = None,
    slugs: Sequence[str] | None = None,
    offset: int = 0,
    limit: int = 20,
    sort: str = "-created",
) -> list[StoredRecipe]:
    """Recipes matching every given filter, public ones plus (on request) the viewer's private ones.

    ``parent_ids`` match only parents the viewer may see, so the filter reveals nothing either.
    """
    if sort not in RECIPE_SORTS:
        raise ValueError(f"sort must be one of {', '.join(RECIPE_SORTS)}")
    query = (StoredRecipe.select(StoredRecipe, User).join(User)
             .where(visible(StoredRecipe, viewer, show_private)))
    if ids is not None:
        query = query.where(StoredRecipe.public_id.in_(list(ids)))
    if user_ids is not None:
        query = query.where(User.public_id.in_(list(user_ids)))
    if slugs is not None:
        query = query.where(StoredRecipe.slug.in_(list(slugs)))
    if parent_ids is not None:
        Parent = StoredRecipe.alias()
        parents = Parent.select(Parent.id).where(Parent.public_id.in_(list(parent_ids))
                                                 & visible(Parent, viewer, show_private))
        query = query.where(StoredRecipe.parent.in_(parents))
    field = StoredRecipe.name if sort.lstrip("-") == "name" else StoredRecipe.created
    order = [field.desc(), StoredRecipe.id.desc()] if sort.startswith("-") else [field,
                                                                                 StoredRecipe.id]
    return list(query.order_by(*order).offset(offset).limit(limit))


def stored_recipe(row: StoredRecipe) -> Recipe:
    """The engine's view of a stored recipe (data saved by older code is read leniently)."""
    return Recipe.from_dict(json.loads(row.data or "{}"))
