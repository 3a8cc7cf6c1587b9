"""What both Kegbot dialects do for a request: check the key, read the arguments, call the bar.

``/api/`` (``kegbot.py``, the seeds) and ``/api/v1/`` (``kegbot_v1.py``, Kegbot Server 1.x) serve
the same domain through these functions; each dialect adds only its envelope, its error names
and its object shapes. A handler returns the bar's views (``bar/views.py``), never wire objects.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import bottle

from kegdash.bar import drinks as bar_drinks
from kegdash.bar import thermo, views
from kegdash.bar.views import (
    AuthTokenInfo,
    DrinkDetail,
    DrinkerInfo,
    DrinkInfo,
    KegDetail,
    KegInfo,
    Page,
    SessionInfo,
    SpillDetail,
    ThermoLogInfo,
)
from kegdash.server import dialect, kegbot_auth
from kegdash.server import kegbot_params as arg
from kegdash.server.kegbot_errors import bad_request, not_found
from kegdash.server.kegbot_params import found, path_id, request_params

Route = Callable[..., Callable[[Callable], Callable]]


def router(app: bottle.Bottle) -> Route:
    """``route(path, method, protected=, open_=)``: register a handler on ``app`` under ``path``
    and ``path/``, checking the API key first unless ``open_`` (``kegbot_auth``: every POST and
    every ``protected`` endpoint needs a staff key)."""

    def route(path: str, method: str | list[str] = "GET", *, protected: bool = False,
              open_: bool = False) -> Callable[[Callable], Callable]:
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

    return route


# --- writes -------------------------------------------------------------------------------------

def pour(tap_ident: str) -> DrinkDetail | SpillDetail:
    """``POST taps/<tap>``: a drink, or with ``spilled`` true a spill counted against the keg."""
    tap_id = views.tap_id(tap_ident)
    params = request_params()
    ticks = arg.whole(params, "ticks", maximum=arg.MAX_TICKS, required=True)
    volume_ml = arg.number(params, "volume_ml")
    if volume_ml is not None and not 0 < volume_ml <= arg.MAX_VOLUME_ML:
        raise bad_request(f"volume_ml must be above 0 and at most {arg.MAX_VOLUME_ML:g}, "
                          f"not {volume_ml}")
    if arg.flag(params, "spilled"):
        return bar_drinks.record_spill(tap_id, ticks=ticks, volume_ml=volume_ml)
    username = arg.text(params, "username")
    auth_token = arg.text(params, "auth_token")
    user = None
    if username is not None:
        user = views.drinker(username)
        if user is None or not user.is_active:
            raise bad_request(f"no active user {username!r}")
    when = arg.pour_time(params)
    duration = arg.whole(params, "duration", maximum=arg.MAX_DURATION_S) or 0
    return bar_drinks.record_drink(
        tap_id, ticks=ticks, volume_ml=volume_ml, user=user, auth_token=auth_token,
        pour_time=when, duration=duration,
    )


def temperature(sensor_ident: str) -> ThermoLogInfo:
    """``POST thermo-sensors/<name>``: ``temp_c``; an unknown name creates the sensor."""
    temp_c = arg.number(request_params(), "temp_c")
    if temp_c is None:
        raise bad_request("temp_c is required")
    return thermo.record_temperature(sensor_ident, temp_c)


# --- reads --------------------------------------------------------------------------------------

def drink_page() -> Page[DrinkInfo]:
    """Valid drinks, newest first, a page from ``start`` (inclusive) down."""
    return views.drink_page(arg.start(), arg.PAGE_SIZE)


def keg_page() -> Page[KegInfo]:
    """Kegs, newest first, a page from ``start`` (inclusive) down."""
    return views.keg_page(arg.start(), arg.PAGE_SIZE)


def drink(ident: str) -> DrinkDetail:
    """A drink, valid or cancelled, with its keg, drinker and session."""
    return found(views.drink_detail(path_id(ident, "drink")), "drink", ident)


def keg(ident: str) -> KegDetail:
    return found(views.keg_detail(path_id(ident, "keg")), "keg", ident)


def keg_drinks(ident: str) -> list[DrinkInfo]:
    return found(views.keg_drinks(path_id(ident, "keg")), "keg", ident)


def keg_sessions(ident: str) -> list[SessionInfo]:
    return found(views.keg_sessions(path_id(ident, "keg")), "keg", ident)


def drinker(username: str) -> DrinkerInfo:
    return found(views.drinker(username), "user", username)


def drinker_drinks(username: str) -> list[DrinkInfo]:
    return found(views.drinker_drinks(username), "user", username)


def token(device: str, value: str) -> AuthTokenInfo:
    found_token = views.auth_token(device, value)
    if found_token is None:
        raise not_found(f"no auth token {device}|{value}")
    return found_token
