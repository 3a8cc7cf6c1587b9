"""The Kegbot Server 1.x dialect, mounted at ``/api/v1/``, for kegbot-api and kegbot-pycore.

Success is ``{"object": …, "meta": {"result": "ok"}}`` or ``{"objects": […], "meta": …}``;
failure ``{"error": {"code", "message"}, "meta": {"result": "error"}}`` with 1.x's error names
(``BadApiKeyError`` where the seeds say ``BadAuthTokenError``). Keys, arguments and domain calls
are the ones ``/api/`` uses (``kegbot_handlers``); this module adds the envelope, the error
names, 1.x's objects (``kegbot_v1_objects``) and the endpoints only 1.x has (status,
cancel-drink, controllers and flow meters, sessions, sound events). Where it departs from
Kegbot Server 1.3, ``docs/api-notes.md`` says so and why.
"""

from __future__ import annotations

from typing import Any

import bottle

from kegdash import __version__
from kegdash.bar import controllers as bar_controllers
from kegdash.bar import drinks as bar_drinks
from kegdash.bar import views
from kegdash.bar.taps import BarError, NotFound
from kegdash.bar.views import SpillDetail
from kegdash.server import kegbot_handlers as handle
from kegdash.server import kegbot_params as arg
from kegdash.server import kegbot_v1_objects as obj
from kegdash.server.dialect import Dialect, new_app
from kegdash.server.json_plugin import dumps
from kegdash.server.kegbot_errors import ERROR_CODES, KegbotError, bad_request, not_found
from kegdash.server.kegbot_params import found, path_id, request_params

CODE_NAMES = {"BadAuthTokenError": "BadApiKeyError"}
"""Where 1.x names a failure differently from the seeds."""

OK = {"result": "ok"}


def error_response(status: int, message: str, code: str | None = None) -> bottle.HTTPResponse:
    name = code or ERROR_CODES.get(status, "Error")
    body = {"error": {"code": CODE_NAMES.get(name, name), "message": message},
            "meta": {"result": "error"}}
    return bottle.HTTPResponse(
        body=dumps(body), status=status,
        headers={"Content-Type": "application/json; charset=utf-8"},
    )


DIALECT = Dialect("kegbot-v1", error_response, errors=[
    (KegbotError, lambda exc: error_response(exc.status, exc.message, exc.code)),
    (NotFound, lambda exc: error_response(404, str(exc))),
    (BarError, lambda exc: error_response(400, str(exc))),
])


def one(item: dict[str, Any]) -> dict[str, Any]:
    return {"object": item, "meta": OK}


def many(items: list[dict[str, Any]]) -> dict[str, Any]:
    return {"objects": items, "meta": OK}


def _drinks(drinks: list[views.DrinkInfo]) -> dict[str, Any]:
    return many([obj.drink_full(r) for r in views.drink_records(drinks)])


def _valid_drink(ident: str) -> views.DrinkDetail:
    """A drink by id; a cancelled one is gone, as 1.x deletes a cancelled drink."""
    detail = handle.drink(ident)
    if not detail.drink.is_valid:
        raise not_found(f"drink {ident} was cancelled")
    return detail


