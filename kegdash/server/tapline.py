"""The Tapline dialect (seed 002), mounted at ``/v1/``: malt.io's homebrewing API.

Success is bare JSON (``application/json; charset=utf-8``); every failure is a plain-text
message naming the property at fault (``text/plain; charset=utf-8``) with a 4xx status, never a
traceback. Every response carries ``X-Request-ID``, ``X-Response-Time`` and the original's CORS
headers. The converters and calculator live here; recipes and actions are in
``tapline_recipes``, users and authorizations in ``tapline_accounts``; request checking in
``tapline_validation``, credentials in ``tapline_auth``, wire shapes in ``tapline_objects``.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from typing import Any

import bottle

from kegdash.accounts.authorizations import AuthorizationNotFound, ClientError, ScopeError
from kegdash.accounts.users import AccountError
from kegdash.brewing import (
    BrewingError,
    Recipe,
    calculate,
    convert_colors,
    convert_durations,
    parse_beerxml,
    timeline,
    to_beerxml,
)
from kegdash.brewing.profiles import UserNotFound
from kegdash.brewing.recipes import NotRecipeOwner, RecipeInputError, RecipeNotFound
from kegdash.server import dialect, tapline_accounts, tapline_recipes
from kegdash.server.dialect import Dialect, new_app
from kegdash.server.tapline_validation import Prop, TaplineError, check, json_body, prop_error

CORS_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Access-Control-Allow-Methods": "GET,PUT,POST,DELETE",
    "Access-Control-Allow-Headers": "Content-Type, Authorization",
}
_START_KEY = "kegdash.tapline.start"

DURATION_PROPS = [
    Prop("values", ("array",), required=True, items=("string", "number"), min_items=1,
         max_items=25, max_length=200),
    Prop("outputFormat", ("string",), default="minutes", enum=("minutes", "display")),
    Prop("approximate", ("null", "number"), default=None),
]
COLOR_PROPS = [
    Prop("format", ("string",), required=True, enum=("srm", "ebc", "lovibond")),
    Prop("values", ("array",), required=True, items=("number",), min_items=1, max_items=25,
         minimum=0),
    Prop("outputFormat", ("string",), default="ebc",
         enum=("ebc", "srm", "lovibond", "name", "rgb", "css")),
]
_RECIPES = Prop("recipes", ("array",), required=True, items=("object", "string"), min_items=1,
                max_items=10)
_FORMAT = Prop("format", ("string",), required=True, enum=("json", "beerxml"))
CONVERT_RECIPE_PROPS = [_FORMAT, _RECIPES,
                        Prop("outputFormat", ("string",), default="json", enum=("json", "beerxml"))]
CALCULATE_PROPS = [_FORMAT, _RECIPES, Prop("siUnits", ("boolean",), default=True)]


def _headers(status: int) -> dict[str, str]:
    start = bottle.request.environ.get(_START_KEY)
    elapsed = 0 if start is None else round((time.perf_counter() - start) * 1000)
    return {"X-Request-ID": secrets.token_hex(4), "X-Response-Time": f"{elapsed}ms", **CORS_HEADERS}


def error_response(status: int, message: str,
                   headers: dict[str, str] | None = None) -> bottle.HTTPResponse:
    """A plain-text error; also used by the root app for 404/405 under ``/v1/``."""
    all_headers = {"Content-Type": "text/plain; charset=utf-8", **_headers(status),
                   **(headers or {})}
    return bottle.HTTPResponse(body=message, status=status, headers=all_headers)


class TimingPlugin:
    """Every Tapline answer carries ``X-Request-ID``, ``X-Response-Time`` and the CORS headers;
    an error answer gets them from ``error_response``."""

    name = "tapline-timing"
    api = 2

    def apply(self, callback: Callable, route: bottle.Route) -> Callable:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            bottle.request.environ[_START_KEY] = time.perf_counter()
            result = callback(*args, **kwargs)
            if not isinstance(result, bottle.HTTPResponse):
                for key, value in _headers(bottle.response.status_code).items():
                    bottle.response.set_header(key, value)
            return result

        return wrapper


def _plain(status: int) -> Callable[[Exception], bottle.HTTPResponse]:
    return lambda exc: error_response(status, str(exc))


DIALECT = Dialect("tapline", error_response, server_error="Internal server error", errors=[
    (TaplineError, lambda exc: error_response(exc.status, exc.message, exc.headers)),
    ((RecipeNotFound, UserNotFound, AuthorizationNotFound), _plain(404)),
    (NotRecipeOwner, _plain(403)),
    (ClientError, _plain(401)),
    ((BrewingError, RecipeInputError, AccountError, ScopeError), _plain(400)),
])


def recipe_list(fmt: str, items: list[Any]) -> list[Recipe]:
    """Brauhaus JSON objects or strings, or BeerXML documents (each may hold several recipes)."""
    recipes: list[Recipe] = []
    for i, item in enumerate(items):
        if fmt == "beerxml":
            if not isinstance(item, str):
                raise prop_error(f"recipes.[{i}]", "is an object when it should be a string")
            recipes.extend(parse_beerxml(item))
        elif isinstance(item, str):
            recipes.append(Recipe.from_json(item))
        else:
            recipes.append(Recipe.from_dict(item))
    return recipes


def make_app() -> bottle.Bottle:
    app = new_app(DIALECT, TimingPlugin())

    preflighted: set[str] = set()

    def preflight(**_: str) -> str:
        """CORS preflight: any OPTIONS on a Tapline path is answered ``OK`` as the original did."""
        return "OK"

    def route(path: str, method: str = "GET") -> Callable[[Callable], Callable]:
        """Register ``path`` and ``path/`` (and an OPTIONS answer for both)."""
        def decorate(fn: Callable) -> Callable:
            dialect.route(app, path, method, fn)
            if path not in preflighted:
                preflighted.add(path)
                dialect.route(app, path, "OPTIONS", preflight)
            return fn
        return decorate

    @route("/convert/duration", "POST")
    def convert_duration() -> dict:
        body = check(json_body(), DURATION_PROPS)
        values = convert_durations(body["values"], body["outputFormat"], body["approximate"])
        return {"format": body["outputFormat"], "values": values}

    @route("/convert/color", "POST")
    def convert_color() -> dict:
        body = check(json_body(), COLOR_PROPS)
        values = convert_colors(body["format"], body["values"], body["outputFormat"])
        return {"format": body["outputFormat"], "values": values}

    @route("/convert/recipe", "POST")
    def convert_recipe() -> dict:
        body = check(json_body(), CONVERT_RECIPE_PROPS)
        recipes = recipe_list(body["format"], body["recipes"])
        if body["outputFormat"] == "beerxml":
            out: list[Any] = [to_beerxml(recipe) for recipe in recipes]
        else:
            out = [recipe.to_dict() for recipe in recipes]
        return {"format": body["outputFormat"], "recipes": out}

    @route("/calculate/recipe", "POST")
    def calculate_recipe() -> list:
        body = check(json_body(), CALCULATE_PROPS)
        return [calculate(recipe).to_dict(timeline=timeline(recipe, body["siUnits"]))
                for recipe in recipe_list(body["format"], body["recipes"])]

    tapline_accounts.register(route)
    tapline_recipes.register(route)
    return app
