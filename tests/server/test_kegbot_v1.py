"""The Kegbot 1.x dialect at ``/api/v1/`` over real HTTP on a real SQLite file: its envelope, its
error names, its object shapes and the rules kegdash keeps from ``/api/`` (the real client's
view of it is ``test_kegbot_v1_client.py``). Expected values come from Kegbot Server 1.3's
shapes and from the set-up, never from the code's own output."""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse

import pytest

from kegdash.accounts.keys import issue_api_key
from kegdash.accounts.users import create_user
from kegdash.bar import controllers, drinks, thermo
from kegdash.bar.taps import add_auth_token, add_tap, add_thermo_sensor, start_keg
from kegdash.db import utcnow
from kegdash.site_settings import set_setting

ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$")
OK = {"result": "ok"}


class Bar:
    def __init__(self) -> None:
        self.boss = create_user("boss", is_staff=True)
        self.key = issue_api_key(self.boss)
        self.member_key = issue_api_key(create_user("member", email="member@example.com"))
        self.capn = create_user("capn", email="capn@example.com", image_url="mugshots/capn.jpg")
        self.tap = add_tap("main tap", "kegboard.flow0", ml_per_tick=0.5)
        self.keg = start_keg(self.tap.id, "Racer 5", size="corny", abv=7.2, style="IPA",
                             description="Racer 5, batch 2")
        self.sensor = add_thermo_sensor("kegboard.thermo-1", self.tap.id)
        self.empty = add_tap("guest tap", "kegboard.flow1", ml_per_tick=0.25)


@pytest.fixture
def bar(database) -> Bar:
    return Bar()


def get(http, path, key=None):
    return http.json("GET", "/api/v1" + path, headers={"X-Kegbot-Api-Key": key} if key else {})


def post(http, path, fields, key=None):
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if key:
        headers["X-Kegbot-Api-Key"] = key
    return http.json("POST", "/api/v1" + path, data=urllib.parse.urlencode(fields).encode(),
                     headers=headers)


def ok(answer, many=False):
    status, body = answer
    assert status == 200, body
    assert set(body) == {"objects" if many else "object", "meta"} and body["meta"] == OK
    return body["objects" if many else "object"]


def error(answer, status, code):
    got, body = answer
    assert got == status, body
    assert set(body) == {"error", "meta"} and body["meta"] == {"result": "error"}
    assert body["error"]["code"] == code and body["error"]["message"]


