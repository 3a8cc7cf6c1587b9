"""Readings as CSV: all, one sensor's (by uuid or any spelling of its id), one hive's, a range."""

from __future__ import annotations

import csv
import io

import pytest

from kegdash.accounts.users import create_user
from kegdash.apiary.export import export_readings_csv
from kegdash.apiary.models import Reading
from kegdash.apiary.registry import add_apiary, add_device, add_hive

T0 = 1_704_067_200  # 2024-01-01T00:00:00Z


@pytest.fixture
def sensors(database):
    apiary = add_apiary("Ridge", create_user("beeman"))
    first, second = add_hive(apiary.uuid, "Hive 1"), add_hive(apiary.uuid, "Hive 2")
    brood, outside = add_device(first.uuid, "aa:bb:01"), add_device(first.uuid, "aa:bb:02")
    other = add_device(second.uuid, "aa:bb:03")
    for n, device in enumerate((brood, outside, other)):
        for ts in (T0, T0 + 300):
            Reading.create(device=device, ts=ts, temperature=34.0 + n, weight=40.5)
    return {"hive": first, "outside": outside}


def rows(**query) -> list[dict]:
    out = io.StringIO()
    count = export_readings_csv(out, **query)
    found = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert count == len(found)
    return found


def test_every_reading_in_canonical_units(sensors):
    found = rows()
    assert [(r["device_id"], r["timestamp"]) for r in found] == [
        ("AA:BB:01", str(T0)), ("AA:BB:01", str(T0 + 300)), ("AA:BB:02", str(T0)),
        ("AA:BB:02", str(T0 + 300)), ("AA:BB:03", str(T0)), ("AA:BB:03", str(T0 + 300))]
    assert found[0]["time_utc"] == "2024-01-01 00:00:00"
    assert (found[0]["temperature_c"], found[0]["weight_kg"], found[0]["humidity_pct"]) == ("34", "40.5", "")


def test_one_hive_one_sensor_and_a_range(sensors):
    hive = rows(hive=sensors["hive"].uuid)
    assert {r["device_id"] for r in hive} == {"AA:BB:01", "AA:BB:02"} and len(hive) == 4
    assert [r["device_uuid"] for r in rows(device="aa-bb-02")] == [sensors["outside"].uuid] * 2
    assert len(rows(hive=sensors["hive"].uuid, since=T0 + 1)) == 2
    assert len(rows(until=T0)) == 3
    with pytest.raises(LookupError, match="no hive 'nope'"):
        rows(hive="nope")
    with pytest.raises(LookupError, match="no device"):
        rows(device="nope")
