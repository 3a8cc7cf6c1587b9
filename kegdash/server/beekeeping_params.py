"""Reading a Beekeeping.io request: query string plus form or JSON body, each known field at
most once, numbers kept as the client wrote them for the strict validator; the licence key's
owner; and validation messages in the units the client sent."""

from __future__ import annotations

import json

import bottle

from kegdash.accounts.views import Principal
from kegdash.apiary.reading_fields import (
    DEFAULT_LIMITS,
    KNOWN_FIELDS,
    TEMPERATURE_FIELDS,
    TEMPERATURE_RANGE_C,
    FieldError,
)
from kegdash.apiary.views import owner_for_license_key
from kegdash.server.beekeeping_envelope import BeekeepingError
from kegdash.units import c_to_f, kg_to_lb

MAX_BODY_BYTES = 64 * 1024
"""A reading is a few hundred bytes; anything this large is not a sensor upload."""

REQUEST_FIELDS = KNOWN_FIELDS | {"license_key", "uuid"}
"""Parameters that must appear at most once; other parameters (a vendor's extras) are ignored."""


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

    Bottle's ``query.get()`` would silently take the last of ``?temperature=1&temperature=2``;
    its ``decode()`` raises on bytes that are not UTF-8 (``?license_key=%ff``): a 400 here.
    """
    request = bottle.request
    try:
        pairs = list(request.query.decode().allitems())
    except UnicodeError:
        raise BeekeepingError(400, "the query string is not valid UTF-8", {"field": "query"}) from None
    if request.method == "POST":
        pairs += _body_pairs(request)
    params: dict[str, str] = {}
    for key, value in pairs:
        if key in params and key in REQUEST_FIELDS:
            raise BeekeepingError(400, f"{key}: given more than once", {"field": key})
        params.setdefault(key, value)
    return params


def licensed_owner(params: dict[str, str]) -> Principal:
    """The owner of the request's licence key: missing → 401, unknown or disabled → 403."""
    key = params.get("license_key", "")
    if not key:
        raise BeekeepingError(401, "license_key is required")
    owner = owner_for_license_key(key)
    if owner is None or not owner.is_active:
        raise BeekeepingError(403, "license_key is unknown or disabled")
    return owner


def field_message(error: FieldError, temperature_unit: str, weight_unit: str) -> str:
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


def required_uuid(params: dict[str, str]) -> str:
    uuid = params.get("uuid", "")
    if not uuid:
        raise BeekeepingError(400, "uuid: required", {"field": "uuid"})
    return uuid
