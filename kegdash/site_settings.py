"""Site-wide rules the APIs enforce, stored in the database so every kegdash process agrees.

The window, ``kegdash admin`` and a running ``kegdash serve`` all read these per request, so a
change made in one is seen by the others without a restart (``decisions.md``).
"""

from __future__ import annotations

import ipaddress
import json
import re
import secrets
import time
from typing import Any

import peewee

from kegdash import db, events
from kegdash.config import UNITS
from kegdash.db import BaseModel

PRIVACY_MODES = ("public", "members", "staff")
REGISTRATION_MODES = ("open", "approval", "closed")
"""Who may register through Tapline and whether they are members at once (``accounts.admission``)."""

DEFAULTS: dict[str, Any] = {
    "privacy": "public",
    "session_timeout_minutes": 180,
    "beekeeping_temperature_unit": "F",
    "beekeeping_weight_unit": "lb",
    "beekeeping_rate_per_second": 5,
    "beekeeping_rate_allowances": {},
    "beekeeping_rate_exempt_loopback": False,
    "beekeeping_trusted_proxies": [],
    # Who may read GET /metrics (networks in CIDR form): a scraper next to each instance.
    "metrics_allowed_networks": ["127.0.0.0/8", "::1/128"],
    "low_keg_fraction": 0.10,
    # How the bar's screens show volumes and temperatures: "metric" (L, °C) or "us" (gal, °F).
    # The TV tap list follows it; a window follows it until its user picks other units there.
    "display_units": "metric",
    "operator": "admin",
    "web_session_secret": "",
    # None: the privacy mode's default (``accounts.admission.BY_PRIVACY``).
    "registration": None,
    # Hive alerts (``spec/hives.md`` §1.8): the brood nest is kept at 34-36 °C; a swarm takes a
    # kilogram or more of bees within minutes, while a scale's daily drift is a few hundred grams;
    # sensors report every 5-15 minutes, so two silent hours mean a flat battery or no radio; below
    # 20 % a sensor battery has days left. The brood alert waits for the band to be left for an
    # hour (a lid opened for an inspection is not a brood problem); a colony holds its brood
    # within about a degree, so 3 °C between two readings is a sudden heat or cold spike.
    "hive_brood_min_c": 32.0,
    "hive_brood_max_c": 36.0,
    "hive_brood_sustained_minutes": 60,
    "hive_spike_c": 3.0,
    "hive_swarm_drop_kg": 1.0,
    "hive_swarm_window_minutes": 30,
    "hive_silent_hours": 2.0,
    "hive_battery_low_percent": 20,
    # Raw hive readings are kept this many whole months (besides the current one); older ones
    # become hourly min/avg/max (``apiary.retention``). None: every raw reading is kept.
    "readings_raw_months": None,
}

BOUNDS: dict[str, tuple[float, float]] = {
    "hive_brood_min_c": (20.0, 45.0),
    "hive_brood_max_c": (20.0, 45.0),
    "hive_brood_sustained_minutes": (0, 1440),
    "hive_spike_c": (0.5, 20.0),
    "hive_swarm_drop_kg": (0.2, 10.0),
    "hive_swarm_window_minutes": (5, 240),
    "hive_silent_hours": (0.25, 168.0),
    "hive_battery_low_percent": (1, 99),
    "readings_raw_months": (1, 1200),
}
"""Inclusive limits of the numeric hive and retention settings, for validation and for the
Settings page's fields."""

CHOICES: dict[str, tuple[str, ...]] = {
    "privacy": PRIVACY_MODES,
    "display_units": UNITS,
    "beekeeping_temperature_unit": ("C", "F"),
    "beekeeping_weight_unit": ("kg", "lb"),
}
"""The settings that take one of a few words, and those words (named when a value is refused)."""

EXPECTED: dict[str, str] = {
    "readings_raw_months": "whole months from 1 to 1200, or null to keep every raw reading",
}
"""What a refused value should have been, for settings whose limits the message should name."""

ORDERED = (("hive_brood_min_c", "hive_brood_max_c"),)
"""(lower, upper) pairs whose stored values must stay strictly in that order."""


def _is_ip(value: object) -> bool:
    try:
        ipaddress.ip_address(value)  # type: ignore[arg-type]
    except ValueError:
        return False
    return True


