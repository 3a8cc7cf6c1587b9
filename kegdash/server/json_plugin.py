"""A JSON plugin for Bottle that, unlike the built-in one, also serialises lists and datetimes."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import bottle


def _default(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    raise TypeError(f"cannot serialise {type(value).__name__}")


def dumps(value: Any) -> str:
    return json.dumps(value, default=_default, allow_nan=False, separators=(",", ":"))


class JsonPlugin:
    """Turn dict and list results into ``application/json``; leave responses and text alone."""

    name = "kegdash-json"
    api = 2

    def apply(self, callback: Callable, route: bottle.Route) -> Callable:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            result = callback(*args, **kwargs)
            if isinstance(result, dict | list):
                bottle.response.content_type = "application/json; charset=utf-8"
                return dumps(result)
            return result

        return wrapper
