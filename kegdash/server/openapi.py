"""The OpenAPI 3.1 description of the four dialects, served at ``/openapi.json`` and ``/docs``.

Written as Python data next to the code it describes: the Tapline request schemas are derived
from the dialect's own ``Prop`` lists and the Beekeeping fields from the reading validator, so
a changed limit changes the description too. Every path also answers with a trailing slash;
the description lists each path once, without it (``tests/server/test_openapi.py`` checks that
every API route is described and every described path exists). ``/docs`` is a plain HTML page
rendered here from the same data: no scripts, no CDN, readable offline.
"""

from __future__ import annotations

import dataclasses
import html
import json
import re
import sys
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

import bottle

from kegdash import __version__
from kegdash.accounts.code_grants import CODE_LIFETIME
from kegdash.apiary.reading_fields import IDENT_FIELDS, MEASUREMENT_FIELDS
from kegdash.server import (
    beekeeping_params,
    kegbot_auth,
    kegbot_errors,
    kegbot_params,
    kegbot_v1,
    tapline,
    tapline_accounts,
    tapline_recipes,
    web_token,
)
from kegdash.server.tapline_validation import MAX_BODY_BYTES as TAPLINE_MAX_BODY
from kegdash.server.tapline_validation import Prop

Schema = dict[str, Any]
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
TEXT = "text/plain"
API_PREFIXES = ("/api/", "/api_v1/", "/v1/", web_token.PATH)
"""Paths under these prefixes are API routes and must all be described (the web pages are not
APIs, but the code grant's exchange among them is)."""


def _ref(name: str) -> Schema:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: Schema) -> Schema:
    return {"anyOf": [schema, {"type": "null"}]}


def _obj(props: dict[str, Schema], required: Iterable[str] | None = None, **extra: Any) -> Schema:
    """An object with these properties, all required unless ``required`` names fewer."""
    return {"type": "object", "properties": props,
            "required": list(props if required is None else required), **extra}


STR, INT, NUM, BOOL = {"type": "string"}, {"type": "integer"}, {"type": "number"}, {"type": "boolean"}
STR_OR_NULL, INT_OR_NULL, NUM_OR_NULL = ({"type": ["string", "null"]}, {"type": ["integer", "null"]},
                                         {"type": ["number", "null"]})


def _param(name: str, where: str, schema: Schema, description: str = "", *,
           required: bool = False, **extra: Any) -> Schema:
    out = {"name": name, "in": where, "required": required or where == "path", "schema": schema,
           **extra}
    if description:
        out["description"] = description
    return out


def _path_param(name: str, description: str, example: str | None = None) -> Schema:
    extra = {} if example is None else {"example": example}
    return _param(name, "path", {"type": "string", "minLength": 1}, description, **extra)


def _op(tag: str, summary: str, responses: dict[str, Any], *, description: str = "",
        parameters: Sequence[Schema] = (), body: Schema | None = None,
        security: list[dict[str, list[str]]] | None = None) -> Schema:
    op: Schema = {"tags": [tag], "summary": summary}
    if description:
        op["description"] = description
    if parameters:
        op["parameters"] = list(parameters)
    if body is not None:
        op["requestBody"] = body
    if security is not None:
        op["security"] = security
    op["responses"] = responses
    return op


# --- Kegbot (/api/) ---------------------------------------------------------------------------

KEGBOT = "Kegbot"
KEGBOT_SECURITY = [{"KegbotKeyHeader": []}, {"KegbotKeyQuery": []}]
KEGBOT_OPEN_OR_KEY = [{}, *KEGBOT_SECURITY]
"""Open in ``public`` privacy mode; ``members``/``staff`` modes need a key."""

KEGBOT_ERROR_TEXT = {
    400: "Bad request (`BadRequestError`): a malformed argument; nothing was changed.",
    401: "`NoAuthTokenError` (no key where one is needed) or `BadAuthTokenError` (a key was sent "
         "and is not valid — a key is always checked, even on an open endpoint).",
    403: "`PermissionDeniedError`: the key's user is not staff.",
    404: "`NotFoundError`.",
    413: "`BadRequestError`: a body over 4 MiB, refused by its Content-Length.",
    500: "`ServerError`: unexpected, logged; the message never carries exception text.",
}


def _kegbot_ok(result: Schema) -> Schema:
    return {"description": "Success, in the `{\"result\": …}` envelope.",
            "content": {JSON: {"schema": _obj({"result": result})}}}


def _kegbot(result: Schema, *errors: int) -> dict[str, Any]:
    out: dict[str, Any] = {"200": _kegbot_ok(result)}
    for status in (401, *errors, 500):
        out[str(status)] = {"description": KEGBOT_ERROR_TEXT[status],
                            "content": {JSON: {"schema": _ref("KegbotError")}}}
    return out


def _kegbot_read(result: Schema, *errors: int) -> dict[str, Any]:
    """A GET: 403 only in ``staff`` privacy mode, which still refuses every non-staff key."""
    return _kegbot(result, 403, *errors)


def _kegbot_body(props: dict[str, Schema], required: Sequence[str] = ()) -> Schema:
    """Form, multipart (``curl -F``) or a JSON object; query parameters are read too."""
    schema = {"type": "object", "properties": {**props, "api_key": STR}, "required": list(required)}
    return {"required": bool(required),
            "content": {FORM: {"schema": schema}, MULTIPART: {"schema": schema},
                        JSON: {"schema": schema}}}


_START = _param("start", "query", {"type": "integer", "minimum": 0, "maximum": 2**62},
                "The first id shown (inclusive); pages are newest first, 100 a page.")
_TAP_ID = _path_param("ident", "Tap id (digits), else meter name, else tap name.", "kegboard.flow0")
_KEG_ID = _path_param("ident", "Keg id (digits).", "1")
_SENSOR_ID = _path_param("ident", "Sensor id (digits), else raw name, else nice name.",
                         "kegboard.thermo-0")
_USERNAME = _path_param("username", "The user's name.", "admin")

_NO_CONTROLS = "^[^\\x00-\\x1f\\x7f]*$"
"""Names and tokens are text without control characters (a NUL is a 400)."""

DRINK_BODY = _kegbot_body({
    "ticks": {"type": "integer", "minimum": 0, "maximum": kegbot_params.MAX_TICKS,
              "description": "Meter ticks (a Kegboard counter is a uint32): ASCII digits and no sign in "
                             "a form, a JSON integer in JSON."},
    "volume_ml": {"type": "number", "minimum": sys.float_info.min,
                  "maximum": kegbot_params.MAX_VOLUME_ML,
                  "description": "Overrides ticks × ml_per_tick; above 0 and not subnormal. In a form: "
                                 "ASCII decimal digits, in JSON a number (never text)."},
    "username": {"type": "string", "maxLength": kegbot_params.MAX_TEXT, "pattern": _NO_CONTROLS,
                 "description": "An active user's name; wins over auth_token."},
    "auth_token": {"type": "string", "maxLength": kegbot_params.MAX_TEXT, "pattern": _NO_CONTROLS,
                   "description": "`device|value`, `device.value` or `device/value`."},
    "pour_time": {"type": "number", "description": "Client Unix time of the pour; needs `now`."},
    "now": {"type": "number", "description": "The client's current Unix time."},
    "duration": {"type": "integer", "minimum": 0, "maximum": kegbot_params.MAX_DURATION_S},
    "spilled": {"type": ["boolean", "string"],
                "description": "true/false/1/0/yes/no/on/off: add to the keg's spilled total."},
}, ["ticks"])

THERMO_BODY = _kegbot_body({"temp_c": {"type": "number", "minimum": -20, "maximum": 80}},
                           ["temp_c"])

