"""The Kegbot dialect through real HTTP (cheroot on a loopback port) on a real SQLite file.

Expected values come from the seed (001) and from the set-up below, never from the code's own
output: e.g. 1321 ticks at 0.371118802 ml/tick is the seed's 490.2479 ml drink.
"""

import datetime as dt
import json
import logging
import re
import socket
import threading
import urllib.parse

import pytest

from kegdash.accounts.keys import issue_api_key
from kegdash.accounts.users import create_user
from kegdash.bar.drinks import cancel_drink, record_drink
from kegdash.bar.models import Drink, DrinkingSession, Keg, KegSize, ThermoLog, ThermoSensor
from kegdash.bar.taps import add_auth_token, add_tap, add_thermo_sensor, start_keg
from kegdash.site_settings import set_setting

ML_PER_TICK = 0.371118802
HALF_BARREL_ML = 58673.88
TIME_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
T0 = dt.datetime(2026, 6, 1, 18, 0, 0)

DRINK_FIELDS = {"id", "ticks", "volume_ml", "session_id", "pour_time", "duration", "is_valid",
                "keg_id", "user_id"}
KEG_FIELDS = {"id", "type_id", "size_id", "status", "volume_ml_remain", "percent_full",
              "started_time", "finished_time", "description"}
TAP_FIELDS = {"id", "name", "meter_name", "ml_per_tick", "current_keg_id", "thermo_sensor_id"}
BEER_FIELDS = {"id", "name", "brewer_id", "style_id", "abv", "calories_oz"}
USER_FIELDS = {"username", "mugshot_url", "is_active", "is_staff", "is_superuser", "joined_time"}
SESSION_FIELDS = {"id", "start_time", "end_time", "volume_ml"}
PRIVATE = {"email", "password", "password_hash", "last_login", "public_id"}


class Bar:
    """Users, keys, a tap with a half-barrel of Racer 5 and an empty second tap."""

    def __init__(self) -> None:
        self.staff = create_user("boss", is_staff=True)
        self.key = issue_api_key(self.staff)
        self.member = create_user("member")
        self.member_key = issue_api_key(self.member)
        self.capn = create_user("capn", email="capn@example.com", password="hunter2",
                                image_url="mugshots/capn.jpg")
        self.tap = add_tap("main tap", "kegboard.flow0", ml_per_tick=ML_PER_TICK)
        self.sensor = add_thermo_sensor("kegboard.thermo-28c7000002a8fc10", self.tap.id)
        self.keg = start_keg(self.tap.id, "Racer 5", size="half-barrel", abv=7.2, style="IPA",
                             description="Racer 5")
        self.empty = add_tap("guest tap", "kegboard.flow1", ml_per_tick=0.5)


@pytest.fixture
def bar(database) -> Bar:
    return Bar()


def get(http, path, key=None, headers=None):
    headers = dict(headers or {})
    if key:
        headers["X-Kegbot-Api-Key"] = key
    return http.json("GET", path, headers=headers)


def post(http, path, fields, key=None, headers=None):
    headers = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
    if key:
        headers["X-Kegbot-Api-Key"] = key
    return http.json("POST", path, data=urllib.parse.urlencode(fields).encode(), headers=headers)


def post_json(http, path, body, key):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return http.json("POST", path, data=data,
                     headers={"Content-Type": "application/json", "X-Kegbot-Api-Key": key})


def assert_error(answer, status, code, case=None):
    got_status, body = answer
    assert got_status == status, (case, body)
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code and body["error"]["message"]


def unchanged(bar):
    """Nothing was recorded: no drink, the keg untouched, no session."""
    keg = Keg.get_by_id(bar.keg.id)
    return (Drink.select().count() == 0 and keg.served_ml == 0 and keg.spilled_ml == 0
            and DrinkingSession.select().count() == 0)


