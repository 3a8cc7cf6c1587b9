"""This process's Prometheus metrics: one registry that ``GET /metrics`` serves, and the
domain counters fed from the event bus.

Each instance counts only what it did itself (events relayed from other instances are not
counted), so Prometheus's sum over the instances is the site's total.
"""

from __future__ import annotations

import threading

from prometheus_client import CollectorRegistry, Counter, Histogram

from kegdash import events

REGISTRY = CollectorRegistry()
"""What ``/metrics`` serves; a registry of its own, so nothing registered by a library appears."""

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
"""Seconds: the API's hot paths answer in about a millisecond, so the buckets start there."""

DRINKS = Counter("kegdash_drinks", "Drinks recorded by this instance (API and Kegboards)",
                 registry=REGISTRY)
DRINK_VOLUME = Counter("kegdash_drinks_volume_ml", "Millilitres of the drinks recorded by this instance",
                       registry=REGISTRY)
READINGS = Counter("kegdash_readings_stored", "New hive readings stored by this instance "
                   "(uploads and gateways; duplicates are not stored)", registry=REGISTRY)
EVENT_LAG = Histogram(
    "kegdash_event_bus_lag_seconds",
    "From an event's publication on another instance to its delivery here, through PostgreSQL "
    "(wall clocks of both machines; keep them in NTP sync)",
    buckets=LATENCY_BUCKETS, registry=REGISTRY)
EVENTS_RELAYED = Counter("kegdash_events_relayed", "Events sent to (out) or received from (in) "
                         "the other instances", ["direction"], registry=REGISTRY)

_watching: set[int] = set()
_lock = threading.Lock()


def _count(event: events.Event) -> None:
    if isinstance(event, events.DrinkPoured):
        DRINKS.inc()
        DRINK_VOLUME.inc(event.volume_ml)
    elif isinstance(event, events.ReadingStored):
        READINGS.inc()


def watch(bus: events.EventBus) -> None:
    """Count the drinks and readings published on ``bus`` by this process (once per bus)."""
    with _lock:
        if id(bus) in _watching:
            return
        _watching.add(id(bus))
    bus.subscribe(_count, local_only=True)
