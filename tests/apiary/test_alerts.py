"""Hive alerts from the raw readings: every kind, ongoing and ended, thresholds from the settings."""

from __future__ import annotations

import pytest

from kegdash.accounts.users import create_user
from kegdash.apiary import series
from kegdash.apiary.alerts import AlertRules, alerts, hive_alerts
from kegdash.apiary.models import Reading
from kegdash.apiary.registry import add_apiary, add_device, add_hive
from kegdash.db import database as db
from kegdash.site_settings import set_setting

T0 = 1_704_067_200  # 2024-01-01T00:00:00Z
STEP = 300
HOUR = 3600
DAY = 86400


@pytest.fixture
def hive(database):
    owner = create_user("beeman")
    return add_hive(add_apiary("Ridge", owner).uuid, "Hive 1")


def fill(device, rows: list[dict]) -> None:
    rows = [{"device": device.id, **row} for row in rows]
    with db.atomic():
        for offset in range(0, len(rows), 500):
            Reading.insert_many(rows[offset:offset + 500]).execute()


def readings(start: int, end: int, step: int = STEP, **values) -> list[dict]:
    """Readings every ``step`` seconds over [start, end); a value may be a function of ts."""
    return [{"ts": ts, **{k: v(ts) if callable(v) else v for k, v in values.items()}}
            for ts in range(start, end, step)]


def kinds(found) -> list[str]:
    return [a.kind for a in found]


# --- swarm ----------------------------------------------------------------------------------


def test_a_swarm_invisible_in_six_hour_buckets_is_found_on_the_raw_readings(hive):
    scale = add_device(hive.uuid, "aa:bb:01")
    swarm = T0 + DAY + 9 * HOUR  # in the middle of a six-hour bucket
    weight = {swarm - STEP: 40.0, swarm: 39.2, swarm + STEP: 38.5}  # -1.5 kg in ten minutes
    fill(scale, readings(T0, T0 + 3 * DAY, weight=lambda ts: weight.get(ts, 40.0 if ts < swarm else 38.5)))

    buckets = series.hive_series(hive.id, "weight", T0, T0 + 3 * DAY, bucket=6 * HOUR)
    steps = [a.avg - b.avg for a, b in zip(buckets, buckets[1:], strict=False)]
    assert max(steps) < 1.0, "no two six-hour averages are a swarm's kilogram apart"

    (alert,) = hive_alerts(hive.id, T0, T0 + 3 * DAY)
    assert (alert.kind, alert.start_ts, alert.end_ts) == ("swarm", swarm - STEP, swarm + STEP)
    assert alert.values == pytest.approx({"from_kg": 40.0, "to_kg": 38.5, "drop_kg": 1.5})
    assert (alert.hive_id, alert.hive_uuid, alert.hive_name) == (hive.id, hive.uuid, "Hive 1")
    assert (alert.sensor_uuid, alert.sensor_name) == (scale.uuid, "aa:bb:01")
    assert not alert.ongoing

    # The same alert whatever span is asked for (a chart's day, week or season).
    for since in (swarm - HOUR, swarm - DAY, T0 - 30 * DAY):
        assert hive_alerts(hive.id, since, T0 + 3 * DAY) == [alert]
    assert hive_alerts(hive.id, swarm + 2 * HOUR, T0 + 3 * DAY) == []


def rules(**changes) -> AlertRules:
    defaults = {"brood_min_c": 32.0, "brood_max_c": 36.0, "brood_sustained_s": 3600.0, "spike_c": 3.0,
                "swarm_drop_kg": 1.0, "swarm_window_s": 1800.0, "silent_s": 2 * HOUR,
                "battery_low_pct": 20.0}
    return AlertRules(**{**defaults, **changes})


def test_swarm_needs_the_set_drop_within_the_set_window(hive):
    """The rule the Hives page applied to its plotted points, now on the readings."""
    scale = add_device(hive.uuid, "scale")
    step = 15 * 60
    end = T0 + 10 * step
    fill(scale, readings(T0, end, step, weight=lambda ts: 40.0 if ts < T0 + 5 * step else 38.8))
    (alert,) = hive_alerts(hive.id, T0, end, rules())
    assert (alert.start_ts, alert.end_ts, alert.values["drop_kg"]) == (T0 + 4 * step, T0 + 5 * step,
                                                                     pytest.approx(1.2))
    assert hive_alerts(hive.id, T0, end, rules(swarm_drop_kg=1.5)) == []  # a noisy scale
    assert hive_alerts(hive.id, T0, end, rules(swarm_window_s=600)) == []  # readings 15 min apart

    Reading.delete().execute()
    fill(scale, readings(T0, end, step, weight=lambda ts: 40.0 - (ts - T0) / step * 0.3))
    assert hive_alerts(hive.id, T0, end, rules()) == []  # 0.6 kg in half an hour: bees at work
    (slow,) = hive_alerts(hive.id, T0, end, rules(swarm_window_s=3 * HOUR))
    assert (slow.start_ts, slow.end_ts) == (T0, end - step)  # one long fall, one alert
    assert slow.values == pytest.approx({"from_kg": 40.0, "to_kg": 37.3, "drop_kg": 2.7})


