"""Readings as CSV, in canonical units, streamed so a year of data never sits in memory."""

from __future__ import annotations

import csv
import datetime as dt
from typing import TextIO

from kegdash.apiary.models import Device, Hive, Reading
from kegdash.apiary.reading_fields import MEASUREMENT_FIELDS, normalise_device_id

UNITS = {"temperature": "C", "humidity": "%", "weight": "kg", "signal": "%", "battery": "%"}


def _header(field: str) -> str:
    unit = next(unit for prefix, unit in UNITS.items() if field.startswith(prefix))
    return f"{field}_{unit.lower().replace('%', 'pct')}"


def export_readings_csv(
    out: TextIO, *, device: str | None = None, hive: str | None = None, since: int | None = None,
    until: int | None = None,
) -> int:
    """Write readings (optionally of one device, by uuid or api id, or of one hive's sensors, by
    the hive's uuid, within [since, until]) to ``out``; returns how many rows were written.
    Raises LookupError for an unknown device or hive."""
    query = (Reading.select(Reading, Device).join(Device)
             .order_by(Device.api_id, Reading.ts).objects())
    if device is not None:
        devices = list(Device.select(Device.id).where(
            (Device.uuid == device) | (Device.api_id == normalise_device_id(device))))
        if not devices:
            raise LookupError(f"no device {device!r}")
        query = query.where(Reading.device.in_([d.id for d in devices]))
    if hive is not None:
        hive_id = Hive.select(Hive.id).where(Hive.uuid == hive).scalar()
        if hive_id is None:
            raise LookupError(f"no hive {hive!r}")
        query = query.where(Device.hive == hive_id)
    if since is not None:
        query = query.where(Reading.ts >= since)
    if until is not None:
        query = query.where(Reading.ts <= until)
    fields = list(MEASUREMENT_FIELDS)
    writer = csv.writer(out)
    writer.writerow(["device_uuid", "device_id", "timestamp", "time_utc", *map(_header, fields)])
    rows = 0
    for reading in query.iterator():
        when = dt.datetime.fromtimestamp(reading.ts, dt.UTC).strftime("%Y-%m-%d %H:%M:%S")
        values = [getattr(reading, name) for name in fields]
        writer.writerow([reading.uuid, reading.api_id, reading.ts, when,
                         *("" if v is None else f"{v:g}" for v in values)])
        rows += 1
    return rows
