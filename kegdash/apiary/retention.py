"""Raw hive readings kept for ``readings_raw_months`` whole months, hourly min/avg/max after.

A site setting (every instance on one database agrees; ``kegdash admin setting``), off by
default: every raw reading is kept. With N months, the horizon is the first second of the month
N months before the current UTC month: the current month and N whole ones before it stay raw,
readings before the horizon become one ``reading_hourly`` row per device and hour (min, max,
sum and count per field) and are deleted. The charts read those rows for old spans
(``apiary.series``).

How, so that a crash loses nothing and a second run counts nothing twice:

* PostgreSQL first takes the whole months before the horizon: each month's partition is
  detached (a moment's lock), then rolled up and dropped in one transaction; a run that stops
  in between leaves a detached month table, which the next run finds by name and finishes.
* Then on both engines, whatever raw rows remain before the horizon (SQLite's, PostgreSQL's
  default partition, a month whose detach timed out) go by device in batches of whole hours of
  about :data:`BATCH_ROWS` rows, each rolled and deleted in one transaction (PostgreSQL: one
  statement, ``DELETE … RETURNING`` feeding the ``INSERT``, so exactly the deleted rows count).
* An hour once rolled up is final, as a reading is ("first one wins", ``apiary.readings``): a
  raw reading for that hour arriving later (a gateway resending its old buffer) is deleted at
  the next run without being counted again.

One run at a time per database: PostgreSQL instances take an advisory lock (a second one skips);
SQLite's writers queue anyway, and a batch rolls only the rows still there when it runs.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import peewee
from peewee import fn

from kegdash import db, pg_partitions
from kegdash.apiary.models import Device, Reading
from kegdash.apiary.reading_fields import MEASUREMENT_FIELDS
from kegdash.site_settings import get_setting
from kegdash.upkeep import UpkeepThread

log = logging.getLogger(__name__)

SETTING = "readings_raw_months"
HOUR_S = 3600
BATCH_ROWS = 2_000
"""Raw rows rolled per transaction (whole hours, so one hour with more is still one batch). On
SQLite a batch holds the write lock: measured 38 ms median, 60 ms p90 on the 2-core CI machine,
so a pour or an upload waits no longer than that for it."""
RUN_EVERY_S = 3600.0
ROLLED_BEFORE_S = 27 * 86400
"""Hourly rows are always older than this: the shortest retention (one month) keeps the whole
previous month raw, at least 28 days; a day is left for clocks that disagree. Charts over newer
spans need not look for hourly rows."""
_LOCK = "kegdash prune readings"

_COLUMNS = ", ".join(f"{f}_min, {f}_max, {f}_sum, {f}_count" for f in MEASUREMENT_FIELDS)
_AGGREGATES = ", ".join(
    f"MIN({f}) AS {f}_min, MAX({f}) AS {f}_max, SUM(CAST({f} AS DOUBLE PRECISION)) AS {f}_sum, "
    f"NULLIF(COUNT({f}), 0) AS {f}_count" for f in MEASUREMENT_FIELDS)
_INSERT = f"INSERT INTO reading_hourly (device_id, hour, {_COLUMNS}) SELECT device_id, hour, {_COLUMNS}"


def _hours(source: str, where: str = "TRUE") -> str:
    """The rows of ``source`` matching ``where`` as hour rows, with how many readings each had."""
    return (f"SELECT device_id, ts / {HOUR_S} * {HOUR_S} AS hour, COUNT(*) AS readings, {_AGGREGATES} "
            f"FROM {source} WHERE {where} GROUP BY device_id, ts / {HOUR_S} * {HOUR_S}")


def _rolled_on_postgres(source: str, deleting: str = "") -> str:
    """One statement rolling ``source`` into hour rows (hours already there are kept as they
    are); it answers (readings, hour rows written). ``deleting`` is a CTE named by ``source``."""
    return (f"WITH {deleting}hours AS ({_hours(source)}), "
            f"rolled AS ({_INSERT} FROM hours ON CONFLICT DO NOTHING RETURNING 1) "
            "SELECT (SELECT COALESCE(SUM(readings), 0) FROM hours), (SELECT COUNT(*) FROM rolled)")


@dataclass(frozen=True, slots=True)
class PruneReport:
    """What one run did."""

    months: int | None
    """The setting; None: it is off and nothing was done."""
    horizon: int | None
    """Readings before this (epoch seconds) were rolled up."""
    readings: int = 0
    """Raw readings rolled into hour rows and deleted, those of dropped partitions included."""
    hours: int = 0
    """Hour rows written."""
    partitions: tuple[str, ...] = ()
    """Month partitions rolled up and dropped whole (PostgreSQL)."""
    busy: bool = False
    """Another instance was running it, so this run did nothing."""


@dataclass
class _Tally:
    readings: int = 0
    hours: int = 0
    partitions: list[str] = field(default_factory=list)

    def add(self, readings: int, hours: int) -> None:
        self.readings += int(readings)  # PostgreSQL sums counts as numeric
        self.hours += int(hours)


def horizon(months: int, now: int) -> int:
    """The first second (UTC) of the month ``months`` before the one ``now`` is in."""
    today = dt.datetime.fromtimestamp(now, dt.UTC)
    index = today.year * 12 + today.month - 1 - months
    return pg_partitions.month_start(index // 12, index % 12 + 1)


def prune_readings(now: int | None = None, stop: Callable[[], bool] = lambda: False) -> PruneReport:
    """Roll the raw readings before the horizon into hour rows and delete them (see the module
    docstring); ``stop`` is asked between steps, so a server shutting down need not wait."""
    months = get_setting(SETTING)
    if months is None:
        return PruneReport(None, None)
    edge = horizon(months, int(time.time()) if now is None else now)
    database = db.database.obj
    postgres = isinstance(database, peewee.PostgresqlDatabase)
    if postgres and not database.execute_sql("SELECT pg_try_advisory_lock(hashtext(%s))",
                                             (_LOCK,)).fetchone()[0]:
        return PruneReport(months, edge, busy=True)
    tally = _Tally()
    try:
        if postgres:
            _drop_months(database, edge, tally, stop)
        for (device_id,) in Device.select(Device.id).order_by(Device.id).tuples():
            if stop():
                break
            _roll_device(database, device_id, edge, tally, stop)
    finally:
        if postgres:
            database.execute_sql("SELECT pg_advisory_unlock(hashtext(%s))", (_LOCK,))
    return PruneReport(months, edge, tally.readings, tally.hours, tuple(tally.partitions))


def _drop_months(database: peewee.Database, edge: int, tally: _Tally, stop: Callable[[], bool]) -> None:
    for month in pg_partitions.month_tables(database, "reading"):
        if month.end > edge or stop():
            break
        if month.attached:
            try:
                pg_partitions.detach_month(database, "reading", month.name)
            except peewee.DatabaseError as exc:  # a lock not had in time: the batches take it
                log.warning("cannot detach %s now, rolling it up row by row: %s", month.name, exc)
                continue
        with database.atomic():
            tally.add(*database.execute_sql(_rolled_on_postgres(f'"{month.name}"')).fetchone())
            database.execute_sql(f'DROP TABLE "{month.name}"')
        tally.partitions.append(month.name)
        log.info("rolled up and dropped %s", month.name)


def _roll_device(database: peewee.Database, device_id: int, edge: int, tally: _Tally,
                 stop: Callable[[], bool]) -> None:
    mine = Reading.device == device_id
    first = Reading.select(fn.MIN(Reading.ts)).where(mine & (Reading.ts < edge)).scalar()
    while first is not None and not stop():
        low = first - first % HOUR_S
        nth = (Reading.select(Reading.ts).where(mine & (Reading.ts >= low) & (Reading.ts < edge))
               .order_by(Reading.ts).limit(1).offset(BATCH_ROWS).scalar())
        high = edge if nth is None else max(nth - nth % HOUR_S, low + HOUR_S)
        tally.add(*_roll_batch(database, device_id, low, high))
        first = (Reading.select(fn.MIN(Reading.ts))
                 .where(mine & (Reading.ts >= high) & (Reading.ts < edge)).scalar())


def _roll_batch(database: peewee.Database, device_id: int, low: int, high: int) -> tuple[int, int]:
    """Roll one device's raw rows in ``[low, high)`` (whole hours) and delete them, atomically;
    (readings, hour rows written)."""
    p = database.param
    where = f"device_id = {p} AND ts >= {p} AND ts < {p}"
    args = (device_id, low, high)
    with database.atomic():
        if isinstance(database, peewee.PostgresqlDatabase):
            gone = f"gone AS (DELETE FROM reading WHERE {where} RETURNING *), "
            return database.execute_sql(_rolled_on_postgres("gone", gone), args).fetchone()
        hours = database.execute_sql(
            f"{_INSERT} FROM ({_hours('reading', where)}) WHERE TRUE ON CONFLICT DO NOTHING", args).rowcount
        readings = database.execute_sql(f"DELETE FROM reading WHERE {where}", args).rowcount
        return readings, hours


class ReadingPruner(UpkeepThread):
    """Runs :func:`prune_readings` at start and every :data:`RUN_EVERY_S` in a thread: the
    upkeep ``kegdash serve`` and the window start, on either engine."""

    def __init__(self, every_s: float = RUN_EVERY_S) -> None:
        super().__init__("kegdash-prune-readings", every_s, self._prune,
                         "cannot roll up old readings")

    @staticmethod
    def _prune(stop: threading.Event) -> None:
        report = prune_readings(stop=stop.is_set)
        if report.readings:
            log.info("rolled %d readings before %s into %d hour rows", report.readings,
                     dt.datetime.fromtimestamp(report.horizon or 0, dt.UTC), report.hours)