# --- taps --------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/api/taps", "/api/taps/"])
def test_tap_list_shape(http, bar, path):
    status, body = get(http, path)
    assert status == 200 and set(body) == {"result"}
    full, empty = body["result"]["taps"]
    assert set(full) == {"tap", "keg", "beverage"}
    tap = full["tap"]
    assert set(tap) >= TAP_FIELDS
    assert tap["id"] == str(bar.tap.id) and isinstance(tap["id"], str)
    assert tap["name"] == "main tap" and tap["meter_name"] == "kegboard.flow0"
    assert tap["ml_per_tick"] == ML_PER_TICK
    assert tap["current_keg_id"] == bar.keg.id and isinstance(tap["current_keg_id"], int)
    assert tap["thermo_sensor_id"] == str(bar.sensor.id)
    keg = full["keg"]
    assert set(keg) >= KEG_FIELDS
    assert keg["id"] == bar.keg.id and keg["status"] == "online"
    assert keg["volume_ml_remain"] == pytest.approx(HALF_BARREL_ML)
    assert keg["percent_full"] == 1.0
    assert keg["type_id"] == bar.keg.beverage_id and isinstance(keg["type_id"], int)
    assert keg["size_id"] == KegSize.get(KegSize.slug == "half-barrel").id
    assert TIME_RE.match(keg["started_time"]) and keg["finished_time"] is None
    assert keg["description"] == "Racer 5"
    beverage = full["beverage"]
    assert set(beverage) >= BEER_FIELDS
    assert beverage["name"] == "Racer 5" and beverage["abv"] == 7.2
    assert beverage["id"] == keg["type_id"] and beverage["style_id"] == "IPA"
    assert empty["tap"]["name"] == "guest tap" and empty["tap"]["current_keg_id"] is None
    assert empty["tap"]["thermo_sensor_id"] is None
    assert empty["keg"] is None and empty["beverage"] is None


@pytest.mark.parametrize("ident", ["kegboard.flow0", "kegboard.flow0/", "1", "1/"])
def test_tap_by_meter_name_or_id(http, bar, ident):
    status, body = get(http, f"/api/taps/{ident}")
    assert status == 200
    assert body["result"]["tap"]["meter_name"] == "kegboard.flow0"
    assert body["result"]["keg"]["id"] == bar.keg.id


def test_unknown_tap_is_not_found(http, bar):
    assert_error(get(http, "/api/taps/kegboard.flow9"), 404, "NotFoundError")
    assert_error(post(http, "/api/taps/kegboard.flow9", {"ticks": 10}, bar.key), 404,
                 "NotFoundError")
    assert unchanged(bar)


# --- recording a drink ---------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/api/taps/kegboard.flow0", "/api/taps/kegboard.flow0/",
                                  "/api/tap/kegboard.flow0", "/api/tap/1/"])
def test_record_drink_answers_the_drink_detail(http, bar, path):
    status, body = post(http, path, {"ticks": 1321, "username": "capn", "duration": 15}, bar.key)
    assert status == 200, body
    result = body["result"]
    assert set(result) == {"drink", "keg", "user", "session"}
    drink = result["drink"]
    assert set(drink) >= DRINK_FIELDS
    assert isinstance(drink["id"], int) and drink["ticks"] == 1321
    assert drink["volume_ml"] == pytest.approx(490.24793744200002)
    assert drink["user_id"] == "capn" and drink["duration"] == 15 and drink["is_valid"] is True
    assert drink["keg_id"] == bar.keg.id and TIME_RE.match(drink["pour_time"])
    assert drink["session_id"] == result["session"]["id"] and isinstance(drink["session_id"], str)
    keg = result["keg"]
    assert keg["volume_ml_remain"] == pytest.approx(HALF_BARREL_ML - 490.24793744200002)
    assert keg["percent_full"] == pytest.approx(1 - 490.24793744200002 / HALF_BARREL_ML)
    assert set(result["user"]) >= USER_FIELDS and not PRIVATE & set(result["user"])
    assert result["user"]["username"] == "capn"
    session = result["session"]
    assert set(session) >= SESSION_FIELDS
    assert session["volume_ml"] == pytest.approx(490.24793744200002)
    start = dt.datetime.strptime(session["start_time"], "%Y-%m-%dT%H:%M:%SZ")
    end = dt.datetime.strptime(session["end_time"], "%Y-%m-%dT%H:%M:%SZ")
    assert end - start == dt.timedelta(minutes=180)
    assert Keg.get_by_id(bar.keg.id).served_ml == pytest.approx(490.24793744200002)


def test_record_drink_from_json(http, bar):
    status, body = post_json(http, "/api/taps/kegboard.flow0", {"ticks": 100, "volume_ml": 355.5},
                             bar.key)
    assert status == 200, body
    drink = body["result"]["drink"]
    assert drink["ticks"] == 100 and drink["volume_ml"] == 355.5
    assert drink["user_id"] is None and drink["user"] is None and body["result"]["user"] is None


def test_session_timeout_setting_applies(http, bar):
    set_setting("session_timeout_minutes", 90)
    _, body = post(http, "/api/taps/1", {"ticks": 100}, bar.key)
    session = body["result"]["session"]
    start = dt.datetime.strptime(session["start_time"], "%Y-%m-%dT%H:%M:%SZ")
    end = dt.datetime.strptime(session["end_time"], "%Y-%m-%dT%H:%M:%SZ")
    assert end - start == dt.timedelta(minutes=90)


