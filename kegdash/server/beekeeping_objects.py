"""Beekeeping.io's detail objects: every value a string, times UTC ``YYYY-MM-DD HH:MM:SS`` and
``*_timestamp`` Unix seconds, ``privilege`` ``"2"`` owner / ``"1"`` another owner's public
apiary. Another owner's private objects, and unassigned devices, are "not found"."""

from __future__ import annotations

import datetime as dt

import peewee

from kegdash.accounts.models import User
from kegdash.apiary.models import Apiary, Device, Hive
from kegdash.server.beekeeping_envelope import BeekeepingError


def _utc_text(ts: int | None) -> str:
    if ts is None:
        return ""
    return dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def _coordinate(value: float | None) -> str:
    return "" if value is None else f"{value:.8f}"


def _apiary_privilege(apiary: Apiary, viewer: User) -> str:
    """``"2"`` owner, ``"1"`` another owner's public apiary; private ones of others are not found."""
    if apiary.owner_id == viewer.id:
        return "2"
    if apiary.is_read_public:
        return "1"
    raise BeekeepingError(404, f"no apiary with uuid {apiary.uuid!r}")


def apiary_detail(uuid: str, viewer: User) -> dict[str, str]:
    apiary = Apiary.get_or_none(Apiary.uuid == uuid)
    if apiary is None:
        raise BeekeepingError(404, f"no apiary with uuid {uuid!r}")
    privilege = _apiary_privilege(apiary, viewer)
    return {
        "apiary_uuid": apiary.uuid,
        "zipcode": apiary.zipcode,
        "apiary_name": apiary.name,
        "latitude": _coordinate(apiary.latitude),
        "longitude": _coordinate(apiary.longitude),
        "country_code": apiary.country_code,
        "is_read_public": "1" if apiary.is_read_public else "0",
        "privilege": privilege,
    }


def hive_detail(uuid: str, viewer: User) -> dict[str, str]:
    hive = Hive.select(Hive, Apiary).join(Apiary).where(Hive.uuid == uuid).first()
    if hive is None:
        raise BeekeepingError(404, f"no hive with uuid {uuid!r}")
    try:
        privilege = _apiary_privilege(hive.apiary, viewer)
    except BeekeepingError:
        raise BeekeepingError(404, f"no hive with uuid {uuid!r}") from None
    last = Device.select(peewee.fn.MAX(Device.last_reading_ts)).where(Device.hive == hive).scalar()
    return {
        "uuid": hive.uuid,
        "name": hive.name,
        "data_last_received": _utc_text(last),
        "data_last_received_timestamp": "" if last is None else str(last),
        "apiary_uuid": hive.apiary.uuid,
        "zipcode": hive.apiary.zipcode,
        "apiary_name": hive.apiary.name,
        "country_code": hive.apiary.country_code,
        "privilege": privilege,
    }


def device_detail(uuid: str, viewer: User) -> dict[str, str]:
    """An unassigned device (no hive) is its owner's alone; others get 404 as for private ones."""
    device = Device.get_or_none(Device.uuid == uuid)
    not_found = BeekeepingError(404, f"no device with uuid {uuid!r}")
    if device is None:
        raise not_found
    hive = apiary = None
    if device.hive_id is not None:
        hive = Hive.select(Hive, Apiary).join(Apiary).where(Hive.id == device.hive_id).get()
        apiary = hive.apiary
    if device.owner_id == viewer.id:
        privilege = "2"
    elif apiary is not None and apiary.is_read_public:
        privilege = "1"
    else:
        raise not_found
    return {
        "uuid": device.uuid,
        "created": device.created.strftime("%Y-%m-%d %H:%M:%S"),
        "name": device.name,
        "vendor": device.vendor,
        "model": device.model,
        "firmware": device.firmware,
        "api_id": device.api_id,
        "data_last_received": _utc_text(device.last_reading_ts),
        "data_last_received_timestamp": "" if device.last_reading_ts is None else str(device.last_reading_ts),
        "hive_uuid": hive.uuid if hive else "",
        "hive_name": hive.name if hive else "",
        "apiary_uuid": apiary.uuid if apiary else "",
        "apiary_name": apiary.name if apiary else "",
        "zipcode": apiary.zipcode if apiary else "",
        "country_code": apiary.country_code if apiary else "",
        "privilege": privilege,
    }
