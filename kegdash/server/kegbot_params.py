"""A Kegbot request's arguments, read the same way by both Kegbot dialects (``/api/`` and
``/api/v1/``): query parameters merged with a form, multipart or JSON-object body, each value
checked before any domain call so a refused request changes nothing.

Strict on purpose: numbers are ASCII digits as the docs say (Python's ``int()`` and ``float()``
also take ``+12``, Arabic-Indic digits, ``1_0`` and ``infinity``), a JSON body's numbers are
JSON numbers, text is UTF-8 without control characters, and a body nested deeper than any
client writes is refused; each is a 400, never a guess.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import sys
from collections.abc import Iterable
from typing import Any, TypeVar

import bottle

from kegdash.db import parse_id, utcnow
from kegdash.server.kegbot_errors import bad_request, not_found

T = TypeVar("T")

PAGE_SIZE = 100
MAX_TICKS = 2**32 - 1  # a Kegboard meter counter is a uint32
MAX_DURATION_S = 24 * 60 * 60
MAX_CLOCK_SKEW = dt.timedelta(days=366)
MAX_TEXT = 200
MAX_VOLUME_ML = 1_000_000.0  # a 1000 L pour is a broken client; sums must stay finite
MAX_START = 2**62

_INT_RE = re.compile(r"[0-9]{1,19}")
_NUMBER_RE = re.compile(r"-?[0-9]{1,20}(?:\.[0-9]{1,20})?(?:[eE][+-]?[0-9]{1,4})?")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"", "0", "false", "no", "off"}
_PARAMS_KEY = "kegdash.kegbot.params"


class Params(dict):
    """Arguments by name; ``from_json`` names those a JSON body gave (typed JSON values, where a
    query string or a form gives text)."""

    def __init__(self) -> None:
        super().__init__()
        self.from_json: set[str] = set()


def _decoded(items: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Bottle hands over query and form text as Latin-1 stand-ins for the bytes sent; decode them
    as UTF-8, refusing what is not (Bottle's ``getunicode`` would quietly answer None, so an
    undecodable ``username`` became an anonymous pour)."""
    out: dict[str, str] = {}
    for key, value in items:
        try:
            name = key.encode("latin1").decode("utf-8")
            out[name] = value.encode("latin1").decode("utf-8")
        except UnicodeError:
            raise bad_request("a parameter is not valid UTF-8") from None
    return out


def _json_body(request: bottle.LocalRequest) -> dict[str, Any]:
    try:
        body = request.json
    except RecursionError:
        raise bad_request("the JSON body is nested too deeply") from None
    except ValueError:
        raise bad_request("the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise bad_request("a JSON body must be an object")
    return body


def request_params() -> Params:
    """Query parameters merged with the POST body (form, multipart or a JSON object)."""
    cached = bottle.request.environ.get(_PARAMS_KEY)
    if cached is not None:
        return cached
    request = bottle.request
    params = Params()
    params.update(_decoded(request.query.allitems()))
    if request.method == "POST":
        ctype = request.content_type.split(";", 1)[0].strip().lower()
        if ctype == "application/json":
            body = _json_body(request)
            params.update(body)
            params.from_json.update(body)
        elif ctype in ("application/x-www-form-urlencoded", "multipart/form-data"):
            try:
                params.update(_decoded(request.forms.allitems()))
            except ValueError:  # Bottle's multipart parser refuses e.g. a NUL in a part header
                raise bad_request("malformed form body") from None
        elif request.content_length != 0:
            raise bad_request(
                f"unsupported content type {ctype or 'none'!r}: send a form or a JSON object"
            )
    request.environ[_PARAMS_KEY] = params
    return params


def text(params: dict[str, Any], name: str) -> str | None:
    """A string of at most MAX_TEXT characters, stripped; None if absent or blank."""
    value = params.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise bad_request(f"{name} must be a string")
    value = value.strip()
    if len(value) > MAX_TEXT:
        raise bad_request(f"{name} is longer than {MAX_TEXT} characters")
    if _CONTROL_RE.search(value):
        raise bad_request(f"{name} contains a control character")
    return value or None


def _json_text(params: dict[str, Any], name: str, value: Any) -> bool:
    """True for text a JSON body gave where a number belongs (``{"ticks": "12"}``)."""
    return isinstance(value, str) and name in getattr(params, "from_json", ())


def whole(params: dict[str, Any], name: str, *, maximum: int, required: bool = False) -> int | None:
    """A whole number 0 … maximum; JSON integers, or ASCII decimal digits in a form."""
    value = params.get(name)
    if value is None or value == "":
        if required:
            raise bad_request(f"{name} is required")
        return None
    if isinstance(value, str) and not _json_text(params, name, value) \
            and _INT_RE.fullmatch(value.strip()):
        number = int(value.strip())
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        raise bad_request(f"{name} must be a whole number, not {value!r}"[:200])
    if not 0 <= number <= maximum:
        raise bad_request(f"{name} must be between 0 and {maximum}, not {number}")
    return number


def number(params: dict[str, Any], name: str) -> float | None:
    """A finite, normal number: ASCII decimal in a form, a JSON number in JSON (``nan``, ``inf``,
    ``1e999`` and subnormals such as ``5e-324`` are refused: no sensor or meter means them)."""
    value = params.get(name)
    if value is None or value == "":
        return None
    try:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise ValueError
        if isinstance(value, str) and (_json_text(params, name, value)
                                       or not _NUMBER_RE.fullmatch(value.strip())):
            raise ValueError
        result = float(value.strip() if isinstance(value, str) else value)
    except (ValueError, OverflowError):
        raise bad_request(f"{name} must be a number, not {value!r}"[:200]) from None
    if not math.isfinite(result):
        raise bad_request(f"{name} must be a finite number, not {value!r}"[:200])
    if result != 0 and abs(result) < sys.float_info.min:
        raise bad_request(f"{name} is too close to zero to be a measurement: {value!r}"[:200])
    return result


def flag(params: dict[str, Any], name: str) -> bool:
    """true/false/1/0/yes/no/on/off in any case (kegbot-api sends Python's ``True``)."""
    value = params.get(name)
    if value is None or isinstance(value, bool):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise bad_request(f"{name} must be true or false, not {value!r}"[:200])


def pour_time(params: dict[str, Any]) -> dt.datetime | None:
    """Server time of the pour: server now − (client now − client pour_time)."""
    poured = number(params, "pour_time")
    if poured is None:
        return None
    client_now = number(params, "now")
    if client_now is None:
        raise bad_request("pour_time needs now (the client's current Unix time) as well")
    ago = client_now - poured
    if ago < 0:
        raise bad_request("pour_time is after now")
    if ago > MAX_CLOCK_SKEW.total_seconds():
        raise bad_request("pour_time is more than a year before now")
    return (utcnow() - dt.timedelta(seconds=ago)).replace(microsecond=0)


def start() -> int | None:
    """The first id of a page (inclusive), newest first; ``start=`` with nothing is a mistake."""
    params = request_params()
    if params.get("start") == "":
        raise bad_request("start must be a whole number, not empty")
    return whole(params, "start", maximum=MAX_START)


def path_id(ident: str, what: str) -> int:
    """A numeric id from the URL; anything else names nothing (404)."""
    value = parse_id(ident)
    if value is None:
        raise not_found(f"no {what} {ident!r}")
    return value


def found(value: T | None, what: str, ident: str | int) -> T:
    if value is None:
        raise not_found(f"no {what} {ident!r}")
    return value
