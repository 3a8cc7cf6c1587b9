"""The apiary's read side: hive choices, plot series, latest values, sensor rows, licence keys
and the Beekeeping.io detail objects, as plain values."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from kegdash.accounts.users import create_user
from kegdash.accounts.views import principal
from kegdash.apiary import series, views
from kegdash.apiary.models import Apiary, Device, Reading
from kegdash.apiary.readings import store_reading
from kegdash.apiary.registry import (
    add_apiary,
    add_device,
    add_hive,
    create_license_key,
    issue_license_key,
    set_license_enabled,
)
from kegdash.db import database as db

T0 = 1_704_067_200  # 2024-01-01T00:00:00Z
STEP = 300
DAY = 86400


@pytest.fixture
def owner(database):
    return create_user("beeman")


def fill(device, rows: list[dict]) -> None:
    with db.atomic():
        for offset in range(0, len(rows), 500):
            Reading.insert_many([{"device": device.id, **row} for row in rows[offset:offset + 500]]).execute()


def test_hive_choices_are_the_hives_with_a_sensor(owner):
    ridge, acres = add_apiary("Ridge", owner), add_apiary("Acres", owner)
    first = add_hive(ridge.uuid, "Hive 1")
    add_hive(ridge.uuid, "Hive 2")  # no sensor
    far = add_hive(acres.uuid, "Far")
    for hive, api_id in ((first, "aa:bb:01"), (first, "aa:bb:02"), (far, "aa:bb:03")):
        add_device(hive.uuid, api_id)
    choices = views.hive_choices()
    assert [(c.id, c.uuid, c.label) for c in choices] == [(far.id, far.uuid, "Acres / Far"),
                                                          (first.id, first.uuid, "Ridge / Hive 1")]


def test_sensor_rows_name_the_hive_or_none_when_unassigned(owner):
    hive = add_hive(add_apiary("Ridge", owner).uuid, "Hive 1")
    placed = add_device(hive.uuid, "aa:bb:01", vendor="BroodMinder")
    Device.create(owner=owner, api_id="AA:BB:99", last_reading_ts=T0)
    rows = views.sensor_rows()
    assert [(r.api_id, r.vendor, r.hive, r.last_reading_ts) for r in rows] == [
        ("AA:BB:01", "BroodMinder", "Hive 1", None), ("AA:BB:99", "", None, T0)]
    assert rows[0].uuid == placed.uuid


def test_sensors_in_the_brood_nest(owner):
    hive = add_hive(add_apiary("Ridge", owner).uuid, "Hive 1")
    add_device(hive.uuid, "aa:bb:02", name="Outside")
    assert [(s.name, s.in_brood) for s in views.hive_sensors(hive.id)] == [("Outside", True)]
    add_device(hive.uuid, "aa:bb:01")
    assert [(s.name, s.in_brood) for s in views.hive_sensors(hive.id)] == [
        ("Outside", False), ("aa:bb:01", True)]


@pytest.fixture
def hive(owner):
    """A hive with a brood sensor and an outside one, a month of 5-minute readings."""
    hive = add_hive(add_apiary("Ridge", owner).uuid, "Hive 1")
    brood, outside = add_device(hive.uuid, "aa:bb:01"), add_device(hive.uuid, "aa:bb:02", name="Outside")
    times = range(T0, T0 + 30 * DAY, STEP)
    fill(brood, [{"ts": ts, "temperature": 34.0 + (ts // STEP % 7) * 0.25, "humidity": 60.0,
                  "weight": 40.0 + (ts - T0) / DAY * 0.1, "battery": 80.0} for ts in times])
    fill(outside, [{"ts": ts, "temperature": 12.0, "battery": 30.0} for ts in times if ts % 3600 == 0])
    return hive


def test_a_day_is_raw_readings_and_a_month_is_bucket_averages(hive):
    end = T0 + 30 * DAY - 1
    day = views.hive_view(hive.id, end - DAY, end)
    assert day.series.bucket_s == 0 and day.series.last_ts == end
    raw = series.hive_series(hive.id, "weight", end - DAY, end + 1, bucket=0)
    assert list(day.series.x["weight"]) == [p.ts for p in raw]
    assert list(day.series.y["weight"]) == [p.avg for p in raw]

    month = views.hive_view(hive.id, 0, end)  # 0: from the first reading
    assert month.series.bucket_s == 1800
    expected = series.hive_series(hive.id, "temperature", T0, end + 1, bucket=1800)
    assert list(month.series.x["temperature"]) == [p.ts + 900 for p in expected]
    assert list(month.series.y["temperature"]) == pytest.approx([p.avg for p in expected])
    assert [s.name for s in month.sensors] == ["Outside", "aa:bb:01"]
    outside = month.sensors[0]
    assert set(outside.y[np.isfinite(outside.y)]) == {12.0}


def test_a_gap_breaks_the_line(hive):
    Reading.delete().where((Reading.ts > T0 + 3 * DAY) & (Reading.ts < T0 + 4 * DAY)).execute()
    view = views.hive_view(hive.id, T0, T0 + 7 * DAY)
    x, y = view.series.x["humidity"], view.series.y["humidity"]
    (gap,) = np.nonzero(np.isnan(y))[0]
    assert x[gap + 1] - x[gap - 1] == DAY and x[gap - 1] < x[gap] < x[gap + 1]


def test_new_readings_are_appended_to_a_view(hive, owner):
    end = T0 + 30 * DAY - 1
    view = views.hive_view(hive.id, end - DAY, end)
    assert views.readings_after(hive.id, end).series.x["weight"].size == 0
    brood = Device.get(Device.api_id == "AA:BB:01")
    fill(brood, [{"ts": end + 10, "temperature": 36.0, "weight": 41.0}])
    new = views.readings_after(hive.id, end)
    assert new.series.last_ts == end + 10 and list(new.series.y["temperature"]) == [36.0]
    longer = view.extended(new)
    assert longer.series.x["weight"][-1] == end + 10 and longer.series.last_ts == end + 10
    assert len(longer.series.x["humidity"]) == len(view.series.x["humidity"])
    brood_curve = {s.name: s for s in longer.sensors}["aa:bb:01"]
    assert brood_curve.y[-1] == 36.0 and len(brood_curve.y) == len(view.sensors[1].y) + 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        longer.series.bucket_s = 5  # type: ignore[misc]


def test_latest_values_per_hive(hive, owner):
    other = add_hive(add_apiary("Acres", owner).uuid, "Far")
    add_device(other.uuid, "aa:bb:03")  # a sensor that never sent anything
    last = T0 + 30 * DAY - STEP
    brood = Device.get(Device.api_id == "AA:BB:01")
    fill(brood, [{"ts": last + STEP, "humidity": 61.0}])  # the newest reading lacks the rest
    far, ridge = (views.hive_latest(choice) for choice in views.hive_choices())
    assert (far.hive, far.temperature, far.weight, far.battery) == ("Far", None, None, None)
    assert (ridge.hive_uuid, ridge.apiary) == (hive.uuid, "Ridge")
    assert ridge.temperature == views.Latest(34.0 + (last // STEP % 7) * 0.25, last, "aa:bb:01")
    assert ridge.humidity == views.Latest(61.0, last + STEP, "aa:bb:01")
    assert ridge.weight.value == pytest.approx(40.0 + (last - T0) / DAY * 0.1)
    assert ridge.battery == views.Latest(30.0, T0 + 30 * DAY - 3600, "Outside")  # the lower one


def test_pooled_curve_of_some_sensors(hive):
    brood, outside = (Device.get(Device.api_id == api_id).id for api_id in ("AA:BB:01", "AA:BB:02"))
    start, end = T0 + DAY, T0 + 2 * DAY
    x, y = views.pooled_curve([brood], "temperature", start, end, 3600)
    expected = series.device_series(brood, "temperature", start, end, bucket=3600)
    assert list(x) == [p.ts + 1800 for p in expected] and list(y) == pytest.approx([p.avg for p in expected])
    both = views.pooled_curve([brood, outside], "temperature", start, end, 3600)[1]
    assert np.all(both < y)  # the outside sensor drags the average down: why brood is pooled alone
    assert [len(a) for a in views.pooled_curve([], "weight", start, end, 3600)] == [0, 0]


def test_all_hives_include_those_still_without_a_sensor(owner):
    ridge = add_apiary("Ridge", owner)
    empty, placed = add_hive(ridge.uuid, "Hive 2"), add_hive(ridge.uuid, "Hive 1")
    add_device(placed.uuid, "aa:bb:01")
    far = add_hive(add_apiary("Acres", owner).uuid, "Far")
    assert [(h.id, h.label) for h in views.all_hives()] == [
        (far.id, "Acres / Far"), (placed.id, "Ridge / Hive 1"), (empty.id, "Ridge / Hive 2")]
    assert [h.id for h in views.hive_choices()] == [placed.id]


def test_apiary_setups_are_the_tree_and_the_sensors_in_no_hive(owner):
    other = create_user("other")
    ridge = add_apiary("Ridge", owner, zipcode="02118", country_code="us", latitude=42.3, public=True)
    hive = add_hive(ridge.uuid, "Hive 1")
    add_hive(ridge.uuid, "Empty")
    placed = add_device(hive.uuid, "aa:bb:01", name="Brood", vendor="BroodMinder")
    Device.create(owner=owner, api_id="AA:BB:98", name="AA:BB:98", last_reading_ts=T0)
    Device.create(owner=other, api_id="scale-7", name="", last_reading_ts=T0 + 60)
    Device.create(owner=owner, api_id="AA:BB:97", name="AA:BB:97")  # registered, never heard of
    setups = views.apiary_setups()
    (apiary,) = setups.apiaries
    assert (apiary.uuid, apiary.name, apiary.zipcode, apiary.country_code, apiary.latitude,
            apiary.longitude, apiary.public, apiary.owner) == (
        ridge.uuid, "Ridge", "02118", "us", 42.3, None, True, "beeman")
    assert [(h.name, [d.name for d in h.devices]) for h in apiary.hives] == [
        ("Empty", []), ("Hive 1", ["Brood"])]
    device = apiary.hives[1].devices[0]
    assert (device.uuid, device.api_id, device.vendor, device.owner) == (
        placed.uuid, "AA:BB:01", "BroodMinder", "beeman")
    assert [(d.name, d.owner, d.last_reading_ts) for d in setups.unassigned] == [
        ("scale-7", "other", T0 + 60), ("AA:BB:98", "beeman", T0), ("AA:BB:97", "beeman", None)]


def test_licence_keys_and_their_owners(owner):
    create_user("other")
    key = issue_license_key(owner)
    second = create_license_key("other")
    rows = views.license_key_rows()
    assert [(r.owner, r.prefix, r.enabled) for r in rows] == [("other", second[:8], True),
                                                             ("beeman", key[:8], True)]
    found = views.owner_for_license_key(key)
    assert (found.id, found.username, found.is_active) == (owner.id, "beeman", True)
    set_license_enabled(rows[1].key_id, False)
    assert views.owner_for_license_key(key) is None and views.owner_for_license_key("") is None


def test_hive_device_owners_are_principals_and_count_only_placed_devices(owner):
    other, uploader = create_user("other"), create_user("uploader")
    add_device(add_hive(add_apiary("Ridge", owner).uuid, "H").uuid, "aa:bb:01")
    store_reading(principal(uploader), {"device_id": "AA:BB:01", "timestamp": 1_700_000_000,
                                        "temperature": 30.0})  # unassigned: not counted
    assert [p.username for p in views.hive_device_owners("AA:BB:01")] == ["beeman"]
    add_device(add_hive(add_apiary("Acres", other).uuid, "H").uuid, "AA-BB-01")
    assert sorted(p.username for p in views.hive_device_owners("AA:BB:01")) == ["beeman", "other"]
    assert views.hive_device_owners("aa:bb:01") == []  # the stored spelling is asked for


def test_details_and_who_may_see_them(owner):
    stranger = create_user("stranger")
    apiary = add_apiary("Ridge", owner, zipcode="02653", latitude=41.8, longitude=-69.9)
    hive = add_hive(apiary.uuid, "Hive 1")
    device = add_device(hive.uuid, "aa:bb:01", vendor="BroodMinder", name="Sensor 1")
    Device.update(last_reading_ts=T0).where(Device.id == device.id).execute()
    unassigned = Device.create(owner=owner, api_id="new")

    mine = views.apiary_detail(apiary.uuid, owner.id)
    assert (mine.name, mine.zipcode, mine.latitude, mine.is_read_public, mine.privilege) == (
        "Ridge", "02653", 41.8, False, views.OWNER)
    placed = views.hive_detail(hive.uuid, owner.id)
    assert (placed.name, placed.last_reading_ts, placed.apiary.uuid) == ("Hive 1", T0, apiary.uuid)
    detail = views.device_detail(device.uuid, owner.id)
    assert (detail.api_id, detail.name, detail.hive_uuid, detail.apiary.name, detail.privilege) == (
        "AA:BB:01", "Sensor 1", hive.uuid, "Ridge", views.OWNER)
    alone = views.device_detail(unassigned.uuid, owner.id)
    assert (alone.hive_uuid, alone.hive_name, alone.apiary) == (None, None, None)

    for lookup, uuid in ((views.apiary_detail, apiary.uuid), (views.hive_detail, hive.uuid),
                         (views.device_detail, device.uuid), (views.device_detail, unassigned.uuid),
                         (views.hive_detail, "f" * 32)):
        assert lookup(uuid, stranger.id) is None
    Apiary.update(is_read_public=True).execute()
    assert views.apiary_detail(apiary.uuid, stranger.id).privilege == views.READER
    assert views.hive_detail(hive.uuid, stranger.id).privilege == views.READER
    assert views.device_detail(device.uuid, stranger.id).privilege == views.READER
    assert views.device_detail(unassigned.uuid, stranger.id) is None
