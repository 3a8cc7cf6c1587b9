"""Hive alerts, computed from the raw readings, so they are the same at every zoom of a chart,
in the window, on the command line and in a headless ``kegdash serve``.

The thresholds are the ``hive_*`` site settings (``spec/hives.md`` §1.8), read at every
evaluation. The rules, each on one sensor's readings in time order unless it says otherwise:

``swarm``
    A scale's weight falls by at least ``hive_swarm_drop_kg`` within
    ``hive_swarm_window_minutes``: some reading is that much lighter than the heaviest reading of
    the window before it. Such readings closer together than the window are one swarm; it starts
    at the heaviest reading before the fall and ends at the lightest reading it reached.
``brood``
    A brood sensor (:class:`~kegdash.apiary.views.Sensor`) reads outside
    ``hive_brood_min_c`` … ``hive_brood_max_c`` at every reading for at least
    ``hive_brood_sustained_minutes`` ("sustained": from the first to the last reading of the run;
    0 makes one reading enough). It starts at the run's first reading and ends at the next
    reading back inside the band. There is no brood season: a broodless winter cluster raises it.
``spike``
    A brood sensor's temperature changes by at least ``hive_spike_c`` from one reading to the
    next, the two at most :data:`SPIKE_MAX_GAP_S` apart (after a longer outage a change is not
    known to be sudden). Consecutive such steps (up and back down) are one spike.
``silent``
    No reading from any of the hive's sensors for longer than ``hive_silent_hours``: from the
    last reading before the gap to the next one.
``battery``
    A sensor's battery below ``hive_battery_low_percent``: from its first low reading after its
    last reading at or above the level, to the next such reading (a new battery).

An alert without an end is *ongoing*: its condition still held at the time asked about. The
readings of the span asked about (plus the swarm or spike look-back, plus each sensor's reading
just before) are read in one query per hive along the ``(device, ts)`` key; where a brood or
battery episode was already on at the first of them, a look-back query walks the key backwards
to the reading that began it. So a day's alerts cost the same on a hive with years of readings.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
from peewee import Expression, fn

from kegdash.apiary.models import Hive, Reading
from kegdash.apiary.reading_fields import FUTURE_SLACK_S
from kegdash.apiary.views import Sensor, hive_choices, hive_sensors
from kegdash.db import database
from kegdash.site_settings import get_settings

KINDS = ("swarm", "brood", "spike", "silent", "battery")

SPIKE_MAX_GAP_S = 2 * 3600
"""Two readings further apart than this are not compared for a spike; a sensor that logs hourly
is still covered."""

ALERT_SETTINGS = ("hive_brood_min_c", "hive_brood_max_c", "hive_brood_sustained_minutes",
                  "hive_spike_c", "hive_swarm_drop_kg", "hive_swarm_window_minutes",
                  "hive_silent_hours", "hive_battery_low_percent")
"""The site settings the rules read; a change to one changes the alerts."""


@dataclass(frozen=True, slots=True)
class AlertRules:
    """The site's thresholds, the same for every hive; durations in seconds."""

    brood_min_c: float
    brood_max_c: float
    brood_sustained_s: float
    spike_c: float
    swarm_drop_kg: float
    swarm_window_s: float
    silent_s: float
    battery_low_pct: float

    @classmethod
    def current(cls) -> AlertRules:
        """Read at every evaluation (site settings are cached a second), so a change made on the
        Settings page or by another process applies without a restart."""
        s = get_settings(*ALERT_SETTINGS)
        return cls(s["hive_brood_min_c"], s["hive_brood_max_c"],
                   s["hive_brood_sustained_minutes"] * 60, s["hive_spike_c"],
                   s["hive_swarm_drop_kg"], s["hive_swarm_window_minutes"] * 60,
                   s["hive_silent_hours"] * 3600, s["hive_battery_low_percent"])


@dataclass(frozen=True, slots=True)
class HiveAlert:
    """One alert of one hive.

    ``values`` by kind: swarm ``from_kg``, ``to_kg``, ``drop_kg``; brood ``min_c``, ``max_c``,
    ``last_c``; spike ``from_c``, ``to_c`` (the reading furthest from ``from_c``, taken at
    ``to_ts``), ``change_c``;
    silent ``silent_s`` (to its end, or to the time asked about, now at the latest); battery ``last_pct``,
    ``min_pct``. The sensor is empty for ``silent``, which concerns the whole hive.
    """

    hive_id: int
    hive_uuid: str
    hive_name: str
    kind: str
    start_ts: int
    end_ts: int | None
    """None while the alert is ongoing."""
    values: dict[str, float] = field(hash=False)
    sensor_uuid: str = ""
    sensor_name: str = ""

    @property
    def ongoing(self) -> bool:
        return self.end_ts is None


@dataclass(frozen=True, slots=True)
class _Found:
    """An alert before it is given its hive."""

    kind: str
    start_ts: int
    end_ts: int | None
    values: dict[str, float]
    sensor: Sensor | None = None


