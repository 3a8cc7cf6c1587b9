"""Kegbot's wire objects (seed 001's JSON examples, ``spec/kegbot.md`` decision 8), written from
the bar's views (``bar/views.py``).

Drink, keg, keg-size and beverage ids are integers; tap, session and thermo-sensor ids are
strings; times are ``YYYY-MM-DDTHH:MM:SSZ`` in UTC. Users never carry e-mail, password or
login data, and drinks never carry the auth token used: a token value is an RFID credential.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from kegdash.bar.views import (
    AuthTokenInfo,
    BeverageInfo,
    DrinkDetail,
    DrinkerInfo,
    DrinkInfo,
    KegInfo,
    KegSizeInfo,
    SessionInfo,
    TapDetail,
    TapInfo,
    ThermoDetail,
    ThermoLogInfo,
)

Obj = dict[str, Any]


def iso(when: dt.datetime | None) -> str | None:
    return None if when is None else when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _str_id(value: int | None) -> str | None:
    return None if value is None else str(value)


def drink(d: DrinkInfo) -> Obj:
    """A Drink; its ``user_id`` is the drinker's username, as in the seed."""
    obj: Obj = {
        "id": d.id,
        "ticks": d.ticks,
        "volume_ml": d.volume_ml,
        "session_id": _str_id(d.session_id),
        "pour_time": iso(d.pour_time),
        "duration": d.duration,
        "is_valid": d.is_valid,
        "keg_id": d.keg_id,
        "user_id": d.username,
        "tap_id": _str_id(d.tap_id),
    }
    if d.username is None:
        obj["user"] = None
    return obj


def drinks(items: Iterable[DrinkInfo]) -> list[Obj]:
    return [drink(d) for d in items]


def keg(k: KegInfo) -> Obj:
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


def keg_size(s: KegSizeInfo) -> Obj:
    return {"id": s.id, "name": s.name, "volume_ml": s.volume_ml}


def beer_type(b: BeverageInfo) -> Obj:
    """A BeerType; kegdash keeps styles as names, so ``style_id`` is the style's name."""
    return {
        "id": b.id,
        "name": b.name,
        "brewer_id": b.brewer_id,
        "style_id": b.style or None,
        "abv": b.abv,
        "calories_oz": b.calories_oz,
    }


def tap(t: TapInfo) -> Obj:
    return {
        "id": str(t.id),
        "name": t.name,
        "meter_name": t.meter_name,
        "ml_per_tick": t.ml_per_tick,
        "current_keg_id": t.current_keg_id,
        "thermo_sensor_id": _str_id(t.thermo_sensor_id),
        "relay_name": t.relay_name,
    }


def tap_detail(t: TapDetail) -> Obj:
    """``{tap, keg, beverage}``; keg and beverage are null for an empty tap."""
    return {
        "tap": tap(t.tap),
        "keg": keg(t.keg) if t.keg is not None else None,
        "beverage": beer_type(t.beverage) if t.beverage is not None else None,
    }


def session(s: SessionInfo | None) -> Obj | None:
    if s is None:
        return None
    return {
        "id": str(s.id),
        "start_time": iso(s.start),
        "end_time": iso(s.end),
        "volume_ml": s.volume_ml,
    }


def user(u: DrinkerInfo | None) -> Obj | None:
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


def drink_detail(d: DrinkDetail) -> Obj:
    """``{drink, keg, user, session}``, the shape of ``/drinks/<id>`` and of a new drink."""
    return {
        "drink": drink(d.drink),
        "keg": keg(d.keg) if d.keg is not None else None,
        "user": user(d.user),
        "session": session(d.session),
    }


def auth_token(t: AuthTokenInfo) -> Obj:
    return {
        "id": f"{t.device}|{t.value}",
        "auth_device": t.device,
        "token_value": t.value,
        "enabled": t.enabled,
        "created_time": iso(t.created),
        "username": t.username,
        "nice_name": t.nice_name,
    }


def thermo_log(log: ThermoLogInfo) -> Obj:
    return {
        "id": log.id,
        "sensor_id": str(log.sensor_id),
        "temperature_c": log.temp_c,
        "record_time": iso(log.time),
    }


def thermo_detail(detail: ThermoDetail) -> Obj:
    """``{sensor, last_temp, last_time, logs}`` with ``logs`` newest first."""
    sensor, logs = detail.sensor, detail.logs
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
