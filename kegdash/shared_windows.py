"""Sliding windows of event times per key, kept in PostgreSQL so that every kegdash instance on
one database counts into the same window: the Beekeeping rate limit and the password throttle
then hold however the requests are spread over the instances.

A key's row keeps at most ``limit`` times (the newest), and one call of ``kegdash_window_hit``
(migration 0007) reads, trims and extends it under the row's lock, with the database's clock,
so concurrent instances never both take the last slot. On SQLite (one process) callers count in
memory instead: :func:`in_use` says which.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import peewee

from kegdash import db

PRUNE_EVERY_S = 60.0
IDLE_S = 3600.0
"""A key with no event for this long is deleted (longer than any window counted here)."""

_next_prune = 0.0


@dataclass(frozen=True, slots=True)
class Window:
    """A key's recent times (oldest first) and the database's now, in epoch seconds."""

    allowed: bool
    times: tuple[float, ...]
    now: float

    def wait(self, limit: int, window: float) -> float:
        """Seconds until fewer than ``limit`` times are left in the window."""
        if len(self.times) < limit:
            return 0.0
        return max(0.0, self.times[-limit] + window - self.now)


def in_use() -> bool:
    """Whether the open database shares windows between instances (PostgreSQL)."""
    return isinstance(db.database.obj, peewee.PostgresqlDatabase)


def hit(key: str, limit: int, window: float, *, always: bool = False) -> Window:
    """Count one event for ``key`` if fewer than ``limit`` are in the last ``window`` seconds
    (``allowed``); with ``always``, count it anyway (a failure to remember, not a request to
    admit). The row keeps the newest ``limit`` times."""
    _prune_now_and_then()
    allowed, times, now = db.database.execute_sql(
        "SELECT * FROM kegdash_window_hit(%s, %s, %s, %s)", (key, limit, window, always)).fetchone()
    return Window(allowed, tuple(times), now)


def peek(key: str, window: float) -> Window:
    """The key's times in the last ``window`` seconds, counting nothing."""
    row = db.database.execute_sql(
        "SELECT extract(epoch FROM clock_timestamp())::float8, "
        "(SELECT hits FROM rate_window WHERE key = %s)", (key,)).fetchone()
    now, times = row[0], row[1] or []
    return Window(True, tuple(t for t in times if t > now - window), now)


def clear(key: str) -> None:
    db.database.execute_sql("DELETE FROM rate_window WHERE key = %s", (key,))


def _prune_now_and_then() -> None:
    """Once a minute per process: drop keys idle for an hour (the table stays the size of the
    clients seen lately)."""
    global _next_prune
    now = time.monotonic()
    if now < _next_prune:
        return
    _next_prune = now + PRUNE_EVERY_S
    db.database.execute_sql(
        "DELETE FROM rate_window WHERE cardinality(hits) = 0 "
        "OR hits[cardinality(hits)] < extract(epoch FROM clock_timestamp()) - %s", (IDLE_S,))
