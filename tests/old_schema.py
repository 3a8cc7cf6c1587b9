"""Databases as an older kegdash left them, for the tests of the migrations that upgrade them."""

import shutil
from pathlib import Path

import peewee

from kegdash import db as kdb


def migrated_up_to(tmp_path: Path, last: int) -> peewee.Database:
    """A database with the migrations up to number ``last`` applied (and bound to the models)."""
    before = tmp_path / "before"
    before.mkdir()
    for script in kdb.MIGRATIONS_DIR.glob("[0-9][0-9][0-9][0-9]_*.py"):
        if int(script.name[:4]) <= last:
            shutil.copy(script, before)
    db = kdb.make_database(f"sqlite:///{tmp_path / 'old.sqlite'}")
    kdb.database.initialize(db)
    assert int(kdb.migrate(db, before)[-1][:4]) == last
    return db


def old_user(db: peewee.Database, name: str, *, staff: bool = False) -> int:
    """A user row in the columns migrations 0001-0004 made (today's model has more); its id."""
    cursor = db.execute_sql(
        'INSERT INTO "user" (public_id, username, image_url, confirmed, is_active, is_staff, '
        "is_superuser, joined, password_hash) "
        "VALUES (?, ?, '', 0, 1, ?, 0, '2024-01-01 00:00:00', 'x')",
        (kdb.new_public_id(), name, int(staff)))
    return cursor.lastrowid
