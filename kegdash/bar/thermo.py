"""Temperatures from the kegerator's sensors: one stored reading per sensor per minute.

Boards report every few seconds; keeping one row per minute (the latest received wins, as
Kegbot's server did) bounds the table at 1440 rows per sensor per day while the graphs stay
smooth. Readings outside −20…80 °C are a broken or unplugged probe, never beer, so refused.
"""

from __future__ import annotations

import datetime as dt
import math

from kegdash import events
from kegdash.bar import views
from kegdash.bar.models import ThermoLog, ThermoSensor
from kegdash.bar.taps import BarError, NotFound, find_sensor
from kegdash.bar.views import ThermoLogInfo
from kegdash.db import database, utcnow

MIN_TEMP_C = -20.0
MAX_TEMP_C = 80.0


def record_temperature(
    sensor_ident: str | int, temp_c: float, *, when: dt.datetime | None = None
) -> ThermoLogInfo:
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
        log = views.thermo_log(sensor.id, minute)
    events.bus.publish(events.TemperatureRecorded(
        sensor_id=sensor.id, sensor_name=sensor.name, temp_c=log.temp_c, time=log.time))
    return log
