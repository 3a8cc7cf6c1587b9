"""The hive readings on PostgreSQL, partitioned by month (migration 0008, ``pg_partitions``)."""

from __future__ import annotations

import datetime as dt

import pytest
from postgres_db import needs_postgres, opened

from kegdash import db as kdb
from kegdash import pg_partitions
from kegdash.accounts.users import create_user
from kegdash.accounts.views import by_username, principal
from kegdash.apiary.models import Reading
from kegdash.apiary.readings import store_reading

pytestmark = needs_postgres


@pytest.fixture
def database():
    with opened() as db:
        yield db


def partition_of(ts: int) -> str:
    return kdb.database.execute_sql("SELECT tableoid::regclass::text FROM reading WHERE ts = %s",
                                    (ts,)).fetchone()[0]


def store(ts: int, weight: float = 40.0) -> bool:
    """Whether a reading at ``ts`` was stored (False: a duplicate), for one beekeeper's scale."""
    owner = by_username("bee") or principal(create_user("bee"))
    return store_reading(owner, {"device_id": "scale-1", "timestamp": ts, "weight": weight}).stored


def test_readings_go_to_their_months_partition_made_ahead(database):
    relkind = database.execute_sql("SELECT relkind FROM pg_class WHERE relname = 'reading'").fetchone()[0]
    assert relkind == "p"
    made = pg_partitions.make_months_ahead(database, "reading", "ts", today=dt.date(2025, 11, 20), ahead=2)
    assert made == ["reading_y2025m11", "reading_y2025m12", "reading_y2026m01"]
    assert pg_partitions.make_months_ahead(database, "reading", "ts", today=dt.date(2025, 11, 20),
                                           ahead=2) == []
    last_second_of_2025 = int(dt.datetime(2026, 1, 1, tzinfo=dt.UTC).timestamp()) - 1
    assert store(last_second_of_2025) and store(last_second_of_2025 + 1)
    assert partition_of(last_second_of_2025) == "reading_y2025m12"
    assert partition_of(last_second_of_2025 + 1) == "reading_y2026m01"


def test_a_month_made_behind_its_readings_takes_them_from_the_default_partition(database):
    in_2001 = int(dt.datetime(2001, 3, 9, 12, tzinfo=dt.UTC).timestamp())
    assert store(in_2001)
    assert partition_of(in_2001) == "reading_default"
    assert pg_partitions.make_month(database, "reading", "ts", 2001, 3)
    assert partition_of(in_2001) == "reading_y2001m03"
    assert [r.ts for r in Reading.select()] == [in_2001]
    assert not pg_partitions.make_month(database, "reading", "ts", 2001, 3)
    assert not store(in_2001, weight=41.0)  # the key still refuses a duplicate


def test_an_ended_month_is_rewritten_in_device_order_once(database):
    """Gateways send every device's reading for a moment, then the next moment: the keeper
    rewrites an ended month so one device's readings lie together."""
    owner = by_username("bee") or principal(create_user("bee"))
    january, february = pg_partitions.month_start(2025, 1), pg_partitions.month_start(2025, 2)
    for month in (1, 2):
        pg_partitions.make_month(database, "reading", "ts", 2025, month)
    for step in range(50):  # time-major, as gateways send
        for device in range(4):
            for start in (january, february):
                store_reading(owner, {"device_id": f"scale-{device}", "timestamp": start + step * 300,
                                      "weight": 40.0 + device})

    def physical_order(table: str) -> list[tuple[int, int]]:
        return kdb.database.execute_sql(f'SELECT device_id, ts FROM "{table}" ORDER BY ctid').fetchall()

    assert physical_order("reading_y2025m01") != sorted(physical_order("reading_y2025m01"))
    # February ended less than SETTLE_DAYS ago: left alone; January is rewritten.
    now = pg_partitions.month_start(2025, 3) + (pg_partitions.SETTLE_DAYS * 86400) // 2
    assert pg_partitions.cluster_ended_months(database, "reading", now=now) == ["reading_y2025m01"]
    assert physical_order("reading_y2025m01") == sorted(physical_order("reading_y2025m01"))
    assert physical_order("reading_y2025m02") != sorted(physical_order("reading_y2025m02"))
    assert pg_partitions.cluster_ended_months(database, "reading", now=now) == []
    later = pg_partitions.month_start(2025, 3) + pg_partitions.SETTLE_DAYS * 86400 + 1
    assert pg_partitions.cluster_ended_months(database, "reading", now=later) == ["reading_y2025m02"]
    assert Reading.select().count() == 400  # nothing lost in the rewrite
