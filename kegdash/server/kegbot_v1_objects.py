"""Kegbot Server 1.x's wire objects, written from the bar's views, for ``/api/v1/``.

The shapes are those Kegbot Server 1.3 emits (its ``pykeg/proto/protolib.py``): ids are
integers, users are referred to by username, times are ISO 8601 with ``+00:00``, and a field
with nothing to say is absent, never ``null``. "Full" objects nest what they belong to (a
drink its drinker, keg and session; a tap its keg). As on ``/api/``, users never carry e-mail
or login data, and drinks never carry the auth token used.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kegdash.bar.views import (
    AuthTokenInfo,
    BarStatus,
    ControllerInfo,
    DrinkerInfo,
    DrinkInfo,
    DrinkRecord,
    FlowMeterInfo,
    KegOverview,
    KegSizeInfo,
    SensorRecord,
    SessionInfo,
    TapRecord,
    ThermoLogInfo,
    ThermoSensorInfo,
)

Obj = dict[str, Any]

GUEST = "guest"
"""1.x credits an anonymous pour to its ``guest`` user; kegdash has no such account."""

SERVER_VERSION = "1.3.0"
"""The Kegbot Server release whose API ``/api/v1/`` speaks (1.x clients compare it)."""


def iso(when: dt.datetime) -> str:
    """A stored (naive UTC) time as 1.x writes it: ``2026-06-01T18:00:00+00:00``."""
    return when.replace(tzinfo=dt.UTC).isoformat()


def _image(url: str) -> Obj:
    return {"url": url, "thumbnail_url": url, "original_url": url}


def user(u: DrinkerInfo, *, full: bool = False) -> Obj:
    obj: Obj = {"username": u.username, "url": f"/drinkers/{u.username}/",
                "is_active": u.is_active, "display_name": u.username}
    if u.image_url:
        obj["image"] = _image(u.image_url)
    if full:
        obj.update(is_staff=u.is_staff, is_superuser=u.is_superuser, date_joined=iso(u.joined))
    return obj


def session(s: SessionInfo, *, full: bool = False) -> Obj:
    obj: Obj = {"id": s.id, "url": f"/sessions/{s.start:%Y/%m/%d}/{s.id}/",
                "start_time": iso(s.start), "end_time": iso(s.end), "volume_ml": s.volume_ml,
                "name": ""}
    if full:
        obj["is_active"] = s.is_active()
    return obj


def _beverage(k: KegOverview) -> Obj:
    b = k.beverage
    obj: Obj = {"id": b.id, "name": b.name, "beverage_type": "beer"}
    if k.brewer is not None:
        producer: Obj = {"id": k.brewer.id, "name": k.brewer.name, "is_homebrew": False}
        if k.brewer.country:
            producer["country"] = k.brewer.country
        if k.brewer.url:
            producer["url"] = k.brewer.url
        obj["producer"] = producer
    if b.style:
        obj["style"] = b.style
    if b.abv is not None:
        obj["abv_percent"] = b.abv
    return obj


def _beer_type(k: KegOverview) -> Obj:
    """The deprecated ``Keg.type``; its ids are strings in 1.x."""
    b = k.beverage
    obj: Obj = {"id": str(b.id), "name": b.name, "style_id": "0", "abv": b.abv or 0.0}
    if k.brewer is not None:
        obj["brewer_id"] = str(k.brewer.id)
    return obj


def keg(k: KegOverview) -> Obj:
    """A Keg with 1.x's current fields and the deprecated ones it still sends."""
    info = k.keg
    remaining = info.remaining_ml
    percent = min(100.0, max(0.0, 100.0 * remaining / info.full_volume_ml)) if info.full_volume_ml else 0.0
    obj: Obj = {
        "id": info.id,
        "keg_type": k.size.slug,
        "full_volume_ml": info.full_volume_ml,
        "remaining_volume_ml": remaining,
        "served_volume_ml": info.served_ml,
        "spilled_volume_ml": info.spilled_ml,
        "percent_full": percent,
        "start_time": iso(info.started),
        "end_time": iso(info.finished or info.started),
        "online": info.status == "online",
        "beverage": _beverage(k),
        "size_id": k.size.id,
        "type_id": str(k.beverage.id),
        "size_name": k.size.slug,
        "size_volume_ml": info.full_volume_ml,
        "volume_ml_remain": remaining,
        "spilled_ml": info.spilled_ml,
        "type": _beer_type(k),
        "size": {"id": k.size.id, "name": k.size.slug, "volume_ml": info.full_volume_ml},
    }
    if info.description:
        obj["description"] = info.description
    return obj


