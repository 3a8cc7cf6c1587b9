"""Tapline users and authorizations: registration, user lists, profile edits, bearer tokens.

Authorizations use HTTP Basic (the user's name and password) plus the client's id and secret.
Checks run so that nothing but the password decides between a right and a wrong password: the
Basic header's presence and form (401/400), the request's properties and the one-of-scopes rule
(400), the client (401), then the password (401, or 429 from the shared throttle), the
authorization (404). The original checked the password first, so a right password met "clientId
is required" where a wrong one met 401. A client only ever sees and changes authorizations made
for itself. Registration follows the site's policy (``accounts.admission``): 403 when closed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import bottle

from kegdash.accounts import authorizations as grants
from kegdash.accounts import views as accounts
from kegdash.accounts.admission import RegistrationClosed
from kegdash.accounts.views import AuthorizationView, ClientView, Principal
from kegdash.brewing import profiles
from kegdash.brewing import views as brewing
from kegdash.server import tapline_auth
from kegdash.server import tapline_objects as obj
from kegdash.server.tapline_auth import basic_credentials, bearer, password_user
from kegdash.server.tapline_validation import (
    Prop,
    TaplineError,
    check,
    json_body,
    prop_error,
    query_values,
)

NAME_RE = re.compile(r"^[a-z0-9_-]{4,30}$")
IMAGE_RE = re.compile(r"^https?://", re.IGNORECASE)

_NAME = Prop("name", ("string",), pattern=NAME_RE)
_EMAIL = Prop("email", ("string",), email=True, max_length=254)
_PASSWORD = Prop("password", ("string",), min_length=1, max_length=1024)
_IMAGE = Prop("image", ("string",), pattern=IMAGE_RE, max_length=500)
_LOCATION = Prop("location", ("array",), items=("number",), min_items=2, max_items=2)
_FOLLOW = {"items": ("string",), "max_items": profiles.MAX_FOLLOWING, "max_length": 120}
REGISTER_PROPS = [
    Prop("email", ("string",), required=True, email=True, max_length=254),
    Prop("name", ("string",), required=True, pattern=NAME_RE),
    Prop("password", ("string",), required=True, min_length=1, max_length=1024),
    _IMAGE, _LOCATION,
]
UPDATE_USER_PROPS = [
    _EMAIL, _NAME, _IMAGE, _PASSWORD, _LOCATION,
    *(Prop(name, ("array",), **_FOLLOW) for name in ("following", "addFollowing",
                                                     "removeFollowing")),
]
USER_LIST_QUERY = {"ids": "array", "names": "array", "offset": "integer", "limit": "integer",
                   "sort": "string", "fromLat": "number", "fromLong": "number"}
_USER_FILTERS = [
    Prop("ids", ("array",), items=("string",), min_items=1, max_items=60, max_length=120),
    Prop("names", ("array",), items=("string",), min_items=1, max_items=60, max_length=120),
    Prop("offset", ("integer",), default=0, minimum=0, maximum=1_000_000_000),
    Prop("limit", ("integer",), default=20, minimum=1, maximum=60),
]
_COORDS = [Prop("fromLat", ("number",), minimum=-90, maximum=90),
           Prop("fromLong", ("number",), minimum=-180, maximum=180)]
PUBLIC_USER_PROPS = [*_USER_FILTERS,
                     Prop("sort", ("string",), default="name", enum=profiles.USER_SORTS), *_COORDS]
USER_PROPS = [*_USER_FILTERS,
              Prop("sort", ("string",), default="-created", enum=profiles.USER_SORTS), *_COORDS]

_CLIENT = [Prop("clientId", ("string",), required=True, max_length=120),
           Prop("clientSecret", ("string",), required=True, max_length=200)]
_CLIENT_QUERY = {"clientId": "string", "clientSecret": "string"}
_SCOPE_LIST = {"items": ("string",), "max_items": grants.MAX_SCOPES, "max_length": 40}
CREATE_AUTH_PROPS = [*_CLIENT, Prop("scopes", ("array",), default=[], **_SCOPE_LIST)]
UPDATE_AUTH_PROPS = [*_CLIENT, *(Prop(name, ("array",), **_SCOPE_LIST)
                                 for name in ("scopes", "addScopes", "removeScopes"))]


def _location(params: dict[str, Any]) -> list[float] | None:
    """``[longitude, latitude]`` within the globe's bounds."""
    value = params.get("location")
    if value is None:
        return None
    lon, lat = value
    if not -180 <= lon <= 180:
        raise prop_error("location.[0]", f"is {lon} when it should be between -180 and 180")
    if not -90 <= lat <= 90:
        raise prop_error("location.[1]", f"is {lat} when it should be between -90 and 90")
    return [float(lon), float(lat)]


def list_users(params: dict[str, Any], caller: Principal | None) -> list[dict[str, Any]]:
    origin = None
    if params["sort"] == "location":
        lat, lon = params.get("fromLat"), params.get("fromLong")
        missing = lat is None or lon is None
        home = brewing.user_location(caller) if missing and caller is not None else None
        if home is not None:
            lat = home[1] if lat is None else lat
            lon = home[0] if lon is None else lon
        for name, value in (("fromLat", lat), ("fromLong", lon)):
            if value is None:
                raise prop_error(name, "is required when sort is location")
        origin = (lon, lat)
    found = brewing.profile_list(ids=params.get("ids"), names=params.get("names"),
                                 offset=params["offset"], limit=params["limit"],
                                 sort=params["sort"], origin=origin)
    return [obj.user(profile) for profile in found]