def test_username_wins_over_auth_token(http, bar):
    mikey = create_user("mikey")
    add_auth_token("core.rfid", "0a1b", mikey)
    _, body = post(http, "/api/taps/1", {"ticks": 100, "auth_token": "core.rfid|0a1b"}, bar.key)
    assert body["result"]["drink"]["user_id"] == "mikey"
    _, body = post(http, "/api/taps/1",
                   {"ticks": 100, "auth_token": "core.rfid.0a1b", "username": "capn"}, bar.key)
    assert body["result"]["drink"]["user_id"] == "capn"
    assert Drink.get_by_id(body["result"]["drink"]["id"]).auth_token == "core.rfid.0a1b"


def test_unknown_token_pours_anonymously_and_keeps_the_token(http, bar):
    status, body = post(http, "/api/taps/1", {"ticks": 100, "auth_token": "core.rfid/ffff"},
                        bar.key)
    assert status == 200 and body["result"]["drink"]["user_id"] is None
    assert Drink.get_by_id(body["result"]["drink"]["id"]).auth_token == "core.rfid/ffff"
    assert "auth_token" not in body["result"]["drink"]


def test_drink_on_a_tap_without_keg_has_no_keg(http, bar):
    status, body = post(http, "/api/taps/kegboard.flow1", {"ticks": 200}, bar.key)
    assert status == 200
    assert body["result"]["drink"]["keg_id"] is None and body["result"]["keg"] is None
    assert body["result"]["drink"]["volume_ml"] == 100.0


def test_pour_time_is_corrected_for_clock_skew(http, bar):
    before = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    # The client's clock is years off; only the difference (90 s ago) matters.
    status, body = post(http, "/api/taps/1",
                        {"ticks": 100, "pour_time": 1000000000, "now": 1000000090}, bar.key)
    assert status == 200
    when = dt.datetime.strptime(body["result"]["drink"]["pour_time"], "%Y-%m-%dT%H:%M:%SZ")
    expected = before - dt.timedelta(seconds=90)
    assert abs((when - expected).total_seconds()) <= 3


BAD_POUR_TIMES = [
    {"ticks": 100, "pour_time": 1000000000},
    {"ticks": 100, "pour_time": 1000000100, "now": 1000000000},
    {"ticks": 100, "pour_time": 0, "now": 1000000000},
    {"ticks": 100, "pour_time": "yesterday", "now": 1000000000},
    {"ticks": 100, "pour_time": 0, "now": "1e300"},
    {"ticks": 100, "pour_time": "nan", "now": 1000000000},
]


def test_bad_pour_times_are_refused(http, bar):
    for fields in BAD_POUR_TIMES:
        assert_error(post(http, "/api/taps/1", fields, bar.key), 400, "BadRequestError", fields)
    assert unchanged(bar)


BAD_DRINK_FIELDS = [
    {},
    {"ticks": ""},
    {"ticks": "abc"},
    {"ticks": "-5"},
    {"ticks": "1.5"},
    {"ticks": "nan"},
    {"ticks": "1e999"},
    {"ticks": str(2**32)},
    {"ticks": "0"},
    {"ticks": "10", "volume_ml": "nan"},
    {"ticks": "10", "volume_ml": "inf"},
    {"ticks": "10", "volume_ml": "1e999"},
    {"ticks": "10", "volume_ml": "abc"},
    {"ticks": "10", "volume_ml": "-3"},
    {"ticks": "10", "volume_ml": "0"},
    {"ticks": "10", "volume_ml": "1e300"},
    {"ticks": "10", "duration": "-1"},
    {"ticks": "10", "duration": "ten"},
    {"ticks": "10", "spilled": "perhaps"},
    {"ticks": "10", "username": "nobody"},
    {"ticks": "10", "username": "x" * 300},
]


def test_bad_drink_arguments_are_refused_and_change_nothing(http, bar):
    for fields in BAD_DRINK_FIELDS:
        assert_error(post(http, "/api/taps/kegboard.flow0", fields, bar.key), 400,
                     "BadRequestError", fields)
        assert unchanged(bar), fields


BAD_JSON_BODIES = [
    b"[1, 2]",
    b'"ticks"',
    b"{not json",
    b"",
    b'{"ticks": NaN}',
    b'{"ticks": 10, "volume_ml": NaN}',
    b'{"ticks": 10, "volume_ml": 1e999}',
    b'{"ticks": 10.5}',
    b'{"ticks": true}',
    b'{"ticks": -1}',
    b'{"ticks": 10, "username": 7}',
]


