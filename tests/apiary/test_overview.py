"""Hive cards: newest values, a week's trend of the brood nest and the weight, the day's alerts."""

from __future__ import annotations

import time

import numpy as np
import pytest

from kegdash.accounts.users import create_user
from kegdash.apiary import overview
from kegdash.apiary.alerts import AlertRules
from kegdash.apiary.models import Reading
from kegdash.apiary.registry import add_apiary, add_device, add_hive
from kegdash.db import database as db

STEP = 900
HOUR = 3600
DAY = 86400
FIELDS = (Reading.device, Reading.ts, Reading.temperature, Reading.humidity, Reading.weight, Reading.battery)


@pytest.fixture
def hives(database):
    """Hive 1: a brood sensor, an outside one and ten days of readings ending now, with a 2 kg
    swarm two hours ago. Hive 2: no sensor yet. In another apiary, a quiet hive."""
    owner = create_user("beeman")
    ridge = add_apiary("Ridge", owner)
    swarmed, empty = add_hive(ridge.uuid, "Hive 1"), add_hive(ridge.uuid, "Hive 2")
    quiet = add_hive(add_apiary("Acres", owner).uuid, "Far")
    brood = add_device(swarmed.uuid, "aa:bb:01")
    outside = add_device(swarmed.uuid, "aa:bb:02", name="Outside")
    far = add_device(quiet.uuid, "aa:bb:03")
    now = int(time.time()) // STEP * STEP
    rows = []
    for ts in range(now - 10 * DAY, now + 1, STEP):
        swarm = 2.0 if ts >= now - 2 * HOUR else 0.0
        rows += [(brood.id, ts, 35.0, 60.0, 40.0 - swarm, 80.0), (outside.id, ts, 8.0, None, None, 15.0),
                 (far.id, ts, 34.5, None, 30.0, 90.0)]
    with db.atomic():
        for offset in range(0, len(rows), 500):
            Reading.insert_many(rows[offset:offset + 500], fields=FIELDS).execute()
    return {"swarmed": swarmed, "empty": empty, "quiet": quiet, "now": now}


def test_a_card_per_hive_with_newest_values_trend_and_the_days_alerts(hives):
    far, hive_1, hive_2 = overview.hive_cards()
    assert [c.hive.label for c in (far, hive_1, hive_2)] == [
        "Acres / Far", "Ridge / Hive 1", "Ridge / Hive 2"]
    now = hives["now"]
    assert (hive_1.sensors, hive_1.latest.temperature.value, hive_1.latest.temperature.ts) == (2, 35.0, now)
    assert (hive_1.latest.weight.value, hive_1.latest.battery.value) == (38.0, 15.0)
    # The brood trend is the brood sensor's alone; the outside one's 8 °C is the weather.
    temps = hive_1.temperature.y[np.isfinite(hive_1.temperature.y)]
    assert set(temps) == {35.0} and len(temps) >= overview.TREND_DAYS * 24
    assert hive_1.temperature.x[0] >= now - overview.TREND_DAYS * DAY - overview.TREND_BUCKET_S
    weights = hive_1.weight.y[np.isfinite(hive_1.weight.y)]
    assert weights[0] == 40.0 and weights[-1] == 38.0
    assert [a.kind for a in hive_1.alerts] == ["battery", "swarm"]  # by start: low for ten days
    assert hive_1.alerts[0].sensor_name == "Outside" and hive_1.alerts[0].ongoing
    assert far.alerts == () and far.latest.weight.value == 30.0
    assert (hive_2.sensors, hive_2.latest.temperature, hive_2.alerts) == (0, None, ())
    assert len(hive_2.weight.x) == 0


def test_cards_of_some_hives_with_given_thresholds(hives):
    rules = AlertRules(32.0, 36.0, 3600, 3.0, swarm_drop_kg=5.0, swarm_window_s=1800, silent_s=7200,
                       battery_low_pct=10.0)
    (card,) = overview.hive_cards([hives["swarmed"].id], rules=rules)
    assert card.hive.id == hives["swarmed"].id and card.alerts == ()  # a 2 kg drop is noise at 5 kg
