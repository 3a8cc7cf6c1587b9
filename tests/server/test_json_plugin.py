"""The answers' JSON: orjson's output where it can, the standard library's where it cannot."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from kegdash.server.json_plugin import dumps


def test_datetimes_are_written_as_utc_seconds_and_text_as_utf8() -> None:
    when = dt.datetime(2026, 12, 4, 21, 18, 23, 456789)
    assert dumps({"at": when, "beer": "Märzen", 1: [1.5, None]}) == \
        '{"at":"2026-12-04T21:18:23Z","beer":"Märzen","1":[1.5,null]}'.encode()


def test_an_integer_beyond_64_bits_is_still_written() -> None:
    # A client may send one in a recipe, which is answered back as it came.
    big = 2**70 + 1
    assert json.loads(dumps({"batchSize": big, "at": dt.datetime(2026, 1, 2)})) == \
        {"batchSize": big, "at": "2026-01-02T00:00:00Z"}


def test_an_unknown_type_is_refused() -> None:
    with pytest.raises(TypeError):
        dumps({"what": object()})
