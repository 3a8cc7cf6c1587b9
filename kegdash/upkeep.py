"""A background chore of the server and the window, run in a thread of its own at start and then
every so often (the month partitions, the readings roll-up). A database error is logged and the
next round tries again; the thread's connection is closed after each round, so a pooled
PostgreSQL connection is not held between rounds."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import peewee

from kegdash import db

log = logging.getLogger(__name__)


class UpkeepThread:
    """``work`` at ``start()`` and every ``every_s`` after, until ``stop()``; ``work`` is given
    the stop event, so a long round can end early. ``failing`` says what could not be done."""

    def __init__(self, name: str, every_s: float, work: Callable[[threading.Event], None],
                 failing: str) -> None:
        self.every_s = every_s
        self._work = work
        self._failing = failing
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        while True:
            try:
                self._work(self._stop)
            except peewee.DatabaseError as exc:
                log.warning("%s: %s", self._failing, exc)
            finally:
                db.close_thread_connection()
            if self._stop.wait(self.every_s):
                return
