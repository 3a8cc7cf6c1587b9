"""Down-sampled reading series for charts: min / avg / max / count per time bucket, in SQL.

A year of 5-minute readings is ~105k rows per device; a chart needs about one point per pixel
pair, so the database groups rows into buckets of ``(ts / b) * b`` — integer epoch arithmetic
that SQLite and PostgreSQL evaluate alike and that walks the (device, ts) primary key
(``spec/hives.md`` §5.3).  The average is the line, min–max the band, so a swarm's weight
drop survives down-sampling.  Buckets without a value are absent: a missing bucket is a gap.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import peewee

from kegdash.apiary.models import Device, Reading
from kegdash.apiary.reading_fields import MEASUREMENT_FIELDS

MAX_BUCKETS = 1500
RAW_SPAN_S = 2 * 86400
BUCKET_LADDER_S = (
    300, 600, 900, 1800, 3600, 2 * 3600, 3 * 3600, 6 * 3600, 12 * 3600,
    86400, 2 * 86400, 7 * 86400, 14 * 86400, 28 * 86400,
)
"""Bucket widths a chart may use; the smallest one that keeps a view within MAX_BUCKETS wins."""


@dataclass(frozen=True, slots=True)
class Point:
    """One bucket (or one raw reading, when ``min == avg == max`` and ``count == 1``)."""

    ts: int
    """Start of the bucket, UTC epoch seconds (the reading's own time for raw rows)."""
    min: float
    avg: float
    max: float
    count: int


def bucket_seconds(start: int, end: int) -> int:
    """The bucket width for the span ``[start, end)``; 0 means raw rows (spans ≤ 2 days)."""
    span = max(end - start, 0)
    if span <= RAW_SPAN_S:
        return 0
    for width in BUCKET_LADDER_S:
        if -(-span // width) <= MAX_BUCKETS:
            return width
    return -(-span // MAX_BUCKETS)


def _column(field: str) -> peewee.Field:
    if field not in MEASUREMENT_FIELDS:
        raise ValueError(f"unknown reading field {field!r}; expected one of {', '.join(MEASUREMENT_FIELDS)}")
    return getattr(Reading, field)


def _series(devices: peewee.Expression, field: str, start: int, end: int, bucket: int | None) -> list[Point]:
    column = _column(field)
    width = bucket_seconds(start, end) if bucket is None else bucket
    where = devices & (Reading.ts >= start) & (Reading.ts < end) & column.is_null(False)
    if width <= 0:
        rows: Iterable[tuple] = (
            Reading.select(Reading.ts, column).where(where).order_by(Reading.ts).tuples()
        )
        return [Point(ts, value, value, value, 1) for ts, value in rows]
    start_of = ((Reading.ts / width) * width).alias("bucket")
    query = (
        Reading.select(start_of, peewee.fn.MIN(column), peewee.fn.AVG(column),
                       peewee.fn.MAX(column), peewee.fn.COUNT(column))
        .where(where)
        .group_by(peewee.SQL("bucket"))
        .order_by(peewee.SQL("bucket"))
        .tuples()
    )
    return [Point(int(ts), low, avg, high, count) for ts, low, avg, high, count in query]


def device_series(
    device: Device | int, field: str, start: int, end: int, *, bucket: int | None = None
) -> list[Point]:
    """One device's ``field`` over ``[start, end)``; ``bucket`` overrides the automatic width."""
    return _series(Reading.device == device, field, start, end, bucket)


def hive_series(
    hive_id: int, field: str, start: int, end: int, *, bucket: int | None = None
) -> list[Point]:
    """All of one hive's devices pooled (a hive may have a TH sensor and a scale)."""
    devices = Device.select(Device.id).where(Device.hive == hive_id)
    return _series(Reading.device.in_(devices), field, start, end, bucket)


def sensors_series(
    device_ids: Sequence[int], field: str, start: int, end: int, *, bucket: int | None = None
) -> list[Point]:
    """Some of a hive's sensors pooled, e.g. only the brood-nest ones (an outside sensor's
    temperature would drag the average down)."""
    return _series(Reading.device.in_(list(device_ids)), field, start, end, bucket)
