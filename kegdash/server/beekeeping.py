"""The Beekeeping.io dialect (seed 003), mounted at ``/api_v1/``.

The routes: ``data_upload`` and the three detail calls. Every answer is the envelope
(``beekeeping_envelope``); requests are rate limited per address before anything else
(``beekeeping_limits``), read by ``beekeeping_params`` and answered with ``beekeeping_objects``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import bottle

from kegdash.accounts.views import Principal
from kegdash.apiary.reading_fields import KNOWN_FIELDS, validate_reading
from kegdash.apiary.readings import store_reading
from kegdash.server import dialect
from kegdash.server.beekeeping_envelope import BeekeepingError, envelope, error_response
from kegdash.server.beekeeping_limits import RateLimiter, RateLimitPlugin
from kegdash.server.beekeeping_objects import apiary_detail, device_detail, hive_detail
from kegdash.server.beekeeping_params import field_message, licensed_owner, request_params, required_uuid
from kegdash.server.dialect import Dialect, new_app
from kegdash.server.ops import UPLOADS
from kegdash.site_settings import get_setting

DIALECT = Dialect("beekeeping", error_response, server_error="the server had a problem serving the request",
                  errors=[(BeekeepingError, lambda exc: error_response(exc.status, exc.message, exc.result))])


def data_upload() -> dict[str, Any]:
    """Validate the whole reading in the dialect's units, then store it in °C / kg."""
    params = request_params()
    owner = licensed_owner(params)
    temperature_unit = get_setting("beekeeping_temperature_unit")
    weight_unit = get_setting("beekeeping_weight_unit")
    fields = {key: value for key, value in params.items() if key in KNOWN_FIELDS}
    clean, errors = validate_reading(
        fields, int(time.time()), "reject",
        temperature_unit=temperature_unit, weight_unit=weight_unit,
    )
    if errors:
        raise BeekeepingError(
            400, "; ".join(field_message(e, temperature_unit, weight_unit) for e in errors),
            {"field": ",".join(e.field for e in errors)},
        )
    stored = store_reading(owner, clean)
    UPLOADS.labels("stored" if stored.stored else "duplicate").inc()
    description = "Data uploaded OK" if stored.stored else "Data already received; the first upload is kept"
    return envelope(200, description, {
        "device_uuid": stored.device_uuid,
        "api_id": stored.api_id,
        "timestamp": str(stored.ts),
        "duplicate": "0" if stored.stored else "1",
        "device_created": "1" if stored.device_created else "0",
    })


def _detail(lookup: Callable[[str, Principal], dict[str, str]], description: str) -> dict[str, Any]:
    params = request_params()
    owner = licensed_owner(params)
    return envelope(200, description, lookup(required_uuid(params), owner))


def make_app() -> bottle.Bottle:
    """The ``/api_v1/`` app; each app has its own rate limiter (one per server)."""
    app = new_app(DIALECT, outer=[RateLimitPlugin(RateLimiter())])
    routes: list[tuple[str, list[str], Callable[[], dict[str, Any]]]] = [
        ("data_upload", ["GET", "POST"], data_upload),
        ("get_apiary_detail", ["GET", "POST"], lambda: _detail(apiary_detail, "Apiary queried OK")),
        ("get_hive_detail", ["GET", "POST"], lambda: _detail(hive_detail, "Hive queried OK")),
        ("get_device_detail", ["GET", "POST"], lambda: _detail(device_detail, "Device queried OK")),
    ]
    for name, methods, callback in routes:
        dialect.route(app, f"/{name}", methods, callback)
    return app
