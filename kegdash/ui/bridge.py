"""Re-emit domain events as a Qt signal, so widgets update on the main thread.

Create the bridge and connect to it on the main thread; ``publish`` may then run on any thread
(HTTP workers, serial readers) and Qt queues delivery to the main thread (``spec/stack.md`` §3.6).
Pour progress comes at 10–50 Hz per tap; the bridge keeps only the latest per tap and emits
them from a 100 ms single-shot timer, so the window repaints at most about ten times a second.
"""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from kegdash import events
from kegdash.events import EventBus

COALESCE_MS = 100


class EventBridge(QObject):
    event = Signal(str, dict)
    _progress_waiting = Signal()

    def __init__(self, bus: EventBus, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._lock = threading.Lock()
        self._pending: dict[Any, dict[str, Any]] = {}
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(COALESCE_MS)
        self._timer.timeout.connect(self._flush)
        self._progress_waiting.connect(self._arm)
        self._unsubscribe = bus.subscribe(self._forward)
        self.destroyed.connect(self._unsubscribe)

    def _forward(self, name: str, data: dict[str, Any]) -> None:
        if name == events.POUR_PROGRESS:
            key = data.get("tap_id") or data.get("meter")
            with self._lock:
                first = not self._pending
                self._pending[key] = data
            if first:
                self._progress_waiting.emit()
            return
        if name == events.DRINK_POURED:
            # A progress frame still waiting must not reopen a pour that has just ended.
            with self._lock:
                self._pending = {
                    key: value for key, value in self._pending.items()
                    if value.get("tap_id") not in (None, data.get("tap_id"))
                }
        self.event.emit(name, data)

    def _arm(self) -> None:
        if not self._timer.isActive():
            self._timer.start()

    def _flush(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, {}
        for data in pending.values():
            self.event.emit(events.POUR_PROGRESS, data)

    def detach(self) -> None:
        self._unsubscribe()
        self._timer.stop()
