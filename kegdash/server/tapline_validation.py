"""Request checking for the Tapline dialect, in the words of the original's json-gate.

Each handler describes its input as a list of ``Prop``; ``check`` fills defaults and raises
``TaplineError(400, "Error: JSON object property 'sort' is not in enum")`` on the first
property at fault, in list order (``spec/tapline.md`` §9.3). GET handlers first turn query
strings into typed values with ``query_values``; POST/PUT/DELETE bodies are JSON objects read by
``json_body``, which refuses other content types, bad JSON, NaN/Infinity and oversized bodies.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import bottle

MAX_BODY_BYTES = 4 * 1024 * 1024
"""Room for a batch of BeerXML documents; larger bodies are refused before they are parsed."""

EMAIL_RE = re.compile(r"^[A-Z0-9._%+-]+@[A-Z0-9.-]+\.[A-Z]{2,63}$", re.IGNORECASE)
_INT_RE = re.compile(r"^[+-]?\d{1,18}$")
_MISSING = object()

_WORDS = {"string": "a string", "number": "a number", "integer": "an integer",
          "boolean": "a boolean", "object": "an object", "array": "an array", "null": "null"}


class TaplineError(Exception):
    """A refused request: HTTP ``status`` and the plain-text ``message`` sent as the body."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.headers = status, message, headers or {}


def bad(message: str) -> TaplineError:
    return TaplineError(400, message)


def prop_error(name: str, text: str) -> TaplineError:
    """``Error: JSON object property '<name>' <text>`` as a 400."""
    return bad(f"Error: JSON object property '{name}' {text}")


@dataclass(frozen=True, slots=True)
class Prop:
    """One property of a request: allowed JSON types and the checks json-gate knew."""

    name: str
    types: tuple[str, ...]
    required: bool = False
    default: Any = _MISSING
    enum: tuple[Any, ...] | None = None
    items: tuple[str, ...] | None = None
    min_items: int | None = None
    max_items: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: re.Pattern[str] | None = None
    email: bool = False


def type_of(value: Any) -> str:
    """The JSON type name of a decoded value (whole numbers are ``integer``)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _fits(value: Any, types: Sequence[str]) -> bool:
    kind = type_of(value)
    return kind in types or (kind == "integer" and "number" in types)


def _expected(types: Sequence[str]) -> str:
    words = [_WORDS[t] for t in types]
    return words[0] if len(words) == 1 else "either " + " or ".join(words)


def _check_value(name: str, value: Any, types: Sequence[str], prop: Prop) -> None:
    if not _fits(value, types):
        raise prop_error(name, f"is {_WORDS[type_of(value)]} when it should be {_expected(types)}")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if prop.minimum is not None and value < prop.minimum:
            raise prop_error(name, f"is {value} when it should be at least {prop.minimum:g}")
        if prop.maximum is not None and value > prop.maximum:
            raise prop_error(name, f"is {value} when it should be at most {prop.maximum:g}")
    if isinstance(value, str):
        if prop.min_length is not None and len(value) < prop.min_length:
            raise prop_error(name, f"is {len(value)} characters long when it should be at least "
                                   f"{prop.min_length}")
        if prop.max_length is not None and len(value) > prop.max_length:
            raise prop_error(name, f"is {len(value)} characters long when it should be at most "
                                   f"{prop.max_length}")
        if prop.pattern is not None and not prop.pattern.match(value):
            raise prop_error(name, "does not match pattern")
        if prop.email and not EMAIL_RE.match(value):
            raise prop_error(name, "does not conform to the 'email' format")


def check(data: Any, props: Sequence[Prop]) -> dict[str, Any]:
    """Validate ``data`` against ``props`` in order; returns a copy with defaults filled in."""
    if not isinstance(data, dict):
        raise bad(f"Error: JSON object is {_WORDS[type_of(data)]} when it should be an object")
    out = dict(data)
    for prop in props:
        value = out.get(prop.name, _MISSING)
        if value is _MISSING:
            if prop.required:
                raise prop_error(prop.name, "is required")
            if prop.default is not _MISSING:
                out[prop.name] = prop.default
            continue
        _check_value(prop.name, value, prop.types, prop)
        if prop.enum is not None and value not in prop.enum:
            raise prop_error(prop.name, "is not in enum")
        if isinstance(value, list):
            count = len(value)
            if prop.min_items is not None and count < prop.min_items:
                raise bad(f"Error: JSON object property '{prop.name}': number of items is {count} "
                          f"when it should be at least {prop.min_items}")
            if prop.max_items is not None and count > prop.max_items:
                raise bad(f"Error: JSON object property '{prop.name}': number of items is {count} "
                          f"when it should be at most {prop.max_items}")
            if prop.items is not None:
                for i, item in enumerate(value):
                    _check_value(f"{prop.name}.[{i}]", item, prop.items, prop)
    return out


def _number_error(name: str, kind: str) -> TaplineError:
    return prop_error(name, f"is a string when it should be {_WORDS[kind]}")


def query_values(kinds: dict[str, str]) -> dict[str, Any]:
    """Typed query parameters: ``array`` splits on commas, ``integer``/``number``/``boolean``
    parse (``true``/``false``, ``1``/``0``). Only the listed names are read; a repeated name is
    refused rather than guessed at."""
    query = bottle.request.query
    out: dict[str, Any] = {}
    for name, kind in kinds.items():
        values = query.getall(name)
        if not values:
            continue
        if len(values) > 1:
            raise prop_error(name, "is given more than once")
        raw = bottle.request.query.getunicode(name) or ""
        if kind == "array":
            out[name] = raw.split(",")
        elif kind == "integer":
            if not _INT_RE.match(raw.strip()):
                raise _number_error(name, kind)
            out[name] = int(raw.strip())
        elif kind == "number":
            try:
                number = float(raw)
            except ValueError:
                raise _number_error(name, kind) from None
            if not math.isfinite(number):
                raise _number_error(name, kind)
            out[name] = number
        elif kind == "boolean":
            lowered = raw.strip().lower()
            if lowered not in ("true", "false", "1", "0", ""):
                raise _number_error(name, kind)
            out[name] = lowered in ("true", "1")
        else:
            out[name] = raw
    return out


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


def json_body() -> Any:
    """The request body as decoded JSON (``{}`` when empty); 400 for anything else."""
    request = bottle.request
    # Bottle reads the whole body (cheroot caps it) before we look, so a client sending too
    # much gets this answer instead of a broken pipe.
    raw = request.body.read(MAX_BODY_BYTES + 1)
    if len(raw) > MAX_BODY_BYTES:
        raise bad(f"Error: request body is larger than {MAX_BODY_BYTES} bytes")
    if not raw.strip():
        return {}
    ctype = request.content_type.split(";", 1)[0].strip().lower()
    if ctype != "application/json" and not ctype.endswith("+json"):
        raise bad(f"Error: Content-Type is '{ctype or 'none'}' when it should be "
                  "'application/json'")
    try:
        return json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
    except UnicodeDecodeError:
        raise bad("Error: request body is not UTF-8") from None
    except (ValueError, RecursionError) as exc:
        raise bad(f"Error: request body is not valid JSON: {str(exc)[:200]}") from None