def walk(value, where="$"):
    """(path, key, value) of every field in an answer."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield f"{where}.{key}", key, item
            yield from walk(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk(item, f"{where}[{index}]")


# --- envelope, paths, keys -------------------------------------------------------------------------

def test_version_names_the_kegbot_release_it_speaks(http, database):
    version = ok(get(http, "/version"))
    assert version["server_version"] == "1.3.0" and version["server_name"] == "kegdash"


@pytest.mark.parametrize("path", ["/taps", "/taps/"])
def test_paths_answer_with_and_without_a_trailing_slash(http, bar, path):
    assert len(ok(get(http, path), many=True)) == 2


def test_unknown_paths_and_methods_answer_in_the_1x_format_and_api_stays_the_seeds(http, bar):
    error(get(http, "/no-such-thing"), 404, "NotFoundError")
    error(http.json("DELETE", "/api/v1/taps"), 405, "BadRequestError")
    status, body = http.json("GET", "/api/no-such-thing")
    assert status == 404 and set(body) == {"error"}  # /api/ keeps the seeds' envelope


def test_the_key_may_come_as_a_parameter_too(http, bar):
    error(post(http, "/taps/kegboard.flow0", {"ticks": 10}), 401, "NoAuthTokenError")
    assert ok(post(http, "/taps/kegboard.flow0", {"ticks": 10, "api_key": bar.key}))["ticks"] == 10
    assert ok(get(http, f"/status?api_key={bar.key}"))["taps"]


def test_bad_keys_members_keys_and_privacy_modes(http, bar):
    error(get(http, "/taps", "f" * 32), 401, "BadApiKeyError")
    error(get(http, "/status", bar.member_key), 403, "PermissionDeniedError")
    error(get(http, "/users"), 401, "NoAuthTokenError")
    set_setting("privacy", "members")
    error(get(http, "/taps"), 401, "NoAuthTokenError")
    assert ok(get(http, "/taps", bar.member_key), many=True)
    set_setting("privacy", "staff")
    error(get(http, "/taps", bar.member_key), 403, "PermissionDeniedError")
    assert ok(get(http, "/taps", bar.key), many=True)


def test_no_object_carries_a_null_and_times_are_utc_with_an_offset(http, bar):
    add_auth_token("core.rfid", "aa", create_user("rfid"))
    drinks.record_drink(bar.tap.id, ticks=100)
    drinks.record_drink(bar.empty.id, ticks=100)
    thermo.record_temperature("kegboard.thermo-1", 4.0)
    controllers.add_flow_meter(controllers.add_controller("kegboard").id, "flow0", 2.2)
    answers = [get(http, path, bar.key) for path in (
        "/taps", "/drinks", "/kegs", "/sessions", "/users", "/status", "/thermo-sensors",
        "/auth-tokens/core.rfid/aa", "/flow-meters", "/controllers", "/keg-sizes")]
    fields = [field for _, body in answers for field in walk(body)]
    assert [where for where, _, value in fields if value is None] == []  # absent, never null
    times = [(where, value) for where, key, value in fields
             if key in ("time", "start_time", "end_time", "created_time", "date_joined")]
    assert len(times) > 20 and [t for t in times if not ISO_UTC.match(t[1])] == []


# --- objects ---------------------------------------------------------------------------------------

def test_a_tap_without_a_keg_or_registered_meter_is_flat_and_brief(http, bar):
    tap = ok(get(http, f"/taps/{bar.empty.id}"))
    assert tap == {"id": bar.empty.id, "name": "guest tap", "sort_order": 2,
                   "meter_name": "kegboard.flow1", "ml_per_tick": 0.25, "relay_name": ""}


def test_a_keg_is_shaped_as_1x_with_its_deprecated_twins(http, bar):
    drinks.record_drink(bar.tap.id, ticks=100, volume_ml=1892.706)  # a tenth of a corny keg
    keg = ok(get(http, f"/kegs/{bar.keg.id}"))
    assert keg["keg_type"] == "corny" and keg["online"] is True
    assert keg["full_volume_ml"] == 18927.06 and keg["served_volume_ml"] == 1892.706
    assert keg["percent_full"] == pytest.approx(90.0)
    assert keg["remaining_volume_ml"] == keg["volume_ml_remain"] == pytest.approx(17034.354)
    assert keg["beverage"] == {"id": keg["beverage"]["id"], "name": "Racer 5", "beverage_type": "beer",
                               "style": "IPA", "abv_percent": 7.2}
    assert keg["type"]["id"] == str(keg["beverage"]["id"]) and keg["type"]["abv"] == 7.2
    assert keg["description"] == "Racer 5, batch 2" and keg["size_name"] == "corny"
    assert keg["start_time"] == keg["end_time"]  # still on tap: 1.x's end defaults to the start


def test_percent_full_is_clamped_to_0_100(http, bar):
    drinks.record_drink(bar.tap.id, ticks=1, volume_ml=20000.0)
    keg = ok(get(http, f"/kegs/{bar.keg.id}"))
    assert keg["percent_full"] == 0.0 and keg["remaining_volume_ml"] < 0


def test_drinks_nest_drinker_keg_and_session_and_guests_are_guest(http, bar):
    named = drinks.record_drink(bar.tap.id, ticks=100, user=bar.capn.id).drink
    guest = drinks.record_drink(bar.tap.id, ticks=100).drink
    listed = ok(get(http, "/drinks"), many=True)
    assert [d["id"] for d in listed] == [guest.id, named.id]
    assert listed[0]["user_id"] == "guest" and "user" not in listed[0]
    capn = listed[1]["user"]
    assert capn["username"] == "capn" and capn["url"] == "/drinkers/capn/"
    assert capn["image"]["url"] == "mugshots/capn.jpg" and "email" not in capn
    assert listed[1]["keg"]["id"] == bar.keg.id and listed[1]["session"]["id"] == named.session_id
    assert listed[1]["url"] == f"/drinks/{named.id}/"
    assert [d["id"] for d in ok(get(http, f"/drinks?start={named.id}"), many=True)] == [named.id]
    assert ok(get(http, "/drinks/last"))["id"] == guest.id
    assert ok(get(http, "/users/capn/drinks"), many=True)[0]["id"] == named.id
    assert [d["id"] for d in ok(get(http, f"/kegs/{bar.keg.id}/drinks"), many=True)] == [guest.id, named.id]


def test_a_cancelled_drink_is_gone_as_1x_deletes_it(http, bar):
    error(get(http, "/drinks/last"), 404, "NotFoundError")
    drink = drinks.record_drink(bar.tap.id, ticks=100).drink
    cancelled = ok(post(http, "/cancel-drink", {"id": drink.id, "spilled": "False"}, bar.key))
    assert cancelled["id"] == drink.id and cancelled["keg"]["served_volume_ml"] == 0.0
    error(get(http, f"/drinks/{drink.id}"), 404, "NotFoundError")
    error(post(http, "/cancel-drink", {}, bar.key), 400, "BadRequestError")
    error(post(http, "/cancel-drink", {"id": drink.id}, bar.member_key), 403, "PermissionDeniedError")


def test_a_pour_on_a_tap_without_a_keg_is_kept_without_a_keg(http, bar):
    drink = ok(post(http, f"/taps/{bar.empty.id}", {"ticks": 40}, bar.key))
    assert drink["volume_ml"] == 10.0 and "keg_id" not in drink and "keg" not in drink


def test_users_are_listed_for_staff_and_never_show_email(http, bar):
    users = ok(get(http, "/users", bar.key), many=True)
    assert [u["username"] for u in users] == ["boss", "capn", "member"]
    assert all("email" not in u and "last_login" not in u for u in users)
    assert ok(get(http, "/users/capn"))["is_staff"] is False
    error(get(http, "/users/nobody"), 404, "NotFoundError")


def test_sessions_current_and_past(http, bar):
    error(get(http, "/sessions/current"), 404, "NotFoundError")
    old = drinks.record_drink(bar.tap.id, ticks=10, pour_time=utcnow() - dt.timedelta(days=2))
    error(get(http, "/sessions/current"), 404, "NotFoundError")
    now = drinks.record_drink(bar.tap.id, ticks=10)
    current = ok(get(http, "/sessions/current"))
    assert current["id"] == now.session.id and current["is_active"] is True
    listed = ok(get(http, "/sessions"), many=True)
    assert [s["id"] for s in listed] == [now.session.id, old.session.id]
    assert listed[1]["is_active"] is False and listed[1]["name"] == ""
    past = ok(get(http, f"/sessions/{old.session.id}"))
    assert past["url"] == f"/sessions/{old.session.start:%Y/%m/%d}/{old.session.id}/"
    assert len(ok(get(http, f"/kegs/{bar.keg.id}/sessions"), many=True)) == 2
    error(get(http, "/sessions/999"), 404, "NotFoundError")


def test_keg_sizes_and_thermo_sensors(http, bar):
    sizes = ok(get(http, "/keg-sizes"), many=True)
    assert {"id", "volume_ml", "description"} == set(sizes[0])
    assert 18927.06 in [s["volume_ml"] for s in sizes]
    assert "last_log" not in ok(get(http, "/thermo-sensors/kegboard.thermo-1"))
    log = ok(post(http, "/thermo-sensors/kegboard.thermo-1", {"temp_c": "4.25"}, bar.key))
    assert log["temperature_c"] == 4.25 and log["sensor_id"] == bar.sensor.id
    sensor = ok(get(http, "/thermo-sensors/kegboard.thermo-1"))
    assert sensor["last_log"] == log
    assert ok(get(http, "/thermo-sensors"), many=True) == [sensor]
    assert ok(get(http, "/thermo-sensors/kegboard.thermo-1/logs"), many=True) == [log]
    assert ok(get(http, "/taps/kegboard.flow0"))["last_temperature"] == log


def test_status_of_an_empty_bar_has_only_its_site_info(http, database):
    key = issue_api_key(create_user("boss", is_staff=True))
    assert ok(get(http, "/status", key)) == {
        "site_info": {"title": "kegdash", "server_version": "1.3.0"}}


def test_controllers_and_flow_meters_map_onto_taps_by_meter_name(http, bar):
    controller = ok(post(http, "/controllers", {"name": "kegboard", "model_name": "Kegboard Pro Mini",
                                                "serial_number": "KB-01"}, bar.key))
    assert ok(get(http, f"/controllers/{controller['id']}", bar.key)) == controller
    unused = ok(post(http, "/flow-meters", {"controller": controller["id"], "port_name": "flow7",
                                            "ticks_per_ml": "5.4"}, bar.key))
    assert unused["name"] == "kegboard.flow7" and unused["ticks_per_ml"] == 5.4  # no tap uses it
    used = ok(post(http, "/flow-meters", {"controller": controller["id"], "port_name": "flow0",
                                          "ticks_per_ml": "2.2"}, bar.key))
    assert used["ticks_per_ml"] == 2.0  # the tap's own calibration, 0.5 ml a tick
    assert ok(get(http, f"/taps/{bar.tap.id}"))["meter"] == used
    assert ok(get(http, f"/flow-meters/{used['id']}", bar.key)) == used
    assert len(ok(get(http, "/taps"), many=True)) == 2  # registering made no tap
    error(post(http, "/flow-meters", {"controller": controller["id"], "port_name": "flow0",
                                      "ticks_per_ml": "0"}, bar.key), 400, "BadRequestError")
    error(post(http, "/controllers", {"name": "a.b"}, bar.key), 400, "BadRequestError")
    error(get(http, "/controllers/999", bar.key), 404, "NotFoundError")
    error(get(http, "/flow-meters/x", bar.key), 404, "NotFoundError")