def test_bad_json_bodies_are_refused_and_change_nothing(http, bar):
    for body in BAD_JSON_BODIES:
        assert_error(post_json(http, "/api/taps/1", body, bar.key), 400, "BadRequestError", body)
        assert unchanged(bar), body


def test_inactive_user_cannot_be_credited(http, bar):
    bar.capn.is_active = False
    bar.capn.save()
    assert_error(post(http, "/api/taps/1", {"ticks": 10, "username": "capn"}, bar.key), 400,
                 "BadRequestError")
    assert unchanged(bar)


def test_wrong_content_type_is_refused(http, bar):
    answer = http.json("POST", "/api/taps/1", data=b"ticks=100",
                       headers={"Content-Type": "text/plain", "X-Kegbot-Api-Key": bar.key})
    assert_error(answer, 400, "BadRequestError")
    assert unchanged(bar)


def test_oversized_json_body_is_refused(api_server, bar):
    # The server reads a body under its own 8 MiB limit whole; Bottle then refuses it by size.
    body = b"{" + b" " * (5 * 1024 * 1024 - 2) + b"}"
    request = (f"POST /api/taps/1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
               f"Content-Type: application/json\r\nX-Kegbot-Api-Key: {bar.key}\r\n"
               f"Content-Length: {len(body)}\r\n\r\n").encode()
    with socket.create_connection(("127.0.0.1", api_server.port), timeout=30) as sock:
        sock.sendall(request + body)
        answer = b""
        while chunk := sock.recv(4096):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413")
    assert json.loads(body)["error"]["code"] == "BadRequestError"
    assert unchanged(bar)


def test_spill_adds_to_the_keg_and_records_no_drink(http, bar):
    status, body = post(http, "/api/taps/kegboard.flow0",
                        {"ticks": 200, "spilled": "true", "username": "capn"}, bar.key)
    assert status == 200 and set(body["result"]) == {"tap", "keg"}
    assert body["result"]["tap"]["meter_name"] == "kegboard.flow0"
    expected = 200 * ML_PER_TICK
    assert body["result"]["keg"]["volume_ml_remain"] == pytest.approx(HALF_BARREL_ML - expected)
    keg = Keg.get_by_id(bar.keg.id)
    assert keg.spilled_ml == pytest.approx(expected) and keg.served_ml == 0
    assert Drink.select().count() == 0 and DrinkingSession.select().count() == 0


def test_spill_on_a_tap_without_keg_is_refused(http, bar):
    assert_error(post(http, "/api/taps/kegboard.flow1", {"ticks": 200, "spilled": "1"}, bar.key),
                 400, "BadRequestError")
    assert unchanged(bar)


def test_concurrent_pours_through_http_lose_no_volume(http, bar):
    second = add_tap("stout tap", "kegboard.flow2", ml_per_tick=0.25)
    stout = start_keg(second.id, "Stout", size="corny")
    failures = []

    def pour(meter: str, ticks: int) -> None:
        for _ in range(15):
            status, body = post(http, f"/api/taps/{meter}", {"ticks": ticks}, bar.key)
            if status != 200:
                failures.append(body)

    threads = [threading.Thread(target=pour, args=args)
               for args in [("kegboard.flow0", 100), ("kegboard.flow2", 40)] * 5]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    for keg, ticks, ml_per_tick in ((bar.keg, 100, ML_PER_TICK), (stout, 40, 0.25)):
        drinks = list(Drink.select().where(Drink.keg == keg.id))
        assert len(drinks) == 75
        served = Keg.get_by_id(keg.id).served_ml
        assert served == pytest.approx(sum(d.volume_ml for d in drinks))
        assert served == pytest.approx(75 * ticks * ml_per_tick)
    total = sum(s.volume_ml for s in DrinkingSession.select())
    assert total == pytest.approx(75 * 100 * ML_PER_TICK + 75 * 40 * 0.25)


# --- drinks --------------------------------------------------------------------------------

def pour_many(bar, count):
    for i in range(count):
        record_drink(bar.tap.id, ticks=10 + i, pour_time=T0 + dt.timedelta(minutes=i))


def test_empty_drink_list_is_an_empty_list(http, bar):
    for path in ("/api/drinks", "/api/drinks/"):
        status, body = get(http, path)
        assert status == 200
        assert body["result"] == {"paging": {"total": 0, "limit": 100, "pos": None}, "drinks": []}


