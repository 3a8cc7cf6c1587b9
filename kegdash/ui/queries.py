"""Read-only queries the window needs and the domain does not offer (yet), on the peewee models.

They return plain values (dataclasses, tuples, numpy arrays), never model instances, so that a
result computed on a worker thread is safe to use on the main thread.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from peewee import JOIN, fn

from kegdash.apiary import series
from kegdash.apiary.models import Apiary, Device, Hive, Reading

SERIES_FIELDS = ("temperature", "humidity", "weight")


# --- devices ----------------------------------------------------------------------


def sensor_rows() -> list[tuple]:
    """(uuid, api id, vendor, hive, last reading epoch) for every hive sensor."""
    query = (Device.select(Device, Hive).join(Hive, JOIN.LEFT_OUTER)
             .order_by(Device.api_id))
    return [(d.uuid, d.api_id, d.vendor, d.hive.name if d.hive_id else "(unassigned)",
             d.last_reading_ts) for d in query]


# --- hives ------------------------------------------------------------------------------------


def hive_choices() -> list[tuple[int, str]]:
    """(hive id, "apiary / hive") for every hive that has at least one sensor."""
    query = (Hive.select(Hive.id, Hive.name, Apiary.name).join(Apiary).switch(Hive)
             .join(Device).distinct().order_by(Apiary.name, Hive.name))
    return [(h.id, f"{h.apiary.name} / {h.name}") for h in query]


def first_reading_ts(hive_id: int) -> int | None:
    return (Reading.select(fn.MIN(Reading.ts)).join(Device)
            .where(Device.hive == hive_id).scalar())


@dataclass
class Series:
    """One hive's readings per field: epoch seconds and values, NaN rows where data is missing."""

    x: dict[str, np.ndarray]
    y: dict[str, np.ndarray]
    bucket_s: int
    """0 for raw readings, else the width the apiary domain averaged over."""
    last_ts: int
    """Readings after this time are new to the plot (the query's end)."""


def hive_series(hive_id: int, start_ts: int, end_ts: int) -> Series:
    """The hive's temperature, humidity and weight from the apiary domain's down-sampled query
    (bucket averages, so a year stays ~1500 points); gaps become NaN breaks. A start of 0 means
    "from the first reading"."""
    if start_ts <= 0:
        start_ts = first_reading_ts(hive_id) or end_ts
    bucket = series.bucket_seconds(start_ts, end_ts + 1)
    out = Series(x={}, y={}, bucket_s=bucket, last_ts=end_ts)
    for field in SERIES_FIELDS:
        points = series.hive_series(hive_id, field, start_ts, end_ts + 1, bucket=bucket)
        rows = np.array([(p.ts + bucket / 2, p.avg) for p in points], dtype=float).reshape(-1, 2)
        rows = _break_gaps(rows)
        out.x[field], out.y[field] = rows[:, 0], rows[:, 1]
    return out


def readings_after(hive_id: int, after_ts: int) -> Series:
    """Raw readings newer than ``after_ts``: what a live plot appends without reloading."""
    out = Series(x={}, y={}, bucket_s=0, last_ts=after_ts)
    for field in SERIES_FIELDS:
        points = series.hive_series(hive_id, field, after_ts + 1, 2**62, bucket=0)
        out.x[field] = np.array([p.ts for p in points], dtype=float)
        out.y[field] = np.array([p.avg for p in points], dtype=float)
        if points:
            out.last_ts = max(out.last_ts, points[-1].ts)
    return out


def _break_gaps(rows: np.ndarray) -> np.ndarray:
    """Insert a NaN row wherever the step is over three times the usual one, so lines break."""
    if len(rows) < 3:
        return rows
    steps = np.diff(rows[:, 0])
    limit = 3 * float(np.median(steps))
    gaps = np.nonzero(steps > limit)[0]
    if not len(gaps):
        return rows
    filler = np.full((len(gaps), rows.shape[1]), np.nan)
    filler[:, 0] = rows[gaps, 0] + steps[gaps] / 2
    return np.insert(rows, gaps + 1, filler, axis=0)
