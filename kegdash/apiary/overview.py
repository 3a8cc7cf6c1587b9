"""Every hive at a glance: its newest readings and their age, the last days' trend and the
alerts that want a look. The window's Hives overview draws these cards, and counts and
announces their alerts; nothing here knows of Qt.

A card costs a handful of queries along the ``(device, ts)`` key plus one alert evaluation of a
day (``benchmarks/hive_series.py``: well under 50 ms a hive with 500 hives' years in the table),
so a window can rebuild one hive's card whenever a reading for it arrives.
"""

from __future__ import annotations

import time
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np

from kegdash.apiary.alerts import AlertRules, HiveAlert, hive_alerts
from kegdash.apiary.views import HiveChoice, HiveLatest, all_hives, hive_latest, hive_sensors, pooled_curve

TREND_DAYS = 7
TREND_BUCKET_S = 3600
ATTENTION_S = 86400
"""An alert that was on at any time in the last day wants a look: the ongoing ones, and a swarm
or a spike that is over but happened while nobody watched."""


@dataclass(frozen=True, slots=True)
class Trend:
    """Hourly averages of the last :data:`TREND_DAYS` days (bucket centres, NaN at gaps)."""

    x: np.ndarray
    y: np.ndarray


@dataclass(frozen=True, slots=True)
class HiveCard:
    """One hive as the overview shows it."""

    hive: HiveChoice
    sensors: int
    latest: HiveLatest
    weight: Trend
    temperature: Trend
    """Of the brood-nest sensors only: an outside sensor's temperature is the weather."""
    alerts: tuple[HiveAlert, ...]
    """Alerts on at some time in the last :data:`ATTENTION_S`, by start time."""


def hive_card(hive: HiveChoice, rules: AlertRules, now: int | None = None) -> HiveCard:
    now = int(time.time()) if now is None else now
    sensors = hive_sensors(hive.id)
    start = now - TREND_DAYS * 86400
    start -= start % TREND_BUCKET_S

    def trend(field: str, ids: list[int]) -> Trend:
        return Trend(*pooled_curve(ids, field, start, now + 1, TREND_BUCKET_S))

    return HiveCard(
        hive, len(sensors), hive_latest(hive, sensors),
        weight=trend("weight", [s.id for s in sensors]),
        temperature=trend("temperature", [s.id for s in sensors if s.in_brood]),
        alerts=tuple(hive_alerts(hive.id, now - ATTENTION_S, rules=rules)) if sensors else ())


def hive_cards(hive_ids: Collection[int] | None = None,
               rules: AlertRules | None = None) -> list[HiveCard]:
    """The cards of every hive, with a sensor or not, by apiary and hive name (or of the hives
    ``hive_ids``); the alerts use the site's thresholds unless ``rules`` are given."""
    rules = rules or AlertRules.current()
    now = int(time.time())
    return [hive_card(hive, rules, now) for hive in all_hives()
            if hive_ids is None or hive.id in hive_ids]
