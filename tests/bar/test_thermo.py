import datetime as dt

import pytest

from kegdash import events
from kegdash.bar.models import ThermoLog, ThermoSensor
from kegdash.bar.taps import BarError, NotFound, add_thermo_sensor, find_sensor
from kegdash.bar.thermo import record_temperature
from kegdash.db import database as db_proxy

T0 = dt.datetime(2026, 6, 1, 18, 0, 0)
NAME = "kegboard.thermo-28c7000002a8fc10"


def test_first_reading_creates_the_sensor_and_rounds_down_to_the_minute(database):
    log = record_temperature(NAME, 4.25, when=T0 + dt.timedelta(seconds=59, microseconds=9))
    sensor = ThermoSensor.get(ThermoSensor.name == NAME)
    assert log.sensor_id == sensor.id and log.time == T0 and log.temp_c == 4.25


def test_latest_reading_in_a_minute_wins(database):
    record_temperature(NAME, 4.0, when=T0 + dt.timedelta(seconds=5))
    record_temperature(NAME, 3.0, when=T0 + dt.timedelta(seconds=50))
    record_temperature(NAME, 5.0, when=T0 + dt.timedelta(minutes=1))
    rows = [(r.time, r.temp_c) for r in ThermoLog.select().order_by(ThermoLog.time)]
    assert rows == [(T0, 3.0), (T0 + dt.timedelta(minutes=1), 5.0)]
    assert ThermoSensor.select().count() == 1


def test_bounds_are_inclusive(database):
    assert record_temperature(NAME, -20, when=T0).temp_c == -20.0
    assert record_temperature(NAME, 80.0, when=T0 + dt.timedelta(minutes=1)).temp_c == 80.0


@pytest.mark.parametrize("temp", [-20.01, 80.01, float("nan"), float("inf"), True, "4"])
def test_impossible_temperatures_store_nothing(database, temp):
    with pytest.raises(BarError, match="temperature"):
        record_temperature(NAME, temp)
    assert ThermoSensor.select().count() == 0 and ThermoLog.select().count() == 0


def test_sensor_name_is_required(database):
    with pytest.raises(BarError):
        record_temperature("  ", 4.0)
    assert ThermoSensor.select().count() == 0


def test_find_sensor_by_id_name_or_nice_name(database):
    sensor = add_thermo_sensor(NAME)
    sensor.nice_name = "keezer"
    sensor.save()
    assert find_sensor(sensor.id) == sensor
    assert find_sensor(str(sensor.id)) == sensor
    assert find_sensor(NAME) == sensor and find_sensor("keezer") == sensor
    with pytest.raises(NotFound):
        find_sensor("kegboard.thermo-unknown")
    record_temperature("keezer", 2.0, when=T0)
    assert ThermoSensor.select().count() == 1  # the nice name found the existing sensor


def test_event_after_commit(database):
    seen = []

    def listener(event):
        seen.append((event, db_proxy.in_transaction()))

    unsubscribe = events.bus.subscribe(listener)
    try:
        record_temperature(NAME, 3.5, when=T0 + dt.timedelta(seconds=30))
    finally:
        unsubscribe()
    sensor = find_sensor(NAME)
    assert seen == [(events.TemperatureRecorded(sensor_id=sensor.id, sensor_name=NAME, temp_c=3.5,
                                                time=T0), False)]