@dataclass(frozen=True, slots=True)
class _Readings:
    """One sensor's readings of the fetched range, in time order; NaN where a field is absent."""

    ts: np.ndarray
    temperature: np.ndarray
    weight: np.ndarray
    battery: np.ndarray

    def of(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """The times and values of the readings that have ``name``."""
        values = getattr(self, name)
        present = ~np.isnan(values)
        return self.ts[present], values[present]


_COLUMNS = (Reading.ts, Reading.temperature, Reading.weight, Reading.battery)


def _fetch(sensors: list[Sensor], start: int, until: int) -> dict[int, _Readings]:
    """Every reading of the sensors in ``[start, until]`` (one query walking the key), after
    each sensor's last reading before ``start``: what was going on when the range began."""
    query = (Reading.select(Reading.device, *_COLUMNS)
             .where(Reading.device.in_([s.id for s in sensors]) & (Reading.ts >= start)
                    & (Reading.ts <= until))
             .order_by(Reading.device, Reading.ts))
    rows = np.array(database.execute(query).fetchall(), dtype=float).reshape(-1, 5)
    found = {}
    for sensor in sensors:
        before = (Reading.select(*_COLUMNS).where((Reading.device == sensor.id) & (Reading.ts < start))
                  .order_by(Reading.ts.desc()).limit(1).tuples())
        mine = np.concatenate([np.array(list(before), dtype=float).reshape(-1, 4),
                               rows[rows[:, 0] == sensor.id][:, 1:]])
        found[sensor.id] = _Readings(mine[:, 0].astype(np.int64), mine[:, 1], mine[:, 2], mine[:, 3])
    return found


def _runs(mask: np.ndarray) -> Iterator[tuple[int, int]]:
    """(first, last) indices of each run of True in ``mask``."""
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    yield from zip(np.nonzero(edges == 1)[0], np.nonzero(edges == -1)[0] - 1, strict=True)


def _run_began(sensor: Sensor, column: str, fine: Expression,
               before: int) -> tuple[int, float, float] | None:
    """For a run that was already on at ``before``: when it began (the first reading with
    ``column`` after the last ``fine`` one) and the lowest and highest value before ``before``;
    None when there was no reading of the run before ``before``."""
    mine = (Reading.device == sensor.id) & (Reading.ts < before)
    last_fine = (Reading.select(Reading.ts).where(mine & fine)
                 .order_by(Reading.ts.desc()).limit(1).scalar())
    value = getattr(Reading, column)
    after_fine = mine & value.is_null(False)
    if last_fine is not None:
        after_fine &= Reading.ts > last_fine
    first, low, high = (Reading.select(fn.MIN(Reading.ts), fn.MIN(value), fn.MAX(value))
                        .where(after_fine).tuples().get())
    return None if first is None else (first, low, high)


def _state_runs(sensor: Sensor, readings: _Readings, column: str, bad: np.ndarray,
                fine: Expression) -> Iterator[tuple[int, int | None, int, float, float]]:
    """Each run of ``bad`` readings of ``column``: (start ts, end ts or None, index of its last
    reading, lowest and highest value); a run already on at the first fetched reading is traced
    back to its start."""
    ts, values = readings.of(column)
    for first, last in _runs(bad):
        start = int(ts[first])
        low, high = float(values[first:last + 1].min()), float(values[first:last + 1].max())
        if first == 0:
            earlier = _run_began(sensor, column, fine, int(ts[0]))
            if earlier is not None:
                start, low, high = earlier[0], min(low, earlier[1]), max(high, earlier[2])
        end = int(ts[last + 1]) if last + 1 < len(ts) else None
        yield start, end, int(last), low, high


def _brood(sensor: Sensor, readings: _Readings, rules: AlertRules) -> Iterator[_Found]:
    ts, temps = readings.of("temperature")
    bad = (temps < rules.brood_min_c) | (temps > rules.brood_max_c)
    fine = Reading.temperature.between(rules.brood_min_c, rules.brood_max_c)
    for start, end, last, low, high in _state_runs(sensor, readings, "temperature", bad, fine):
        if ts[last] - start >= rules.brood_sustained_s:
            yield _Found("brood", start, end,
                         {"min_c": low, "max_c": high, "last_c": float(temps[last])}, sensor)


def _battery(sensor: Sensor, readings: _Readings, rules: AlertRules) -> Iterator[_Found]:
    _, levels = readings.of("battery")
    low_now = levels < rules.battery_low_pct
    fine = Reading.battery >= rules.battery_low_pct
    for start, end, last, low, _ in _state_runs(sensor, readings, "battery", low_now, fine):
        yield _Found("battery", start, end,
                     {"last_pct": float(levels[last]), "min_pct": low}, sensor)


def _spikes(sensor: Sensor, readings: _Readings, rules: AlertRules) -> Iterator[_Found]:
    ts, temps = readings.of("temperature")
    steps = (np.abs(np.diff(temps)) >= rules.spike_c) & (np.diff(ts) <= SPIKE_MAX_GAP_S)
    for first, last in _runs(steps):
        before = float(temps[first])
        peak = first + 1 + int(np.argmax(np.abs(temps[first + 1:last + 2] - before)))
        yield _Found("spike", int(ts[first]), int(ts[last + 1]),
                     {"from_c": before, "to_c": float(temps[peak]),
                      "change_c": float(temps[peak]) - before, "to_ts": float(ts[peak])}, sensor)


def _swarms(sensor: Sensor, readings: _Readings, rules: AlertRules) -> Iterator[_Found]:
    ts, kg = readings.of("weight")
    if len(ts) < 2:
        return
    index = np.arange(len(ts))
    window_start = np.searchsorted(ts, ts - rules.swarm_window_s, side="left")
    top = np.full(len(ts), -np.inf)
    top_at = index.copy()
    for back in range(1, int((index - window_start).max()) + 1):
        earlier = index - back
        heavier = (earlier >= window_start) & (kg[np.maximum(earlier, 0)] > top)
        top[heavier] = kg[earlier[heavier]]
        top_at[heavier] = earlier[heavier]
    fallen = np.nonzero(top - kg >= rules.swarm_drop_kg)[0]
    if not len(fallen):
        return
    # Readings that completed a drop, closer together than the window, are one swarm.
    breaks = np.nonzero(np.diff(ts[fallen]) > rules.swarm_window_s)[0]
    for group in np.split(fallen, breaks + 1):
        heaviest = group[np.argmax(top[group])]
        lightest = group[np.argmin(kg[group])]
        start, end = int(ts[top_at[heaviest]]), int(ts[lightest])
        yield _Found("swarm", start, end, {"from_kg": float(top[heaviest]), "to_kg": float(kg[lightest]),
                                           "drop_kg": float(top[heaviest] - kg[lightest])}, sensor)


def _silences(fetched: dict[int, _Readings], rules: AlertRules, until: int) -> Iterator[_Found]:
    times = np.unique(np.concatenate([r.ts for r in fetched.values()]))
    if not len(times):
        return
    for gap in np.nonzero(np.diff(times) > rules.silent_s)[0]:
        start, end = int(times[gap]), int(times[gap + 1])
        yield _Found("silent", start, end, {"silent_s": float(end - start)})
    now = min(until, int(time.time()))
    if now - times[-1] > rules.silent_s:
        yield _Found("silent", int(times[-1]), None, {"silent_s": float(now - times[-1])})


def _evaluate(sensors: list[Sensor], since: int, until: int, rules: AlertRules) -> list[_Found]:
    if not sensors:
        return []
    fetched = _fetch(sensors, since - int(max(rules.swarm_window_s, SPIKE_MAX_GAP_S)), until)
    found: list[_Found] = list(_silences(fetched, rules, until))
    for sensor in sensors:
        readings = fetched[sensor.id]
        found += _swarms(sensor, readings, rules)
        found += _battery(sensor, readings, rules)
        if sensor.in_brood:
            found += _brood(sensor, readings, rules)
            found += _spikes(sensor, readings, rules)
    return [f for f in found if f.end_ts is None or f.end_ts >= since]


def hive_alerts(hive_id: int, since: int, until: int | None = None,
                rules: AlertRules | None = None) -> list[HiveAlert]:
    """The hive's alerts that were on at some time in ``[since, until]``, by start time; readings
    after ``until`` are not looked at. ``until`` defaults to now, counting the readings stamped
    up to five minutes ahead that uploads may carry. ``rules`` default to the site's."""
    hive = Hive.select(Hive.id, Hive.uuid, Hive.name).where(Hive.id == hive_id).tuples().get()
    return _alerts_of(*hive, since, until, rules)


def alerts(since: int, until: int | None = None, *, hive_uuid: str | None = None,
           rules: AlertRules | None = None) -> list[HiveAlert]:
    """The alerts of every hive that has a sensor (in the order of ``views.hive_choices``), or
    of the hive ``hive_uuid`` (LookupError if there is none); as :func:`hive_alerts`."""
    if hive_uuid is None:
        hives = [(c.id, c.uuid, c.name) for c in hive_choices()]
    else:
        hives = list(Hive.select(Hive.id, Hive.uuid, Hive.name).where(Hive.uuid == hive_uuid).tuples())
        if not hives:
            raise LookupError(f"no hive {hive_uuid!r}")
    rules = rules or AlertRules.current()
    return [alert for hive in hives for alert in _alerts_of(*hive, since, until, rules)]


def _alerts_of(hive_id: int, hive_uuid: str, hive_name: str, since: int, until: int | None,
               rules: AlertRules | None) -> list[HiveAlert]:
    until = int(time.time()) + FUTURE_SLACK_S if until is None else until
    found = _evaluate(hive_sensors(hive_id), since, until, rules or AlertRules.current())
    return [HiveAlert(hive_id, hive_uuid, hive_name, f.kind, f.start_ts, f.end_ts, f.values,
                      f.sensor.uuid if f.sensor else "", f.sensor.name if f.sensor else "")
            for f in sorted(found, key=lambda f: (f.start_ts, KINDS.index(f.kind)))]