def _is_network(value: object) -> bool:
    try:
        ipaddress.ip_network(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return True


def _number(key: str, whole: bool = False) -> Any:
    low, high = BOUNDS[key]
    kinds = int if whole else int | float
    return lambda v: isinstance(v, kinds) and not isinstance(v, bool) and low <= v <= high


_VALID: dict[str, Any] = {
    "privacy": lambda v: v in CHOICES["privacy"],
    "session_timeout_minutes": lambda v: isinstance(v, int) and 1 <= v <= 7 * 24 * 60,
    "beekeeping_temperature_unit": lambda v: v in CHOICES["beekeeping_temperature_unit"],
    "beekeeping_weight_unit": lambda v: v in CHOICES["beekeeping_weight_unit"],
    "beekeeping_rate_per_second": lambda v: isinstance(v, int) and 1 <= v <= 10_000,
    "beekeeping_rate_allowances": lambda v: isinstance(v, dict) and all(
        _is_ip(ip) and isinstance(n, int) and 1 <= n <= 100_000 for ip, n in v.items()),
    "beekeeping_rate_exempt_loopback": lambda v: isinstance(v, bool),
    "beekeeping_trusted_proxies": lambda v: isinstance(v, list) and all(_is_ip(ip) for ip in v),
    "metrics_allowed_networks": lambda v: isinstance(v, list) and all(
        isinstance(net, str) and _is_network(net) for net in v),
    "low_keg_fraction": lambda v: isinstance(v, int | float) and 0 <= v <= 1,
    "display_units": lambda v: v in CHOICES["display_units"],
    "operator": lambda v: isinstance(v, str) and 0 < len(v) <= 30,
    "web_session_secret": lambda v: isinstance(v, str) and re.fullmatch(r"[0-9a-f]{64}", v) is not None,
    "registration": lambda v: v is None or v in REGISTRATION_MODES,
    "hive_brood_min_c": _number("hive_brood_min_c"),
    "hive_brood_max_c": _number("hive_brood_max_c"),
    "hive_brood_sustained_minutes": _number("hive_brood_sustained_minutes", whole=True),
    "hive_spike_c": _number("hive_spike_c"),
    "hive_swarm_drop_kg": _number("hive_swarm_drop_kg"),
    "hive_swarm_window_minutes": _number("hive_swarm_window_minutes", whole=True),
    "hive_silent_hours": _number("hive_silent_hours"),
    "hive_battery_low_percent": _number("hive_battery_low_percent", whole=True),
    "readings_raw_months": lambda v: v is None or _number("readings_raw_months", whole=True)(v),
}


class SiteSetting(BaseModel):
    key = peewee.CharField(max_length=64, primary_key=True)
    value = peewee.TextField()


CACHE_SECONDS = 1.0
"""How stale a setting may be: every API request reads some, so each process keeps them for a
second; on SQLite a change made by another process (``kegdash admin``) is seen within that
second. On PostgreSQL every process, ``kegdash admin`` included, sends ``SettingChanged``
through ``pg_bus``, so a change applies at once on every instance."""

_cache: dict[tuple[int, str], tuple[float, Any]] = {}


def get_setting(key: str) -> Any:
    """The stored value, or the default when none was ever set."""
    return get_settings(key)[key]


def get_settings(*keys: str) -> dict[str, Any]:
    """Several settings, from the cache or in one query (hot paths read a few per request)."""
    unknown = [key for key in keys if key not in DEFAULTS]
    if unknown:
        raise KeyError(f"unknown site settings {unknown!r}")
    now, generation = time.monotonic(), db.generation
    found: dict[str, Any] = {}
    for key in keys:
        entry = _cache.get((generation, key))
        if entry is not None and entry[0] > now:
            found[key] = entry[1]
    missing = [key for key in keys if key not in found]
    if missing:
        stored = {row.key: json.loads(row.value)
                  for row in SiteSetting.select().where(SiteSetting.key.in_(missing))}
        for key in missing:
            found[key] = stored.get(key, DEFAULTS[key])
            _cache[(generation, key)] = (now + CACHE_SECONDS, found[key])
    return found


def set_setting(key: str, value: Any) -> None:
    """Store a value after checking it; raises ValueError naming the setting if it is invalid,
    or if it would put an ORDERED pair out of order (checked against the stored partner)."""
    if key not in DEFAULTS:
        raise KeyError(f"unknown site setting {key!r}")
    if not _VALID[key](value):
        words = (f" (one of {', '.join(CHOICES[key])})" if key in CHOICES
                 else f" ({EXPECTED[key]})" if key in EXPECTED else "")
        raise ValueError(f"invalid value {value!r} for site setting {key}{words}")
    with db.database.atomic():
        for low, high in ORDERED:
            if key in (low, high):
                partner = high if key == low else low
                row = SiteSetting.get_or_none(SiteSetting.key == partner)
                other = json.loads(row.value) if row else DEFAULTS[partner]
                if (value >= other) if key == low else (other >= value):
                    raise ValueError(f"{low} must be below {high}: {key} {value!r} against "
                                     f"{partner} {other!r}")
        (
            SiteSetting.insert(key=key, value=json.dumps(value))
            .on_conflict(conflict_target=[SiteSetting.key], update={SiteSetting.value: json.dumps(value)})
            .execute()
        )
    events.bus.publish(events.SettingChanged(key=key))


def _forget_changed(event: events.Event) -> None:
    """Drop a changed setting from the cache: one stored here, or by another instance on the
    same PostgreSQL (relayed by ``pg_bus``), applies at once rather than within CACHE_SECONDS."""
    if isinstance(event, events.SettingChanged):
        _cache.pop((db.generation, event.key), None)


events.bus.subscribe(_forget_changed)


def ensure_secret(key: str) -> str:
    """The random hex secret stored under ``key`` (64 characters), made on first use;
    ``on_conflict_ignore`` lets racing processes agree on one.

    The stored row is read back directly: ``get_setting`` may still serve the cached "unset" for
    up to a second, and whatever was made with an empty key (the web pages' CSRF tokens) would
    then stop matching; reading the row also gives a process that lost the race the winner's.
    """
    value = get_setting(key)
    if not value:
        SiteSetting.insert(key=key, value=json.dumps(secrets.token_hex(32))).on_conflict_ignore().execute()
        value = json.loads(SiteSetting.get_by_id(key).value)
    return value
