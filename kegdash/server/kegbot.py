"""The Kegbot dialect (seeds 000/001), mounted at ``/api/``: ``{"result": …}`` or ``{"error": …}``.

Every route exists with and without its trailing slash. Requests are checked completely before
the domain is called, and the domain changes rows in one transaction, so a refused request
changes nothing. Wire shapes live in ``kegbot_objects``, keys and privacy in ``kegbot_auth``.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import re
from collections.abc import Callable
from typing import Any, TypeVar

import bottle

from kegdash import __version__
from kegdash.bar import drinks as bar_drinks
from kegdash.bar import thermo, views
from kegdash.bar.taps import BarError, NotFound
from kegdash.db import parse_id, utcnow
from kegdash.server import dialect, kegbot_auth
from kegdash.server import kegbot_objects as obj
from kegdash.server.dialect import Dialect, new_app
from kegdash.server.json_plugin import dumps
from kegdash.server.kegbot_errors import ERROR_CODES, KegbotError, bad_request, not_found

log = logging.getLogger(__name__)
T = TypeVar("T")

PAGE_SIZE = 100
MAX_TICKS = 2**32 - 1  # a Kegboard meter counter is a uint32
MAX_DURATION_S = 24 * 60 * 60
MAX_CLOCK_SKEW = dt.timedelta(days=366)
MAX_TEXT = 200
MAX_VOLUME_ML = 1_000_000.0  # a 1000 L pour is a broken client; sums must stay finite

_INT_RE = re.compile(r"^[+-]?\d{1,19}$")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}
_PARAMS_KEY = "kegdash.kegbot.params"


def error_response(status: int, message: str, code: str | None = None) -> bottle.HTTPResponse:
    body = {"error": {"code": code or ERROR_CODES.get(status, "Error"), "message": message}}
    return bottle.HTTPResponse(
        body=dumps(body), status=status,
        headers={"Content-Type": "application/json; charset=utf-8"},
    )


DIALECT = Dialect("kegbot", error_response, errors=[
    (KegbotError, lambda exc: error_response(exc.status, exc.message, exc.code)),
    (NotFound, lambda exc: error_response(404, str(exc))),
    (BarError, lambda exc: error_response(400, str(exc))),
])


# --- request arguments -------------------------------------------------------------------

def request_params() -> dict[str, Any]:
    """Query parameters merged with the POST body (form, multipart or a JSON object)."""
    cached = bottle.request.environ.get(_PARAMS_KEY)
    if cached is not None:
        return cached
    request = bottle.request
    params: dict[str, Any] = {key: request.query.getunicode(key) for key in request.query}
    if request.method == "POST":
        ctype = request.content_type.split(";", 1)[0].strip().lower()
        if ctype == "application/json":
            body = request.json
            if not isinstance(body, dict):
                raise bad_request("a JSON body must be an object")
            params.update(body)
        elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            try:
                params.update({key: request.forms.getunicode(key) for key in request.forms})
            except ValueError:  # Bottle's multipart parser refuses e.g. a NUL in a part header
                raise bad_request("malformed form body") from None
        elif request.content_length != 0:
            raise bad_request(
                f"unsupported content type {ctype or 'none'!r}: send a form or a JSON object"
            )
    request.environ[_PARAMS_KEY] = params
    return params


def _text(params: dict[str, Any], name: str) -> str | None:
    value = params.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise bad_request(f"{name} must be a string")
    value = value.strip()
    if len(value) > MAX_TEXT:
        raise bad_request(f"{name} is longer than {MAX_TEXT} characters")
    return value or None


def _int(params: dict[str, Any], name: str, *, maximum: int, required: bool = False) -> int | None:
    """A whole number 0 … maximum; JSON integers or decimal digits in a form."""
    value = params.get(name)
    if value is None or value == "":
        if required:
            raise bad_request(f"{name} is required")
        return None
    if isinstance(value, str) and _INT_RE.match(value.strip()):
        number = int(value.strip())
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        raise bad_request(f"{name} must be a whole number, not {value!r}"[:200])
    if not 0 <= number <= maximum:
        raise bad_request(f"{name} must be between 0 and {maximum}, not {number}")
    return number


def _float(params: dict[str, Any], name: str) -> float | None:
    """A finite number (``nan``, ``inf`` and ``1e999`` are refused)."""
    value = params.get(name)
    if value is None or value == "":
        return None
    try:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ValueError
        number = float(value.strip() if isinstance(value, str) else value)
    except (ValueError, OverflowError):
        raise bad_request(f"{name} must be a number, not {value!r}"[:200]) from None
    if not math.isfinite(number):
        raise bad_request(f"{name} must be a finite number, not {value!r}"[:200])
    return number


def _bool(params: dict[str, Any], name: str) -> bool:
    value = params.get(name)
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise bad_request(f"{name} must be true or false, not {value!r}"[:200])


def _pour_time(params: dict[str, Any]) -> dt.datetime | None:
    """Server time of the pour: server now − (client now − client pour_time)."""
    pour_time = _float(params, "pour_time")
    if pour_time is None:
        return None
    client_now = _float(params, "now")
    if client_now is None:
        raise bad_request("pour_time needs now (the client's current Unix time) as well")
    ago = client_now - pour_time
    if ago < 0:
        raise bad_request("pour_time is after now")
    if ago > MAX_CLOCK_SKEW.total_seconds():
        raise bad_request("pour_time is more than a year before now")
    return (utcnow() - dt.timedelta(seconds=ago)).replace(microsecond=0)


# --- lookups ------------------------------------------------------------------------------

def _id(text: str, what: str) -> int:
    ident = parse_id(text)
    if ident is None:
        raise not_found(f"no {what} {text!r}")
    return ident


def _found(value: T | None, what: str, ident: str) -> T:
    if value is None:
        raise not_found(f"no {what} {ident!r}")
    return value


def _start() -> int | None:
    """The first id of a page (inclusive), newest first."""
    return _int(request_params(), "start", maximum=2**62)


def _paging(page: views.Page) -> dict[str, Any]:
    return {"total": page.total, "limit": PAGE_SIZE, "pos": page.items[0].id if page.items else None}


def _token(device: str, value: str) -> dict[str, Any]:
    token = views.auth_token(device, value)
    if token is None:
        raise not_found(f"no auth token {device}|{value}")
    return {"result": {"token": obj.auth_token(token)}}


# --- the app ------------------------------------------------------------------------------

def make_app() -> bottle.Bottle:
    app = new_app(DIALECT)

    def route(path: str, method: str | list[str] = "GET", *, protected: bool = False,
              open_: bool = False) -> Callable[[Callable], Callable]:
        """Register ``path`` and ``path/``; check the API key first unless ``open_``."""
        def decorate(fn: Callable) -> Callable:
            def handler(*args: Any, **kwargs: Any) -> Any:
                if not open_:
                    is_post = bottle.request.method == "POST"
                    key = kegbot_auth.request_key(request_params())
                    kegbot_auth.authorize(key, protected=protected or is_post)
                return fn(*args, **kwargs)

            dialect.route(app, path, method, handler)
            return fn
        return decorate

    @route("/version", open_=True)
    def version() -> dict:
        return {"result": {"server_name": "kegdash", "server_version": __version__}}

    @route("/drinks")
    def drink_list() -> dict:
        page = views.drink_page(_start(), PAGE_SIZE)
        return {"result": {"paging": _paging(page), "drinks": obj.drinks(page.items)}}

    @route("/drinks/<ident>")
    def drink_detail(ident: str) -> dict:
        detail = _found(views.drink_detail(_id(ident, "drink")), "drink", ident)
        return {"result": obj.drink_detail(detail)}

    @route("/taps")
    def tap_list() -> dict:
        return {"result": {"taps": [obj.tap_detail(t) for t in views.tap_details()]}}

    @route("/taps/<ident>")
    def tap_detail(ident: str) -> dict:
        return {"result": obj.tap_detail(views.tap_detail(ident))}

    @route("/taps/<ident>", "POST")
    @route("/tap/<ident>", "POST")
    def record_drink(ident: str) -> dict:
        tap_id = views.tap_id(ident)
        params = request_params()
        ticks = _int(params, "ticks", maximum=MAX_TICKS, required=True)
        volume_ml = _float(params, "volume_ml")
        if volume_ml is not None and not 0 < volume_ml <= MAX_VOLUME_ML:
            raise bad_request(f"volume_ml must be above 0 and at most {MAX_VOLUME_ML:g}, "
                              f"not {volume_ml}")
        if _bool(params, "spilled"):
            spill = bar_drinks.record_spill(tap_id, ticks=ticks, volume_ml=volume_ml)
            return {"result": {"tap": obj.tap(spill.tap), "keg": obj.keg(spill.keg)}}
        username = _text(params, "username")
        auth_token = _text(params, "auth_token")
        user = None
        if username is not None:
            user = views.drinker(username)
            if user is None or not user.is_active:
                raise bad_request(f"no active user {username!r}")
        when = _pour_time(params)
        duration = _int(params, "duration", maximum=MAX_DURATION_S) or 0
        detail = bar_drinks.record_drink(
            tap_id, ticks=ticks, volume_ml=volume_ml, user=user, auth_token=auth_token,
            pour_time=when, duration=duration,
        )
        return {"result": obj.drink_detail(detail)}  # carries the keg, user and session it changed

    @route("/kegs")
    def keg_list() -> dict:
        page = views.keg_page(_start(), PAGE_SIZE)
        return {"result": {"paging": _paging(page), "kegs": [obj.keg(k) for k in page.items]}}

    @route("/kegs/<ident>")
    def keg_detail(ident: str) -> dict:
        detail = _found(views.keg_detail(_id(ident, "keg")), "keg", ident)
        return {"result": {
            "keg": obj.keg(detail.keg),
            "type": obj.beer_type(detail.beverage),
            "size": obj.keg_size(detail.size),
            "drinks": obj.drinks(detail.drinks),
        }}

    @route("/kegs/<ident>/drinks")
    def keg_drinks(ident: str) -> dict:
        drinks = _found(views.keg_drinks(_id(ident, "keg")), "keg", ident)
        return {"result": {"drinks": obj.drinks(drinks)}}

    @route("/kegs/<ident>/sessions")
    def keg_sessions(ident: str) -> dict:
        sessions = _found(views.keg_sessions(_id(ident, "keg")), "keg", ident)
        return {"result": {"sessions": [obj.session(s) for s in sessions]}}

    @route("/users/<username>")
    def user_detail(username: str) -> dict:
        return {"result": {"user": obj.user(_found(views.drinker(username), "user", username))}}

    @route("/users/<username>/drinks")
    def user_drinks(username: str) -> dict:
        drinks = _found(views.drinker_drinks(username), "user", username)
        return {"result": {"drinks": obj.drinks(drinks)}}

    @route("/auth-tokens/<ident>", ["GET", "POST"], protected=True)
    def token_dotted(ident: str) -> dict:
        device, dot, value = ident.rpartition(".")
        if not dot or not device or not value:
            raise not_found(f"no auth token {ident!r}: use <device>.<value>")
        return _token(device, value)

    @route("/auth-tokens/<device>/<value>", ["GET", "POST"], protected=True)
    def token_split(device: str, value: str) -> dict:
        return _token(device, value)

    @route("/thermo-sensors/<ident>")
    def thermo_detail(ident: str) -> dict:
        return {"result": obj.thermo_detail(views.thermo_detail(ident))}

    @route("/thermo-sensors/<ident>", "POST")
    @route("/thermo-sensor/<ident>", "POST")
    def record_temperature(ident: str) -> dict:
        temp_c = _float(request_params(), "temp_c")
        if temp_c is None:
            raise bad_request("temp_c is required")
        reading = thermo.record_temperature(ident, temp_c)
        return {"result": obj.thermo_detail(views.thermo_detail(reading.sensor_id))}

    return app
