"""Old hive readings rolled into hourly min/avg/max (``apiary.retention``), on SQLite files and,
with ``KEGDASH_TEST_POSTGRES``, on PostgreSQL's monthly partitions; and the charts reading them."""

from __future__ import annotations

import datetime as dt
import random
import time
from collections import defaultdict

import numpy as np
import peewee
import pytest
from polling import wait_for
from postgres_db import URL, needs_postgres, opened

from kegdash import db as kdb
from kegdash import pg_partitions
from kegdash.accounts.users import create_user
from kegdash.apiary import retention, views
from kegdash.apiary.models import Device, HourlyReading, Reading
from kegdash.apiary.reading_fields import MEASUREMENT_FIELDS
from kegdash.apiary.registry import add_apiary, add_device, add_hive
from kegdash.apiary.retention import PruneReport, ReadingPruner, horizon, prune_readings
from kegdash.apiary.series import Point, device_series, hive_series
from kegdash.db import database as db
from kegdash.site_settings import set_setting

DAY = 86400
HOUR = 3600
NOW = int(time.time())
EDGE = horizon(3, NOW)
"""Where three months' retention cuts, now: readings before it are rolled up."""


def utc(*when: int) -> int:
    return int(dt.datetime(*when, tzinfo=dt.UTC).timestamp())


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=needs_postgres)])
def engine(request):
    """A migrated database of either engine (PostgreSQL's is emptied first)."""
    if request.param == "sqlite":
        request.getfixturevalue("database")
        yield "sqlite"
    else:
        with opened():
            yield "postgresql"


@pytest.fixture
def hive(engine):
    owner = create_user("beeman")
    hive = add_hive(add_apiary("Ridge", owner).uuid, "H1")
    return hive, add_device(hive.uuid, "th"), add_device(hive.uuid, "scale")


def insert(rows: list[dict]) -> None:
    """Store raw readings, in multi-row INSERTs written here (peewee's ``insert_many`` spends
    seconds building thousands of rows)."""
    keys = ("device", "ts", *MEASUREMENT_FIELDS)
    one = f"({', '.join([db.param] * len(keys))}, {Reading.SOURCE_HTTP})"
    with db.atomic():
        for offset in range(0, len(rows), 500):
            chunk = rows[offset:offset + 500]
            db.execute_sql(f"INSERT INTO reading (device_id, ts, {', '.join(MEASUREMENT_FIELDS)}, source) "
                           f"VALUES {', '.join([one] * len(chunk))}",
                           [row.get(key) for row in chunk for key in keys])


def quarter(rng: random.Random, low: float, high: float) -> float:
    """A random value in steps of 0.25: exact in 4-byte floats, so sums are exact on both engines."""
    return rng.randrange(int(low * 4), int(high * 4)) / 4


def fill(device, start: int, end: int, step: int, seed: int = 1) -> list[dict]:
    rng = random.Random(seed)
    rows = [{"device": device.id, "ts": ts + rng.randrange(0, 60),
             "temperature": quarter(rng, 30, 37) if rng.random() > 0.1 else None,
             "humidity": quarter(rng, 50, 70),
             "weight": quarter(rng, 40, 60) if rng.random() > 0.5 else None}
            for ts in range(start, end, step)]
    insert(rows)
    return rows


def expected_hours(rows: list[dict], before: int) -> dict[tuple[int, int], dict[str, float | None]]:
    """The hour rows the raw ``rows`` before ``before`` make, computed in Python."""
    groups = defaultdict(list)
    for row in rows:
        if row["ts"] < before:
            groups[(row["device"], row["ts"] - row["ts"] % HOUR)].append(row)
    found = {}
    for key, members in groups.items():
        columns = {}
        for name in MEASUREMENT_FIELDS:
            values = [r[name] for r in members if r.get(name) is not None]
            columns |= {f"{name}_min": min(values, default=None), f"{name}_max": max(values, default=None),
                        f"{name}_sum": sum(values) if values else None, f"{name}_count": len(values) or None}
        found[key] = columns
    return found


def stored_hours() -> dict[tuple[int, int], dict[str, float | None]]:
    return {(row.device_id, row.hour): {name: getattr(row, name) for name in row.__data__
                                        if name not in ("device", "hour")}
            for row in HourlyReading.select()}


