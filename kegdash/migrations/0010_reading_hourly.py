"""``reading_hourly``: one device's hive readings of one UTC hour, kept instead of the raw rows
once they pass the retention horizon (the ``readings_raw_months`` site setting,
``kegdash.apiary.retention``). Per measurement field: min and max (of the raw type: REAL on
PostgreSQL, as in ``reading``), sum (8 bytes, so the sums of REAL values stay exact) and count;
the average is sum / count. Keyed like ``reading``: ``(device_id, hour)``, ``WITHOUT ROWID`` on
SQLite. Not partitioned: an hour row stands for a dozen readings or more.
"""
from peewee import PostgresqlDatabase

FIELDS = (
    "temperature", "temperature_high", "temperature_average", "temperature_low",
    "humidity", "humidity_high", "humidity_average", "humidity_low",
    "weight", "signal_wifi", "signal_bluetooth", "battery",
)


def up(migrator, db):
    postgres = isinstance(db, PostgresqlDatabase)
    single, double = ("real", "double precision") if postgres else ("REAL", "REAL")
    quartets = ", ".join(f"{f}_min {single}, {f}_max {single}, {f}_sum {double}, {f}_count integer"
                         for f in FIELDS)
    db.execute_sql(
        "CREATE TABLE reading_hourly (device_id integer NOT NULL REFERENCES device (id) ON DELETE CASCADE, "
        f"hour bigint NOT NULL, {quartets}, PRIMARY KEY (device_id, hour))"
        + ("" if postgres else " WITHOUT ROWID"))


def down(migrator, db):
    db.execute_sql("DROP TABLE reading_hourly")
