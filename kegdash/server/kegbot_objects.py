"""Kegbot's wire objects (seed 001's JSON examples, ``spec/kegbot.md`` decision 8).

Drink, keg, keg-size and beverage ids are integers; tap, session and thermo-sensor ids are
strings; times are ``YYYY-MM-DDTHH:MM:SSZ`` in UTC. Users never carry e-mail, password or
login data, and drinks never carry the auth token used: a token value is an RFID credential.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from kegdash.accounts.models import User
from kegdash.bar.models import (
    AuthToken,
    Beverage,
    Drink,
    DrinkingSession,
    Keg,
    KegSize,
    Tap,
    ThermoLog,
    ThermoSensor,
)

Obj = dict[str, Any]


def iso(when: dt.datetime | None) -> str | None:
    return None if when is None else when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _str_id(value: int | None) -> str | None:
    return None if value is None else str(value)


def drink(d: Drink, username: str | None = None) -> Obj:
    """A Drink; pass ``username`` when already known to spare a query."""
    if username is None and d.user_id is not None:
        username = d.user.username
    obj: Obj = {
        "id": d.id,
        "ticks": d.ticks,
        "volume_ml": d.volume_ml,
        "session_id": _str_id(d.session_id),
        "pour_time": iso(d.pour_time),
        "duration": d.duration,
        "is_valid": d.is_valid,
        "keg_id": d.keg_id,
        "user_id": username,
        "tap_id": _str_id(d.tap_id),
    }
    if username is None:
        obj["user"] = None
    return obj


def drinks(rows: Iterable[Drink]) -> list[Obj]:
    """Drinks selected together with their users (``Drink.select(Drink, User)``)."""
    return [drink(d, d.user.username if d.user_id is not None else None) for d in rows]


def keg(k: Keg) -> Obj:
    return {
        "id": k.id,
        "type_id": k.beverage_id,
        "size_id": k.size_id,
        "status": k.status,
        "volume_ml_remain": k.remaining_ml,
        "percent_full": k.percent_full,
        "started_time": iso(k.started),
        "finished_time": iso(k.finished),
        "description": k.description,
        "full_volume_ml": k.full_volume_ml,
        "served_ml": k.served_ml,
        "spilled_ml": k.spilled_ml,
    }


def keg_size(s: KegSize) -> Obj:
    return {"id": s.id, "name": s.name, "volume_ml": s.volume_ml}


def beer_type(b: Beverage) -> Obj:
    """A BeerType; kegdash keeps styles as names, so ``style_id`` is the style's name."""
    return {
        "id": b.id,
        "name": b.name,
        "brewer_id": b.brewer_id,
        "style_id": b.style or None,
        "abv": b.abv,
        "calories_oz": b.calories_oz,
    }


def tap(t: Tap) -> Obj:
    return {
        "id": str(t.id),
        "name": t.name,
        "meter_name": t.meter_name,
        "ml_per_tick": t.ml_per_tick,
        "current_keg_id": t.current_keg_id,
        "thermo_sensor_id": _str_id(t.thermo_sensor_id),
        "relay_name": t.relay_name,
    }


def tap_detail(t: Tap) -> Obj:
    """``{tap, keg, beverage}``; keg and beverage are null for an empty tap."""
    current = t.current_keg if t.current_keg_id is not None else None  # joined by the caller
    return {
        "tap": tap(t),
        "keg": keg(current) if current is not None else None,
        "beverage": beer_type(current.beverage) if current is not None else None,
    }


def session(s: DrinkingSession | None) -> Obj | None:
    if s is None:
        return None
    return {
        "id": str(s.id),
        "start_time": iso(s.start),
        "end_time": iso(s.end),
        "volume_ml": s.volume_ml,
    }


def user(u: User | None) -> Obj | None:
    if u is None:
        return None
    return {
        "username": u.username,
        "mugshot_url": u.image_url or None,
        "is_active": u.is_active,
        "is_staff": u.is_staff,
        "is_superuser": u.is_superuser,
        "joined_time": iso(u.joined),
    }


def drink_detail(d: Drink) -> Obj:
    """``{drink, keg, user, session}``, the shape of ``/drinks/<id>`` and of a new drink."""
    return {
        "drink": drink(d),
        "keg": keg(d.keg) if d.keg_id is not None else None,
        "user": user(d.user) if d.user_id is not None else None,
        "session": session(d.session) if d.session_id is not None else None,
    }


def auth_token(t: AuthToken) -> Obj:
    return {
        "id": f"{t.device}|{t.value}",
        "auth_device": t.device,
        "token_value": t.value,
        "enabled": t.enabled,
        "created_time": iso(t.created),
        "username": t.user.username if t.user_id is not None else None,
        "nice_name": t.nice_name,
    }


def thermo_log(log: ThermoLog) -> Obj:
    return {
        "id": log.id,
        "sensor_id": str(log.sensor_id),
        "temperature_c": log.temp_c,
        "record_time": iso(log.time),
    }


def thermo_detail(sensor: ThermoSensor, logs: list[ThermoLog]) -> Obj:
    """``{sensor, last_temp, last_time, logs}`` with ``logs`` newest first."""
    last = logs[0] if logs else None
    return {
        "sensor": {
            "id": str(sensor.id),
            "sensor_name": sensor.name,
            "nice_name": sensor.nice_name or sensor.name,
        },
        "last_temp": last.temp_c if last is not None else None,
        "last_time": iso(last.time) if last is not None else None,
        "logs": [thermo_log(log) for log in logs],
    }
