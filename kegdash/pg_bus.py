"""The event bus across instances: on PostgreSQL, domain events go through ``LISTEN/NOTIFY``.

Every kegdash instance on one database runs a relay: events its own process publishes (pours,
drinks, kegs, readings, settings…) are sent with ``pg_notify`` as JSON, tagged with the
instance's id; events from the other instances are published on the local bus as *relayed*
(``EventBus.publish(relayed=True)``), so local-only listeners (this relay, the metrics) neither
send them on nor count them twice. A TV page or window on any instance thus sees every pour,
and a setting changed anywhere drops the cached value everywhere (``site_settings``).

Two connections of its own, outside peewee's pool: the listener's waits for notifications,
the sender's sends from a queue, so a publisher (a serial reader thread) never waits on the
network. A lost connection is retried every few seconds; events of that gap are not replayed
(the settings cache expires within a second anyway). SQLite keeps the in-process bus only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import queue
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import peewee

from kegdash import events, metrics

log = logging.getLogger(__name__)

CHANNEL = "kegdash_events"
MAX_PAYLOAD_BYTES = 7999
"""PostgreSQL refuses a NOTIFY payload of 8,000 bytes or more."""
RETRY_S = 2.0
WAIT_S = 0.5
"""How long the threads block before looking at the stop flag again."""
QUEUE_MAX = 10_000
"""Events waiting to be sent; past it (PostgreSQL unreachable for long) new ones are dropped."""

RELAYED: dict[str, type[events.Event]] = {kind.__name__: kind for kind in (
    events.PourProgress, events.DrinkPoured, events.DrinkCancelled, events.KegChanged,
    events.TapChanged, events.TemperatureRecorded, events.ReadingStored, events.RecipeSaved,
    events.SettingChanged,
)}
"""What other instances need to show and apply; device status and serial ports stay local."""


def encode(event: events.Event, instance: str, sent: float) -> str | None:
    """The NOTIFY payload of ``event``, or None if it is not relayed or too large."""
    kind = type(event).__name__
    if kind not in RELAYED:
        return None
    fields = {}
    for field in dataclasses.fields(event):  # type: ignore[arg-type]
        value = getattr(event, field.name)
        fields[field.name] = value.isoformat() if isinstance(value, dt.datetime) else value
    payload = json.dumps({"i": instance, "s": sent, "t": kind, "f": fields}, separators=(",", ":"))
    if len(payload.encode()) > MAX_PAYLOAD_BYTES:
        log.warning("%s not relayed: its payload is %d bytes", kind, len(payload.encode()))
        return None
    return payload


def decode(payload: str) -> tuple[str, float, events.Event]:
    """(instance, sent, event) of a payload ``encode`` made; ValueError/KeyError/TypeError if not."""
    message = json.loads(payload)
    kind = RELAYED[message["t"]]
    fields = dict(message["f"])
    for field in dataclasses.fields(kind):  # type: ignore[arg-type]
        if field.type in ("dt.datetime", dt.datetime):
            fields[field.name] = dt.datetime.fromisoformat(fields[field.name])
    return str(message["i"]), float(message["s"]), kind(**fields)


class PgEventRelay:
    """Sends this process's events to the other instances and publishes theirs locally."""

    def __init__(self, connect: dict[str, Any], bus: events.EventBus) -> None:
        self.connect = connect
        """``psycopg.connect`` arguments (the database's own, without peewee's pool)."""
        self.bus = bus
        self.instance = uuid.uuid4().hex
        self.listening = threading.Event()
        """Set while the listener is subscribed to the channel (tests wait on it)."""
        self._outbox: queue.Queue[str] = queue.Queue(QUEUE_MAX)
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._unsubscribe = lambda: None

    def start(self) -> None:
        self._stop.clear()
        self._unsubscribe = self.bus.subscribe(self._send_later, local_only=True)
        self._threads = [threading.Thread(target=target, name=f"kegdash-pg-bus-{name}", daemon=True)
                         for name, target in (("listen", self._listen), ("notify", self._notify))]
        for thread in self._threads:
            thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop listening; events still queued are sent first (within ``timeout``)."""
        self._unsubscribe()
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout)
        self.listening.clear()

    def _send_later(self, event: events.Event) -> None:
        payload = encode(event, self.instance, time.time())
        if payload is None:
            return
        try:
            self._outbox.put_nowait(payload)
        except queue.Full:
            log.warning("%s not relayed: %d events already wait for PostgreSQL", type(event).__name__,
                        QUEUE_MAX)

    def _connection(self):  # -> psycopg.Connection
        import psycopg  # only on PostgreSQL, like peewee's own import of it

        return psycopg.connect(**self.connect, autocommit=True)

    def _notify(self) -> None:
        while not (self._stop.is_set() and self._outbox.empty()):
            try:
                with self._connection() as conn:
                    while not (self._stop.is_set() and self._outbox.empty()):
                        try:
                            payload = self._outbox.get(timeout=WAIT_S)
                        except queue.Empty:
                            continue
                        conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, payload))
                        metrics.EVENTS_RELAYED.labels("out").inc()
            except Exception as exc:  # psycopg.Error and whatever a broken socket raises
                log.warning("event relay: cannot notify (%s); retrying in %g s", exc, RETRY_S)
                if self._stop.wait(RETRY_S):
                    return

    def _listen(self) -> None:
        while not self._stop.is_set():
            try:
                with self._connection() as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    while not self._stop.is_set():
                        for notify in conn.notifies(timeout=WAIT_S):
                            self._deliver(notify.payload)
            except Exception as exc:
                self.listening.clear()
                log.warning("event relay: cannot listen (%s); retrying in %g s", exc, RETRY_S)
                self._stop.wait(RETRY_S)

    def _deliver(self, payload: str) -> None:
        try:
            instance, sent, event = decode(payload)
        except (ValueError, KeyError, TypeError) as exc:
            log.warning("event relay: unreadable notification ignored: %s", exc)
            return
        if instance == self.instance:
            return
        metrics.EVENT_LAG.observe(max(0.0, time.time() - sent))
        metrics.EVENTS_RELAYED.labels("in").inc()
        self.bus.publish(event, relayed=True)


def relay_for(database: peewee.Database, bus: events.EventBus) -> PgEventRelay | None:
    """A started relay for ``bus`` if ``database`` is PostgreSQL, else None (SQLite: one
    process, the in-process bus is all there is)."""
    if not isinstance(database, peewee.PostgresqlDatabase):
        return None
    relay = PgEventRelay({"dbname": database.database, **database.connect_params}, bus)
    relay.start()
    return relay


@contextmanager
def sent_at_once(database: peewee.Database, bus: events.EventBus) -> Iterator[None]:
    """Within the block, the events this process publishes on ``bus`` go to the running
    instances through its own connection, as they are published: for a short command
    (``kegdash admin``), which needs none of theirs and would end before a relay's threads sent
    anything. Published inside a transaction, an event leaves with its commit (NOTIFY is
    transactional). Nothing on SQLite."""
    if not isinstance(database, peewee.PostgresqlDatabase):
        yield
        return
    instance = uuid.uuid4().hex

    def send(event: events.Event) -> None:
        payload = encode(event, instance, time.time())
        if payload is not None:
            database.execute_sql("SELECT pg_notify(%s, %s)", (CHANNEL, payload))

    unsubscribe = bus.subscribe(send, local_only=True)
    try:
        yield
    finally:
        unsubscribe()