def test_drink_list_pages_newest_first(http, bar):
    pour_many(bar, 205)
    status, body = get(http, "/api/drinks")
    assert status == 200
    ids = [d["id"] for d in body["result"]["drinks"]]
    assert ids == list(range(205, 105, -1))
    assert body["result"]["paging"] == {"total": 205, "limit": 100, "pos": 205}
    first = body["result"]["drinks"][0]
    assert set(first) >= DRINK_FIELDS and first["ticks"] == 10 + 204


@pytest.mark.parametrize(("start", "expected_ids", "pos"), [
    ("150", list(range(150, 50, -1)), 150),
    ("1000", list(range(205, 105, -1)), 205),
    ("205", list(range(205, 105, -1)), 205),
    ("1", [1], 1),
    ("0", [], None),
])
def test_drink_list_start_is_inclusive(http, bar, start, expected_ids, pos):
    pour_many(bar, 205)
    status, body = get(http, f"/api/drinks/?start={start}")
    assert status == 200
    assert [d["id"] for d in body["result"]["drinks"]] == expected_ids
    assert body["result"]["paging"] == {"total": 205, "limit": 100, "pos": pos}


def test_drink_list_bad_start(http, bar):
    for start in ("abc", "-1", "1.5", "nan"):
        assert_error(get(http, f"/api/drinks?start={start}"), 400, "BadRequestError", start)


def test_cancelled_drinks_leave_the_lists(http, bar):
    pour_many(bar, 3)
    cancel_drink(2)
    _, body = get(http, "/api/drinks")
    assert [d["id"] for d in body["result"]["drinks"]] == [3, 1]
    assert body["result"]["paging"]["total"] == 2
    _, body = get(http, f"/api/kegs/{bar.keg.id}/drinks")
    assert [d["id"] for d in body["result"]["drinks"]] == [3, 1]
    status, body = get(http, "/api/drinks/2")
    assert status == 200 and body["result"]["drink"]["is_valid"] is False


@pytest.mark.parametrize("suffix", ["", "/"])
def test_drink_detail(http, bar, suffix):
    drink = record_drink(bar.tap.id, ticks=1321, user=bar.capn, pour_time=T0, duration=15).drink
    status, body = get(http, f"/api/drinks/{drink.id}{suffix}")
    assert status == 200
    result = body["result"]
    assert set(result) == {"drink", "keg", "user", "session"}
    assert result["drink"]["pour_time"] == "2026-06-01T18:00:00Z"
    assert result["drink"]["volume_ml"] == pytest.approx(490.24793744200002)
    assert result["keg"]["id"] == bar.keg.id
    assert result["user"]["username"] == "capn"
    assert result["user"]["mugshot_url"] == "mugshots/capn.jpg"
    assert result["user"]["is_staff"] is False and result["user"]["is_superuser"] is False
    assert result["session"] == {
        "id": str(drink.session_id), "start_time": "2026-06-01T18:00:00Z",
        "end_time": "2026-06-01T21:00:00Z", "volume_ml": pytest.approx(490.24793744200002),
    }


def test_anonymous_drink_detail_has_null_user(http, bar):
    drink = record_drink(bar.tap.id, ticks=100).drink
    _, body = get(http, f"/api/drinks/{drink.id}")
    assert body["result"]["user"] is None and body["result"]["drink"]["user_id"] is None


def test_unknown_drink(http, bar):
    record_drink(bar.tap.id, ticks=100)
    for ident in ("999", "abc", "1.0", "99999999999999999999999"):
        assert_error(get(http, f"/api/drinks/{ident}"), 404, "NotFoundError", ident)


# --- kegs ---------------------------------------------------------------------------------

def test_keg_list_pages_newest_first(http, bar):
    from kegdash.bar.taps import end_keg

    end_keg(bar.tap.id)
    second = start_keg(bar.tap.id, "Pliny", size="corny")
    status, body = get(http, "/api/kegs/")
    assert status == 200
    kegs = body["result"]["kegs"]
    assert [k["id"] for k in kegs] == [second.id, bar.keg.id]
    assert kegs[1]["status"] == "offline" and TIME_RE.match(kegs[1]["finished_time"])
    assert set(kegs[0]) >= KEG_FIELDS
    assert body["result"]["paging"] == {"total": 2, "limit": 100, "pos": second.id}
    _, body = get(http, f"/api/kegs?start={bar.keg.id}")
    assert [k["id"] for k in body["result"]["kegs"]] == [bar.keg.id]


