"""The brewhouse's read side: plain values for the window, the web pages and the APIs.

Recipes, the activity feed and Tapline profiles as frozen dataclasses, so a result read on a
worker thread or in a request handler is used without touching the database again. Every
reader applies the privacy rule of ``recipes``: a private recipe (or an action about one) is
seen by its owner alone, and only when private ones are asked for; the viewer is a
``Principal``. A clone's parent is named only when the viewer may see it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import peewee
from peewee import fn

from kegdash.accounts.models import User
from kegdash.accounts.views import Principal
from kegdash.brewing import actions as feed
from kegdash.brewing import profiles
from kegdash.brewing import recipes as store
from kegdash.brewing.colors import srm_to_display_css, srm_to_name
from kegdash.brewing.models import StoredRecipe
from kegdash.brewing.recipe import Recipe


@dataclass(frozen=True, slots=True)
class RecipeFigures:
    """What a tap board shows of a beer brewed here: bitterness and colour."""

    ibu: float | None
    srm: float | None
    color_css: str | None
    color_name: str | None


@dataclass(frozen=True, slots=True)
class UserRef:
    """A user as a recipe or an action names them."""

    public_id: str
    name: str
    image: str


@dataclass(frozen=True, slots=True)
class ParentRef:
    """The recipe a clone was made from: its name, owner and stored numbers."""

    public_id: str
    slug: str
    name: str
    description: str
    owner: UserRef
    og: float | None
    fg: float | None
    ibu: float | None
    abv: float | None
    color: float | None


@dataclass(frozen=True, slots=True)
class RecipeView:
    """A stored recipe: the engine's ``Recipe`` plus where it sits (owner, parent, privacy) and
    the numbers stored at its last save."""

    public_id: str
    slug: str
    name: str
    created: dt.datetime
    modified: dt.datetime
    private: bool
    owner: UserRef
    parent: ParentRef | None
    recipe: Recipe
    og: float | None
    fg: float | None
    ibu: float | None
    abv: float | None
    color: float | None


@dataclass(frozen=True, slots=True)
class ActionView:
    """One entry of the activity feed; ``data`` is its stored summary."""

    public_id: str
    type: str
    user: UserRef
    target_id: str | None
    private: bool
    data: dict[str, Any]
    created: dt.datetime


@dataclass(frozen=True, slots=True)
class Profile:
    """A Tapline public profile: never the e-mail address. ``location`` is (longitude, latitude)."""

    public_id: str
    name: str
    image: str
    created: dt.datetime
    confirmed: bool
    location: tuple[float, float] | None
    following: tuple[str, ...]
    recipe_count: int


@dataclass(frozen=True, slots=True)
class RecipeRow:
    """One line of the window's recipe list."""

    public_id: str
    name: str
    brewer: str
    style: str
    og: float | None
    fg: float | None
    ibu: float | None
    abv: float | None
    private: bool
    modified: dt.datetime


_ROW_ORDERS = {
    "-modified": (StoredRecipe.modified.desc(), StoredRecipe.id.desc()),
    "modified": (StoredRecipe.modified, StoredRecipe.id),
    # LOWER, not SQLite's COLLATE NOCASE, so PostgreSQL sorts the same way.
    "name": (fn.LOWER(StoredRecipe.name), StoredRecipe.id),
    "-name": (fn.LOWER(StoredRecipe.name).desc(), StoredRecipe.id.desc()),
}


def _user_ref(user: User) -> UserRef:
    return UserRef(public_id=user.public_id, name=user.username, image=user.image_url)


def _parents(rows: Sequence[StoredRecipe], viewer: Principal | None,
             show_private: bool) -> dict[int, ParentRef]:
    """Row id → the parents of ``rows`` that the viewer may see, read in one query."""
    wanted = {row.parent_id for row in rows if row.parent_id is not None}
    if not wanted:
        return {}
    query = (StoredRecipe.select(StoredRecipe, User).join(User)
             .where(StoredRecipe.id.in_(list(wanted))
                    & store.visible(StoredRecipe, viewer, show_private)))
    return {parent.id: ParentRef(
        public_id=parent.public_id, slug=parent.slug, name=parent.name,
        description=store.stored_recipe(parent).description, owner=_user_ref(parent.owner),
        og=parent.og, fg=parent.fg, ibu=parent.ibu, abv=parent.abv, color=parent.color,
    ) for parent in query}


def _recipe_view(row: StoredRecipe, parents: dict[int, ParentRef]) -> RecipeView:
    return RecipeView(
        public_id=row.public_id, slug=row.slug, name=row.name, created=row.created,
        modified=row.modified, private=row.private, owner=_user_ref(row.owner),
        parent=parents.get(row.parent_id) if row.parent_id is not None else None,
        recipe=store.stored_recipe(row), og=row.og, fg=row.fg, ibu=row.ibu, abv=row.abv,
        color=row.color,
    )


def recipe(public_id: str, *, viewer: Principal | None = None,
           show_private: bool = False) -> RecipeView:
    """One recipe by id; ``recipes.RecipeNotFound`` also for a private one the viewer may not see."""
    row = store.get_recipe(public_id, viewer=viewer, show_private=show_private)
    return _recipe_view(row, _parents([row], viewer, show_private))