KEGBOT_SCHEMAS: dict[str, Schema] = {
    "KegbotError": _obj({"error": _obj({"code": {"enum": sorted(set(kegbot_errors.ERROR_CODES.values()))},
                                        "message": STR})}),
    "Paging": _obj({"total": INT, "limit": INT, "pos": INT_OR_NULL}),
    "Drink": _obj({
        "id": INT, "ticks": INT, "volume_ml": NUM, "session_id": STR_OR_NULL,
        "pour_time": STR, "duration": INT, "is_valid": BOOL, "keg_id": INT_OR_NULL,
        "user_id": {"type": ["string", "null"], "description": "The username, null if anonymous."},
        "tap_id": STR_OR_NULL, "user": {"type": "null", "description": "Only on anonymous drinks."},
    }, ["id", "ticks", "volume_ml", "session_id", "pour_time", "duration", "is_valid", "keg_id",
        "user_id", "tap_id"]),
    "Keg": _obj({
        "id": INT, "type_id": INT, "size_id": INT, "status": STR, "volume_ml_remain": NUM,
        "percent_full": {"type": "number", "description": "A fraction, 1.0 = full, unclamped."},
        "started_time": STR_OR_NULL, "finished_time": STR_OR_NULL, "description": STR,
        "full_volume_ml": NUM, "served_ml": NUM, "spilled_ml": NUM,
    }),
    "KegSize": _obj({"id": INT, "name": STR, "volume_ml": NUM}),
    "BeerType": _obj({"id": INT, "name": STR, "brewer_id": INT_OR_NULL, "style_id": STR_OR_NULL,
                      "abv": NUM_OR_NULL, "calories_oz": NUM_OR_NULL}),
    "Tap": _obj({"id": STR, "name": STR, "meter_name": STR, "ml_per_tick": NUM,
                 "current_keg_id": INT_OR_NULL, "thermo_sensor_id": STR_OR_NULL,
                 "relay_name": STR_OR_NULL}),
    "TapDetail": _obj({"tap": _ref("Tap"), "keg": _nullable(_ref("Keg")),
                       "beverage": _nullable(_ref("BeerType"))}),
    "Session": _obj({"id": STR, "start_time": STR, "end_time": STR, "volume_ml": NUM}),
    "User": _obj({"username": STR, "mugshot_url": STR_OR_NULL, "is_active": BOOL,
                  "is_staff": BOOL, "is_superuser": BOOL, "joined_time": STR}),
    "DrinkDetail": _obj({"drink": _ref("Drink"), "keg": _nullable(_ref("Keg")),
                         "user": _nullable(_ref("User")), "session": _nullable(_ref("Session"))}),
    "Spill": _obj({"tap": _ref("Tap"), "keg": _ref("Keg")}),
    "AuthToken": _obj({"id": STR, "auth_device": STR, "token_value": STR, "enabled": BOOL,
                       "created_time": STR, "username": STR_OR_NULL, "nice_name": STR}),
    "ThermoLog": _obj({"id": INT, "sensor_id": STR, "temperature_c": NUM, "record_time": STR}),
    "ThermoDetail": _obj({
        "sensor": _obj({"id": STR, "sensor_name": STR, "nice_name": STR}),
        "last_temp": NUM_OR_NULL, "last_time": STR_OR_NULL,
        "logs": {"type": "array", "items": _ref("ThermoLog"), "maxItems": 120,
                 "description": "Newest first."},
    }),
}

_DRINKS = {"type": "array", "items": _ref("Drink")}
_TOKEN = _obj({"token": _ref("AuthToken")})
_TOKEN_DESCRIPTION = "Staff key required. The value is matched lower-case."


def _kegbot_paths() -> dict[str, Schema]:
    get, post = "get", "post"
    drink = _op(KEGBOT, "Record a drink (or a spill)", _kegbot(
        {"anyOf": [_ref("DrinkDetail"), _ref("Spill")]}, 400, 403, 404, 413),
        description="Staff key required. With `spilled` true the answer is `{tap, keg}` and no "
                    "drink is recorded.", parameters=[_TAP_ID], body=DRINK_BODY,
        security=KEGBOT_SECURITY)
    thermo = _op(KEGBOT, "Record a temperature", _kegbot(_ref("ThermoDetail"), 400, 403, 413),
                 description="Staff key required. An unknown name creates the sensor; one row "
                             "per sensor per minute.", parameters=[_SENSOR_ID], body=THERMO_BODY,
                 security=KEGBOT_SECURITY)
    token_params = {
        "/api/auth-tokens/{ident}": [_path_param(
            "ident", "`<device>.<value>`, split on the last dot.", "core.rfid.0a1b")],
        "/api/auth-tokens/{device}/{value}": [
            _path_param("device", "`core.rfid`, `core.onewire`", "core.rfid"),
            _path_param("value", "The token value (hex).", "0a1b")],
    }
    paths: dict[str, Schema] = {
        "/api/version": {get: _op(KEGBOT, "Server name and version", _kegbot(
            _obj({"server_name": STR, "server_version": STR})), security=[{}, *KEGBOT_SECURITY],
            description="Open in every privacy mode.")},
        "/api/drinks": {get: _op(KEGBOT, "Drinks, newest first, paged", _kegbot_read(
            _obj({"paging": _ref("Paging"), "drinks": _DRINKS}), 400), parameters=[_START],
            security=KEGBOT_OPEN_OR_KEY)},
        "/api/drinks/{ident}": {get: _op(KEGBOT, "One drink (also a cancelled one)", _kegbot_read(
            _ref("DrinkDetail"), 404), parameters=[_path_param("ident", "Drink id.", "1")],
            security=KEGBOT_OPEN_OR_KEY)},
        "/api/taps": {get: _op(KEGBOT, "Every tap with its keg and beverage", _kegbot_read(
            _obj({"taps": {"type": "array", "items": _ref("TapDetail")}})),
            security=KEGBOT_OPEN_OR_KEY)},
        "/api/taps/{ident}": {
            get: _op(KEGBOT, "One tap", _kegbot_read(_ref("TapDetail"), 404), parameters=[_TAP_ID],
                     security=KEGBOT_OPEN_OR_KEY),
            post: drink,
        },
        "/api/tap/{ident}": {post: {**drink, "summary": "Record a drink (the seed's alias)"}},
        "/api/kegs": {get: _op(KEGBOT, "Kegs, newest first, paged", _kegbot_read(
            _obj({"paging": _ref("Paging"), "kegs": {"type": "array", "items": _ref("Keg")}}), 400),
            parameters=[_START], security=KEGBOT_OPEN_OR_KEY)},
        "/api/kegs/{ident}": {get: _op(KEGBOT, "One keg with its type, size and drinks", _kegbot_read(
            _obj({"keg": _ref("Keg"), "type": _ref("BeerType"), "size": _ref("KegSize"),
                  "drinks": _DRINKS}), 404), parameters=[_KEG_ID], security=KEGBOT_OPEN_OR_KEY)},
        "/api/kegs/{ident}/drinks": {get: _op(KEGBOT, "A keg's drinks, newest pour first",
                                              _kegbot_read(_obj({"drinks": _DRINKS}), 404),
                                              parameters=[_KEG_ID], security=KEGBOT_OPEN_OR_KEY)},
        "/api/kegs/{ident}/sessions": {get: _op(KEGBOT, "Sessions with drinks from a keg",
                                                _kegbot_read(_obj({"sessions": {
                                                    "type": "array", "items": _ref("Session")}}), 404),
                                                parameters=[_KEG_ID], security=KEGBOT_OPEN_OR_KEY)},
        "/api/users/{username}": {get: _op(KEGBOT, "A user (never e-mail or login data)",
                                           _kegbot_read(_obj({"user": _ref("User")}), 404),
                                           parameters=[_USERNAME], security=KEGBOT_OPEN_OR_KEY)},
        "/api/users/{username}/drinks": {get: _op(KEGBOT, "A user's drinks, newest pour first",
                                                  _kegbot_read(_obj({"drinks": _DRINKS}), 404),
                                                  parameters=[_USERNAME], security=KEGBOT_OPEN_OR_KEY)},
        "/api/thermo-sensors/{ident}": {
            get: _op(KEGBOT, "A sensor with its newest 120 readings", _kegbot_read(
                _ref("ThermoDetail"), 404), parameters=[_SENSOR_ID], security=KEGBOT_OPEN_OR_KEY),
            post: thermo,
        },
        "/api/thermo-sensor/{ident}": {post: {**thermo, "summary": "Record a temperature (alias)"}},
    }
    for path, params in token_params.items():
        paths[path] = {
            method: _op(KEGBOT, f"Look up an auth token ({method.upper()})", _kegbot(
                _TOKEN, 403, 404, *([400, 413] if method == post else [])),
                description=_TOKEN_DESCRIPTION, parameters=params, security=KEGBOT_SECURITY,
                body=_kegbot_body({}) if method == post else None)
            for method in (get, post)
        }
    return paths


