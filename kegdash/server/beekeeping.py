"""The Beekeeping.io dialect (seed 003), mounted at ``/api_v1/``.

Every answer, success or failure, is the envelope
``{"status_code", "status_string", "code", "description", "result"}``: ``status_code`` 1/0,
``code`` the HTTP status, ``result`` values JSON strings (``"1"``/``"0"`` for booleans),
times UTC ``YYYY-MM-DD HH:MM:SS`` and ``*_timestamp`` Unix seconds as strings
(``decisions.md`` § Beekeeping).  Requests are rate limited per socket address before the
licence key is even looked at, so key guessing is throttled too.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import logging
import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass
from time import monotonic
from typing import Any

import bottle
import peewee

from kegdash.accounts.models import User
from kegdash.apiary.models import Apiary, Device, Hive
from kegdash.apiary.reading_fields import (
    DEFAULT_LIMITS,
    KNOWN_FIELDS,
    TEMPERATURE_FIELDS,
    TEMPERATURE_RANGE_C,
    FieldError,
    validate_reading,
)
from kegdash.apiary.readings import store_reading
from kegdash.apiary.registry import owner_for_license_key
from kegdash.server.json_plugin import JsonPlugin, dumps
from kegdash.site_settings import get_setting, get_settings
from kegdash.units import c_to_f, kg_to_lb

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024
"""A reading is a few hundred bytes; anything this large is not a sensor upload."""

REQUEST_FIELDS = KNOWN_FIELDS | {"license_key", "uuid"}
"""Parameters that must appear at most once; other parameters (a vendor's extras) are ignored."""

STATUS_TEXT = {
    400: "Bad request",
    401: "License key required",
    403: "License key not valid",
    404: "Not found",
    405: "Method not allowed",
    413: "Request too large",
    429: "Rate limit exceeded",
    500: "Server error",
}


class BeekeepingError(Exception):
    """A failure answered in the envelope with HTTP ``status``; ``result`` names a bad field."""

    def __init__(self, status: int, message: str, result: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.result = status, message, result


def envelope(code: int, description: str, result: dict[str, str] | None) -> dict[str, Any]:
    """Both the conventions' keys and the detail examples' keys, always (seed slip #4)."""
    return {
        "status_code": 1 if code < 400 else 0,
        "status_string": description,
        "code": code,
        "description": description,
        "result": result,
    }


def error_response(
    status: int, message: str, result: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> bottle.HTTPResponse:
    """The failure envelope as a response; the root app uses it for 404/405 under ``/api_v1/``."""
    text = STATUS_TEXT.get(status, "Error")
    description = message if message.startswith(text) else f"{text}: {message}"
    return bottle.HTTPResponse(
        body=dumps(envelope(status, description, result)), status=status,
        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
    )


# --------------------------------------------------------------------------- rate limiting


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    limit: int
    remaining: int
    reset_after: float
    """Seconds until the oldest counted request leaves the window (a slot frees up)."""

    def headers(self) -> dict[str, str]:
        """``X-RateLimit-*`` on every answer, plus ``Retry-After`` on a refusal."""
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(math.ceil(time.time() + self.reset_after)),
        }
        if not self.allowed:
            headers["Retry-After"] = str(max(1, math.ceil(self.reset_after)))
        return headers


class RateLimiter:
    """A moving window: at most ``limit`` requests in any ``window`` seconds per key.

    Per key it keeps the times of at most ``limit`` accepted requests, in an ``OrderedDict``
    ordered by last use, and drops idle keys from the front on every call — memory is bounded by
    the clients seen in the last window or two.  (``limits`` 5.8.0's ``MemoryStorage`` keeps an
    empty list per key forever — verified with 20,000 addresses — hence these few lines.)
    """

    def __init__(self, window: float = 1.0) -> None:
        self.window = window
        self._lock = threading.Lock()
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._hits)

    def hit(self, key: str, limit: int) -> Verdict:
        """Count one request for ``key`` if the window has room; say whether it may proceed."""
        now = monotonic()
        horizon = now - self.window
        with self._lock:
            while self._hits:
                idle_key, idle_times = next(iter(self._hits.items()))
                if idle_times and idle_times[-1] > horizon:
                    break
                del self._hits[idle_key]
            times = self._hits.setdefault(key, deque())
            self._hits.move_to_end(key)
            while times and times[0] <= horizon:
                times.popleft()
            allowed = len(times) < limit
            if allowed:
                times.append(now)
            remaining = max(limit - len(times), 0)
            reset_after = times[0] + self.window - now if times else 0.0
        return Verdict(allowed, limit, remaining, reset_after)


def rate_limit_for(environ: dict) -> tuple[str, int | None]:
    """The client's address and its allowance per second (None = not limited).

    The address is the socket's, never a client-supplied ``X-Forwarded-For`` — except when the
    socket belongs to a configured trusted proxy, whose last forwarded hop is then the client.
    """
    settings = get_settings(
        "beekeeping_rate_per_second", "beekeeping_rate_allowances",
        "beekeeping_rate_exempt_loopback", "beekeeping_trusted_proxies",
    )
    client = environ.get("REMOTE_ADDR", "")
    forwarded = environ.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and client in settings["beekeeping_trusted_proxies"]:
        client = forwarded.rsplit(",", 1)[-1].strip()
    try:
        loopback = ipaddress.ip_address(client).is_loopback
    except ValueError:
        loopback = False
    if loopback and settings["beekeeping_rate_exempt_loopback"]:
        return client, None
    allowance = settings["beekeeping_rate_allowances"].get(client)
    return client, allowance or settings["beekeeping_rate_per_second"]


class EnvelopePlugin:
    """Rate limit, then run the route and answer every failure in the envelope, never as HTML."""

    name = "beekeeping-envelope"
    api = 2

    def __init__(self, limiter: RateLimiter) -> None:
        self.limiter = limiter

    def apply(self, callback: Callable, route: bottle.Route) -> Callable:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            client, limit = rate_limit_for(bottle.request.environ)
            if limit is None:
                verdict, headers = None, {}
            else:
                verdict = self.limiter.hit(client, limit)
                headers = verdict.headers()
            if verdict is not None and not verdict.allowed:
                return error_response(
                    429, f"at most {verdict.limit} requests per second per IP address",
                    headers=headers)
            try:
                result = callback(*args, **kwargs)
            except BeekeepingError as exc:
                return error_response(exc.status, exc.message, exc.result, headers)
            except bottle.HTTPResponse as exc:
                if isinstance(exc, bottle.HTTPError) and exc.status_code >= 400:
                    return error_response(exc.status_code, str(exc.body or exc.status_line),
                                          headers=headers)
                raise
            except Exception:
                log.exception("unexpected error in %s %s", bottle.request.method, bottle.request.path)
                return error_response(500, "the server had a problem serving the request",
                                      headers=headers)
            for key, value in headers.items():
                bottle.response.set_header(key, value)
            return result

        return wrapper


# --------------------------------------------------------------------------- request parsing


class _Pairs(list):
    """A JSON object kept as its (key, value) pairs, so repeated keys can be refused."""


def _json_pairs(raw: bytes) -> list[tuple[str, str]]:
    """Numbers keep their source text, so ``1e3`` or ``NaN`` meet the strict validator as sent."""
    try:
        data = json.loads(raw, object_pairs_hook=_Pairs, parse_float=str, parse_int=str,
                          parse_constant=str)
    except (ValueError, UnicodeDecodeError):
        raise BeekeepingError(400, "the body is not valid JSON", {"field": "body"}) from None
    if not isinstance(data, _Pairs):
        raise BeekeepingError(400, "the body must be a JSON object", {"field": "body"})
    for key, value in data:
        if not isinstance(value, str):
            raise BeekeepingError(400, f"{key}: expected a string or a number", {"field": key})
    return list(data)


def _body_pairs(request: bottle.LocalRequest) -> list[tuple[str, str]]:
    if request.content_length > MAX_BODY_BYTES:
        raise BeekeepingError(413, f"at most {MAX_BODY_BYTES} bytes")
    if request.content_type.split(";", 1)[0].strip().lower() == "application/json":
        raw = request.body.read(MAX_BODY_BYTES + 1)
        if len(raw) > MAX_BODY_BYTES:
            raise BeekeepingError(413, f"at most {MAX_BODY_BYTES} bytes")
        return _json_pairs(raw)
    try:
        return list(request.forms.decode().allitems())
    except ValueError:  # Bottle's multipart parser refuses e.g. a NUL in a part header
        raise BeekeepingError(400, "malformed form body", {"field": "body"}) from None


def request_params() -> dict[str, str]:
    """Query string plus (for POST) form or JSON body; a known name given twice is a 400.

    Bottle's ``query.get()`` would silently take the last of ``?temperature=1&temperature=2``.
    """
    request = bottle.request
    pairs = list(request.query.decode().allitems())
    if request.method == "POST":
        pairs += _body_pairs(request)
    params: dict[str, str] = {}
    for key, value in pairs:
        if key in params and key in REQUEST_FIELDS:
            raise BeekeepingError(400, f"{key}: given more than once", {"field": key})
        params.setdefault(key, value)
    return params


def licensed_owner(params: dict[str, str]) -> User:
    """The owner of the request's licence key: missing → 401, unknown or disabled → 403."""
    key = params.get("license_key", "")
    if not key:
        raise BeekeepingError(401, "license_key is required")
    owner = owner_for_license_key(key)
    if owner is None or not owner.is_active:
        raise BeekeepingError(403, "license_key is unknown or disabled")
    return owner


def _field_message(error: FieldError, temperature_unit: str, weight_unit: str) -> str:
    """The validator speaks °C / kg; say a range in the units the client sent."""
    if error.kind == "out_of_range" and error.field in TEMPERATURE_FIELDS:
        low, high = TEMPERATURE_RANGE_C
        if temperature_unit == "F":
            low, high = c_to_f(low), c_to_f(high)
        return f"{error.field}: outside {low:g} .. {high:g} °{temperature_unit}"
    if error.kind == "out_of_range" and error.field == "weight":
        low, high = DEFAULT_LIMITS.weight_min_kg, DEFAULT_LIMITS.weight_max_kg
        if weight_unit == "lb":
            low, high = kg_to_lb(low), kg_to_lb(high)
        return f"weight: outside {low:.4g} .. {high:.4g} {weight_unit}"
    return str(error)


# --------------------------------------------------------------------------- serialisation


def _utc_text(ts: int | None) -> str:
    if ts is None:
        return ""
    return dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def _coordinate(value: float | None) -> str:
    return "" if value is None else f"{value:.8f}"


def _apiary_privilege(apiary: Apiary, viewer: User) -> str:
    """``"2"`` owner, ``"1"`` another owner's public apiary; private ones of others are not found."""
    if apiary.owner_id == viewer.id:
        return "2"
    if apiary.is_read_public:
        return "1"
    raise BeekeepingError(404, f"no apiary with uuid {apiary.uuid!r}")


def _required_uuid(params: dict[str, str]) -> str:
    uuid = params.get("uuid", "")
    if not uuid:
        raise BeekeepingError(400, "uuid: required", {"field": "uuid"})
    return uuid


def apiary_detail(uuid: str, viewer: User) -> dict[str, str]:
    apiary = Apiary.get_or_none(Apiary.uuid == uuid)
    if apiary is None:
        raise BeekeepingError(404, f"no apiary with uuid {uuid!r}")
    privilege = _apiary_privilege(apiary, viewer)
    return {
        "apiary_uuid": apiary.uuid,
        "zipcode": apiary.zipcode,
        "apiary_name": apiary.name,
        "latitude": _coordinate(apiary.latitude),
        "longitude": _coordinate(apiary.longitude),
        "country_code": apiary.country_code,
        "is_read_public": "1" if apiary.is_read_public else "0",
        "privilege": privilege,
    }


def hive_detail(uuid: str, viewer: User) -> dict[str, str]:
    hive = Hive.select(Hive, Apiary).join(Apiary).where(Hive.uuid == uuid).first()
    if hive is None:
        raise BeekeepingError(404, f"no hive with uuid {uuid!r}")
    try:
        privilege = _apiary_privilege(hive.apiary, viewer)
    except BeekeepingError:
        raise BeekeepingError(404, f"no hive with uuid {uuid!r}") from None
    last = Device.select(peewee.fn.MAX(Device.last_reading_ts)).where(Device.hive == hive).scalar()
    return {
        "uuid": hive.uuid,
        "name": hive.name,
        "data_last_received": _utc_text(last),
        "data_last_received_timestamp": "" if last is None else str(last),
        "apiary_uuid": hive.apiary.uuid,
        "zipcode": hive.apiary.zipcode,
        "apiary_name": hive.apiary.name,
        "country_code": hive.apiary.country_code,
        "privilege": privilege,
    }


def device_detail(uuid: str, viewer: User) -> dict[str, str]:
    """An unassigned device (no hive) is its owner's alone; others get 404 as for private ones."""
    device = Device.get_or_none(Device.uuid == uuid)
    not_found = BeekeepingError(404, f"no device with uuid {uuid!r}")
    if device is None:
        raise not_found
    hive = apiary = None
    if device.hive_id is not None:
        hive = Hive.select(Hive, Apiary).join(Apiary).where(Hive.id == device.hive_id).get()
        apiary = hive.apiary
    if device.owner_id == viewer.id:
        privilege = "2"
    elif apiary is not None and apiary.is_read_public:
        privilege = "1"
    else:
        raise not_found
    return {
        "uuid": device.uuid,
        "created": device.created.strftime("%Y-%m-%d %H:%M:%S"),
        "name": device.name,
        "vendor": device.vendor,
        "model": device.model,
        "firmware": device.firmware,
        "api_id": device.api_id,
        "data_last_received": _utc_text(device.last_reading_ts),
        "data_last_received_timestamp": "" if device.last_reading_ts is None else str(device.last_reading_ts),
        "hive_uuid": hive.uuid if hive else "",
        "hive_name": hive.name if hive else "",
        "apiary_uuid": apiary.uuid if apiary else "",
        "apiary_name": apiary.name if apiary else "",
        "zipcode": apiary.zipcode if apiary else "",
        "country_code": apiary.country_code if apiary else "",
        "privilege": privilege,
    }


# --------------------------------------------------------------------------- the app


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
            400, "; ".join(_field_message(e, temperature_unit, weight_unit) for e in errors),
            {"field": ",".join(e.field for e in errors)},
        )
    stored = store_reading(owner, clean)
    description = "Data uploaded OK" if stored.stored else "Data already received; the first upload is kept"
    return envelope(200, description, {
        "device_uuid": stored.device.uuid,
        "api_id": stored.device.api_id,
        "timestamp": str(stored.ts),
        "duplicate": "0" if stored.stored else "1",
        "device_created": "1" if stored.device_created else "0",
    })


def _detail(lookup: Callable[[str, User], dict[str, str]], description: str) -> dict[str, Any]:
    params = request_params()
    owner = licensed_owner(params)
    return envelope(200, description, lookup(_required_uuid(params), owner))


def make_app() -> bottle.Bottle:
    """The ``/api_v1/`` app; each app has its own rate limiter (one per server)."""
    app = bottle.Bottle()
    app.uninstall("json")
    app.install(EnvelopePlugin(RateLimiter()))
    app.install(JsonPlugin())
    routes: list[tuple[str, list[str], Callable[[], dict[str, Any]]]] = [
        ("data_upload", ["GET", "POST"], data_upload),
        ("get_apiary_detail", ["GET", "POST"], lambda: _detail(apiary_detail, "Apiary queried OK")),
        ("get_hive_detail", ["GET", "POST"], lambda: _detail(hive_detail, "Hive queried OK")),
        ("get_device_detail", ["GET", "POST"], lambda: _detail(device_detail, "Device queried OK")),
    ]
    for name, methods, callback in routes:
        app.route(f"/{name}", methods, callback)
        app.route(f"/{name}/", methods, callback)
    return app
