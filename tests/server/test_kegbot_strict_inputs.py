"""Hostile or sloppy input to both Kegbot dialects is a 400 (or a 404 for a path), never a 500,
never a guess, and nothing is stored: through real HTTP on a real SQLite file."""

import json

import pytest

from kegdash.accounts.keys import issue_api_key
from kegdash.accounts.users import create_user
from kegdash.bar import views
from kegdash.bar.taps import add_tap, start_keg

FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def key(database) -> str:
    add_tap("main tap", "kegboard.flow0", ml_per_tick=0.5)
    start_keg("kegboard.flow0", "Racer 5", size="corny")
    create_user("mikey")
    return issue_api_key(create_user("boss", is_staff=True))


def pour(http, body: bytes, key: str, ctype: str = FORM, query: str = "", prefix: str = "/api"):
    return http.request("POST", f"{prefix}/taps/kegboard.flow0{query}", data=body,
                        headers={"Content-Type": ctype, "X-Kegbot-Api-Key": key})


@pytest.mark.parametrize("body", [
    "ticks=١٢".encode(),                      # Arabic-Indic digits: int() would take them
    b"ticks=%2B12",                           # a sign
    b"ticks=1_0",                             # int() takes underscores
    b"ticks=12&volume_ml=5e-324",             # a subnormal volume
    b"ticks=12&volume_ml=%D9%A1",             # a non-ASCII digit where a number belongs
    b"ticks=12&volume_ml=infinity",
    b"ticks=12&username=%ff",                 # not UTF-8: was read as no user at all
    b"ticks=12&username=mik%00ey",            # a NUL in a name
    b"ticks=12&auth_token=core.rfid%7C0a%00",
])
@pytest.mark.parametrize("prefix", ["/api", "/api/v1"])
def test_malformed_form_values_are_refused_and_nothing_is_stored(http, key, body, prefix):
    status, _, raw = pour(http, body, key, prefix=prefix)
    assert status == 400, raw
    assert json.loads(raw)["error"]["code"] == "BadRequestError"
    assert views.drink_page(None, 10).total == 0


@pytest.mark.parametrize("body", [
    {"ticks": "12"},                          # JSON text where a JSON number belongs
    {"ticks": 12, "volume_ml": "100"},
    {"ticks": 12, "username": "mik\u0000ey"},
])
def test_json_bodies_carry_json_numbers(http, key, body):
    status, _, raw = pour(http, json.dumps(body).encode(), key, "application/json")
    assert status == 400, raw
    assert views.drink_page(None, 10).total == 0
    status, _, raw = pour(http, json.dumps({"ticks": 12, "volume_ml": 100}).encode(), key,
                          "application/json")
    assert status == 200, raw


def test_a_body_nested_a_hundred_thousand_deep_is_refused_before_the_key_check(http, key):
    status, _, raw = pour(http, b"[" * 100_000 + b"]" * 100_000, "not-a-key", "application/json")
    assert status == 400 and "nested" in json.loads(raw)["error"]["message"]


def test_an_undecodable_query_value_is_refused(http, key):
    status, _, raw = pour(http, b"ticks=12", key, query="?username=%ff")
    assert status == 400, raw
    assert views.drink_page(None, 10).total == 0


@pytest.mark.parametrize("query", ["?start=", "?start=abc", "?start=%2B3", "?start=%D9%A3"])
def test_an_empty_or_malformed_start_is_refused(http, key, query):
    status, _, raw = http.request("GET", "/api/drinks" + query)
    assert status == 400, raw


@pytest.mark.parametrize("path", ["/api/taps/%ff", "/api/kegs/%ff", "/api/v1/taps/%ff",
                                  "/api/drinks/%ff%fe"])
def test_an_undecodable_path_segment_names_nothing(http, key, path):
    """Bottle drops undecodable bytes, so ``/api/taps/%ff`` used to answer the whole tap list."""
    status, _, raw = http.request("GET", path)
    assert status == 404, raw
    assert json.loads(raw)["error"]["code"] == "NotFoundError"