# --- Kegbot Server 1.x (/api/v1/) -----------------------------------------------------------------

KEGBOT_V1 = "Kegbot 1.x"
V1_ERROR_TEXT = {
    **KEGBOT_ERROR_TEXT,
    401: "`NoAuthTokenError` (no key where one is needed) or `BadApiKeyError` (a key was sent "
         "and is not valid — a key is always checked, even on an open endpoint).",
}
V1_CODES = sorted({kegbot_v1.CODE_NAMES.get(code, code) for code in kegbot_errors.ERROR_CODES.values()})


def _v1(result: Schema, *errors: int, many: bool = False, read: bool = True) -> dict[str, Any]:
    """200 in 1.x's envelope (``object`` or ``objects`` beside ``meta``), then the errors; a
    read may meet 403 in ``staff`` privacy mode."""
    key = "objects" if many else "object"
    body = {"type": "array", "items": result} if many else result
    out: dict[str, Any] = {"200": {
        "description": f"Success: `{key}` and `meta` `{{\"result\": \"ok\"}}`.",
        "content": {JSON: {"schema": _obj({key: body, "meta": _ref("V1MetaOk")})}}}}
    for status in sorted({401, *((403,) if read else ()), *errors, 500}):
        out[str(status)] = {"description": V1_ERROR_TEXT[status],
                            "content": {JSON: {"schema": _ref("V1Error")}}}
    return out


def _v1_op(summary: str, responses: dict[str, Any], *, protected: bool = False,
           description: str = "", parameters: Sequence[Schema] = (),
           body: Schema | None = None) -> Schema:
    return _op(KEGBOT_V1, summary, responses, description=description, parameters=parameters,
               body=body, security=KEGBOT_SECURITY if protected or body is not None
               else KEGBOT_OPEN_OR_KEY)


TIME = {"type": "string", "format": "date-time", "description": "UTC, `+00:00`."}
_V1_IMAGE = _obj({"url": STR, "thumbnail_url": STR, "original_url": STR})

KEGBOT_V1_SCHEMAS: dict[str, Schema] = {
    "V1MetaOk": _obj({"result": {"const": "ok"}}),
    "V1Error": _obj({"error": _obj({"code": {"enum": V1_CODES}, "message": STR}),
                     "meta": _obj({"result": {"const": "error"}})}),
    "V1Version": _obj({"server_version": STR, "server_name": STR, "kegdash_version": STR}),
    "V1User": _obj({"username": STR, "url": STR, "is_active": BOOL, "display_name": STR,
                    "image": _V1_IMAGE, "is_staff": BOOL, "is_superuser": BOOL,
                    "date_joined": TIME}, ["username", "url", "is_active", "display_name"]),
    "V1Session": _obj({"id": INT, "url": STR, "start_time": TIME, "end_time": TIME,
                       "volume_ml": NUM, "name": STR, "is_active": BOOL},
                      ["id", "url", "start_time", "end_time", "volume_ml", "name"]),
    "V1Beverage": _obj({
        "id": INT, "name": STR, "beverage_type": STR, "style": STR, "abv_percent": NUM,
        "producer": _obj({"id": INT, "name": STR, "is_homebrew": BOOL, "country": STR, "url": STR},
                         ["id", "name", "is_homebrew"])}, ["id", "name", "beverage_type"]),
    "V1Keg": _obj({
        "id": INT, "keg_type": STR, "full_volume_ml": NUM, "remaining_volume_ml": NUM,
        "served_volume_ml": NUM, "spilled_volume_ml": NUM,
        "percent_full": {"type": "number", "minimum": 0, "maximum": 100},
        "start_time": TIME, "end_time": TIME, "online": BOOL, "beverage": _ref("V1Beverage"),
        "description": STR, "size_id": INT, "type_id": STR, "size_name": STR,
        "size_volume_ml": NUM, "volume_ml_remain": NUM, "spilled_ml": NUM,
        "type": _obj({"id": STR, "name": STR, "style_id": STR, "abv": NUM, "brewer_id": STR},
                     ["id", "name", "style_id", "abv"]),
        "size": _obj({"id": INT, "name": STR, "volume_ml": NUM}),
    }, ["id", "keg_type", "full_volume_ml", "remaining_volume_ml", "served_volume_ml",
        "spilled_volume_ml", "percent_full", "start_time", "end_time", "online", "beverage",
        "size_id", "type_id", "size_name", "size_volume_ml", "volume_ml_remain", "spilled_ml",
        "type", "size"]),
    "V1Drink": _obj({
        "id": INT, "url": STR, "ticks": INT, "volume_ml": NUM, "time": TIME, "duration": INT,
        "user_id": {"type": "string", "description": "The drinker's username; `guest` if none."},
        "session_id": INT, "keg_id": INT, "user": _ref("V1User"), "keg": _ref("V1Keg"),
        "session": _ref("V1Session"),
    }, ["id", "url", "ticks", "volume_ml", "time", "duration", "user_id"]),
    "V1Controller": _obj({"id": INT, "name": STR, "model_name": STR, "serial_number": STR},
                         ["id", "name"]),
    "V1FlowMeter": _obj({"id": INT, "name": STR, "port_name": STR, "ticks_per_ml": NUM,
                         "controller": _ref("V1Controller")}),
    "V1ThermoLog": _obj({"id": INT, "sensor_id": INT, "temperature_c": NUM, "time": TIME}),
    "V1ThermoSensor": _obj({"id": INT, "sensor_name": STR, "nice_name": STR,
                            "last_log": _ref("V1ThermoLog")}, ["id", "sensor_name", "nice_name"]),
    "V1KegTap": _obj({
        "id": INT, "name": STR, "sort_order": INT, "meter_name": STR, "ml_per_tick": NUM,
        "relay_name": STR, "meter": _ref("V1FlowMeter"), "current_keg_id": INT,
        "current_keg": _ref("V1Keg"), "thermo_sensor": _ref("V1ThermoSensor"),
        "thermo_sensor_id": INT, "last_temperature": _ref("V1ThermoLog"),
    }, ["id", "name", "sort_order", "meter_name", "ml_per_tick", "relay_name"]),
    "V1AuthToken": _obj({"id": INT, "auth_device": STR, "token_value": STR, "created_time": TIME,
                         "enabled": BOOL, "username": STR, "user": _ref("V1User"),
                         "nice_name": STR},
                        ["id", "auth_device", "token_value", "created_time", "enabled"]),
    "V1KegSize": _obj({"id": INT, "volume_ml": NUM, "description": STR}),
    "V1Status": _obj({
        "site_info": _obj({"title": STR, "server_version": STR}),
        "active_session": _ref("V1Session"),
        **{name: {"type": "array", "items": _ref(item), "minItems": 1}
           for name, item in (("active_kegs", "V1Keg"), ("active_users", "V1User"),
                              ("controllers", "V1Controller"), ("drinks", "V1Drink"),
                              ("meters", "V1FlowMeter"), ("taps", "V1KegTap"))},
    }, ["site_info"], description="A list with nothing in it is absent, as in Kegbot 1.x."),
}

