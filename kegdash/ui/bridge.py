"""Re-emit domain events as a Qt signal, so widgets update on the main thread.

Create the bridge and connect to it on the main thread; ``publish`` may then run on any thread
(HTTP workers, serial readers) and Qt queues delivery to the main thread (``spec/stack.md`` §3.6).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal

from kegdash.events import EventBus


class EventBridge(QObject):
    event = Signal(str, dict)

    def __init__(self, bus: EventBus, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._unsubscribe = bus.subscribe(self._forward)
        self.destroyed.connect(self._unsubscribe)

    def _forward(self, name: str, data: dict[str, Any]) -> None:
        self.event.emit(name, data)

    def detach(self) -> None:
        self._unsubscribe()