def _self(auth: AuthorizationView, ident: str) -> Principal:
    """The caller, if ``ident`` is them; 403 for another existing user, 404 for nobody."""
    if ident != auth.user.public_id:
        brewing.profile(ident)
        raise TaplineError(403, "Token does not match user ID")
    return auth.user


def _caller(credentials: tuple[str, str], params: dict[str, Any]) -> tuple[Principal, ClientView]:
    """The user and the client of an authorization request whose shape is already checked
    (its scope lists too): the client first, then the password, so the answer to a right and
    to a wrong password differs only where the password alone decides it (401 or 429 against
    success)."""
    for name in ("scopes", "addScopes"):
        if params.get(name) is not None:
            grants.checked_scopes(params[name], name)
    client = tapline_auth.client(params["clientId"], params["clientSecret"])
    return password_user(*credentials), client


def register(route: Callable[..., Callable[[Callable], Callable]]) -> None:
    """Add the user, profile and authorization routes to the dialect app."""

    @route("/users", "POST")
    def register_user() -> dict:
        body = check(json_body(), REGISTER_PROPS)
        try:
            user = profiles.register_user(body["name"], body["email"], body["password"],
                                          image=body.get("image"), location=_location(body))
        except RegistrationClosed as exc:
            raise TaplineError(403, str(exc)) from None
        bottle.response.status = 201
        return obj.user(brewing.profile(user.public_id))

    @route("/public/users")
    def public_users() -> list:
        return list_users(check(query_values(USER_LIST_QUERY), PUBLIC_USER_PROPS), None)

    @route("/public/users/<ident>")
    def public_user(ident: str) -> dict:
        return obj.user(brewing.profile(ident))

    @route("/users")
    def users() -> list:
        auth = bearer()
        return list_users(check(query_values(USER_LIST_QUERY), USER_PROPS), auth.user)

    @route("/users/<ident>")
    def user(ident: str) -> dict:
        bearer()
        return obj.user(brewing.profile(ident))

    @route("/users/<ident>", "PUT")
    def update_user(ident: str) -> dict:
        auth = bearer("user")
        me = _self(auth, ident)
        body = check(json_body(), UPDATE_USER_PROPS)
        profiles.update_user(
            me, name=body.get("name"), email=body.get("email"), image=body.get("image"),
            password=body.get("password"), location=_location(body),
            following=body.get("following"), add_following=body.get("addFollowing"),
            remove_following=body.get("removeFollowing"),
        )
        return obj.user(brewing.profile(me.public_id))

    @route("/users/<ident>", "DELETE")
    def delete_user(ident: str) -> str:
        auth = bearer("user:delete")
        profiles.delete_user(_self(auth, ident))
        bottle.response.status = 204
        return ""

    @route("/profile")
    def profile() -> dict:
        auth = bearer()
        out = obj.user(brewing.profile(auth.user.public_id))
        if grants.has_scope(auth, "user:email"):
            out["email"] = accounts.email_address(auth.user)
        return dict(sorted(out.items()))

    @route("/authorizations")
    def list_authorizations() -> list:
        credentials = basic_credentials()
        user, client = _caller(credentials, check(query_values(_CLIENT_QUERY), _CLIENT))
        return [obj.authorization(auth) for auth in grants.list_authorizations(user, client)]

    @route("/authorizations", "POST")
    def create_authorization() -> dict:
        credentials = basic_credentials()
        body = check(json_body(), CREATE_AUTH_PROPS)
        user, client = _caller(credentials, body)
        auth = grants.create_authorization(user, client, body["scopes"])
        bottle.response.status = 201
        return obj.authorization(auth)

    @route("/authorizations/<ident>")
    def get_authorization(ident: str) -> dict:
        credentials = basic_credentials()
        user, client = _caller(credentials, check(query_values(_CLIENT_QUERY), _CLIENT))
        return obj.authorization(grants.get_authorization(user, client, ident))

    @route("/authorizations/<ident>", "PUT")
    def update_authorization(ident: str) -> dict:
        credentials = basic_credentials()
        body = check(json_body(), UPDATE_AUTH_PROPS)
        given = [name for name in ("scopes", "addScopes", "removeScopes") if name in body]
        if not given:
            raise TaplineError(400, "Must supply at least one of scopes, addScopes or removeScopes")
        if len(given) > 1:
            raise TaplineError(400, "Only one of scopes, addScopes or removeScopes can be given")
        user, client = _caller(credentials, body)
        return obj.authorization(grants.update_scopes(
            user, client, ident, scopes=body.get("scopes"), add=body.get("addScopes"),
            remove=body.get("removeScopes")))

    @route("/authorizations/<ident>", "DELETE")
    def delete_authorization(ident: str) -> str:
        credentials = basic_credentials()
        user, client = _caller(credentials, check(json_body(), _CLIENT))
        grants.delete_authorization(user, client, ident)
        bottle.response.status = 204
        return ""