def test_keg_detail(http, bar):
    a = record_drink(bar.tap.id, ticks=150, user=bar.capn, pour_time=T0).drink
    b = record_drink(bar.tap.id, ticks=1190, pour_time=T0 + dt.timedelta(minutes=5)).drink
    status, body = get(http, f"/api/kegs/{bar.keg.id}/")
    assert status == 200
    result = body["result"]
    assert set(result) >= {"keg", "type", "size", "drinks"}
    assert result["keg"]["id"] == bar.keg.id
    assert result["keg"]["volume_ml_remain"] == pytest.approx(HALF_BARREL_ML - 1340 * ML_PER_TICK)
    assert set(result["type"]) >= BEER_FIELDS and result["type"]["name"] == "Racer 5"
    assert result["type"]["abv"] == 7.2 and result["type"]["id"] == result["keg"]["type_id"]
    assert result["size"] == {"id": result["keg"]["size_id"],
                              "name": "Full Keg (half barrel, 15.5 gal)", "volume_ml": HALF_BARREL_ML}
    assert [d["id"] for d in result["drinks"]] == [b.id, a.id]
    assert result["drinks"][0]["user_id"] is None and result["drinks"][0]["user"] is None
    assert result["drinks"][1]["user_id"] == "capn"
    _, body = get(http, f"/api/kegs/{bar.keg.id}/drinks")
    assert body["result"]["drinks"] == result["drinks"]


def test_keg_sessions(http, bar):
    first = record_drink(bar.tap.id, ticks=100, pour_time=T0).drink
    record_drink(bar.tap.id, ticks=100, pour_time=T0 + dt.timedelta(minutes=30))
    late = record_drink(bar.tap.id, ticks=100, pour_time=T0 + dt.timedelta(days=1)).drink
    record_drink(bar.empty.id, ticks=100, pour_time=T0 + dt.timedelta(days=3))
    for suffix in ("", "/"):
        status, body = get(http, f"/api/kegs/{bar.keg.id}/sessions{suffix}")
        assert status == 200
        sessions = body["result"]["sessions"]
        assert [s["id"] for s in sessions] == [str(late.session_id), str(first.session_id)]
        assert set(sessions[0]) >= SESSION_FIELDS
        assert sessions[1]["volume_ml"] == pytest.approx(200 * ML_PER_TICK)
        assert sessions[1]["start_time"] == "2026-06-01T18:00:00Z"
        assert sessions[1]["end_time"] == "2026-06-01T21:30:00Z"


def test_unknown_keg(http, bar):
    for path in ("/api/kegs/99", "/api/kegs/x", "/api/kegs/99/drinks", "/api/kegs/99/sessions"):
        assert_error(get(http, path), 404, "NotFoundError", path)


# --- users ---------------------------------------------------------------------------------

@pytest.mark.parametrize("suffix", ["", "/"])
def test_user_detail_never_shows_private_data(http, bar, suffix):
    status, body = get(http, f"/api/users/capn{suffix}")
    assert status == 200
    user = body["result"]["user"]
    assert set(user) >= USER_FIELDS and not PRIVATE & set(user)
    assert b"capn@example.com" not in http.request("GET", "/api/users/capn")[2]
    assert user["username"] == "capn" and user["is_active"] is True
    assert TIME_RE.match(user["joined_time"])


def test_user_drinks(http, bar):
    mine = record_drink(bar.tap.id, ticks=100, user=bar.capn, pour_time=T0).drink
    record_drink(bar.tap.id, ticks=100, pour_time=T0 + dt.timedelta(minutes=1))
    later = record_drink(bar.tap.id, ticks=50, user=bar.capn, pour_time=T0 + dt.timedelta(hours=9)).drink
    status, body = get(http, "/api/users/capn/drinks/")
    assert status == 200
    assert [d["id"] for d in body["result"]["drinks"]] == [later.id, mine.id]
    assert {d["user_id"] for d in body["result"]["drinks"]} == {"capn"}


@pytest.mark.parametrize("path", ["/api/users/nobody", "/api/users/nobody/drinks"])
def test_unknown_user(http, bar, path):
    assert_error(get(http, path), 404, "NotFoundError")


# --- auth tokens ---------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/api/auth-tokens/core.rfid.0a1b",
                                  "/api/auth-tokens/core.rfid.0A1B/",
                                  "/api/auth-tokens/core.rfid/0a1b",
                                  "/api/auth-tokens/core.rfid/0a1b/"])
def test_auth_token_lookup(http, bar, path):
    add_auth_token("core.rfid", "0a1b", bar.capn)
    status, body = get(http, path, bar.key)
    assert status == 200, body
    token = body["result"]["token"]
    assert {"id", "auth_device", "token_value", "enabled", "created_time"} <= set(token)
    assert token["id"] == "core.rfid|0a1b" and token["auth_device"] == "core.rfid"
    assert token["token_value"] == "0a1b" and token["enabled"] is True
    assert TIME_RE.match(token["created_time"]) and token["username"] == "capn"