# --- brood ----------------------------------------------------------------------------------


def test_brood_out_of_band_counts_when_sustained(hive):
    brood = add_device(hive.uuid, "aa:bb:01")
    cold = T0 + 2 * HOUR
    fill(brood, readings(T0, T0 + 6 * HOUR,  # cooling slowly (no spike), out of the band 50 min
                         temperature=lambda ts: 31.9 - (ts - cold) / STEP * 0.01
                         if cold <= ts < cold + 50 * 60 else 33.0))
    until = T0 + 6 * HOUR
    assert hive_alerts(hive.id, T0, until, rules()) == []  # 45 min out of the band: not an hour
    (alert,) = hive_alerts(hive.id, T0, until, rules(brood_sustained_s=45 * 60))
    assert (alert.kind, alert.start_ts, alert.end_ts) == ("brood", cold, cold + 50 * 60)
    assert alert.values == pytest.approx({"min_c": 31.81, "max_c": 31.9, "last_c": 31.81})
    assert len(hive_alerts(hive.id, T0, until, rules(brood_sustained_s=0))) == 1


def test_brood_still_out_of_band_is_ongoing_and_traced_back_to_where_it_began(hive):
    brood = add_device(hive.uuid, "aa:bb:01")
    hot = T0 + DAY
    fill(brood, readings(T0, T0 + 3 * DAY, temperature=lambda ts: 34.5 if ts < hot else 37.0 + (ts == hot)))
    until = T0 + 3 * DAY
    (alert,) = hive_alerts(hive.id, until - HOUR, until, rules())  # the look-back finds the start
    assert (alert.start_ts, alert.end_ts, alert.ongoing) == (hot, None, True)
    assert alert.values == {"min_c": 37.0, "max_c": 38.0, "last_c": 37.0}


