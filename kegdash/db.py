"""The database: one proxy every model binds to, opened from a URL and migrated on start.

SQLite (the default) runs in WAL mode with a busy timeout and ``BEGIN IMMEDIATE`` transactions:
measured in ``spec/stack.md`` §3.1 as the only setting with no "database is locked" errors when
the HTTP threads, the serial readers and the window write at once. peewee keeps one connection
per thread. Stored times are naive UTC datetimes; readings use integer epoch seconds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
import threading
from pathlib import Path

import peewee
from playhouse import db_url
from playhouse.migrations import Runner
from playhouse.pool import PooledDatabase

log = logging.getLogger(__name__)

database = peewee.DatabaseProxy()
generation = 0
"""Counts ``open_database`` calls, so caches of database content know when it was swapped."""
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "busy_timeout": 5000,
    "synchronous": "normal",
    "foreign_keys": 1,
    "cache_size": -16000,
}

WRITE_LOCK_TIMEOUT_S = SQLITE_PRAGMAS["busy_timeout"] / 1000


class DatabaseError(RuntimeError):
    """The database could not be opened or migrated; the message says which and why."""


class SerializedSqliteDatabase(peewee.SqliteDatabase):
    """SQLite whose write transactions queue on a Python lock before ``BEGIN IMMEDIATE``.

    SQLite admits one writer at a time anyway; without the lock the others wait in SQLite's
    busy handler, which sleeps in steps of up to 100 ms and is not woken when the lock frees
    (measured with py-spy under 50 concurrent drink posts: p99 ~460 ms → ~250 ms with the
    lock). Other processes (``kegdash admin``) still meet the busy timeout as before.

    The lock is waited for as long as SQLite's busy timeout, no longer: a writer stuck inside a
    transaction then makes the others fail with "database is locked", as SQLite itself would,
    instead of freezing every thread (the window's included) behind it.
    """

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._write_lock = threading.Lock()
        self._holder = threading.local()

    def _acquire(self) -> None:
        if not getattr(self._holder, "held", False):
            if not self._write_lock.acquire(timeout=WRITE_LOCK_TIMEOUT_S):
                raise peewee.OperationalError(
                    f"database is locked: another writer held it for over {WRITE_LOCK_TIMEOUT_S:g} s")
            self._holder.held = True

    def _release(self) -> None:
        if getattr(self._holder, "held", False):
            self._holder.held = False
            self._write_lock.release()

    def begin(self, lock_type: str | None = None) -> None:
        self._acquire()
        try:
            super().begin(lock_type)
        except BaseException:
            self._release()
            raise

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._release()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._release()

    def close(self) -> bool:
        try:
            return super().close()
        finally:
            self._release()


class BaseModel(peewee.Model):
    class Meta:
        database = database
        legacy_table_names = False


def serialize_step(name: str) -> None:
    """Inside a transaction: make other transactions wait at the same ``name`` until this one
    ends, for a read-then-write step (is there an open drinking session? else make one) that
    two writers must not interleave. SQLite has one writer at a time already (``BEGIN
    IMMEDIATE``); PostgreSQL takes a transaction-level advisory lock."""
    if isinstance(database.obj, peewee.PostgresqlDatabase):
        key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
        database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (key,))


def utcnow() -> dt.datetime:
    """Now in UTC as a naive datetime, the form every stored time takes."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def parse_id(text: str) -> int | None:
    """An integer primary key from URL text, or None: ASCII digits only (``'³'.isdigit()`` is
    true, but ``int()`` refuses it) and at most 18 of them, so it fits SQLite's INTEGER."""
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 18 else None


def new_public_id() -> str:
    """A 24-hex opaque id, the shape Tapline's clients expect for users, recipes and actions."""
    return secrets.token_hex(12)


def make_database(url: str) -> peewee.Database:
    """Build (not yet connect) the database object for a URL, with kegdash's SQLite settings."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///").split("?", 1)[0])
        if str(path) not in ("", ":memory:"):
            path.parent.mkdir(parents=True, exist_ok=True)
        params = db_url.parse(url)
        return SerializedSqliteDatabase(
            params.pop("database"), pragmas=SQLITE_PRAGMAS, lock_type="IMMEDIATE", **params
        )
    scheme, sep, rest = url.partition("://")
    extra = {}
    if scheme in ("postgres", "postgresql"):
        # A pool: an HTTP worker takes a connection per request and gives it back after
        # (release_connection), so no worker thread holds a server connection for its life.
        url = f"{scheme}+pool{sep}{rest}"
        if "options=" not in rest:
            # No JIT: kegdash's queries are short, and compiling one cost more than running it
            # (a device's year of readings: 114 ms of JIT on a query that runs in ~60 ms).
            extra["options"] = "-c jit=off"
    try:
        return db_url.connect(url, **extra)
    except (ValueError, RuntimeError, ImportError) as exc:
        raise DatabaseError(f"cannot use database {redact(url)}: {exc}") from None


def redact(url: str) -> str:
    """The URL with any password hidden, for logs and the status bar."""
    if "@" not in url or "://" not in url:
        return url
    scheme, rest = url.split("://", 1)
    creds, host = rest.rsplit("@", 1)
    user = creds.split(":", 1)[0]
    return f"{scheme}://{user}:***@{host}"


def open_database(url: str) -> peewee.Database:
    """Open the database at ``url``, bind every model to it and apply pending migrations."""
    global generation
    db = make_database(url)
    database.initialize(db)
    generation += 1
    try:
        db.connect(reuse_if_open=True)
        applied = migrate(db)
    except peewee.DatabaseError as exc:
        raise DatabaseError(f"cannot open database {redact(url)}: {exc}") from None
    if applied:
        log.info("database %s migrated: %s", redact(url), ", ".join(applied))
    return db


def migrate(db: peewee.Database, directory: Path = MIGRATIONS_DIR) -> list[str]:
    """Apply the numbered scripts of ``directory`` not yet recorded in ``schema_migration``."""
    return Runner(db, str(directory)).up()


def release_connection() -> None:
    """After an HTTP request: a pooled (PostgreSQL) connection goes back to its pool. SQLite
    keeps one connection per worker thread, measured faster (``spec/stack.md`` §3.2)."""
    if isinstance(database.obj, PooledDatabase) and not database.is_closed():
        database.close()


def close_thread_connection() -> None:
    """Close this thread's connection, if it has one: a thread that used the database does so
    as it ends, or its connection outlives it (on PostgreSQL, checked out of the pool for good)."""
    if database.obj is not None and not database.is_closed():
        database.close()


def close_database() -> None:
    """Close this thread's connection, if any (other threads close their own), and every idle
    connection of a pool."""
    if database.obj is None:
        return
    close_thread_connection()
    if isinstance(database.obj, PooledDatabase):
        database.obj.close_all()
