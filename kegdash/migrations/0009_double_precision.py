"""Volumes, gravities and coordinates as 8-byte floats on PostgreSQL.

peewee's ``FloatField`` is ``REAL`` there: 4 bytes, about 7 digits, so a keg's served volume
drifted from the sum of its drinks after a few hundred pours (4537.4507 against 4537.4425) and a
gravity of 1.054 came back as 1.0540000200271606. SQLite stores every float in 8 bytes already.
Hive readings stay ``REAL``: sensors give fewer digits than that, and the table is the big one.
"""

COLUMNS = (
    ("user", "longitude"), ("user", "latitude"),
    ("keg_size", "volume_ml"),
    ("beverage", "abv"), ("beverage", "calories_oz"),
    ("thermo_log", "temp_c"),
    ("keg", "full_volume_ml"), ("keg", "served_ml"), ("keg", "spilled_ml"),
    ("tap", "ml_per_tick"),
    ("flow_meter", "ticks_per_ml"),
    ("drinking_session", "volume_ml"),
    ("drink", "volume_ml"),
    ("recipe", "og"), ("recipe", "fg"), ("recipe", "ibu"), ("recipe", "abv"), ("recipe", "color"),
    ("apiary", "latitude"), ("apiary", "longitude"),
)


def _retype(db, sql_type):
    from peewee import PostgresqlDatabase

    if not isinstance(db, PostgresqlDatabase):
        return
    for table, column in COLUMNS:
        db.execute_sql(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" TYPE {sql_type}')


def up(migrator, db):
    _retype(db, "DOUBLE PRECISION")


def down(migrator, db):
    _retype(db, "REAL")
