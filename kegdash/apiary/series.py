"""Down-sampled reading series for charts: min / avg / max / count per time bucket, in SQL.

A year of 5-minute readings is ~105k rows per device; a chart needs about one point per pixel
pair, so the database groups rows into buckets of ``(ts / b) * b`` — integer epoch arithmetic
that SQLite and PostgreSQL evaluate alike and that walks the (device, ts) primary key
(``spec/hives.md`` §5.3).  The average is the line, min–max the band, so a swarm's weight
drop survives down-sampling.  Buckets without a value are absent: a missing bucket is a gap.

Spans reaching back past the readings' retention horizon (``apiary.retention``) also read the
hour rows kept there: their min/max, and sum/count so a bucket of many hours averages exactly;
they come in buckets of at least an hour (one point per hour where raw readings would give
more). Spans newer than ``retention.ROLLED_BEFORE_S`` cannot have hour rows and skip that query.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import peewee

from kegdash.apiary import retention
from kegdash.apiary.models import Device, HourlyReading, Reading
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


Devices = Callable[[peewee.Field], peewee.Expression]
"""Which devices a series pools, as a condition on a table's device column."""


def _series(devices: Devices, field: str, start: int, end: int, bucket: int | None) -> list[Point]:
    column = _column(field)
    width = bucket_seconds(start, end) if bucket is None else bucket
    found = _raw_series(devices(Reading.device), column, start, end, width)
    if start >= time.time() - retention.ROLLED_BEFORE_S:
        return found
    return _merged(found, _hourly_series(devices(HourlyReading.device), field, start, end, width), width)


def _raw_series(devices: peewee.Expression, column: peewee.Field, start: int, end: int,
                width: int) -> list[Point]:
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


def _hourly_series(devices: peewee.Expression, field: str, start: int, end: int,
                   width: int) -> list[Point]:
    """The hour rows overlapping ``[start, end)`` in buckets of ``width``, at least an hour."""
    low, high, total, count = (getattr(HourlyReading, f"{field}_{part}")
                               for part in ("min", "max", "sum", "count"))
    width = max(width, retention.HOUR_S)
    start_of = ((HourlyReading.hour / width) * width).alias("bucket")
    query = (
        HourlyReading.select(start_of, peewee.fn.MIN(low), peewee.fn.SUM(total), peewee.fn.MAX(high),
                             peewee.fn.SUM(count))
        .where(devices & (HourlyReading.hour > start - retention.HOUR_S) & (HourlyReading.hour < end)
               & count.is_null(False))
        .group_by(peewee.SQL("bucket"))
        .order_by(peewee.SQL("bucket"))
        .tuples()
    )
    return [Point(int(ts), low, total / n, high, int(n)) for ts, low, total, high, n in query]


def _pooled(a: Point, b: Point) -> Point:
    count = a.count + b.count
    return Point(a.ts, min(a.min, b.min), (a.avg * a.count + b.avg * b.count) / count,
                 max(a.max, b.max), count)


def _merged(raw: list[Point], hourly: list[Point], width: int) -> list[Point]:
    """Raw and hourly points in time order; in bucketed series one point per bucket."""
    if not hourly:
        return raw
    if width <= 0:
        return sorted([*hourly, *raw], key=lambda p: p.ts)
    buckets = {p.ts: p for p in hourly}
    for point in raw:
        other = buckets.get(point.ts)
        buckets[point.ts] = point if other is None else _pooled(point, other)
    return sorted(buckets.values(), key=lambda p: p.ts)


def device_series(
    device: Device | int, field: str, start: int, end: int, *, bucket: int | None = None
) -> list[Point]:
    """One device's ``field`` over ``[start, end)``; ``bucket`` overrides the automatic width."""
    return _series(lambda column: column == device, field, start, end, bucket)


def hive_series(
    hive_id: int, field: str, start: int, end: int, *, bucket: int | None = None
) -> list[Point]:
    """All of one hive's devices pooled (a hive may have a TH sensor and a scale)."""
    devices = Device.select(Device.id).where(Device.hive == hive_id)
    return _series(lambda column: column.in_(devices), field, start, end, bucket)


def sensors_series(
    device_ids: Sequence[int], field: str, start: int, end: int, *, bucket: int | None = None
) -> list[Point]:
    """Some of a hive's sensors pooled, e.g. only the brood-nest ones (an outside sensor's
    temperature would drag the average down)."""
    ids = list(device_ids)
    return _series(lambda column: column.in_(ids), field, start, end, bucket)