_V1_CONTROLLER_BODY = _kegbot_body({
    "name": {"type": "string", "maxLength": kegbot_params.MAX_TEXT,
             "description": "Unique; no `.` or `/` (it names the board's meters)."},
    "model_name": {"type": "string", "maxLength": kegbot_params.MAX_TEXT},
    "serial_number": {"type": "string", "maxLength": kegbot_params.MAX_TEXT},
}, ["name"])
_V1_METER_BODY = _kegbot_body({
    "controller": {"type": "integer", "minimum": 0, "description": "The controller's id."},
    "port_name": {"type": "string", "maxLength": kegbot_params.MAX_TEXT,
                  "description": "Unique on its controller (`flow0`); no `.` or `/`."},
    "ticks_per_ml": {"type": "number", "exclusiveMinimum": 0, "maximum": 10_000},
}, ["controller", "port_name", "ticks_per_ml"])
_V1_CANCEL_BODY = _kegbot_body({
    "id": {"type": "integer", "minimum": 0, "description": "The drink's id."},
    "spilled": {"type": ["boolean", "string"],
                "description": "Count its volume as spilled instead of giving it back."},
}, ["id"])


def _kegbot_v1_paths() -> dict[str, Schema]:
    get, post = "get", "post"
    ident = _path_param("ident", "The id (digits).", "1")
    drinks = ("V1Drink", True)

    def read(summary: str, name: str, many: bool = False, *errors: int, protected: bool = False,
             parameters: Sequence[Schema] = (), description: str = "") -> Schema:
        return _v1_op(summary, _v1(_ref(name), *errors, many=many), protected=protected,
                      parameters=parameters, description=description)

    paths: dict[str, Schema] = {
        "/api/v1/version": {get: _op(KEGBOT_V1, "The Kegbot Server release spoken, and kegdash's",
                                     _v1(_ref("V1Version"), read=False),
                                     security=[{}, *KEGBOT_SECURITY],
                                     description="Open in every privacy mode.")},
        "/api/v1/status": {get: read("The whole bar, as a daemon's sync reads it", "V1Status",
                                     protected=True, description="Staff key required. Taps are "
                                     "brief (no `current_keg`).")},
        "/api/v1/taps": {get: read("Every tap, flat, with its keg", "V1KegTap", True)},
        "/api/v1/taps/{ident}": {
            get: read("One tap", "V1KegTap", False, 404, parameters=[_TAP_ID]),
            post: _v1_op("Record a drink (or a spill)", _v1(
                {"anyOf": [_ref("V1Drink"), _ref("V1KegTap")]}, 400, 403, 404, 413, read=False),
                description="Staff key required. Answers the Drink with its drinker, keg and "
                            "session; with `spilled` true no drink is recorded and the answer "
                            "is the tap.", parameters=[_TAP_ID], body=DRINK_BODY),
        },
        "/api/v1/cancel-drink": {post: _v1_op("Cancel a drink", _v1(
            _ref("V1Drink"), 400, 403, 404, 413, read=False), body=_V1_CANCEL_BODY,
            description="Staff key required. Its volume goes back to the keg (or to the "
                        "keg's spilled total); the answer is the cancelled drink.")},
        "/api/v1/drinks": {get: read("Valid drinks, newest first, 100 at most", *drinks, 400,
                                     parameters=[_START])},
        "/api/v1/drinks/last": {get: read("The drink poured last", "V1Drink", False, 404)},
        "/api/v1/drinks/{ident}": {get: read("One drink (a cancelled one is 404)", "V1Drink",
                                             False, 404, parameters=[ident])},
        "/api/v1/kegs": {get: read("Every keg, the newest first", "V1Keg", True)},
        "/api/v1/kegs/{ident}": {get: read("One keg", "V1Keg", False, 404, parameters=[_KEG_ID])},
        "/api/v1/kegs/{ident}/drinks": {get: read("A keg's drinks, newest pour first", *drinks,
                                                  404, parameters=[_KEG_ID])},
        "/api/v1/kegs/{ident}/sessions": {get: read("Sessions with drinks from a keg",
                                                    "V1Session", True, 404, parameters=[_KEG_ID])},
        "/api/v1/keg-sizes": {get: read("The keg sizes kegdash knows", "V1KegSize", True)},
        "/api/v1/sessions": {get: read("Every drinking session, the newest first", "V1Session",
                                       True)},
        "/api/v1/sessions/current": {get: read("The session still open", "V1Session", False, 404)},
        "/api/v1/sessions/{ident}": {get: read("One session", "V1Session", False, 404,
                                               parameters=[ident])},
        "/api/v1/users": {get: read("Active users (never e-mail or login data)", "V1User", True,
                                    protected=True)},
        "/api/v1/users/{username}": {get: read("One user", "V1User", False, 404,
                                               parameters=[_USERNAME])},
        "/api/v1/users/{username}/drinks": {get: read("A user's drinks, newest pour first",
                                                      *drinks, 404, parameters=[_USERNAME])},
        "/api/v1/auth-tokens/{device}/{value}": {get: read(
            "Look up an auth token", "V1AuthToken", False, 404, protected=True,
            description=_TOKEN_DESCRIPTION,
            parameters=[_path_param("device", "`core.rfid`, `core.onewire`", "core.rfid"),
                        _path_param("value", "The token value (hex).", "0a1b")])},
        "/api/v1/thermo-sensors": {get: read("Every thermo sensor", "V1ThermoSensor", True)},
        "/api/v1/thermo-sensors/{ident}": {
            get: read("One thermo sensor with its latest reading", "V1ThermoSensor", False, 404,
                      parameters=[_SENSOR_ID]),
            post: _v1_op("Record a temperature", _v1(_ref("V1ThermoLog"), 400, 403, 413,
                                                     read=False),
                          description="Staff key required. An unknown name creates the sensor; "
                                      "one row per sensor per minute.",
                          parameters=[_SENSOR_ID], body=THERMO_BODY),
        },
        "/api/v1/thermo-sensors/{ident}/logs": {get: read("A sensor's newest 120 readings",
                                                          "V1ThermoLog", True, 404,
                                                          parameters=[_SENSOR_ID])},
        "/api/v1/controllers": {
            get: read("Registered controllers", "V1Controller", True, protected=True),
            post: _v1_op("Register a controller (a board)", _v1(
                _ref("V1Controller"), 400, 403, 413, read=False), body=_V1_CONTROLLER_BODY,
                description="Staff key required. A name registered already is 400."),
        },
        "/api/v1/controllers/{ident}": {get: read("One controller", "V1Controller", False, 404,
                                                  protected=True, parameters=[ident])},
        "/api/v1/flow-meters": {
            get: read("Registered flow meters", "V1FlowMeter", True, protected=True),
            post: _v1_op("Register a flow meter (a port of a controller)", _v1(
                _ref("V1FlowMeter"), 400, 403, 404, 413, read=False), body=_V1_METER_BODY,
                description="Staff key required. No tap is created: the tap whose meter name "
                            "is `<controller>.<port>` uses the meter, and its `ml_per_tick` "
                            "stays the calibration in force."),
        },
        "/api/v1/flow-meters/{ident}": {get: read("One flow meter", "V1FlowMeter", False, 404,
                                                  protected=True, parameters=[ident])},
        "/api/v1/sound-events": {get: _v1_op("Sound events: always none", _v1(
            {"not": {}}, many=True), protected=True)},
    }
    return paths


# --- Beekeeping.io (/api_v1/) -----------------------------------------------------------------

