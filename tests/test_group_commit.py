"""Group commit on a real SQLite file with real threads: writes queued behind a commit share the
next one, each caller is answered only after the commit that holds its write, and a write that
fails is refused alone."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator

import peewee
import pytest
from polling import wait_for

from kegdash import db as kdb
from kegdash.db import close_thread_connection
from kegdash.group_commit import GroupCommit


@pytest.fixture
def table(database) -> Iterator[sqlite3.Connection]:
    """A table of numbers (no key, so a write stored twice would show) and a connection of its
    own that sees only what is committed."""
    kdb.database.execute_sql("CREATE TABLE numbers (n INTEGER NOT NULL)")
    observer = sqlite3.connect(database.removeprefix("sqlite:///"), check_same_thread=False)
    yield observer
    observer.close()


_observing = threading.Lock()  # the callers' threads share the observer's connection


def committed(observer: sqlite3.Connection) -> list[int]:
    """The numbers stored and committed, as another connection sees them."""
    with _observing:
        return sorted(n for (n,) in observer.execute("SELECT n FROM numbers"))


def insert(n: int) -> Callable[[], int]:
    def work() -> int:
        kdb.database.execute_sql("INSERT INTO numbers (n) VALUES (?)", (n,))
        return n
    return work


class Caller(threading.Thread):
    """Runs one write through ``commits``; keeps its answer or error, and whether the write was
    already committed when the answer came."""

    def __init__(self, commits: GroupCommit, work: Callable[[], int],
                 observer: sqlite3.Connection) -> None:
        super().__init__()
        self.commits, self.work, self.observer = commits, work, observer
        self.answer: int | None = None
        self.error: Exception | None = None
        self.stored_when_answered = False

    def run(self) -> None:
        try:
            self.answer = self.commits.run(self.work)
            self.stored_when_answered = self.answer in committed(self.observer)
        except Exception as exc:
            self.error = exc
        finally:
            close_thread_connection()


def behind_a_held_write(commits: GroupCommit, works: list[Callable[[], int]],
                        observer: sqlite3.Connection) -> tuple[Caller, list[Caller]]:
    """Queue ``works`` (one thread each) while a first write is being committed, then let the
    first one finish: the queued ones are then committed as one group."""
    entered, gate = threading.Event(), threading.Event()

    def held() -> int:
        kdb.database.execute_sql("INSERT INTO numbers (n) VALUES (0)")
        entered.set()
        gate.wait(10)
        return 0

    first = Caller(commits, held, observer)
    first.start()
    assert entered.wait(10)
    callers = [Caller(commits, work, observer) for work in works]
    for caller in callers:
        caller.start()
    assert wait_for(lambda: len(commits._queue) == 1 + len(works))  # all queued behind ``held``
    gate.set()
    for caller in (first, *callers):
        caller.join(10)
        assert not caller.is_alive()
    return first, callers


def test_writes_queued_behind_a_commit_share_the_next_one(table):
    commits = GroupCommit()
    seen: list[tuple[int, list[int]]] = []  # (thread, committed rows) as each queued write ran

    def observed(n: int) -> Callable[[], int]:
        def work() -> int:
            seen.append((threading.get_ident(), committed(table)))
            return insert(n)()
        return work

    first, callers = behind_a_held_write(commits, [observed(n) for n in range(1, 11)], table)
    assert first.answer == 0 and [c.answer for c in callers] == list(range(1, 11))
    assert len({thread for thread, _ in seen}) == 1  # one thread ran the group …
    assert all(rows == [0] for _, rows in seen)  # … in one transaction: none visible before its end
    assert all(c.stored_when_answered for c in (first, *callers))
    assert committed(table) == list(range(11))


def test_a_write_that_raises_is_refused_alone(table):
    def refused() -> int:
        insert(99)()
        raise ValueError("bad pour")

    first, callers = behind_a_held_write(
        GroupCommit(), [insert(1), refused, insert(2), insert(3)], table)
    assert isinstance(callers[1].error, ValueError) and callers[1].answer is None
    assert [c.answer for c in callers] == [1, None, 2, 3]
    assert committed(table) == [0, 1, 2, 3]  # its own row undone, the others' kept


def test_a_database_error_in_a_group_fails_only_its_write_and_stores_the_others_once(table):
    def broken() -> int:
        insert(98)()
        kdb.database.execute_sql("INSERT INTO no_such_table (n) VALUES (1)")
        return 98

    _, callers = behind_a_held_write(GroupCommit(), [insert(1), broken, insert(2)], table)
    assert isinstance(callers[1].error, peewee.OperationalError)
    assert [callers[0].answer, callers[2].answer] == [1, 2]
    assert committed(table) == [0, 1, 2]  # the group undone and run again write by write


def test_a_write_inside_a_transaction_runs_in_it_at_once(table):
    commits = GroupCommit()
    with pytest.raises(RuntimeError), kdb.database.atomic():
        assert commits.run(insert(5)) == 5
        assert committed(table) == []  # not committed on its own …
        raise RuntimeError("undo")
    assert committed(table) == []  # … and undone with the transaction it joined


def test_many_threads_every_acknowledged_write_stored_once(table):
    commits = GroupCommit(max_group=8)
    acknowledged: list[list[int]] = [[] for _ in range(16)]

    def writer(t: int) -> None:
        try:
            for i in range(40):
                acknowledged[t].append(commits.run(insert(t * 1000 + i)))
        finally:
            close_thread_connection()

    threads = [threading.Thread(target=writer, args=(t,)) for t in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = sorted(n for per_thread in acknowledged for n in per_thread)
    assert len(every) == 16 * 40
    assert committed(table) == every
    assert not commits._queue
