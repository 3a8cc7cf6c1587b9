"""Re-emit domain events as a Qt signal, so widgets update on the main thread.

Create the bridge and connect to it on the main thread; ``publish`` may then run on any thread
(HTTP workers, serial readers) and Qt queues delivery to the main thread (``docs/architecture.md``).
Pour progress comes at 10–50 Hz per tap; the bridge does not forward each frame but, at most
every 100 ms, the running pours of the process-wide :class:`~kegdash.events.PourTracker` (the
same one the web tap list reads), so the window repaints at most about ten times a second and a
frame that arrives after its drink was recorded cannot reopen the pour.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from kegdash import events
from kegdash.events import EventBus, PourTracker

COALESCE_MS = 100


class EventBridge(QObject):
    event = Signal(object)
    """Every domain event (an :class:`~kegdash.events.Event`), on the main thread."""
    _progress_waiting = Signal()

    def __init__(self, bus: EventBus, parent: QObject | None = None,
                 pours: PourTracker = events.pours) -> None:
        super().__init__(parent)
        self.pours = pours
        pours.attach(bus)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(COALESCE_MS)
        self._timer.timeout.connect(self._flush)
        self._progress_waiting.connect(self._arm)
        self._unsubscribe = bus.subscribe(self._forward)
        self.destroyed.connect(self._unsubscribe)

    def _forward(self, event: events.Event) -> None:
        if isinstance(event, events.PourProgress):
            self._progress_waiting.emit()
        else:
            self.event.emit(event)

    def _arm(self) -> None:
        if not self._timer.isActive():
            self._timer.start()

    def _flush(self) -> None:
        for progress in self.pours.current().values():
            self.event.emit(progress)

    def detach(self) -> None:
        self._unsubscribe()
        self._timer.stop()
