"""Temperatures from the kegerator's sensors: one stored reading per sensor per minute.

Boards report every few seconds; keeping one row per minute (the latest received wins, as
Kegbot's server did) bounds the table at 1440 rows per sensor per day while the graphs stay
smooth. Readings outside −20…80 °C are a broken or unplugged probe, never beer, so refused.
"""

from __future__ import annotations

import datetime as dt
import math

from kegdash import events
from kegdash.bar.models import ThermoLog, ThermoSensor
from kegdash.bar.taps import BarError, NotFound
from kegdash.db import database, parse_id, utcnow

MIN_TEMP_C = -20.0
MAX_TEMP_C = 80.0


def find_sensor(ident: str | int) -> ThermoSensor:
    """A sensor by numeric id, raw name (``kegboard.thermo-28…``) or nice name."""
    text = str(ident)
    ident = parse_id(text)
    sensor = ThermoSensor.get_or_none(ThermoSensor.id == ident) if ident is not None else None
    if sensor is None:
        sensor = ThermoSensor.get_or_none(ThermoSensor.name == text)
    if sensor is None and text:
        sensor = ThermoSensor.get_or_none(ThermoSensor.nice_name == text)
    if sensor is None:
        raise NotFound(f"no thermo sensor {text!r}")
    return sensor


def record_temperature(
    sensor_ident: str | int, temp_c: float, *, when: dt.datetime | None = None
) -> ThermoLog:
    """Store a reading for the minute of ``when`` (default now), creating the sensor by name if
    it is new; a second reading within the same minute replaces the first."""
    if isinstance(temp_c, bool) or not isinstance(temp_c, int | float) or not math.isfinite(temp_c):
        raise BarError(f"temperature must be a number, not {temp_c!r}")
    if not MIN_TEMP_C <= temp_c <= MAX_TEMP_C:
        raise BarError(f"temperature {temp_c} °C is outside {MIN_TEMP_C:g}…{MAX_TEMP_C:g} °C")
    name = str(sensor_ident).strip()
    if not name or len(name) > 100:
        raise BarError("a thermo sensor needs a name of 1 to 100 characters")
    minute = (when or utcnow()).replace(second=0, microsecond=0)
    with database.atomic():
        try:
            sensor = find_sensor(name)
        except NotFound:
            sensor = ThermoSensor.create(name=name)
        (
            ThermoLog.insert(sensor=sensor, time=minute, temp_c=float(temp_c))
            .on_conflict(
                conflict_target=[ThermoLog.sensor, ThermoLog.time],
                update={ThermoLog.temp_c: float(temp_c)},
            )
            .execute()
        )
        log = ThermoLog.get((ThermoLog.sensor == sensor) & (ThermoLog.time == minute))
    events.bus.publish(events.TemperatureRecorded(
        sensor_id=sensor.id, sensor_name=sensor.name, temp_c=log.temp_c, time=log.time))
    return log


def recent_logs(sensor: ThermoSensor, limit: int = 120) -> list[ThermoLog]:
    """The newest readings first (120 = the last two hours at one a minute)."""
    return list(
        ThermoLog.select().where(ThermoLog.sensor == sensor)
        .order_by(ThermoLog.time.desc()).limit(limit)
    )

