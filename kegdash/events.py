"""A small thread-safe publish/subscribe bus between the domain and its listeners.

Each event is a frozen dataclass: its fields are the contract between publisher and listener,
so a missing ``tap_id`` is a TypeError at the publisher, not an event silently ignored by one
listener. Domain services publish *after* their transaction commits, so a listener on another
thread never sees a row that could still roll back. The UI bridges this bus to a Qt signal;
the web pages listen too (``PourTracker``). No Qt here.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)


class Event:
    """Base of every event on the bus."""


@dataclass(frozen=True, slots=True)
class DrinkPoured(Event):
    drink_id: int
    tap_id: int
    keg_id: int | None
    volume_ml: float


@dataclass(frozen=True, slots=True)
class DrinkCancelled(Event):
    drink_id: int
    tap_id: int | None
    keg_id: int | None
    volume_ml: float


@dataclass(frozen=True, slots=True)
class PourProgress(Event):
    """A pour still running on a tap's meter, ``volume_ml`` poured so far."""

    tap_id: int
    meter: str
    ticks: int
    volume_ml: float


@dataclass(frozen=True, slots=True)
class KegChanged(Event):
    """A keg's counters or state changed (pour, spill, cancel, start, end)."""

    keg_id: int
    tap_id: int | None


@dataclass(frozen=True, slots=True)
class TapChanged(Event):
    """A tap was added, removed or reconfigured."""

    tap_id: int


@dataclass(frozen=True, slots=True)
class TemperatureRecorded(Event):
    sensor_id: int
    sensor_name: str
    temp_c: float
    time: dt.datetime


@dataclass(frozen=True, slots=True)
class ReadingStored(Event):
    """A new hive reading (never a duplicate), values in °C / % / kg."""

    device_id: int
    device_uuid: str
    hive_id: int | None
    owner_id: int
    ts: int
    values: dict[str, float] = field(hash=False)


@dataclass(frozen=True, slots=True)
class RecipeSaved(Event):
    """A stored recipe changed; ``change`` is ``created``, ``updated``, ``deleted`` or ``restored``."""

    recipe_id: str
    recipe_name: str
    change: str


@dataclass(frozen=True, slots=True)
class DeviceStatus(Event):
    """A serial link's state, for the Devices page and the status bar."""

    device: str
    kind: str
    state: str
    error: str
    reconnects: int
    last_data: float | None
    counters: dict[str, object] = field(hash=False)


@dataclass(frozen=True, slots=True)
class PortsChanged(Event):
    """Serial ports came or went, from the hot-plug watcher."""

    appeared: tuple[str, ...]
    vanished: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SettingChanged(Event):
    """A site setting was stored, so open windows apply it at once."""

    key: str


Listener = Callable[[Event], None]


class EventBus:
    """Deliver events to every subscriber; a failing listener is logged, never propagated.

    An event is *relayed* when another kegdash instance published it and it reached this one
    through the database (``pg_bus``); listeners that act once per event across all instances
    (sending it on, counting it) subscribe with ``local_only`` and see only this process's own.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listeners: list[tuple[Listener, bool]] = []

    def subscribe(self, listener: Listener, *, local_only: bool = False) -> Callable[[], None]:
        """Add a listener for all events (with ``local_only``, for those published in this
        process); returns a function that removes it again."""
        entry = (listener, local_only)
        with self._lock:
            self._listeners.append(entry)

        def unsubscribe() -> None:
            with self._lock:
                if entry in self._listeners:
                    self._listeners.remove(entry)

        return unsubscribe

    def publish(self, event: Event, *, relayed: bool = False) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener, local_only in listeners:
            if relayed and local_only:
                continue
            try:
                listener(event)
            except Exception:
                log.exception("event listener %r failed on %r", listener, event)


bus = EventBus()
"""The process-wide bus; services publish here and the UI bridge subscribes to it."""


POUR_STALE_S = 5.0
"""A pour that sent no progress for this long was abandoned (too small to be a drink)."""


class PourTracker:
    """The latest progress of each running pour, until its drink is recorded or it goes quiet.

    One per process, shared by the window's bridge and the web tap list, so both show the same
    pours and a late progress frame never reopens a pour whose drink is already recorded.
    """

    def __init__(self, stale_s: float = POUR_STALE_S) -> None:
        self._lock = threading.Lock()
        self._stale_s = stale_s
        self._by_tap: dict[int, tuple[PourProgress, float]] = {}
        self._unsubscribe: Callable[[], None] | None = None

    def attach(self, on: EventBus) -> None:
        """Listen to ``on`` (once, however many times it is called)."""
        with self._lock:
            if self._unsubscribe is not None:
                return
            self._unsubscribe = on.subscribe(self._on_event)

    def _on_event(self, event: Event) -> None:
        with self._lock:
            if isinstance(event, PourProgress):
                self._by_tap[event.tap_id] = (event, time.monotonic())
            elif isinstance(event, DrinkPoured | KegChanged) and event.tap_id is not None:
                self._by_tap.pop(event.tap_id, None)

    def current(self) -> dict[int, PourProgress]:
        """Tap id → its running pour."""
        horizon = time.monotonic() - self._stale_s
        with self._lock:
            self._by_tap = {k: v for k, v in self._by_tap.items() if v[1] > horizon}
            return {tap_id: progress for tap_id, (progress, _) in self._by_tap.items()}


pours = PourTracker()
"""The process-wide tracker of running pours; attached to :data:`bus` by whoever shows pours."""