def test_auth_tokens_are_protected(http, bar):
    add_auth_token("core.rfid", "0a1b", bar.capn)
    assert_error(get(http, "/api/auth-tokens/core.rfid.0a1b"), 401, "NoAuthTokenError")
    assert_error(get(http, "/api/auth-tokens/core.rfid.0a1b", bar.member_key), 403,
                 "PermissionDeniedError")


@pytest.mark.parametrize("path", ["/api/auth-tokens/core.rfid.ffff", "/api/auth-tokens/nodot",
                                  "/api/auth-tokens/core.onewire/0a1b"])
def test_unknown_auth_token(http, bar, path):
    add_auth_token("core.rfid", "0a1b", bar.capn)
    assert_error(get(http, path, bar.key), 404, "NotFoundError")


# --- thermo sensors ------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/api/thermo-sensors/kegboard.thermo-new",
                                  "/api/thermo-sensor/kegboard.thermo-new/"])
def test_post_temperature_creates_the_sensor(http, bar, path):
    status, body = post(http, path, {"temp_c": "4.5"}, bar.key)
    assert status == 200, body
    result = body["result"]
    assert set(result) == {"sensor", "last_temp", "last_time", "logs"}
    sensor = ThermoSensor.get(ThermoSensor.name == "kegboard.thermo-new")
    assert result["sensor"]["id"] == str(sensor.id)
    assert result["sensor"]["sensor_name"] == "kegboard.thermo-new"
    assert result["last_temp"] == 4.5
    assert TIME_RE.match(result["last_time"]) and result["last_time"].endswith(":00Z")
    assert result["logs"] == [{"id": ThermoLog.get().id, "sensor_id": str(sensor.id),
                               "temperature_c": 4.5, "record_time": result["last_time"]}]


def test_latest_temperature_in_a_minute_wins(http, bar):
    post(http, "/api/thermo-sensors/kegboard.thermo-28c7000002a8fc10", {"temp_c": 4.0}, bar.key)
    status, body = post_json(http, "/api/thermo-sensors/kegboard.thermo-28c7000002a8fc10",
                             {"temp_c": 3.5}, bar.key)
    assert status == 200
    # Two posts can straddle a minute boundary; then both rows stand, newest first.
    assert body["result"]["last_temp"] == 3.5
    assert ThermoLog.select().count() in (1, 2)
    assert body["result"]["logs"][0]["temperature_c"] == 3.5


@pytest.mark.parametrize("ident", [None, "kegboard.thermo-28c7000002a8fc10"])
def test_get_thermo_sensor_by_id_or_name(http, bar, ident):
    ident = ident or str(bar.sensor.id)
    status, body = get(http, f"/api/thermo-sensors/{ident}/")
    assert status == 200
    assert body["result"] == {
        "sensor": {"id": str(bar.sensor.id), "sensor_name": "kegboard.thermo-28c7000002a8fc10",
                   "nice_name": "kegboard.thermo-28c7000002a8fc10"},
        "last_temp": None, "last_time": None, "logs": [],
    }


def test_bad_temperatures_are_refused(http, bar):
    for fields in ({}, {"temp_c": "nan"}, {"temp_c": "1e999"}, {"temp_c": "warm"},
                   {"temp_c": "80.1"}, {"temp_c": "-20.5"}, {"temp_c": ""}):
        assert_error(post(http, "/api/thermo-sensors/kegboard.thermo-x", fields, bar.key), 400,
                     "BadRequestError", fields)
    assert ThermoLog.select().count() == 0
    assert not ThermoSensor.select().where(ThermoSensor.name == "kegboard.thermo-x").exists()


def test_unknown_thermo_sensor(http, bar):
    assert_error(get(http, "/api/thermo-sensors/kegboard.thermo-none"), 404, "NotFoundError")


def test_temperature_posts_are_protected(http, bar):
    assert_error(post(http, "/api/thermo-sensors/kegboard.thermo-x", {"temp_c": 4}), 401,
                 "NoAuthTokenError")
    assert_error(post(http, "/api/thermo-sensors/kegboard.thermo-x", {"temp_c": 4},
                      bar.member_key), 403, "PermissionDeniedError")
    assert ThermoLog.select().count() == 0


# --- auth and privacy ----------------------------------------------------------------------

