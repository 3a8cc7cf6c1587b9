"""A small thread-safe publish/subscribe bus between the domain and its listeners.

Domain services publish plain data (names, ids, numbers) *after* their transaction commits,
so a listener on another thread never sees a row that could still roll back. The UI bridges
this bus to Qt signals; the server and hardware layers may listen too. No Qt here.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

Listener = Callable[[str, dict[str, Any]], None]

DRINK_POURED = "drink_poured"
DRINK_CANCELLED = "drink_cancelled"
POUR_PROGRESS = "pour_progress"
KEG_CHANGED = "keg_changed"
TAP_CHANGED = "tap_changed"
TEMPERATURE_RECORDED = "temperature_recorded"
READING_STORED = "reading_stored"
RECIPE_SAVED = "recipe_saved"
DEVICE_STATUS = "device_status"
PORTS_CHANGED = "ports_changed"
"""Serial ports came or went (``appeared`` and ``vanished`` paths), from the hot-plug watcher."""
SETTING_CHANGED = "site_setting_changed"
"""A site setting was stored (``key``), so open windows apply it at once."""


class EventBus:
    """Deliver events to every subscriber; a failing listener is logged, never propagated."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listeners: list[Listener] = []

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        """Add a listener for all events; returns a function that removes it again."""
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return unsubscribe

    def publish(self, name: str, **data: Any) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(name, data)
            except Exception:
                log.exception("event listener %r failed on %s", listener, name)


bus = EventBus()
"""The process-wide bus; services publish here and the UI bridge subscribes to it."""
