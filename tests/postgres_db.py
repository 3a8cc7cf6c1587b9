"""The PostgreSQL database tests may wipe, named by ``KEGDASH_TEST_POSTGRES`` (``.ci/run``
starts one); tests that need it are skipped without it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import peewee
import pytest

from kegdash import db as kdb

URL = os.environ.get("KEGDASH_TEST_POSTGRES", "")
needs_postgres = pytest.mark.skipif(
    not URL, reason="set KEGDASH_TEST_POSTGRES=postgresql://user:pw@host/empty_db to run")


def emptied() -> str:
    """The test database emptied (every table dropped); its URL."""
    db = kdb.make_database(URL)
    db.connect()
    db.execute_sql("DROP SCHEMA public CASCADE")
    db.execute_sql("CREATE SCHEMA public")
    db.close()
    db.close_all()  # a pool: close() only gave the connection back
    return URL


@contextmanager
def opened() -> Iterator[peewee.Database]:
    """The test database emptied and opened by kegdash as on a first start (migrated); closed
    afterwards, with the proxy left empty so what runs next cannot use PostgreSQL by mistake."""
    kdb.open_database(emptied())
    try:
        yield kdb.database.obj
    finally:
        kdb.close_database()
        kdb.database.initialize(None)