def test_posts_need_a_staff_key(http, bar):
    assert_error(post(http, "/api/taps/1", {"ticks": 100}), 401, "NoAuthTokenError")
    assert_error(post(http, "/api/taps/1", {"ticks": 100}, "0" * 40), 401, "BadAuthTokenError")
    assert_error(post(http, "/api/taps/1", {"ticks": 100}, bar.member_key), 403,
                 "PermissionDeniedError")
    assert unchanged(bar)


def test_revoked_and_inactive_keys_are_bad(http, bar):
    old = bar.key
    new = issue_api_key(bar.staff)
    assert_error(post(http, "/api/taps/1", {"ticks": 100}, old), 401, "BadAuthTokenError")
    bar.staff.is_active = False
    bar.staff.save()
    assert_error(post(http, "/api/taps/1", {"ticks": 100}, new), 401, "BadAuthTokenError")
    assert unchanged(bar)


def test_key_as_parameter_and_header_precedence(http, bar):
    assert post(http, "/api/taps/1", {"ticks": 100, "api_key": bar.key})[0] == 200
    assert post(http, f"/api/taps/1?api_key={bar.key}", {"ticks": 100})[0] == 200
    assert post_json(http, "/api/taps/1", {"ticks": 100, "api_key": "bogus"}, bar.key)[0] == 200
    assert_error(post(http, "/api/taps/1", {"ticks": 100, "api_key": bar.key},
                      headers={"X-Kegbot-Api-Key": "bogus"}), 401, "BadAuthTokenError")
    assert Drink.select().count() == 3


def test_superuser_without_staff_flag_may_post(http, bar):
    root = create_user("root", is_superuser=True)
    assert post(http, "/api/taps/1", {"ticks": 100}, issue_api_key(root))[0] == 200


def test_public_mode_reads_without_key(http, bar):
    assert get(http, "/api/taps")[0] == 200
    assert_error(get(http, "/api/taps", "bogus"), 401, "BadAuthTokenError")


def test_members_mode(http, bar):
    set_setting("privacy", "members")
    assert_error(get(http, "/api/taps"), 401, "NoAuthTokenError")
    assert_error(get(http, "/api/drinks", "bogus"), 401, "BadAuthTokenError")
    assert get(http, "/api/taps", bar.member_key)[0] == 200
    assert get(http, f"/api/kegs?api_key={bar.member_key}")[0] == 200
    assert get(http, "/api/users/capn", bar.key)[0] == 200
    assert_error(post(http, "/api/taps/1", {"ticks": 100}, bar.member_key), 403,
                 "PermissionDeniedError")
    assert get(http, "/api/version")[0] == 200


def test_staff_mode(http, bar):
    set_setting("privacy", "staff")
    assert_error(get(http, "/api/taps"), 401, "NoAuthTokenError")
    assert_error(get(http, "/api/taps", bar.member_key), 403, "PermissionDeniedError")
    assert_error(get(http, "/api/thermo-sensors/1", bar.member_key), 403, "PermissionDeniedError")
    assert get(http, "/api/taps", bar.key)[0] == 200
    assert get(http, "/api/version")[0] == 200


# --- errors --------------------------------------------------------------------------------

def test_unexpected_exception_is_a_logged_server_error(http, bar, monkeypatch, caplog):
    from kegdash.server import kegbot_objects

    def explode(tap):
        raise RuntimeError("boom")

    monkeypatch.setattr(kegbot_objects, "tap_detail", explode)
    with caplog.at_level(logging.ERROR, logger="kegdash.server.kegbot"):
        status, headers, raw = http.request("GET", "/api/taps")
    assert status == 500 and headers["Content-Type"].startswith("application/json")
    body = json.loads(raw)
    assert body["error"]["code"] == "ServerError" and "boom" not in raw.decode()
    [record] = [r for r in caplog.records if r.name == "kegdash.server.kegbot"]
    assert record.exc_info is not None and record.exc_info[0] is RuntimeError


def test_wrong_method_answers_in_the_envelope(http, bar):
    status, headers, raw = http.request("DELETE", "/api/taps/1")
    assert status == 405 and headers["Content-Type"].startswith("application/json")
    assert json.loads(raw)["error"]["code"] == "BadRequestError"
    assert_error(post(http, "/api/drinks", {"ticks": 1}, bar.key), 405, "BadRequestError")


def test_unicode_digits_are_not_ids(http):
    """str.isdigit() accepts '³' and '٣', which int() then refuses: such ids are simply unknown."""
    for path in ("/api/drinks/%C2%B3", "/api/taps/%D9%A3", "/api/kegs/%C2%B3",
                 "/api/thermo-sensors/%C2%B3"):
        status, body = http.json("GET", path)
        assert status == 404 and body["error"]["code"] == "NotFoundError", path