def quartet(row: HourlyReading, field: str) -> tuple:
    return tuple(getattr(row, f"{field}_{part}") for part in ("min", "max", "sum", "count"))


def raw_keys() -> list[tuple[int, int]]:
    return [(r.device_id, r.ts) for r in Reading.select().order_by(Reading.device, Reading.ts)]


def test_the_horizon_keeps_the_current_month_and_n_whole_ones_before_it():
    assert horizon(3, utc(2026, 12, 4, 18)) == utc(2026, 9, 1)
    assert horizon(1, utc(2026, 1, 1)) == utc(2025, 12, 1)
    assert horizon(12, utc(2026, 3, 31, 23, 59, 59)) == utc(2025, 3, 1)
    assert horizon(25, utc(2026, 2, 15)) == utc(2024, 1, 1)
    for now in range(utc(2024, 1, 1), utc(2028, 1, 1), 6 * HOUR):
        assert horizon(1, now) <= now - retention.ROLLED_BEFORE_S - DAY, "charts skip hour rows wrongly"


def test_old_readings_become_exact_hourly_rows_and_recent_ones_stay_raw(hive):
    _, th, scale = hive
    old = EDGE - 40 * DAY
    insert([
        {"device": th.id, "ts": old, "temperature": 34.25, "humidity": 60.5},
        {"device": th.id, "ts": old + 300, "temperature": 35.5},
        {"device": th.id, "ts": old + 600, "temperature": 36.75, "humidity": 61.0},
        {"device": th.id, "ts": old + 3599, "battery": 90.0},
        {"device": th.id, "ts": old + HOUR, "temperature": 30.0},
        {"device": th.id, "ts": EDGE - 1, "temperature": 33.0},
        {"device": th.id, "ts": EDGE, "temperature": 33.5},
        {"device": th.id, "ts": NOW - DAY, "temperature": 35.0},
        {"device": scale.id, "ts": old + 1800, "weight": 41.25},
    ])
    set_setting("readings_raw_months", 3)
    assert prune_readings(now=NOW) == PruneReport(3, EDGE, readings=7, hours=4)
    assert raw_keys() == [(th.id, EDGE), (th.id, NOW - DAY)]
    row = HourlyReading.get(device=th.id, hour=old)
    assert quartet(row, "temperature") == (34.25, 36.75, 106.5, 3)
    assert quartet(row, "humidity") == (60.5, 61.0, 121.5, 2)
    assert quartet(row, "battery") == (90.0, 90.0, 90.0, 1)
    assert quartet(row, "weight") == (None, None, None, None)
    assert HourlyReading.get(device=scale.id, hour=old).weight_sum == 41.25
    assert {(r.device_id, r.hour) for r in HourlyReading.select()} == {
        (th.id, old), (th.id, old + HOUR), (th.id, EDGE - HOUR), (scale.id, old)}
    assert device_series(th, "temperature", old, old + 2 * HOUR, bucket=0) == [
        Point(old, 34.25, 35.5, 36.75, 3), Point(old + HOUR, 30.0, 30.0, 30.0, 1)]
    Device.delete().where(Device.id == scale.id).execute()
    assert not HourlyReading.select().where(HourlyReading.device == scale.id).exists()


def test_with_the_setting_off_every_reading_is_kept(hive):
    _, th, _ = hive
    rows = fill(th, EDGE - 60 * DAY, NOW, 6 * HOUR)
    assert prune_readings(now=NOW) == PruneReport(None, None)
    assert len(raw_keys()) == len(rows) and HourlyReading.select().count() == 0


@pytest.mark.parametrize("value", [0, -1, 1201, 1.5, "12", True, [3]])
def test_bad_retention_values_are_refused_saying_what_is_expected(database, value):
    with pytest.raises(ValueError, match=r"readings_raw_months \(whole months from 1 to 1200, or null"):
        set_setting("readings_raw_months", value)


def test_retention_is_set_in_whole_months_or_turned_off(database):
    set_setting("readings_raw_months", 1200)
    set_setting("readings_raw_months", 1)
    set_setting("readings_raw_months", None)


