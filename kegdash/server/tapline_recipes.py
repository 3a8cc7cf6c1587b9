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
from kegdash.accounts.views import AuthorizationView
from kegdash.brewing import actions as feed
from kegdash.brewing import recipes as store
from kegdash.brewing import views as brewing
from kegdash.brewing.views import RecipeView
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


def _wants_private(params: dict[str, Any], auth: AuthorizationView | None) -> bool:
    """True if private items were asked for; 403 if the token lacks ``private``."""
    wanted = bool(params.get("showPrivate") or params.get("private"))
    if wanted and auth is not None:
        require(auth, "private")
    return wanted and auth is not None


def _recipe_out(view: RecipeView, params: dict[str, Any]) -> dict[str, Any]:
    return obj.recipe(view, detail=params["detail"], populate_parent=params["populateParent"])


def list_recipes(auth: AuthorizationView | None, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Recipes the caller may see; ``parentIds`` too match only parents they may see."""
    found = brewing.recipe_list(
        viewer=auth.user if auth is not None else None, show_private=_wants_private(params, auth),
        ids=params.get("ids"), parent_ids=params.get("parentIds"), user_ids=params.get("userIds"),
        slugs=params.get("slugs"), offset=params["offset"], limit=params["limit"],
        sort=params["sort"],
    )
    return [_recipe_out(view, params) for view in found]


def one_recipe(auth: AuthorizationView | None, ident: str) -> dict[str, Any]:
    params = check(query_values(RECIPE_LIST_QUERY), RECIPE_LIST_PROPS)
    view = brewing.recipe(ident, viewer=auth.user if auth is not None else None,
                          show_private=_wants_private(params, auth))
    return _recipe_out(view, params)


def list_actions(auth: AuthorizationView | None, params: dict[str, Any]) -> list[dict[str, Any]]:
    found = brewing.action_list(
        viewer=auth.user if auth is not None else None, show_private=_wants_private(params, auth),
        ids=params.get("ids"), user_ids=params.get("userIds"), offset=params["offset"],
        limit=params["limit"], sort=params["sort"],
    )
    return [obj.action(view) for view in found]


def one_action(auth: AuthorizationView | None, ident: str) -> dict[str, Any]:
    params = check(query_values(ACTION_LIST_QUERY), ACTION_LIST_PROPS)
    params.update(ids=[ident], offset=0, limit=1)
    found = list_actions(auth, params)
    if not found:
        raise TaplineError(404, "Action not found")
    return found[0]


def _check_private(auth: AuthorizationView, ident: str) -> None:
    """404 if the recipe is somebody else's private one; 403 without ``private`` when it is
    private."""
    if brewing.recipe(ident, viewer=auth.user, show_private=True).private:
        require(auth, "private")


def _write_params(auth: AuthorizationView) -> dict[str, Any]:
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
        show_private = has_scope(auth, "private")
        created = store.create_recipe(auth.user, params["recipe"], private=bool(params.get("private")),
                                      parent_id=params.get("parent"), show_private=show_private)
        return _recipe_out(brewing.recipe(created.public_id, viewer=auth.user,
                                          show_private=show_private), params)

    @route("/recipes/<ident>", "PUT")
    def update_recipe(ident: str) -> dict:
        auth = bearer("recipe")
        params = _write_params(auth)
        _check_private(auth, ident)
        show_private = has_scope(auth, "private")
        store.update_recipe(auth.user, ident, data=params.get("recipe"), private=params.get("private"),
                            parent_id=params.get("parent"), show_private=show_private)
        return _recipe_out(brewing.recipe(ident, viewer=auth.user, show_private=show_private), params)

    @route("/recipes/<ident>", "DELETE")
    def delete_recipe(ident: str) -> str:
        auth = bearer("recipe:delete")
        _check_private(auth, ident)
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
