"""Group commit: writes that arrive while one is being committed are committed together.

Under 50 concurrent drink posts each HTTP thread ran a transaction of its own, and a third of
the time went to waiting for the process-wide write lock (``db.SerializedSqliteDatabase``):
Python's lock is not fair, so an unlucky request lost it many times over (p99 160–460 ms).
Here writes queue, first come first served. The thread whose write is first in the queue leads:
it takes the writes queued behind it too (up to ``MAX_GROUP``), runs each in a savepoint of one
transaction, commits once, answers them, and hands the queue to the next thread waiting. A
caller is answered only after the commit that contains its write. Nobody waits when nobody else
writes: a lone write runs in its own transaction on its own thread, as before. No writer thread
is added: the callers' threads do the work, so no write pays a hand-over to another thread and
back.

A write that raises is undone alone (its savepoint) and its caller gets the exception; the
others of the group are committed. A database error in a group may have ended the transaction
itself (SQLite rolls back on a full disk or an I/O error), so the group is rolled back and each
of its writes runs again in a transaction of its own: a write must touch only the database, so
that running it twice is harmless.

PostgreSQL goes through the same queue: pours there wait for one another anyway (the keg's row,
the session's advisory lock), and a group flushes its log once instead of once per pour.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from itertools import islice
from typing import Any, TypeVar

import peewee

from kegdash.db import database

T = TypeVar("T")

MAX_GROUP = 64
"""Writes per transaction at most, so the thread that leads is not kept long for the others."""

_SAVEPOINT = "group_write"  # one name for every write: the statements' text, and so their plan, is reused


class _Write:
    """A queued write, its outcome, and the lock its thread waits on until it has one or leads."""

    __slots__ = ("work", "turn", "done", "result", "error")

    def __init__(self, work: Callable[[], Any]) -> None:
        self.work = work
        self.turn = threading.Lock()
        self.turn.acquire()  # released when the write is done, or when its thread is to lead
        self.done = False
        self.result: Any = None
        self.error: BaseException | None = None

    def settle(self, result: Any, error: BaseException | None) -> None:
        self.result, self.error, self.done = result, error, True

    def answer(self) -> Any:
        if self.error is not None:
            raise self.error
        return self.result

    def attempt_in_savepoint(self) -> tuple[Any, Exception | None]:
        """Run inside the group's transaction: the result, or the error that undid it. A
        database error is raised instead, since the group's transaction may be gone with it."""
        database.execute_sql(f"SAVEPOINT {_SAVEPOINT}")
        try:
            result = self.work()
        except peewee.DatabaseError:
            raise
        except Exception as exc:
            database.execute_sql(f"ROLLBACK TO SAVEPOINT {_SAVEPOINT}")
            database.execute_sql(f"RELEASE SAVEPOINT {_SAVEPOINT}")
            return None, exc
        database.execute_sql(f"RELEASE SAVEPOINT {_SAVEPOINT}")
        return result, None

    def alone(self) -> None:
        """Run in a transaction of its own and settle."""
        try:
            with database.atomic():
                result = self.work()
        except Exception as exc:
            self.settle(None, exc)
        else:
            self.settle(result, None)


def _commit(group: list[_Write]) -> None:
    """Run and settle ``group``: one transaction, a savepoint per write."""
    if len(group) == 1:
        group[0].alone()
        return
    begun = False
    try:
        with database.atomic():
            begun = True
            outcomes = [write.attempt_in_savepoint() for write in group]
    except Exception as exc:
        if not begun:  # BEGIN failed (the database is locked, or gone): nothing ran
            for write in group:
                write.settle(None, exc)
        else:  # a write broke the transaction, or COMMIT failed: each again, alone
            for write in group:
                write.alone()
        return
    for write, (result, error) in zip(group, outcomes, strict=True):
        write.settle(result, error)


class GroupCommit:
    """A first-come-first-served queue of writes, committed in groups by the callers' threads."""

    def __init__(self, max_group: int = MAX_GROUP) -> None:
        self.max_group = max_group
        self._mutex = threading.Lock()
        self._queue: deque[_Write] = deque()

    def run(self, work: Callable[[], T]) -> T:
        """``work``'s result once the transaction that contains it is committed; its exception
        if it raised. A caller already inside a transaction runs ``work`` in it, at once: no
        group could begin while that transaction holds the database."""
        if database.in_transaction():
            with database.atomic():
                return work()
        write = _Write(work)
        with self._mutex:
            self._queue.append(write)
            leads = len(self._queue) == 1
        if not leads:
            write.turn.acquire()
            if write.done:
                return write.answer()
        self._lead()
        return write.answer()

    def _lead(self) -> None:
        """Commit the writes at the head of the queue (this thread's first), then wake the
        thread of the next write still queued, to lead, and the threads of the group."""
        with self._mutex:
            group = list(islice(self._queue, self.max_group))
        try:
            _commit(group)
        except BaseException as exc:  # not from a write (each settles its own): never leave one waiting
            for write in group:
                if not write.done:
                    write.settle(None, exc)
            raise
        finally:
            with self._mutex:
                for _ in group:
                    self._queue.popleft()
                following = self._queue[0] if self._queue else None
            if following is not None:
                following.turn.release()
            for write in group[1:]:
                write.turn.release()


writes = GroupCommit()
"""The process's queue of grouped writes (pours, ``bar.drinks``); SQLite has one writer anyway."""