def _fail_deleting(engine: str, ts: int) -> None:
    """A failure inside a roll-up transaction, after its hour rows were written: deleting the
    raw reading at ``ts`` raises."""
    if engine == "sqlite":
        db.execute_sql(f"CREATE TRIGGER pulled BEFORE DELETE ON reading WHEN OLD.ts = {ts} "
                       "BEGIN SELECT RAISE(ABORT, 'disk pulled'); END")
    else:
        db.execute_sql("CREATE FUNCTION pulled() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                       f"IF OLD.ts = {ts} THEN RAISE EXCEPTION 'disk pulled'; END IF; RETURN OLD; END $$")
        db.execute_sql("CREATE TRIGGER pulled BEFORE DELETE ON reading FOR EACH ROW "
                       "EXECUTE FUNCTION pulled()")


def test_a_run_that_fails_midway_loses_nothing_and_runs_again_count_nothing_twice(hive, engine,
                                                                                  monkeypatch):
    _, th, scale = hive
    monkeypatch.setattr(retention, "BATCH_ROWS", 20)  # many transactions for a few hundred rows
    rows = fill(th, EDGE - 3 * DAY, EDGE + DAY, 600) + fill(scale, EDGE - 2 * DAY, EDGE, 900, seed=2)
    old = sorted(r["ts"] for r in rows if r["device"] == th.id and r["ts"] < EDGE)
    _fail_deleting(engine, old[len(old) // 2])
    set_setting("readings_raw_months", 3)
    with pytest.raises(peewee.DatabaseError, match="disk pulled"):
        prune_readings(now=NOW)
    written, left = stored_hours(), set(raw_keys())
    expected = expected_hours(rows, EDGE)
    assert written and all(expected[key] == written[key] for key in written), "earlier batches are kept"
    assert {(r["device"], r["ts"]) for r in rows
            if (r["device"], r["ts"] - r["ts"] % HOUR) not in written} == left, \
        "an hour is either rolled up whole or left raw whole"

    db.execute_sql("DROP TRIGGER pulled" if engine == "sqlite" else "DROP TRIGGER pulled ON reading")
    report = prune_readings(now=NOW)
    assert report.readings == len(left) - sum(r["ts"] >= EDGE for r in rows)
    assert stored_hours() == expected
    assert set(raw_keys()) == {(r["device"], r["ts"]) for r in rows if r["ts"] >= EDGE}
    assert prune_readings(now=NOW) == PruneReport(3, EDGE)
    assert stored_hours() == expected


def _close(found: list[Point], wanted: list[Point]) -> None:
    assert [(p.ts, p.min, p.max, p.count) for p in found] == [(p.ts, p.min, p.max, p.count) for p in wanted]
    assert [p.avg for p in found] == pytest.approx([p.avg for p in wanted], rel=1e-9)


def test_charts_over_old_and_new_months_read_the_hourly_rows(hive):
    hive_row, th, scale = hive
    first = EDGE - 20 * DAY + 123
    fill(th, first, NOW, 1800)
    fill(scale, first, NOW, 3 * HOUR, seed=2)
    spans = [(first, NOW + 1, DAY), (first, NOW + 1, 7 * DAY), (EDGE - 3 * DAY, EDGE + 3 * DAY, HOUR)]
    before = {span: (device_series(th, "temperature", span[0], span[1], bucket=span[2]),
                     hive_series(hive_row.id, "weight", span[0], span[1], bucket=span[2])) for span in spans}
    year = views.hive_view(hive_row.id, NOW - 365 * DAY, NOW)
    old_day = device_series(th, "humidity", EDGE - 10 * DAY, EDGE - 9 * DAY, bucket=0)

    set_setting("readings_raw_months", 3)
    assert prune_readings(now=NOW).readings > 0
    assert not Reading.select().where(Reading.ts < EDGE).exists()
    for span, (device_points, hive_points) in before.items():
        device_after = device_series(th, "temperature", span[0], span[1], bucket=span[2])
        _close(device_after, device_points)
        _close(hive_series(hive_row.id, "weight", span[0], span[1], bucket=span[2]), hive_points)
    after = views.hive_view(hive_row.id, NOW - 365 * DAY, NOW)
    assert after.series.bucket_s == year.series.bucket_s
    for field in views.SERIES_FIELDS:
        assert np.array_equal(after.series.x[field], year.series.x[field])
        assert np.allclose(after.series.y[field], year.series.y[field], equal_nan=True)
    by_hour = defaultdict(list)
    for point in old_day:
        by_hour[point.ts - point.ts % HOUR].append(point.avg)
    assert device_series(th, "humidity", EDGE - 10 * DAY, EDGE - 9 * DAY, bucket=0) == pytest.approx([
        Point(hour, min(v), sum(v) / len(v), max(v), len(v)) for hour, v in sorted(by_hour.items())])
    assert views.first_reading_ts(hive_row.id) == first - first % HOUR
    recent = device_series(th, "temperature", NOW - 3 * DAY, NOW + 1)
    assert recent and recent[0].ts >= NOW - 3 * DAY - HOUR


def test_the_upkeep_rolls_old_readings_up_in_the_background(hive):
    _, th, _ = hive
    fill(th, EDGE - 5 * DAY, NOW, 2 * HOUR)
    set_setting("readings_raw_months", 3)
    pruner = ReadingPruner()
    pruner.start()
    try:
        assert wait_for(lambda: not Reading.select().where(Reading.ts < EDGE).exists())
        assert HourlyReading.select().count() > 0
    finally:
        pruner.stop()
    assert not pruner._thread.is_alive()


@pytest.fixture
def postgres():
    with opened() as database:
        yield database


@needs_postgres
def test_whole_months_are_rolled_up_and_their_partitions_dropped(postgres):
    th = add_device(add_hive(add_apiary("Ridge", create_user("beeman")).uuid, "H1").uuid, "th")
    edge = dt.datetime.fromtimestamp(EDGE, dt.UTC)
    months = [divmod(edge.year * 12 + edge.month - 1 - back, 12) for back in (2, 1)]
    months = [(year, month + 1) for year, month in months]
    for year, month in months:
        pg_partitions.make_month(postgres, "reading", "ts", year, month)
    pg_partitions.make_months_ahead(postgres, "reading", "ts")
    first = pg_partitions.month_start(*months[0])
    rows = fill(th, first, NOW, 1800)
    older, newer = (pg_partitions.partition_name("reading", *month) for month in months)
    pg_partitions.detach_month(postgres, "reading", older)  # as a run stopped after detaching it
    assert [(t.name, t.attached) for t in pg_partitions.month_tables(postgres, "reading")][:2] == [
        (older, False), (newer, True)]

    set_setting("readings_raw_months", 3)
    report = prune_readings(now=NOW)
    assert report.partitions == (older, newer)
    assert report.readings == sum(r["ts"] < EDGE for r in rows)
    assert all(t.start >= EDGE for t in pg_partitions.month_tables(postgres, "reading"))
    assert stored_hours() == expected_hours(rows, EDGE)
    assert len(raw_keys()) == sum(r["ts"] >= EDGE for r in rows)

    rolled = min(stored_hours())[1]
    late = [{"device": th.id, "ts": rolled + 7, "temperature": 20.0},  # a resend into a rolled hour
            {"device": th.id, "ts": first - DAY, "temperature": 21.0}]  # an hour never seen
    insert(late)
    assert prune_readings(now=NOW) == PruneReport(3, EDGE, readings=2, hours=1)
    assert stored_hours() == expected_hours(rows + late[1:], EDGE), "a rolled hour is final"


@needs_postgres
def test_a_second_instance_skips_while_one_is_pruning(postgres):
    set_setting("readings_raw_months", 3)
    other = kdb.make_database(URL)
    other.connect()
    try:
        other.execute_sql("SELECT pg_advisory_lock(hashtext('kegdash prune readings'))")
        assert prune_readings(now=NOW) == PruneReport(3, EDGE, busy=True)
        other.execute_sql("SELECT pg_advisory_unlock(hashtext('kegdash prune readings'))")
        assert prune_readings(now=NOW) == PruneReport(3, EDGE)
    finally:
        other.close()
        other.close_all()