def drink(d: DrinkInfo) -> Obj:
    """A brief Drink: ids only."""
    obj: Obj = {"id": d.id, "url": f"/drinks/{d.id}/", "ticks": d.ticks, "volume_ml": d.volume_ml,
                "time": iso(d.pour_time), "duration": d.duration, "user_id": d.username or GUEST}
    if d.session_id is not None:
        obj["session_id"] = d.session_id
    if d.keg_id is not None:
        obj["keg_id"] = d.keg_id
    return obj


def drink_full(r: DrinkRecord) -> Obj:
    """A Drink with its drinker, keg and session nested, as ``taps/<t>`` POST answers it."""
    obj = drink(r.drink)
    if r.user is not None:
        obj["user"] = user(r.user)
    if r.keg is not None:
        obj["keg"] = keg(r.keg)
    if r.session is not None:
        obj["session"] = session(r.session)
    return obj


def controller(c: ControllerInfo) -> Obj:
    obj: Obj = {"id": c.id, "name": c.name}
    if c.model_name:
        obj["model_name"] = c.model_name
    if c.serial_number:
        obj["serial_number"] = c.serial_number
    return obj


def flow_meter(m: FlowMeterInfo) -> Obj:
    return {"id": m.id, "name": m.name, "port_name": m.port_name, "ticks_per_ml": m.ticks_per_ml,
            "controller": controller(m.controller)}


def thermo_log(log: ThermoLogInfo) -> Obj:
    return {"id": log.id, "sensor_id": log.sensor_id, "temperature_c": log.temp_c,
            "time": iso(log.time)}


def thermo_sensor(sensor: ThermoSensorInfo, last_log: ThermoLogInfo | None) -> Obj:
    obj: Obj = {"id": sensor.id, "sensor_name": sensor.name, "nice_name": sensor.nice_name}
    if last_log is not None:
        obj["last_log"] = thermo_log(last_log)
    return obj


def sensor_record(r: SensorRecord) -> Obj:
    return thermo_sensor(r.sensor, r.last_log)


def tap(t: TapRecord, *, full: bool = True) -> Obj:
    """A flat KegTap: the meter's name and calibration at the top, as pycore reads them;
    ``current_keg`` only when ``full`` (``GET status`` lists brief taps)."""
    info = t.tap
    obj: Obj = {"id": info.id, "name": info.name, "sort_order": t.sort_order,
                "meter_name": info.meter_name, "ml_per_tick": info.ml_per_tick,
                "relay_name": info.relay_name or ""}
    if t.meter is not None:
        obj["meter"] = flow_meter(t.meter)
    if t.keg is not None:
        obj["current_keg_id"] = t.keg.keg.id
        if full:
            obj["current_keg"] = keg(t.keg)
    if t.sensor is not None:
        obj["thermo_sensor"] = thermo_sensor(t.sensor, t.last_log)
        obj["thermo_sensor_id"] = t.sensor.id
        if t.last_log is not None:
            obj["last_temperature"] = thermo_log(t.last_log)
    return obj


def auth_token(t: AuthTokenInfo, owner: DrinkerInfo | None) -> Obj:
    obj: Obj = {"id": t.id, "auth_device": t.device, "token_value": t.value,
                "created_time": iso(t.created), "enabled": t.enabled}
    if owner is not None:
        obj["username"] = owner.username
        obj["user"] = user(owner)
    if t.nice_name:
        obj["nice_name"] = t.nice_name
    return obj


def keg_size(s: KegSizeInfo) -> Obj:
    return {"id": s.id, "volume_ml": s.volume_ml, "description": s.name}


def status(s: BarStatus) -> Obj:
    """A SyncResponse: lists with nothing in them are absent, as in 1.x."""
    obj: Obj = {"site_info": {"title": "kegdash", "server_version": SERVER_VERSION}}
    if s.session is not None:
        obj["active_session"] = session(s.session)
    lists = {
        "active_kegs": [keg(t.keg) for t in s.taps if t.keg is not None],
        "active_users": [user(u) for u in s.session_drinkers],
        "controllers": [controller(c) for c in s.controllers],
        "drinks": [drink(d) for d in s.drinks],
        "meters": [flow_meter(m) for m in s.meters],
        "taps": [tap(t, full=False) for t in s.taps],
    }
    obj.update({name: items for name, items in lists.items() if items})
    return obj
