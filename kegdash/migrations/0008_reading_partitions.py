"""PostgreSQL only: the hive readings table partitioned by month of ``ts`` (declarative range
partitioning), for hundreds of devices' years. The rows are copied into the new table; months
with rows get their partition, everything else (and every new month until the server makes its
partition, ``kegdash.pg_partitions``) goes to ``reading_default``. The primary key
``(device_id, ts)`` is each partition's index; the separate ``device_id`` index is not kept (the
key's first column serves). SQLite keeps its one ``WITHOUT ROWID`` table.
"""
import datetime as dt

from peewee import PostgresqlDatabase

COLUMNS = """
    device_id integer NOT NULL REFERENCES device (id) ON DELETE CASCADE,
    ts bigint NOT NULL,
    temperature real, temperature_high real, temperature_average real, temperature_low real,
    humidity real, humidity_high real, humidity_average real, humidity_low real,
    weight real, signal_wifi real, signal_bluetooth real, battery real,
    source smallint NOT NULL,
    PRIMARY KEY (device_id, ts)
"""


def _epoch(year, month):
    return int(dt.datetime(year, month, 1, tzinfo=dt.UTC).timestamp())


def up(migrator, db):
    if not isinstance(db, PostgresqlDatabase):
        return
    db.execute_sql("ALTER TABLE reading RENAME TO reading_unpartitioned")
    db.execute_sql("ALTER TABLE reading_unpartitioned RENAME CONSTRAINT reading_pkey TO reading_unpartitioned_pkey")
    db.execute_sql("ALTER TABLE reading_unpartitioned RENAME CONSTRAINT reading_device_id_fkey "
                   "TO reading_unpartitioned_device_id_fkey")
    db.execute_sql(f"CREATE TABLE reading ({COLUMNS}) PARTITION BY RANGE (ts)")
    db.execute_sql("CREATE TABLE reading_default PARTITION OF reading DEFAULT")
    months = db.execute_sql(
        "SELECT DISTINCT extract(year FROM to_timestamp(ts) AT TIME ZONE 'UTC')::int, "
        "extract(month FROM to_timestamp(ts) AT TIME ZONE 'UTC')::int FROM reading_unpartitioned "
        "WHERE ts BETWEEN 0 AND 32503680000").fetchall()  # years 1970 to 3000
    for year, month in months:
        following = (year + 1, 1) if month == 12 else (year, month + 1)
        db.execute_sql(f"CREATE TABLE reading_y{year:04d}m{month:02d} PARTITION OF reading "
                       f"FOR VALUES FROM ({_epoch(year, month)}) TO ({_epoch(*following)})")
    db.execute_sql("INSERT INTO reading SELECT device_id, ts, temperature, temperature_high, "
                   "temperature_average, temperature_low, humidity, humidity_high, humidity_average, "
                   "humidity_low, weight, signal_wifi, signal_bluetooth, battery, source "
                   "FROM reading_unpartitioned")
    db.execute_sql("DROP TABLE reading_unpartitioned")


def down(migrator, db):
    if not isinstance(db, PostgresqlDatabase):
        return
    db.execute_sql("ALTER TABLE reading RENAME TO reading_partitioned")
    db.execute_sql(f"CREATE TABLE reading ({COLUMNS.replace('PRIMARY KEY', 'CONSTRAINT reading_pkey PRIMARY KEY')})")
    db.execute_sql("CREATE INDEX reading_device_id ON reading (device_id)")
    db.execute_sql("INSERT INTO reading SELECT * FROM reading_partitioned")
    db.execute_sql("DROP TABLE reading_partitioned CASCADE")