def make_app() -> bottle.Bottle:
    app = new_app(DIALECT)
    route = handle.router(app)

    @route("/version", open_=True)
    def version() -> dict:
        return one({"server_version": obj.SERVER_VERSION, "server_name": "kegdash",
                    "kegdash_version": __version__})

    @route("/status", protected=True)
    def status() -> dict:
        return one(obj.status(views.bar_status()))

    # --- taps and pours ---------------------------------------------------------------------

    @route("/taps")
    def tap_list() -> dict:
        return many([obj.tap(t) for t in views.tap_records()])

    @route("/taps/<ident>")
    def tap_detail(ident: str) -> dict:
        return one(obj.tap(views.tap_record(ident)))

    @route("/taps/<ident>", "POST")
    def record_drink(ident: str) -> dict:
        poured = handle.pour(ident)
        if isinstance(poured, SpillDetail):  # 1.x's taps/<t>/spill answers the tap
            return one(obj.tap(views.tap_record(poured.tap.id)))
        return one(obj.drink_full(views.drink_record(poured)))

    @route("/cancel-drink", "POST")
    def cancel_drink() -> dict:
        params = request_params()
        drink_id = arg.whole(params, "id", maximum=arg.MAX_START, required=True)
        cancelled = bar_drinks.cancel_drink(drink_id, spilled=arg.flag(params, "spilled"))
        return one(obj.drink_full(views.drink_records([cancelled])[0]))

    # --- drinks, kegs, sessions, users --------------------------------------------------------

    @route("/drinks")
    def drink_list() -> dict:
        return _drinks(list(handle.drink_page().items))

    @route("/drinks/last")
    def last_drink() -> dict:
        drink = views.last_drink()
        if drink is None:
            raise not_found("there are no drinks")
        return one(obj.drink_full(views.drink_records([drink])[0]))

    @route("/drinks/<ident>")
    def drink_detail(ident: str) -> dict:
        return one(obj.drink_full(views.drink_record(_valid_drink(ident))))

    @route("/kegs")
    def keg_list() -> dict:
        return many([obj.keg(k) for k in views.keg_overviews()])

    @route("/kegs/<ident>")
    def keg_detail(ident: str) -> dict:
        return one(obj.keg(found(views.keg_overview(path_id(ident, "keg")), "keg", ident)))

    @route("/kegs/<ident>/drinks")
    def keg_drinks(ident: str) -> dict:
        return _drinks(handle.keg_drinks(ident))

    @route("/kegs/<ident>/sessions")
    def keg_sessions(ident: str) -> dict:
        return many([obj.session(s, full=True) for s in handle.keg_sessions(ident)])

    @route("/keg-sizes")
    def keg_sizes() -> dict:
        return many([obj.keg_size(s) for s in views.keg_size_infos()])

    @route("/sessions")
    def session_list() -> dict:
        return many([obj.session(s, full=True) for s in views.sessions()])

    @route("/sessions/current")
    def current_session() -> dict:
        current = views.current_session()
        if current is None:
            raise not_found("There is no active session.")
        return one(obj.session(current, full=True))

    @route("/sessions/<ident>")
    def session_detail(ident: str) -> dict:
        found_session = found(views.session(path_id(ident, "session")), "session", ident)
        return one(obj.session(found_session, full=True))

    @route("/users", protected=True)
    def user_list() -> dict:
        return many([obj.user(u, full=True) for u in views.drinkers()])

    @route("/users/<username>")
    def user_detail(username: str) -> dict:
        return one(obj.user(handle.drinker(username), full=True))

    @route("/users/<username>/drinks")
    def user_drinks(username: str) -> dict:
        return _drinks(handle.drinker_drinks(username))

    @route("/auth-tokens/<device>/<value>", protected=True)
    def auth_token(device: str, value: str) -> dict:
        token = handle.token(device, value)
        owner = views.drinker(token.username) if token.username is not None else None
        return one(obj.auth_token(token, owner))

    # --- sensors ------------------------------------------------------------------------------

    @route("/thermo-sensors")
    def thermo_list() -> dict:
        return many([obj.sensor_record(r) for r in views.thermo_sensors()])

    @route("/thermo-sensors/<ident>")
    def thermo_detail(ident: str) -> dict:
        detail = views.thermo_detail(ident, limit=1)
        return one(obj.thermo_sensor(detail.sensor, detail.logs[0] if detail.logs else None))

    @route("/thermo-sensors/<ident>", "POST")
    def record_temperature(ident: str) -> dict:
        return one(obj.thermo_log(handle.temperature(ident)))

    @route("/thermo-sensors/<ident>/logs")
    def thermo_logs(ident: str) -> dict:
        return many([obj.thermo_log(log) for log in views.thermo_detail(ident).logs])

    # --- the boards a daemon registers --------------------------------------------------------

    @route("/controllers", protected=True)
    def controller_list() -> dict:
        return many([obj.controller(c) for c in views.controllers()])

    @route("/controllers", "POST")
    def add_controller() -> dict:
        params = request_params()
        name = arg.text(params, "name")
        if name is None:
            raise bad_request("name is required")
        return one(obj.controller(bar_controllers.add_controller(
            name, arg.text(params, "model_name") or "", arg.text(params, "serial_number") or "")))

    @route("/controllers/<ident>", protected=True)
    def controller_detail(ident: str) -> dict:
        found_controller = views.controller(path_id(ident, "controller"))
        return one(obj.controller(found(found_controller, "controller", ident)))

    @route("/flow-meters", protected=True)
    def meter_list() -> dict:
        return many([obj.flow_meter(m) for m in views.flow_meters()])

    @route("/flow-meters", "POST")
    def add_flow_meter() -> dict:
        params = request_params()
        port_name = arg.text(params, "port_name")
        if port_name is None:
            raise bad_request("port_name is required")
        ticks_per_ml = arg.number(params, "ticks_per_ml")
        if ticks_per_ml is None:
            raise bad_request("ticks_per_ml is required")
        controller_id = arg.whole(params, "controller", maximum=arg.MAX_START, required=True)
        meter = bar_controllers.add_flow_meter(controller_id, port_name, ticks_per_ml)
        return one(obj.flow_meter(meter))

    @route("/flow-meters/<ident>", protected=True)
    def meter_detail(ident: str) -> dict:
        return one(obj.flow_meter(found(views.flow_meter(path_id(ident, "flow meter")),
                                        "flow meter", ident)))

    @route("/sound-events", protected=True)
    def sound_events() -> dict:
        """Deprecated in 1.x, which always answers an empty list; kegdash plays no sounds."""
        return many([])

    return app
