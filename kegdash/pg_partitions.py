"""Monthly range partitions of a PostgreSQL table keyed by epoch seconds (the hive readings),
created ahead of time so an insert never waits for one.

Each month is ``<table>_yYYYYmMM`` for ``[first second of the month, first of the next)`` UTC;
a ``<table>_default`` partition takes rows outside every month made so far (a gateway with its
clock in 2001). Making a month moves such rows out of the default partition first, so months
can be added behind data too. Makers on several instances take an advisory lock, so they never
race for one month. The table's primary key is inherited, so each month has its own
``(device_id, ts)`` index and a query for one device's year touches twelve small indexes.

A table keeps rows in the order they arrive: gateways send every device's reading for one
moment, then the next, so one 8 KiB page holds one moment of ~100 devices and one device's month
is spread over one page per reading (a year on 500 devices: ~2 s to read). Once a month has
ended and its late uploads have settled, the keeper rewrites it in ``(device_id, ts)`` order
(``CLUSTER``), which brings a device's month down to ~100 pages (~30 ms). CLUSTER locks that
month's table while it runs (tens of seconds for 500 devices), once, at most a few days into the
next month; rows that arrive for it later are appended as before.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass

import peewee

from kegdash import db
from kegdash.upkeep import UpkeepThread

log = logging.getLogger(__name__)

MONTHS_AHEAD = 3
CHECK_EVERY_S = 6 * 3600.0
SETTLE_DAYS = 2
"""A month is rewritten in device order this long after it ends: late uploads come first."""


def month_start(year: int, month: int) -> int:
    """Epoch seconds of the first second of a month, UTC."""
    return int(dt.datetime(year, month, 1, tzinfo=dt.UTC).timestamp())


def next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def partition_name(table: str, year: int, month: int) -> str:
    return f"{table}_y{year:04d}m{month:02d}"


def make_month(database: peewee.Database, table: str, column: str, year: int, month: int) -> bool:
    """Make the month's partition unless it exists; True if it was made."""
    name = partition_name(table, year, month)
    low, high = month_start(year, month), month_start(*next_month(year, month))
    with database.atomic():
        database.execute_sql("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"partition {table}",))
        if database.execute_sql("SELECT to_regclass(%s)", (name,)).fetchone()[0] is not None:
            return False
        database.execute_sql(f'CREATE TABLE "{name}" (LIKE "{table}" INCLUDING DEFAULTS)')
        database.execute_sql(
            f'WITH moved AS (DELETE FROM "{table}_default" WHERE "{column}" >= %s AND "{column}" < %s '
            f'RETURNING *) INSERT INTO "{name}" SELECT * FROM moved', (low, high))
        database.execute_sql(f'ALTER TABLE "{table}" ATTACH PARTITION "{name}" '
                             f"FOR VALUES FROM ({low}) TO ({high})")
    log.info("made partition %s", name)
    return True


@dataclass(frozen=True, slots=True)
class MonthTable:
    """A month's table of ``table``: attached as its partition, or left detached (a retention
    run that stopped between detaching and dropping it)."""

    name: str
    start: int
    end: int
    """The month's bounds, ``[start, end)`` epoch seconds."""
    attached: bool


def month_tables(database: peewee.Database, table: str) -> list[MonthTable]:
    """Every month table of ``table`` in this schema, oldest first, found by name."""
    rows = database.execute_sql(
        "SELECT c.relname, c.relispartition FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname ~ %s ORDER BY c.relname",
        (f"^{table}_y[0-9]{{4}}m[0-9]{{2}}$",)).fetchall()
    found = []
    for name, attached in rows:
        year, month = int(name[-7:-3]), int(name[-2:])
        found.append(MonthTable(name, month_start(year, month), month_start(*next_month(year, month)),
                                attached))
    return found


def detach_month(database: peewee.Database, table: str, name: str, lock_timeout_s: float = 5.0) -> None:
    """Detach a month's partition (its rows leave ``table``; later rows of that month go to the
    default partition). Detaching locks ``table`` against every reader and writer until its
    commit, which is at once; waiting for that lock gives up after ``lock_timeout_s`` (with a
    ``peewee.DatabaseError``) rather than queueing the uploads behind a long query."""
    with database.atomic():
        database.execute_sql(f"SET LOCAL lock_timeout = {int(lock_timeout_s * 1000)}")
        database.execute_sql("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"partition {table}",))
        database.execute_sql(f'ALTER TABLE "{table}" DETACH PARTITION "{name}"')
    log.info("detached partition %s", name)


def make_months_ahead(database: peewee.Database, table: str, column: str,
                      today: dt.date | None = None, ahead: int = MONTHS_AHEAD) -> list[str]:
    """This month's partition and the next ``ahead`` months'; the names of those made."""
    today = today or dt.datetime.now(dt.UTC).date()
    year, month, made = today.year, today.month, []
    for _ in range(ahead + 1):
        if make_month(database, table, column, year, month):
            made.append(partition_name(table, year, month))
        year, month = next_month(year, month)
    return made


def cluster_ended_months(database: peewee.Database, table: str, now: int | None = None,
                         lock_timeout_s: float = 5.0) -> list[str]:
    """Rewrite each month of ``table`` that ended ``SETTLE_DAYS`` ago, and was not yet, in its
    primary key's order; the names of those rewritten. An instance that finds another one at
    it, or cannot have the month's lock within ``lock_timeout_s``, leaves it for next time."""
    horizon = (now if now is not None else int(dt.datetime.now(dt.UTC).timestamp())) \
        - SETTLE_DAYS * 86400
    done = []
    for month in month_tables(database, table):
        if not month.attached or month.end > horizon:
            continue
        with database.atomic():
            key, clustered = database.execute_sql(
                "SELECT c.relname, i.indisclustered FROM pg_index i "
                "JOIN pg_class c ON c.oid = i.indexrelid "
                "WHERE i.indrelid = to_regclass(%s) AND i.indisprimary", (month.name,)).fetchone()
            if clustered or not database.execute_sql(
                    "SELECT pg_try_advisory_xact_lock(hashtext(%s))",
                    (f"cluster {month.name}",)).fetchone()[0]:
                continue
            database.execute_sql(f"SET LOCAL lock_timeout = {int(lock_timeout_s * 1000)}")
            database.execute_sql(f'CLUSTER "{month.name}" USING "{key}"')
            database.execute_sql(f'ANALYZE "{month.name}"')
        log.info("rewrote partition %s in device order", month.name)
        done.append(month.name)
    return done


class PartitionKeeper(UpkeepThread):
    """Makes the coming months' partitions at start and every few hours, and rewrites ended
    months in device order (``cluster_ended_months``), in a thread."""

    def __init__(self, database: peewee.Database, table: str, column: str) -> None:
        super().__init__(f"kegdash-partitions-{table}", CHECK_EVERY_S, self._keep,
                         f"cannot keep the month partitions of {table}")
        self.database, self.table, self.column = database, table, column

    def start(self) -> None:
        make_months_ahead(self.database, self.table, self.column)  # before the first insert
        db.close_thread_connection()
        super().start()

    def _keep(self, stop: threading.Event) -> None:
        make_months_ahead(self.database, self.table, self.column)
        cluster_ended_months(self.database, self.table)


def keeper_for(database: peewee.Database, table: str, column: str) -> PartitionKeeper | None:
    """A started keeper if ``database`` is PostgreSQL, else None (SQLite has no partitions)."""
    if not isinstance(database, peewee.PostgresqlDatabase):
        return None
    keeper = PartitionKeeper(database, table, column)
    keeper.start()
    return keeper