def test_an_outside_sensor_is_not_the_brood_nest(hive):
    add_device(hive.uuid, "aa:bb:01")
    outside = add_device(hive.uuid, "aa:bb:02", name="Outside")
    fill(outside, readings(T0, T0 + DAY, temperature=lambda ts: 5.0 + (ts // HOUR % 2) * 6))
    assert hive_alerts(hive.id, T0, T0 + DAY, rules()) == []


def test_a_lone_sensor_is_the_brood_sensor_whatever_its_name(hive):
    only = add_device(hive.uuid, "aa:bb:02", name="Outside")
    fill(only, readings(T0, T0 + 2 * HOUR, temperature=10.0))
    assert kinds(hive_alerts(hive.id, T0, T0 + 2 * HOUR, rules())) == ["brood"]


# --- spike ----------------------------------------------------------------------------------


def test_a_sudden_heat_spike_is_one_alert_and_slow_changes_are_none(hive):
    brood = add_device(hive.uuid, "aa:bb:01")
    spike = T0 + 4 * HOUR
    fill(brood, readings(T0, T0 + 8 * HOUR,
                         temperature=lambda ts: 40.0 if ts == spike else 35.0 + (ts - T0) / DAY))
    (alert,) = hive_alerts(hive.id, T0, T0 + 8 * HOUR, rules())  # up and back down: one spike
    assert (alert.kind, alert.start_ts, alert.end_ts) == ("spike", spike - STEP, spike + STEP)
    assert alert.values["from_c"] == pytest.approx(35.0 + 4 * HOUR / DAY - STEP / DAY)
    assert (alert.values["to_c"], alert.values["to_ts"]) == (40.0, spike)
    assert alert.values["change_c"] == pytest.approx(40.0 - alert.values["from_c"])
    assert hive_alerts(hive.id, T0, T0 + 8 * HOUR, rules(spike_c=6.0)) == []


def test_a_cold_spike_counts_but_not_across_an_outage(hive):
    brood = add_device(hive.uuid, "aa:bb:01")
    fill(brood, readings(T0, T0 + HOUR, temperature=35.5)
         + readings(T0 + 4 * HOUR, T0 + 5 * HOUR, temperature=32.5))
    lenient = rules(silent_s=4 * HOUR)
    assert hive_alerts(hive.id, T0, T0 + 5 * HOUR, lenient) == []  # not compared across 3 silent hours
    fill(brood, [{"ts": T0 + HOUR, "temperature": 32.0}])
    (alert,) = hive_alerts(hive.id, T0, T0 + 5 * HOUR, lenient)
    assert (alert.kind, alert.start_ts, alert.end_ts) == ("spike", T0 + HOUR - STEP, T0 + HOUR)
    assert alert.values["change_c"] == -3.5


# --- silent ---------------------------------------------------------------------------------


def test_silence_past_and_ongoing(hive):
    one, two = add_device(hive.uuid, "aa:bb:01"), add_device(hive.uuid, "aa:bb:02", name="Outside")
    fill(one, readings(T0, T0 + 5 * HOUR, temperature=34.5))
    fill(two, readings(T0 + 5 * HOUR, T0 + 6 * HOUR, temperature=10.0))  # the hive speaks again
    fill(one, readings(T0 + 8 * HOUR, T0 + 9 * HOUR, temperature=34.5))
    # silent from 5:55 to 8:00, 2 h 5 min; and from 8:55 until 12:00
    past, now = hive_alerts(hive.id, T0, T0 + 12 * HOUR, rules())
    assert (past.kind, past.start_ts, past.end_ts) == ("silent", T0 + 6 * HOUR - STEP, T0 + 8 * HOUR)
    assert past.values == {"silent_s": 2 * HOUR + STEP} and past.sensor_uuid == ""
    assert (now.kind, now.start_ts, now.end_ts) == ("silent", T0 + 9 * HOUR - STEP, None)
    assert now.values == {"silent_s": 3 * HOUR + STEP}
    assert hive_alerts(hive.id, T0, T0 + 12 * HOUR, rules(silent_s=4 * HOUR)) == []
    # A gap that began before the span asked for is found whole.
    (gap, _) = hive_alerts(hive.id, T0 + 7 * HOUR, T0 + 12 * HOUR, rules())
    assert (gap.start_ts, gap.end_ts) == (past.start_ts, past.end_ts)


# --- battery --------------------------------------------------------------------------------


def test_low_battery_from_its_first_low_reading_until_a_new_battery(hive):
    sensor = add_device(hive.uuid, "aa:bb:01", name="Brood")
    levels = [(0, 50.0), (10, 19.0), (11, 25.0), (12, 18.0), (13, 15.0), (20, 100.0), (30, 12.0)]
    fill(sensor, [{"ts": T0 + n * HOUR, "battery": level} for n, level in levels])
    found = hive_alerts(hive.id, T0, T0 + 31 * HOUR, rules(silent_s=20 * HOUR))
    assert [(a.kind, a.start_ts, a.end_ts) for a in found] == [
        ("battery", T0 + 10 * HOUR, T0 + 11 * HOUR),
        ("battery", T0 + 12 * HOUR, T0 + 20 * HOUR),
        ("battery", T0 + 30 * HOUR, None),
    ]
    assert found[1].values == {"last_pct": 15.0, "min_pct": 15.0} and found[1].sensor_name == "Brood"
    assert found[2].values == {"last_pct": 12.0, "min_pct": 12.0} and found[2].ongoing
    # Asked from inside a low spell, the alert still starts where the battery went low.
    (alert,) = hive_alerts(hive.id, T0 + 19 * HOUR, T0 + 29 * HOUR, rules(silent_s=20 * HOUR))
    assert (alert.start_ts, alert.end_ts, alert.values["min_pct"]) == (T0 + 12 * HOUR, T0 + 20 * HOUR, 15.0)


# --- the site's thresholds and every hive ---------------------------------------------------


def test_thresholds_are_the_site_settings(hive):
    sensor = add_device(hive.uuid, "aa:bb:01")
    fill(sensor, readings(T0, T0 + HOUR, battery=30.0, weight=lambda ts: 40.0 - 2.5 * (ts >= T0 + 1800)))
    assert kinds(hive_alerts(hive.id, T0, T0 + HOUR)) == ["swarm"]
    set_setting("hive_swarm_drop_kg", 3.0)
    set_setting("hive_battery_low_percent", 35)
    assert kinds(hive_alerts(hive.id, T0, T0 + HOUR)) == ["battery"]
    set_setting("hive_brood_sustained_minutes", 90)
    set_setting("hive_spike_c", 4.5)
    current = AlertRules.current()
    assert (current.brood_sustained_s, current.spike_c, current.swarm_drop_kg) == (5400, 4.5, 3.0)
    with pytest.raises(ValueError):
        set_setting("hive_spike_c", 0.1)
    with pytest.raises(ValueError):
        set_setting("hive_brood_sustained_minutes", 1441)


def test_every_hive_with_a_sensor_or_one_by_uuid(hive):
    other = add_hive(add_apiary("Acres", create_user("other")).uuid, "Far hive")
    add_hive(hive.apiary.uuid, "Empty hive")  # no sensor: nothing to say
    for target in (hive, other):
        fill(add_device(target.uuid, f"dev-{target.id}"), [{"ts": T0, "temperature": 34.5}])
    found = alerts(T0, T0 + DAY)
    assert [(a.hive_name, a.kind, a.ongoing) for a in found] == [("Far hive", "silent", True),
                                                                ("Hive 1", "silent", True)]
    assert [a.hive_uuid for a in alerts(T0, T0 + DAY, hive_uuid=hive.uuid)] == [hive.uuid]
    with pytest.raises(LookupError, match="no hive 'nope'"):
        alerts(T0, hive_uuid="nope")
