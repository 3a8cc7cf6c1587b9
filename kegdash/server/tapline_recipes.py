"""Tapline recipes and the actions feed: public read-only routes and the authenticated ones.

Scopes follow the seed's table (``spec/tapline.md`` §11): reading public data needs none,
writing recipes ``recipe``, deleting ``recipe:delete``, and anything private — listing,
reading, writing or deleting a private recipe, or seeing private actions — also ``private``.
``showPrivate`` (the original's name) and ``private`` (the seed's) are the same flag. A
private recipe somebody else owns is always "not found", on every route and through every
filter.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import bottle

from kegdash.accounts.authorizations import has_scope
from kegdash.accounts.models import Authorization, User
from kegdash.brewing import actions as feed
from kegdash.brewing import recipes as store
from kegdash.brewing.models import StoredRecipe
from kegdash.server import tapline_objects as obj
from kegdash.server.tapline_auth import bearer, require
from kegdash.server.tapline_validation import Prop, TaplineError, check, json_body, query_values

MAX_IDS = 60
MAX_OFFSET = 1_000_000_000

_ID_LIST = {"items": ("string",), "min_items": 1, "max_items": MAX_IDS, "max_length": 120}
PAGING = [
    Prop("offset", ("integer",), default=0, minimum=0, maximum=MAX_OFFSET),
    Prop("limit", ("integer",), default=20, minimum=1, maximum=60),
]
FLAGS = [Prop(name, ("boolean",), default=False)
         for name in ("detail", "populateParent", "showPrivate", "private")]
RECIPE_LIST_QUERY = {"ids": "array", "parentIds": "array", "userIds": "array", "slugs": "array",
                     "offset": "integer", "limit": "integer", "sort": "string",
                     "detail": "boolean", "populateParent": "boolean", "showPrivate": "boolean",
                     "private": "boolean"}
RECIPE_LIST_PROPS = [
    *(Prop(name, ("array",), **_ID_LIST) for name in ("ids", "parentIds", "userIds", "slugs")),
    *PAGING,
    Prop("sort", ("string",), default="-created", enum=store.RECIPE_SORTS),
    *FLAGS,
]
ACTION_LIST_QUERY = {"ids": "array", "userIds": "array", "offset": "integer", "limit": "integer",
                     "sort": "string", "showPrivate": "boolean", "private": "boolean"}
ACTION_LIST_PROPS = [
    *(Prop(name, ("array",), **_ID_LIST) for name in ("ids", "userIds")),
    *PAGING,
    Prop("sort", ("string",), default="-created", enum=feed.ACTION_SORTS),
    *FLAGS[2:],
]
RECIPE_WRITE_PROPS = [
    Prop("recipe", ("object",)),
    Prop("private", ("boolean",)),
    Prop("parent", ("null", "string"), max_length=120),
    Prop("detail", ("boolean",), default=False),
    Prop("populateParent", ("boolean",), default=False),
]


def _wants_private(params: dict[str, Any], auth: Authorization | None) -> bool:
    """True if private items were asked for; 403 if the token lacks ``private``."""
    wanted = bool(params.get("showPrivate") or params.get("private"))
    if wanted and auth is not None:
        require(auth, "private")
    return wanted and auth is not None


def _recipe_out(row: StoredRecipe, params: dict[str, Any], viewer: User | None,
                show_private: bool) -> dict[str, Any]:
    return obj.recipe(row, detail=params["detail"], populate_parent=params["populateParent"],
                      viewer=viewer, show_private=show_private)


def _visible_parent_ids(ids: list[str], viewer: User | None, show_private: bool) -> list[str]:
    """``parentIds`` reduced to recipes the caller may see, so the filter reveals nothing."""
    rows = store.find_recipes(viewer=viewer, show_private=show_private, ids=ids, limit=MAX_IDS)
    return [row.public_id for row in rows]


def list_recipes(auth: Authorization | None, params: dict[str, Any]) -> list[dict[str, Any]]:
    viewer = auth.user if auth is not None else None
    show_private = _wants_private(params, auth)
    parent_ids = params.get("parentIds")
    if parent_ids is not None:
        parent_ids = _visible_parent_ids(parent_ids, viewer, show_private)
    rows = store.find_recipes(
        viewer=viewer, show_private=show_private, ids=params.get("ids"), parent_ids=parent_ids,
        user_ids=params.get("userIds"), slugs=params.get("slugs"), offset=params["offset"],
        limit=params["limit"], sort=params["sort"],
    )
    return [_recipe_out(row, params, viewer, show_private) for row in rows]


def one_recipe(auth: Authorization | None, ident: str) -> dict[str, Any]:
    params = check(query_values(RECIPE_LIST_QUERY), RECIPE_LIST_PROPS)
    viewer = auth.user if auth is not None else None
    show_private = _wants_private(params, auth)
    row = store.get_recipe(ident, viewer=viewer, show_private=show_private)
    return _recipe_out(row, params, viewer, show_private)


def list_actions(auth: Authorization | None, params: dict[str, Any]) -> list[dict[str, Any]]:
    rows = feed.find_actions(
        viewer=auth.user if auth is not None else None, show_private=_wants_private(params, auth),
        ids=params.get("ids"), user_ids=params.get("userIds"), offset=params["offset"],
        limit=params["limit"], sort=params["sort"],
    )
    return [obj.action(row) for row in rows]


def one_action(auth: Authorization | None, ident: str) -> dict[str, Any]:
    params = check(query_values(ACTION_LIST_QUERY), ACTION_LIST_PROPS)
    params.update(ids=[ident], offset=0, limit=1)
    found = list_actions(auth, params)
    if not found:
        raise TaplineError(404, "Action not found")
    return found[0]


def _own_recipe(auth: Authorization, ident: str) -> StoredRecipe:
    """The caller's recipe (404 if it is somebody else's private one); 403 without ``private``
    when the recipe is private."""
    row = store.get_recipe(ident, viewer=auth.user, show_private=True)
    if row.private:
        require(auth, "private")
    return row


def _write_params(auth: Authorization) -> dict[str, Any]:
    params = check(json_body(), RECIPE_WRITE_PROPS)
    if params.get("private"):
        require(auth, "private")
    return params


def register(route: Callable[..., Callable[[Callable], Callable]]) -> None:
    """Add the recipe and action routes to the dialect app."""

    @route("/public/recipes")
    def public_recipes() -> list:
        return list_recipes(None, check(query_values(RECIPE_LIST_QUERY), RECIPE_LIST_PROPS))

    @route("/public/recipes/<ident>")
    def public_recipe(ident: str) -> dict:
        return one_recipe(None, ident)

    @route("/public/actions")
    def public_actions() -> list:
        return list_actions(None, check(query_values(ACTION_LIST_QUERY), ACTION_LIST_PROPS))

    @route("/public/actions/<ident>")
    def public_action(ident: str) -> dict:
        return one_action(None, ident)

    @route("/recipes")
    def recipes() -> list:
        auth = bearer()
        return list_recipes(auth, check(query_values(RECIPE_LIST_QUERY), RECIPE_LIST_PROPS))

    @route("/recipes/<ident>")
    def recipe(ident: str) -> dict:
        return one_recipe(bearer(), ident)

    @route("/recipes", "POST")
    def create_recipe() -> dict:
        auth = bearer("recipe")
        params = _write_params(auth)
        if "recipe" not in params:
            raise TaplineError(400, "Error: JSON object property 'recipe' is required")
        row = store.create_recipe(auth.user, params["recipe"], private=bool(params.get("private")),
                                  parent_id=params.get("parent"),
                                  show_private=has_scope(auth, "private"))
        return _recipe_out(row, params, auth.user, has_scope(auth, "private"))

    @route("/recipes/<ident>", "PUT")
    def update_recipe(ident: str) -> dict:
        auth = bearer("recipe")
        params = _write_params(auth)
        _own_recipe(auth, ident)
        row = store.update_recipe(auth.user, ident, data=params.get("recipe"),
                                  private=params.get("private"), parent_id=params.get("parent"),
                                  show_private=has_scope(auth, "private"))
        return _recipe_out(row, params, auth.user, has_scope(auth, "private"))

    @route("/recipes/<ident>", "DELETE")
    def delete_recipe(ident: str) -> str:
        auth = bearer("recipe:delete")
        _own_recipe(auth, ident)
        store.delete_recipe(auth.user, ident, show_private=has_scope(auth, "private"))
        bottle.response.status = 204
        return ""

    @route("/actions")
    def actions() -> list:
        auth = bearer()
        return list_actions(auth, check(query_values(ACTION_LIST_QUERY), ACTION_LIST_PROPS))

    @route("/actions/<ident>")
    def action(ident: str) -> dict:
        return one_action(bearer(), ident)
