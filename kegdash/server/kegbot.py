"""The Kegbot dialect (seeds 000/001), mounted at ``/api/``: ``{"result": …}`` or ``{"error": …}``.

Every route exists with and without its trailing slash. Requests are checked completely before
the domain is called, and the domain changes rows in one transaction, so a refused request
changes nothing. Key checks, arguments and domain calls are the Kegbot dialects' shared
``kegbot_handlers``; this module adds the seed's envelope and, through ``kegbot_objects``, its
wire shapes.
"""

from __future__ import annotations

from typing import Any

import bottle

from kegdash import __version__
from kegdash.bar import views
from kegdash.bar.taps import BarError, NotFound
from kegdash.bar.views import SpillDetail
from kegdash.server import kegbot_handlers as handle
from kegdash.server import kegbot_objects as obj
from kegdash.server.dialect import Dialect, new_app
from kegdash.server.json_plugin import dumps
from kegdash.server.kegbot_errors import ERROR_CODES, KegbotError, not_found
from kegdash.server.kegbot_params import PAGE_SIZE


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


def _paging(page: views.Page) -> dict[str, Any]:
    return {"total": page.total, "limit": PAGE_SIZE, "pos": page.items[0].id if page.items else None}


def _token(device: str, value: str) -> dict[str, Any]:
    return {"result": {"token": obj.auth_token(handle.token(device, value))}}


def make_app() -> bottle.Bottle:
    app = new_app(DIALECT)
    route = handle.router(app)

    @route("/version", open_=True)
    def version() -> dict:
        return {"result": {"server_name": "kegdash", "server_version": __version__}}

    @route("/drinks")
    def drink_list() -> dict:
        page = handle.drink_page()
        return {"result": {"paging": _paging(page), "drinks": obj.drinks(page.items)}}

    @route("/drinks/<ident>")
    def drink_detail(ident: str) -> dict:
        return {"result": obj.drink_detail(handle.drink(ident))}

    @route("/taps")
    def tap_list() -> dict:
        return {"result": {"taps": [obj.tap_detail(t) for t in views.tap_details()]}}

    @route("/taps/<ident>")
    def tap_detail(ident: str) -> dict:
        return {"result": obj.tap_detail(views.tap_detail(ident))}

    @route("/taps/<ident>", "POST")
    @route("/tap/<ident>", "POST")
    def record_drink(ident: str) -> dict:
        poured = handle.pour(ident)
        if isinstance(poured, SpillDetail):
            return {"result": {"tap": obj.tap(poured.tap), "keg": obj.keg(poured.keg)}}
        return {"result": obj.drink_detail(poured)}  # carries the keg, user and session it changed

    @route("/kegs")
    def keg_list() -> dict:
        page = handle.keg_page()
        return {"result": {"paging": _paging(page), "kegs": [obj.keg(k) for k in page.items]}}

    @route("/kegs/<ident>")
    def keg_detail(ident: str) -> dict:
        detail = handle.keg(ident)
        return {"result": {
            "keg": obj.keg(detail.keg),
            "type": obj.beer_type(detail.beverage),
            "size": obj.keg_size(detail.size),
            "drinks": obj.drinks(detail.drinks),
        }}

    @route("/kegs/<ident>/drinks")
    def keg_drinks(ident: str) -> dict:
        return {"result": {"drinks": obj.drinks(handle.keg_drinks(ident))}}

    @route("/kegs/<ident>/sessions")
    def keg_sessions(ident: str) -> dict:
        return {"result": {"sessions": [obj.session(s) for s in handle.keg_sessions(ident)]}}

    @route("/users/<username>")
    def user_detail(username: str) -> dict:
        return {"result": {"user": obj.user(handle.drinker(username))}}

    @route("/users/<username>/drinks")
    def user_drinks(username: str) -> dict:
        return {"result": {"drinks": obj.drinks(handle.drinker_drinks(username))}}

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
        reading = handle.temperature(ident)
        return {"result": obj.thermo_detail(views.thermo_detail(reading.sensor_id))}

    return app