BEEKEEPING = "Beekeeping.io"
BEE_SECURITY = [{"LicenseKey": []}]
NUMBER_PATTERN = r"^-?[0-9]{1,6}(\.[0-9]{1,6})?$"
BEE_STATUS_TEXT = {
    400: "A bad, missing or repeated field: `result.field` names them (comma-separated).",
    401: "`license_key` missing or empty.",
    403: "`license_key` unknown or disabled, or its owner deactivated.",
    404: "Unknown uuid, or an object the licence may not see.",
    413: "A body over 64 KiB.",
    429: "Rate limited (site setting `beekeeping_rate_per_second`, per socket address).",
    500: "Unexpected, logged.",
}
_RATE_HEADERS = {name: {"description": text, "schema": {"type": "string", "pattern": "^[0-9]+$"},
                        "required": True}
                 for name, text in (("X-RateLimit-Limit", "Requests allowed per second."),
                                    ("X-RateLimit-Remaining", "Requests left in this second."),
                                    ("X-RateLimit-Reset", "Unix time a slot frees up."))}


def _bee_fields(upload: bool) -> dict[str, Schema]:
    """The parameters a call reads: the reading's fields for an upload, else ``uuid``."""
    if not upload:
        return {"uuid": {"type": "string", "minLength": 1,
                         "description": "The object's uuid (required)."}}
    fields: dict[str, Schema] = {
        name: {"type": "string", "pattern": r"^[A-Za-z0-9:._-]{1,64}$"} for name in IDENT_FIELDS}
    fields["device_id"]["description"] = "The sensor's id; an unknown one is registered, unassigned."
    fields["product_id"]["description"] = "Alias of model_id (both at once is 400)."
    fields["timestamp"] = {"type": "string", "pattern": "^[0-9]{1,10}$",
                           "description": "Unix seconds, 2015-01-01 … now + 5 min; default now."}
    for name in MEASUREMENT_FIELDS:
        fields[name] = {"type": "string", "pattern": NUMBER_PATTERN}
    for name in fields:
        if "temperature" in name:
            fields[name]["description"] = "°F or °C (site setting), −40 … 70 °C."
    fields["weight"]["description"] = "lb or kg (site setting), 0 … 300 kg."
    return fields


def _bee_responses(result: Schema, *errors: int) -> dict[str, Any]:
    def envelope(result_schema: Schema) -> Schema:
        return {"content": {JSON: {"schema": _obj({
            "status_code": {"enum": [0, 1]}, "status_string": STR, "code": INT,
            "description": STR, "result": result_schema})}}}

    out: dict[str, Any] = {"200": {"description": "Success (`status_code` 1).", **envelope(result),
                                   "headers": _RATE_HEADERS}}
    for status in (*errors, 401, 403, 413, 429, 500):
        shape = _obj({"field": STR}) if status == 400 else {"type": "null"}
        headers = dict(_RATE_HEADERS)
        if status == 429:
            headers["Retry-After"] = {"description": "Seconds to wait.", "required": True,
                                      "schema": {"type": "string", "pattern": "^[0-9]+$"}}
        out[str(status)] = {"description": BEE_STATUS_TEXT[status], **envelope(shape),
                            "headers": headers}
    return out


def _strings(*names: str) -> Schema:
    return _obj({name: STR for name in names})


BEEKEEPING_SCHEMAS: dict[str, Schema] = {
    "UploadReceipt": _strings("device_uuid", "api_id", "timestamp", "duplicate", "device_created"),
    "ApiaryDetail": _strings("apiary_uuid", "zipcode", "apiary_name", "latitude", "longitude",
                             "country_code", "is_read_public", "privilege"),
    "HiveDetail": _strings("uuid", "name", "data_last_received", "data_last_received_timestamp",
                           "apiary_uuid", "zipcode", "apiary_name", "country_code", "privilege"),
    "DeviceDetail": _strings("uuid", "created", "name", "vendor", "model", "firmware", "api_id",
                             "data_last_received", "data_last_received_timestamp", "hive_uuid",
                             "hive_name", "apiary_uuid", "apiary_name", "zipcode", "country_code",
                             "privilege"),
}


def _beekeeping_paths() -> dict[str, Schema]:
    calls = [
        ("data_upload", "Upload one reading", "UploadReceipt", (400,),
         "The whole upload is refused on any bad field (400, nothing stored). The same device and "
         "timestamp again is a 200 with `duplicate: \"1\"`; the first reading is kept."),
        ("get_apiary_detail", "An apiary", "ApiaryDetail", (400, 404), ""),
        ("get_hive_detail", "A hive", "HiveDetail", (400, 404), ""),
        ("get_device_detail", "A device", "DeviceDetail", (400, 404), ""),
    ]
    paths: dict[str, Schema] = {}
    for name, summary, result, errors, description in calls:
        fields = _bee_fields(name == "data_upload")
        required = ["device_id"] if name == "data_upload" else ["uuid"]
        query = [_param(key, "query", schema, schema.get("description", ""),
                        required=key in required) for key, schema in fields.items()]
        body_schema = {"type": "object", "properties": {**fields, "license_key": STR},
                       "required": required}
        json_schema = {**body_schema, "properties": {
            key: ({"type": ["string", "number"]} if "pattern" in value and key in MEASUREMENT_FIELDS
                  else value) for key, value in body_schema["properties"].items()}}
        responses = _bee_responses(_ref(result), *errors)
        text = description + (" " if description else "") + (
            "`license_key` may also be sent in a POST body, never as a header. A known parameter "
            "given twice is 400; unknown parameters are ignored.")
        paths[f"/api_v1/{name}"] = {
            "get": _op(BEEKEEPING, summary, responses, description=text, parameters=query,
                       security=BEE_SECURITY),
            "post": _op(BEEKEEPING, summary + " (POST)", responses, description=text,
                        body={"required": True, "content": {
                            FORM: {"schema": body_schema}, JSON: {"schema": json_schema}}},
                        security=BEE_SECURITY),
        }
    return paths


# --- Tapline (/v1/) ---------------------------------------------------------------------------

TAPLINE = "Tapline"
BEARER = [{"TaplineBearer": []}, {"TaplineTokenQuery": []}]
BASIC = [{"TaplineBasic": []}]
_TAPLINE_HEADERS = {
    "X-Request-ID": {"description": "8 hex characters.", "required": True,
                     "schema": {"type": "string", "pattern": "^[0-9a-f]{8}$"}},
    "X-Response-Time": {"description": "`<n>ms`.", "required": True,
                        "schema": {"type": "string", "pattern": "^[0-9]+ms$"}},
    "Access-Control-Allow-Origin": {"required": True, "schema": {"const": "*"}},
}
TAPLINE_STATUS_TEXT = {
    400: "A property at fault, in json-gate's words (`Error: JSON object property 'limit' is 61 "
         "when it should be at most 60`), or an engine error.",
    401: "No usable credentials (`WWW-Authenticate` says which).",
    403: "A valid token without the scope (`Scope recipe not found for user`), or somebody else's "
         "object.",
    404: "Not found (also somebody else's private recipe).",
    429: "Too many failed password or client-secret checks for this name or from this address "
         "(one throttle with the web login); `Retry-After` says how long to wait.",
    500: "`Internal server error`, logged.",
}