def recipe_list(
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
) -> list[RecipeView]:
    """Recipes matching every given filter (``recipes.find_recipes``), with their visible parents."""
    rows = store.find_recipes(viewer=viewer, show_private=show_private, ids=ids,
                              parent_ids=parent_ids, user_ids=user_ids, slugs=slugs,
                              offset=offset, limit=limit, sort=sort)
    parents = _parents(rows, viewer, show_private)
    return [_recipe_view(row, parents) for row in rows]


def action_list(
    *,
    viewer: Principal | None = None,
    show_private: bool = False,
    ids: Sequence[str] | None = None,
    user_ids: Sequence[str] | None = None,
    offset: int = 0,
    limit: int = 20,
    sort: str = "-created",
) -> list[ActionView]:
    """Feed entries matching every given filter (``actions.find_actions``)."""
    rows = feed.find_actions(viewer=viewer, show_private=show_private, ids=ids, user_ids=user_ids,
                             offset=offset, limit=limit, sort=sort)
    return [ActionView(public_id=row.public_id, type=row.type, user=_user_ref(row.user),
                       target_id=row.target_id, private=row.private, data=feed.action_data(row),
                       created=row.created) for row in rows]


def _profiles(users: Sequence[User]) -> list[Profile]:
    """Profiles of ``users`` with their recipe counts and follows, in three queries in all."""
    ids = [user.id for user in users]
    counts, following = profiles.recipe_counts(ids), profiles.followed_by(ids)
    return [Profile(
        public_id=user.public_id, name=user.username, image=user.image_url, created=user.joined,
        confirmed=user.confirmed,
        location=(None if user.longitude is None or user.latitude is None
                  else (user.longitude, user.latitude)),
        following=tuple(following.get(user.id, ())), recipe_count=counts.get(user.id, 0),
    ) for user in users]


def profile(public_id: str) -> Profile:
    """An active user's profile, else ``profiles.UserNotFound``."""
    return _profiles([profiles.get_user(public_id)])[0]


def profile_list(
    *,
    ids: Sequence[str] | None = None,
    names: Sequence[str] | None = None,
    offset: int = 0,
    limit: int = 20,
    sort: str = "name",
    origin: tuple[float, float] | None = None,
) -> list[Profile]:
    """Active users' profiles matching the filters, in ``profiles.find_users``'s order."""
    return _profiles(profiles.find_users(ids=ids, names=names, offset=offset, limit=limit,
                                         sort=sort, origin=origin))


def user_location(user: Principal) -> tuple[float, float] | None:
    """Where the user said they are, (longitude, latitude), or None if they never said."""
    found = User.select(User.longitude, User.latitude).where(User.id == user.id).tuples().first()
    if found is None or None in found:
        return None
    return found


def _listed(viewer: Principal | None, search: str) -> peewee.ModelSelect:
    query = (StoredRecipe.select(StoredRecipe, User.username).join(User)
             .where(store.visible(StoredRecipe, viewer, show_private=True)))
    if search.strip():
        query = query.where(StoredRecipe.name.contains(search.strip()))
    return query


def recipe_rows(viewer: Principal | None, search: str, sort: str, offset: int,
                limit: int) -> list[RecipeRow]:
    """The window's recipe list: public recipes and the viewer's private ones whose name contains
    ``search``; ``sort`` is ``modified`` or ``name`` (case-insensitive), ``-`` first to reverse."""
    query = _listed(viewer, search).order_by(*_ROW_ORDERS[sort]).offset(offset).limit(limit)
    return [RecipeRow(
        public_id=row.public_id, name=row.name, brewer=row.owner.username,
        style=(json.loads(row.data or "{}").get("style") or {}).get("name") or "",
        og=row.og, fg=row.fg, ibu=row.ibu, abv=row.abv, private=row.private, modified=row.modified,
    ) for row in query]


def count_recipe_rows(viewer: Principal | None, search: str) -> int:
    """How many recipes ``recipe_rows`` lists for this search."""
    return _listed(viewer, search).count()


def public_recipe_figures(names: Iterable[str]) -> dict[str, RecipeFigures]:
    """Lower-cased recipe name → figures of the most recently changed *public* recipe of that
    name. Private recipes are never consulted: a tap board hangs on a public TV."""
    wanted = sorted({name.lower() for name in names})
    if not wanted:
        return {}
    rows = (StoredRecipe.select(fn.LOWER(StoredRecipe.name).alias("key"), StoredRecipe.ibu,
                                StoredRecipe.color)
            .where(fn.LOWER(StoredRecipe.name).in_(wanted)
                   & (StoredRecipe.private == False))  # noqa: E712
            .order_by(StoredRecipe.modified, StoredRecipe.id).dicts())
    return {  # later rows win
        row["key"]: RecipeFigures(
            ibu=row["ibu"], srm=row["color"],
            color_css=srm_to_display_css(row["color"]) if row["color"] is not None else None,
            color_name=srm_to_name(row["color"]) if row["color"] is not None else None)
        for row in rows
    }
