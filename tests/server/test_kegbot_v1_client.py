"""The real Kegbot Server 1.x client, kegbot-api 1.3.2, against a real ``kegdash serve`` process.

Every method of ``kegbot.api.kbapi.Client`` is called at ``/api/v1/`` as kegbot-pycore and
scripts call it; failures must arrive as the client's own exception classes. The bar is set up
in this process on the same SQLite file the server uses, and what the server stored is read
back from that file, so each answer is checked against the database, not against itself.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys

import pytest
from kegbot.api import kbapi

from kegdash import db as kdb
from kegdash.accounts.keys import issue_api_key
from kegdash.accounts.users import create_user
from kegdash.bar import views
from kegdash.bar.taps import add_auth_token, add_tap, add_thermo_sensor, start_keg

ML_PER_TICK = 0.5
HALF_BARREL_ML = 58673.88
ISO_UTC = r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$"


class Bar:
    """A served bar: a staff key, a member's key, a drinker with an RFID tag, one tap with a
    half barrel and a thermo sensor, and an empty tap."""

    def __init__(self, url: str) -> None:
        boss = create_user("boss", is_staff=True)
        self.key = issue_api_key(boss)
        self.member_key = issue_api_key(create_user("member"))
        capn = create_user("capn")
        self.tap = add_tap("main tap", "kegboard.flow0", ml_per_tick=ML_PER_TICK)
        self.keg = start_keg(self.tap.id, "Racer 5", size="half-barrel", abv=7.2, style="IPA")
        add_thermo_sensor("kegboard.thermo-1", self.tap.id)
        add_auth_token("core.rfid", "0a1b2c", capn)
        add_tap("guest tap", "kegboard.flow1", ml_per_tick=ML_PER_TICK)
        self.url = url
        self.client = kbapi.Client(api_url=f"{url}/api/v1/", api_key=self.key)

    def client_with(self, key: str) -> kbapi.Client:
        return kbapi.Client(api_url=f"{self.url}/api/v1/", api_key=key)


@pytest.fixture(scope="module")
def bar(tmp_path_factory):
    """``kegdash serve --port 0`` on a database set up here, stopped after the module."""
    kbapi.FLAGS(["kegdash-tests"])  # kegbot-api reads its timeout from parsed gflags, as pycore does
    path = tmp_path_factory.mktemp("v1") / "bar.sqlite"
    database = kdb.open_database(f"sqlite:///{path}")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    proc = subprocess.Popen(
        [sys.executable, "-m", "kegdash", "serve", "--database", f"sqlite:///{path}", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        line = proc.stdout.readline()
        assert "serving on http://127.0.0.1:" in line, proc.stderr.read()
        yield Bar(line.split("serving on ", 1)[1].split()[0])
    finally:
        proc.terminate()
        proc.communicate(timeout=15)
        database.close()


def stored_keg(bar: Bar) -> views.KegInfo:
    return views.keg_overview(bar.keg.id).keg


# --- reads ----------------------------------------------------------------------------------------

def test_taps_are_flat_with_meter_calibration_and_keg(bar):
    main, guest = bar.client.taps()
    assert main["id"] == bar.tap.id and main["name"] == "main tap"
    assert (main["meter_name"], main["ml_per_tick"], main["relay_name"]) == ("kegboard.flow0", 0.5, "")
    assert main["current_keg_id"] == bar.keg.id
    keg = main["current_keg"]
    assert keg["keg_type"] == "half-barrel" and keg["beverage"]["name"] == "Racer 5"
    assert keg["full_volume_ml"] == HALF_BARREL_ML and 0 <= keg["percent_full"] <= 100
    assert main["thermo_sensor"]["sensor_name"] == "kegboard.thermo-1"
    assert guest["meter_name"] == "kegboard.flow1"
    assert "current_keg" not in guest and "current_keg_id" not in guest


def test_get_token_names_its_drinker(bar):
    token = bar.client.get_token("core.rfid", "0a1b2c")
    assert (token.auth_device, token.token_value, token.enabled) == ("core.rfid", "0a1b2c", True)
    assert token.username == "capn" and token.user.username == "capn"  # pycore reads these
    assert isinstance(token.id, int)


def test_get_token_of_an_unknown_tag_is_not_found(bar):
    with pytest.raises(kbapi.NotFoundError):
        bar.client.get_token("core.rfid", "ffff")


def test_sound_events_are_an_empty_list(bar):
    assert bar.client.sound_events() == []


# --- pours ----------------------------------------------------------------------------------------

def test_record_drink_answers_the_bare_drink_pycore_reads(bar):
    served = stored_keg(bar).served_ml
    drink = bar.client.record_drink("kegboard.flow0", 200)
    assert drink.ticks == 200 and drink.volume_ml == 200 * ML_PER_TICK
    assert drink.keg_id == bar.keg.id and drink.get("user_id") == "guest"
    assert isinstance(drink.id, int) and re.match(ISO_UTC, drink.time)
    assert drink.keg.id == bar.keg.id and drink.session.id == drink.session_id
    assert stored_keg(bar).served_ml == served + 100.0
    assert [d["id"] for d in bar.client.drinks()][0] == drink.id


def test_record_drink_with_username_pour_time_and_duration(bar):
    poured_at = dt.datetime.now() - dt.timedelta(minutes=2)  # kegbot-api sends local Unix times
    drink = bar.client.record_drink("kegboard.flow0", 100, username="capn", pour_time=poured_at,
                                    duration=7)
    assert drink.user_id == "capn" and drink.user.username == "capn" and drink.duration == 7
    stored = views.drink_by_id(drink.id)
    expected = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(minutes=2)
    assert abs(stored.pour_time - expected) < dt.timedelta(seconds=5)
    assert drink.time == stored.pour_time.replace(tzinfo=dt.UTC).isoformat()


def test_record_drink_credits_the_auth_tokens_drinker(bar):
    drink = bar.client.record_drink("kegboard.flow0", 100, auth_token="core.rfid|0a1b2c")
    assert drink.user_id == "capn"


def test_record_drink_with_explicit_volume_on_the_taps_id(bar):
    drink = bar.client.record_drink(str(bar.tap.id), 10, volume_ml=333.0)
    assert drink.volume_ml == 333.0 and drink.ticks == 10


def test_a_spilled_pour_counts_against_the_keg_and_records_no_drink(bar):
    before, drinks = stored_keg(bar), views.drink_page(None, 1).total
    tap = bar.client.record_drink("kegboard.flow0", 40, spilled=True)
    assert tap.id == bar.tap.id and tap.current_keg.spilled_volume_ml == before.spilled_ml + 20.0
    assert stored_keg(bar).spilled_ml == before.spilled_ml + 20.0
    assert views.drink_page(None, 1).total == drinks


@pytest.mark.parametrize("spilled", [False, True])
def test_cancel_drink_gives_the_volume_back_or_to_the_spill(bar, spilled):
    drink = bar.client.record_drink("kegboard.flow0", 100)
    before = stored_keg(bar)
    cancelled = bar.client.cancel_drink(drink.id, spilled=spilled)
    assert cancelled.id == drink.id and cancelled.keg.id == bar.keg.id
    after = stored_keg(bar)
    assert after.served_ml == before.served_ml - 50.0
    assert after.spilled_ml == before.spilled_ml + (50.0 if spilled else 0.0)
    assert cancelled.keg.served_volume_ml == after.served_ml
    assert drink.id not in [d["id"] for d in bar.client.drinks()]
    with pytest.raises(kbapi.BadRequestError):
        bar.client.cancel_drink(drink.id)
    with pytest.raises(kbapi.NotFoundError):
        bar.client.cancel_drink(10**9)


def test_log_sensor_reading_answers_the_reading(bar):
    log = bar.client.log_sensor_reading("kegboard.thermo-1", 3.5)
    assert log.temperature_c == 3.5 and isinstance(log.sensor_id, int)
    assert log.time.endswith(":00+00:00")  # one reading a minute
    with pytest.raises(kbapi.BadRequestError):
        bar.client.log_sensor_reading("kegboard.thermo-1", 95.0)


def test_status_lists_taps_as_pycore_registers_them(bar):
    bar.client.record_drink("kegboard.flow0", 100, username="capn")
    status = bar.client.status()
    assert status.site_info.server_version == "1.3.0"
    # pycore's tap manager reads meter_name, ml_per_tick and relay_name of every tap.
    meters = {(t["meter_name"], t["ml_per_tick"], t["relay_name"]) for t in status.taps}
    assert meters == {("kegboard.flow0", 0.5, ""), ("kegboard.flow1", 0.5, "")}
    assert all("current_keg" not in t for t in status.taps)  # brief, as 1.x lists them
    assert [k["id"] for k in status.active_kegs] == [bar.keg.id]
    assert status.active_session.id == status.drinks[0]["session_id"]
    assert "capn" in [u["username"] for u in status.active_users]
    assert len(status.drinks) <= 5 and "sound_events" not in status


def test_a_board_registers_its_controller_and_meters(bar):
    controller = bar.client.create_controller("kegboard")  # pycore's CreateController
    assert controller.name == "kegboard" and controller.model_name == "unknown"
    meters = [bar.client.create_flow_meter(controller["id"], port) for port in ("flow0", "flow1")]
    assert [m.name for m in meters] == ["kegboard.flow0", "kegboard.flow1"]
    assert all(m.controller.id == controller.id for m in meters)
    # The taps keep their calibration: the meter reports the tap's, not pycore's default 2.2.
    assert meters[0].ticks_per_ml == 1 / ML_PER_TICK
    assert bar.client.taps()[0]["meter"]["id"] == meters[0].id
    assert [m["name"] for m in bar.client.status().meters] == ["kegboard.flow0", "kegboard.flow1"]
    with pytest.raises(kbapi.BadRequestError):  # a board that reconnects registers again
        bar.client.create_controller("kegboard")
    with pytest.raises(kbapi.BadRequestError):
        bar.client.create_flow_meter(controller.id, "flow0")
    with pytest.raises(kbapi.NotFoundError):
        bar.client.create_flow_meter(10**9, "flow0")


# --- errors as the client's exceptions --------------------------------------------------------------

def test_no_key_is_no_auth_token_error(bar):
    with pytest.raises(kbapi.NoAuthTokenError):
        bar.client_with("").record_drink("kegboard.flow0", 10)
    with pytest.raises(kbapi.NoAuthTokenError):
        bar.client_with("").status()


def test_a_members_key_is_permission_denied(bar):
    member = bar.client_with(bar.member_key)
    with pytest.raises(kbapi.PermissionDeniedError):
        member.record_drink("kegboard.flow0", 10)
    with pytest.raises(kbapi.PermissionDeniedError):
        member.create_controller("other")
    assert member.taps()  # reading an open endpoint is allowed


def test_a_bad_key_is_bad_api_key_error(bar):
    with pytest.raises(kbapi.BadApiKeyError):
        bar.client_with("0" * 32).record_drink("kegboard.flow0", 10)
    with pytest.raises(kbapi.BadApiKeyError):
        bar.client_with("0" * 32).drinks()  # a key sent is checked even where none is needed


def test_an_unknown_tap_is_not_found(bar):
    with pytest.raises(kbapi.NotFoundError):
        bar.client.record_drink("kegboard.flow9", 10)


def test_bad_arguments_are_bad_request(bar):
    with pytest.raises(kbapi.BadRequestError):
        bar.client.record_drink("kegboard.flow0", 10, username="nobody")
    with pytest.raises(kbapi.BadRequestError):
        bar.client.record_drink("kegboard.flow0", -1)
