"""Run slow database work on a thread pool and hand the result back on the main thread.

The result travels by a signal of a main-thread QObject (queued delivery), never by
``QTimer.singleShot`` from the worker, which would never fire (``spec/stack.md`` §3.6). Each job
closes its thread's database connection, since peewee keeps one per thread; the database layer
is imported by the first job, off the GUI thread, so a window can paint before it is loaded (the
first job may be the one that opens the database).
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], token: int, runner: TaskRunner) -> None:
        super().__init__()
        self.fn = fn
        self.token = token
        self.finished = runner.finished

    def run(self) -> None:
        from kegdash.db import close_thread_connection

        result: Any = None
        error: BaseException | None = None
        try:
            result = self.fn()
        except Exception as exc:
            error = exc
        finally:
            close_thread_connection()
        self.finished.emit(self.token, result, error)


class TaskRunner(QObject):
    """A small pool of its own, so a page can wait for exactly its jobs when it closes."""

    finished = Signal(int, object, object)

    def __init__(self, parent: QObject | None = None, threads: int = 2) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(threads)
        self._tokens = itertools.count(1)
        self._callbacks: dict[int, tuple[Callable[[Any], None], Callable[[BaseException], None]]] = {}
        self.finished.connect(self._deliver)

    def submit(
        self,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None] | None = None,
    ) -> int:
        """Run ``fn()`` off the main thread; ``on_done(result)`` or ``on_error(exc)`` run on it."""
        token = next(self._tokens)
        self._callbacks[token] = (on_done, on_error or self._log_error)
        self.pool.start(_Job(fn, token, self))
        return token

    def busy(self) -> bool:
        return bool(self._callbacks)

    def pending(self) -> frozenset[int]:
        """The tokens of the jobs whose results have not been handed back yet."""
        return frozenset(self._callbacks)

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Drop queued jobs and wait for running ones, so no thread outlives the window."""
        self.pool.clear()
        self.pool.waitForDone(timeout_ms)
        self._callbacks.clear()

    def _deliver(self, token: int, result: Any, error: BaseException | None) -> None:
        callbacks = self._callbacks.pop(token, None)
        if callbacks is None:
            return
        on_done, on_error = callbacks
        if error is None:
            on_done(result)
        else:
            on_error(error)

    @staticmethod
    def _log_error(error: BaseException) -> None:
        log.error("background query failed: %s", error, exc_info=error)