def _tapline_errors(*errors: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for status in (*errors, 500):
        headers = dict(_TAPLINE_HEADERS)
        if status == 401:
            headers["WWW-Authenticate"] = {"schema": STR, "description": "Except for a bad client."}
        out[str(status)] = {"description": TAPLINE_STATUS_TEXT[status], "headers": headers,
                            "content": {TEXT: {"schema": STR}}}
    return out


def _tapline(result: Schema | None, *errors: int, status: int = 200) -> dict[str, Any]:
    ok: Schema = {"description": "Success: bare JSON." if result else "Done; no body.",
                  "headers": _TAPLINE_HEADERS}
    if result is not None:
        ok["content"] = {JSON: {"schema": result}}
    return {str(status): ok, **_tapline_errors(*errors)}


def _case_insensitive(pattern: str) -> str:
    """ECMA regexes have no flags: spell ``https?`` as ``[hH][tT]…`` outside character classes."""
    return re.sub(r"(?<!\\)[A-Za-z]", lambda m: f"[{m[0].lower()}{m[0].upper()}]", pattern)


def _prop_checks(prop: Prop) -> Schema:
    """json-gate's string/number checks; on an array property they apply to its items."""
    out: Schema = {}
    for key, value in (("minimum", prop.minimum), ("maximum", prop.maximum),
                       ("minLength", prop.min_length), ("maxLength", prop.max_length)):
        if value is not None:
            out[key] = value
    if prop.pattern is not None:
        pattern = prop.pattern.pattern
        out["pattern"] = (_case_insensitive(pattern) if prop.pattern.flags & re.IGNORECASE
                          else pattern)
    if prop.email:
        out["format"] = "email"
    return out


def _types(kinds: Sequence[str]) -> Schema:
    return {"type": kinds[0] if len(kinds) == 1 else list(kinds)}


_NO_DEFAULT = next(f.default for f in dataclasses.fields(Prop) if f.name == "default")


def prop_schema(prop: Prop) -> Schema:
    """A ``tapline_validation.Prop`` as JSON Schema."""
    schema = _types(prop.types)
    if prop.items is not None:
        schema["items"] = {**_types(prop.items), **_prop_checks(prop)}
        for key, value in (("minItems", prop.min_items), ("maxItems", prop.max_items)):
            if value is not None:
                schema[key] = value
    else:
        schema.update(_prop_checks(prop))
    if prop.enum is not None:
        schema["enum"] = list(prop.enum)
    if prop.default is not _NO_DEFAULT:
        schema["default"] = prop.default
    return schema


def props_body(props: Sequence[Prop], *, required: bool = False) -> Schema:
    """A JSON request body; an empty body counts as ``{}``."""
    schema = {"type": "object", "properties": {p.name: prop_schema(p) for p in props},
              "required": [p.name for p in props if p.required]}
    return {"required": required, "content": {JSON: {"schema": schema}}}


def props_query(kinds: dict[str, str], props: Sequence[Prop]) -> list[Schema]:
    """GET parameters: arrays are comma-separated, a repeated name is 400."""
    by_name = {p.name: p for p in props}
    out = []
    for name in kinds:
        schema = prop_schema(by_name[name])
        extra = {"style": "form", "explode": False} if kinds[name] == "array" else {}
        out.append(_param(name, "query", schema, required=by_name[name].required, **extra))
    return out


_ID = "24 hex characters; anything else matches nothing."
USER_OUT = _obj({"confirmed": BOOL, "created": STR, "following": {"type": "array", "items": STR},
                 "id": STR, "image": STR, "location": {"anyOf": [
                     {"type": "array", "items": NUM, "minItems": 2, "maxItems": 2}, {"type": "null"}],
                     "description": "[longitude, latitude]"},
                 "name": STR, "recipeCount": INT})
TAPLINE_SCHEMAS: dict[str, Schema] = {
    "TaplineUser": USER_OUT,
    "TaplineProfile": {**USER_OUT, "properties": {**USER_OUT["properties"], "email": STR_OR_NULL},
                       "description": "`email` only with scope `user:email`."},
    "TaplineUserRef": _obj({"id": STR, "image": STR, "name": STR}),
    "TaplineRecipe": _obj({
        "created": STR, "data": {"type": "object", "description": "Brauhaus recipe fields; with "
                                 "`detail=true` also the calculated ones."},
        "id": STR, "parent": {"anyOf": [STR, {"type": "object"}, {"type": "null"}],
                              "description": "The parent's id, its summary with "
                                             "`populateParent=true`, or null."},
        "private": BOOL, "slug": STR, "user": _ref("TaplineUserRef")}),
    "TaplineAction": _obj({"created": STR, "data": {"type": "object"}, "id": STR, "private": BOOL,
                           "targetId": STR, "type": STR, "user": _ref("TaplineUserRef")},
                          ["created", "data", "id", "private", "type", "user"]),
    "TaplineAuthorization": _obj({"clientId": STR, "created": STR, "id": STR,
                                  "scopes": {"type": "array", "items": STR}, "token": STR,
                                  "userId": STR}),
    "Calculation": {"type": "object", "description": "abv, abw, buToGu, bv, calories, color, fg, "
                    "fgPlato, grainWeight, ibu, og, ogPlato, price, realExtract, timeline; a NaN "
                    "is null."},
}


def _list_of(name: str) -> Schema:
    return {"type": "array", "items": _ref(name)}


def _tapline_paths() -> dict[str, Schema]:
    recipes, users = tapline_recipes, tapline_accounts
    recipe_query = props_query(recipes.RECIPE_LIST_QUERY, recipes.RECIPE_LIST_PROPS)
    action_query = props_query(recipes.ACTION_LIST_QUERY, recipes.ACTION_LIST_PROPS)
    one_recipe_query = [p for p in recipe_query if p["name"] in
                        ("detail", "populateParent", "showPrivate", "private")]
    one_action_query = [p for p in action_query if p["name"] in ("showPrivate", "private")]
    client_query = [_param("clientId", "query", {"type": "string", "maxLength": 120}, required=True),
                    _param("clientSecret", "query", {"type": "string", "maxLength": 200},
                           required=True)]
    ident = _path_param("ident", _ID)
    client_props = [p for p in users.CREATE_AUTH_PROPS if p.name in ("clientId", "clientSecret")]
    conv = {"type": "object", "properties": {"format": STR, "values": {"type": "array"}},
            "required": ["format", "values"]}
    paths: dict[str, Schema] = {
        "/v1/convert/duration": {"post": _op(TAPLINE, "Convert durations", _tapline(conv, 400),
                                             body=props_body(tapline.DURATION_PROPS), security=[])},
        "/v1/convert/color": {"post": _op(TAPLINE, "Convert colours", _tapline(conv, 400),
                                          body=props_body(tapline.COLOR_PROPS), security=[])},
        "/v1/convert/recipe": {"post": _op(
            TAPLINE, "Convert recipes between Brauhaus JSON and BeerXML", _tapline(_obj({
                "format": STR, "recipes": {"type": "array"}}), 400),
            body=props_body(tapline.CONVERT_RECIPE_PROPS), security=[])},
        "/v1/calculate/recipe": {"post": _op(
            TAPLINE, "Calculate recipes", _tapline(_list_of("Calculation"), 400),
            body=props_body(tapline.CALCULATE_PROPS), security=[])},
        "/v1/users": {
            "post": _op(TAPLINE, "Register a user", _tapline(_ref("TaplineUser"), 400, 403,
                                                             status=201),
                        description="Refused (403) while registration is closed; a reserved "
                                    "name (`admin`, `guest`, `operator`, the operator account's) "
                                    "or a look-alike of a taken one is 400. Under the approval "
                                    "policy the account works at once but is not a member until "
                                    "the operator admits it.",
                        body=props_body(users.REGISTER_PROPS), security=[]),
            "get": _op(TAPLINE, "Users (default sort -created)", _tapline(
                _list_of("TaplineUser"), 400, 401), parameters=props_query(
                    users.USER_LIST_QUERY, users.USER_PROPS), security=BEARER),
        },
        "/v1/public/users": {"get": _op(TAPLINE, "Users (default sort name)", _tapline(
            _list_of("TaplineUser"), 400), parameters=props_query(
                users.USER_LIST_QUERY, users.PUBLIC_USER_PROPS), security=[])},
        "/v1/public/users/{ident}": {"get": _op(TAPLINE, "One user", _tapline(
            _ref("TaplineUser"), 404), parameters=[ident], security=[])},
        "/v1/users/{ident}": {
            "get": _op(TAPLINE, "One user", _tapline(_ref("TaplineUser"), 400, 401, 404),
                       parameters=[ident], security=BEARER),
            "put": _op(TAPLINE, "Change yourself (scope user)", _tapline(
                _ref("TaplineUser"), 400, 401, 403, 404), parameters=[ident],
                body=props_body(users.UPDATE_USER_PROPS), security=BEARER),
            "delete": _op(TAPLINE, "Delete yourself (scope user:delete)", _tapline(
                None, 400, 401, 403, 404, status=204), parameters=[ident], security=BEARER),
        },
        "/v1/profile": {"get": _op(TAPLINE, "The caller", _tapline(_ref("TaplineProfile"), 400, 401),
                                   security=BEARER)},
        "/v1/authorizations": {
            "get": _op(TAPLINE, "Your authorizations for this client", _tapline(
                _list_of("TaplineAuthorization"), 400, 401, 429), parameters=client_query,
                security=BASIC),
            "post": _op(TAPLINE, "Create an authorization (a bearer token)", _tapline(
                _ref("TaplineAuthorization"), 400, 401, 429, status=201),
                body=props_body(users.CREATE_AUTH_PROPS), security=BASIC),
        },
        "/v1/authorizations/{ident}": {
            "get": _op(TAPLINE, "One authorization", _tapline(
                _ref("TaplineAuthorization"), 400, 401, 404, 429),
                parameters=[ident, *client_query], security=BASIC),
            "put": _op(TAPLINE, "Change its scopes (one of scopes, addScopes, removeScopes)",
                       _tapline(_ref("TaplineAuthorization"), 400, 401, 404, 429),
                       parameters=[ident], body=props_body(users.UPDATE_AUTH_PROPS),
                       security=BASIC),
            "delete": _op(TAPLINE, "Delete an authorization", _tapline(None, 400, 401, 404, 429,
                                                                       status=204),
                          parameters=[ident], body=props_body(client_props), security=BASIC),
        },
        "/v1/public/recipes": {"get": _op(TAPLINE, "Public recipes", _tapline(
            _list_of("TaplineRecipe"), 400), parameters=recipe_query, security=[])},
        "/v1/public/recipes/{ident}": {"get": _op(TAPLINE, "One public recipe", _tapline(
            _ref("TaplineRecipe"), 400, 404), parameters=[ident, *one_recipe_query], security=[])},
        "/v1/public/actions": {"get": _op(TAPLINE, "Public actions feed", _tapline(
            _list_of("TaplineAction"), 400), parameters=action_query, security=[])},
        "/v1/public/actions/{ident}": {"get": _op(TAPLINE, "One public action", _tapline(
            _ref("TaplineAction"), 400, 404), parameters=[ident, *one_action_query], security=[])},
        "/v1/recipes": {
            "get": _op(TAPLINE, "Recipes (private ones with scope private)", _tapline(
                _list_of("TaplineRecipe"), 400, 401, 403), parameters=recipe_query, security=BEARER),
            "post": _op(TAPLINE, "Create a recipe (scope recipe)", _tapline(
                _ref("TaplineRecipe"), 400, 401, 403, 404),
                body=props_body(recipes.RECIPE_WRITE_PROPS), security=BEARER),
        },
        "/v1/recipes/{ident}": {
            "get": _op(TAPLINE, "One recipe", _tapline(_ref("TaplineRecipe"), 400, 401, 403, 404),
                       parameters=[ident, *one_recipe_query], security=BEARER),
            "put": _op(TAPLINE, "Change your recipe (scope recipe)", _tapline(
                _ref("TaplineRecipe"), 400, 401, 403, 404), parameters=[ident],
                body=props_body(recipes.RECIPE_WRITE_PROPS), security=BEARER),
            "delete": _op(TAPLINE, "Delete your recipe (scope recipe:delete)", _tapline(
                None, 400, 401, 403, 404, status=204), parameters=[ident], security=BEARER),
        },
        "/v1/actions": {"get": _op(TAPLINE, "Actions feed", _tapline(
            _list_of("TaplineAction"), 400, 401, 403), parameters=action_query, security=BEARER)},
        "/v1/actions/{ident}": {"get": _op(TAPLINE, "One action", _tapline(
            _ref("TaplineAction"), 400, 401, 403, 404), parameters=[ident, *one_action_query],
            security=BEARER)},
    }
    for path, item in paths.items():
        params = [_path_param(name, _ID) for name in re.findall(r"{(\w+)}", path)]
        item["options"] = _op(TAPLINE, "CORS preflight", {"200": {
            "description": "`OK`", "headers": _TAPLINE_HEADERS,
            "content": {"text/html": {"schema": {"const": "OK"}}}}}, parameters=params,
            security=[])
    return paths


# --- the code grant's exchange (/account/access_token) ---------------------------------------

OAUTH = "OAuth"
OAUTH_ERRORS = ("invalid_request", "invalid_client", "invalid_grant", "unsupported_grant_type")
_NO_STORE = {"Cache-Control": {"required": True, "schema": {"const": "no-store"}},
             "Pragma": {"required": True, "schema": {"const": "no-cache"}}}
OAUTH_STATUS_TEXT = {
    400: "`invalid_request` (a parameter missing, repeated or too long; neither secret nor "
         "verifier), `invalid_grant` (the code is unknown, another client's, expired, already "
         "used — the token it granted is then revoked — or the verifier does not match) or "
         "`unsupported_grant_type`.",
    401: "`invalid_client`: unknown client or wrong secret (`WWW-Authenticate` when the client "
         "sent HTTP Basic).",
    429: "`invalid_client`: too many failed secret checks from this address (`Retry-After`).",
}


def _oauth_paths() -> dict[str, Schema]:
    fields: dict[str, Schema] = {name: {"type": "string", "maxLength": longest}
                                 for name, longest in web_token.MAX_LENGTH.items()}
    fields["grant_type"] = {"enum": ["authorization_code"]}
    fields["code_verifier"] = {"type": "string", "pattern": "^[A-Za-z0-9._~-]{43,128}$"}
    body = _obj(fields, required=["code"])
    error = _obj({"error": {"enum": list(OAUTH_ERRORS)}, "error_description": STR})
    responses: dict[str, Any] = {"200": {
        "description": "The user's bearer token for the client (Tapline's authorization: an "
                       "earlier one of the client is reused with the code's scopes).",
        "headers": _NO_STORE, "content": {JSON: {"schema": _obj({
            "access_token": {"type": "string", "pattern": "^[0-9a-f]{40}$"},
            "token_type": {"const": "bearer"}})}}}}
    for status, text in OAUTH_STATUS_TEXT.items():
        responses[str(status)] = {"description": text, "headers": _NO_STORE,
                                  "content": {JSON: {"schema": error}}}
    return {web_token.PATH: {"post": _op(
        OAUTH, "Exchange a one-time code (type=web_server) for a bearer token", responses,
        description="The code comes from `/account/authorize?type=web_server`, in the query of "
                    "the redirect to the client's registered URI; it lasts "
                    f"{CODE_LIFETIME.total_seconds():.0f} s and works once. Prove the client with "
                    "`client_secret` (in the body or as HTTP Basic `client_id:client_secret`), "
                    "with the PKCE `code_verifier` (S256) if the authorize request sent a "
                    "`code_challenge` — then it is required — or with both.",
        body={"required": True, "content": {FORM: {"schema": body}, JSON: {"schema": body}}},
        security=[{}, {"OAuthClientBasic": []}])}}


# --- the document -----------------------------------------------------------------------------

INFO_DESCRIPTION = f"""\
Four dialects on one server (see `docs/api-notes.md` for every departure from their seeds):

* **Kegbot** at `/api/` — `{{"result": …}}` or `{{"error": {{"code", "message"}}}}`.
* **Kegbot Server 1.x** at `/api/v1/` (kegbot-api, kegbot-pycore) — `{{"object": …, "meta": …}}`.
* **Beekeeping.io** at `/api_v1/` — every answer is the `status_code` envelope.
* **Tapline** at `/v1/` — bare JSON on success, a plain-text message on failure.

Every path also answers with a trailing slash. Limits: the server refuses bodies over 8 MiB (413,
plain text) and headers over 64 KiB (431); Kegbot refuses bodies over 4 MiB, Tapline over
{TAPLINE_MAX_BODY // (1024 * 1024)} MiB (400), Beekeeping over {beekeeping_params.MAX_BODY_BYTES // 1024} KiB.
"""


@cache
def description() -> dict[str, Any]:
    """The whole OpenAPI 3.1 document (built once; it depends only on the code)."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "kegdash APIs", "version": __version__, "description": INFO_DESCRIPTION},
        "servers": [{"url": "/"}],
        "tags": [{"name": KEGBOT, "description": "Seeds 000/001, mounted at `/api/`."},
                 {"name": KEGBOT_V1, "description": "Kegbot Server 1.3's API (kegbot-api, "
                                                    "kegbot-pycore), mounted at `/api/v1/`."},
                 {"name": BEEKEEPING, "description": "Seed 003, mounted at `/api_v1/`."},
                 {"name": TAPLINE, "description": "Seed 002 (malt.io), mounted at `/v1/`."},
                 {"name": OAUTH, "description": "Tapline's code grant: the exchange behind "
                                                "`/account/authorize?type=web_server`."}],
        "paths": {**_kegbot_paths(), **_kegbot_v1_paths(), **_beekeeping_paths(),
                  **_tapline_paths(), **_oauth_paths()},
        "components": {
            "schemas": {**KEGBOT_SCHEMAS, **KEGBOT_V1_SCHEMAS, **BEEKEEPING_SCHEMAS,
                        **TAPLINE_SCHEMAS},
            "securitySchemes": {
                "KegbotKeyHeader": {"type": "apiKey", "in": "header", "name": kegbot_auth.KEY_HEADER},
                "KegbotKeyQuery": {"type": "apiKey", "in": "query", "name": "api_key",
                                   "description": "Also read from a form or JSON body; the "
                                                  "header wins."},
                "LicenseKey": {"type": "apiKey", "in": "query", "name": "license_key",
                               "description": "Also read from a POST body."},
                "TaplineBearer": {"type": "http", "scheme": "bearer"},
                "TaplineTokenQuery": {"type": "apiKey", "in": "query", "name": "access_token",
                                      "description": "Not together with the header (400)."},
                "TaplineBasic": {"type": "http", "scheme": "basic",
                                 "description": "The user's name and password."},
                "OAuthClientBasic": {"type": "http", "scheme": "basic",
                                     "description": "The client's id and secret (each "
                                                    "form-encoded), instead of the body's."},
            },
        },
    }


@cache
def description_json() -> str:
    return json.dumps(description(), ensure_ascii=False, separators=(",", ":"))


# --- /docs ------------------------------------------------------------------------------------

DOCS_STYLE = """
body{font:15px/1.45 system-ui,sans-serif;max-width:70em;margin:0 auto;padding:1em;color:#222}
code,pre{font:13px ui-monospace,monospace;background:#f4f4f4}
pre{padding:.5em;overflow:auto;max-height:24em}
section.op{border-left:4px solid #ccc;padding:.2em .8em;margin:1em 0}
.get{border-color:#2b7bb9}.post{border-color:#2e8b57}.put{border-color:#c68a00}
.delete{border-color:#b22222}.options{border-color:#999}
.m{font-weight:bold;text-transform:uppercase;margin-right:.5em}
table{border-collapse:collapse;display:block;max-width:100%;overflow-x:auto}
td,th{border:1px solid #ddd;padding:.2em .5em;text-align:left}
code{overflow-wrap:anywhere}
nav a{margin-right:1em;display:inline-block}
"""


def _md(text: str) -> str:
    """Escape, then show `code` spans and **bold**; enough for the short descriptions above."""
    text = re.sub(r"`([^`]+)`", r"<code>\1</code>", html.escape(text))
    return re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", text)


def _md_block(paragraph: str) -> str:
    """A paragraph, or a list when each of its lines starts with "* "."""
    lines = paragraph.strip().splitlines()
    if lines and all(line.startswith("* ") for line in lines):
        return "<ul>" + "".join(f"<li>{_md(line[2:])}</li>" for line in lines) + "</ul>"
    return f"<p>{_md(paragraph)}</p>"


def _schema_html(schema: Schema) -> str:
    return f"<pre>{html.escape(json.dumps(schema, ensure_ascii=False, indent=1))}</pre>"


def _op_html(method: str, path: str, op: Schema) -> str:
    parts = [f'<section class="op {method}"><h3><span class="m">{method}</span>'
             f"<code>{html.escape(path)}</code> — {_md(op['summary'])}</h3>"]
    if op.get("description"):
        parts.append(f"<p>{_md(op['description'])}</p>")
    security = op.get("security", [])
    names = [name for item in security for name in item] or ["none"]
    if {} in security and len(names) > 1:
        names.insert(0, "none")
    parts.append(f"<p>Credentials: {', '.join(f'<code>{n}</code>' for n in names)}</p>")
    if op.get("parameters"):
        rows = "".join(
            f"<tr><td><code>{html.escape(p['name'])}</code></td><td>{p['in']}</td>"
            f"<td>{'yes' if p['required'] else ''}</td>"
            f"<td><code>{html.escape(json.dumps(p['schema'], ensure_ascii=False))}</code></td>"
            f"<td>{_md(p.get('description', ''))}</td></tr>" for p in op["parameters"])
        parts.append("<table><tr><th>parameter</th><th>in</th><th>required</th><th>schema</th>"
                     f"<th></th></tr>{rows}</table>")
    if "requestBody" in op:
        content = op["requestBody"]["content"]
        first = next(iter(content.values()))
        parts.append(f"<p>Body ({', '.join(f'<code>{m}</code>' for m in content)}):</p>")
        parts.append(_schema_html(first["schema"]))
    rows = []
    for status, response in op["responses"].items():
        content = response.get("content", {})
        shape = ", ".join(f"<code>{m}</code>" for m in content)
        rows.append(f"<tr><td>{status}</td><td>{_md(response['description'])}</td>"
                    f"<td>{shape}</td></tr>")
    parts.append(f"<table><tr><th>status</th><th>when</th><th>body</th></tr>{''.join(rows)}</table>")
    parts.append("</section>")
    return "".join(parts)


@cache
def docs_html() -> str:
    """The description as one readable page, grouped by dialect."""
    doc = description()
    info = doc["info"]
    out = [f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{info['title']}</title>"
           "<meta name=viewport content='width=device-width, initial-scale=1'>"
           f"<style>{DOCS_STYLE}</style></head><body><h1>{info['title']} {info['version']}</h1>",
           "<p>Machine-readable: <a href=/openapi.json><code>/openapi.json</code></a> "
           "(OpenAPI 3.1).</p>",
           "<nav>" + "".join(f'<a href="#{t["name"]}">{t["name"]}</a>' for t in doc["tags"])
           + '<a href="#schemas">Schemas</a></nav>',
           "".join(_md_block(paragraph) for paragraph in info["description"].split("\n\n"))]
    for tag in doc["tags"]:
        out.append(f'<h2 id="{tag["name"]}">{tag["name"]}</h2><p>{_md(tag["description"])}</p>')
        for path, item in doc["paths"].items():
            for method, op in item.items():
                if op["tags"] == [tag["name"]]:
                    out.append(_op_html(method, path, op))
    out.append('<h2 id="schemas">Schemas</h2>')
    for name, schema in doc["components"]["schemas"].items():
        out.append(f'<h3 id="schema-{name}">{name}</h3>{_schema_html(schema)}')
    out.append("</body></html>")
    return "\n".join(out)


def register(root: bottle.Bottle) -> None:
    """Add ``GET /openapi.json`` and ``GET /docs`` to the root app."""

    @root.get("/openapi.json")
    def openapi_json() -> str:
        bottle.response.content_type = "application/json; charset=utf-8"
        return description_json()

    @root.get("/docs")
    def docs() -> str:
        bottle.response.content_type = "text/html; charset=utf-8"
        return docs_html()
