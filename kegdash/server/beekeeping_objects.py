"""Beekeeping.io's detail objects: every value a string, times UTC ``YYYY-MM-DD HH:MM:SS`` and
``*_timestamp`` Unix seconds, ``privilege`` ``"2"`` owner / ``"1"`` another owner's public
apiary. Another owner's private objects, and unassigned devices, are "not found" (the apiary's
views decide who sees what; this module only writes the strings)."""

from __future__ import annotations

import datetime as dt

from kegdash.accounts.views import Principal
from kegdash.apiary import views
from kegdash.server.beekeeping_envelope import BeekeepingError


def _utc_text(ts: int | None) -> str:
    if ts is None:
        return ""
    return dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y-%m-%d %H:%M:%S")


def _coordinate(value: float | None) -> str:
    return "" if value is None else f"{value:.8f}"


def _ts_text(ts: int | None) -> str:
    return "" if ts is None else str(ts)


def apiary_detail(uuid: str, viewer: Principal) -> dict[str, str]:
    apiary = views.apiary_detail(uuid, viewer.id)
    if apiary is None:
        raise BeekeepingError(404, f"no apiary with uuid {uuid!r}")
    return {
        "apiary_uuid": apiary.uuid,
        "zipcode": apiary.zipcode,
        "apiary_name": apiary.name,
        "latitude": _coordinate(apiary.latitude),
        "longitude": _coordinate(apiary.longitude),
        "country_code": apiary.country_code,
        "is_read_public": "1" if apiary.is_read_public else "0",
        "privilege": str(apiary.privilege),
    }


def hive_detail(uuid: str, viewer: Principal) -> dict[str, str]:
    hive = views.hive_detail(uuid, viewer.id)
    if hive is None:
        raise BeekeepingError(404, f"no hive with uuid {uuid!r}")
    return {
        "uuid": hive.uuid,
        "name": hive.name,
        "data_last_received": _utc_text(hive.last_reading_ts),
        "data_last_received_timestamp": _ts_text(hive.last_reading_ts),
        "apiary_uuid": hive.apiary.uuid,
        "zipcode": hive.apiary.zipcode,
        "apiary_name": hive.apiary.name,
        "country_code": hive.apiary.country_code,
        "privilege": str(hive.privilege),
    }


def device_detail(uuid: str, viewer: Principal) -> dict[str, str]:
    device = views.device_detail(uuid, viewer.id)
    if device is None:
        raise BeekeepingError(404, f"no device with uuid {uuid!r}")
    apiary = device.apiary
    return {
        "uuid": device.uuid,
        "created": device.created.strftime("%Y-%m-%d %H:%M:%S"),
        "name": device.name,
        "vendor": device.vendor,
        "model": device.model,
        "firmware": device.firmware,
        "api_id": device.api_id,
        "data_last_received": _utc_text(device.last_reading_ts),
        "data_last_received_timestamp": _ts_text(device.last_reading_ts),
        "hive_uuid": device.hive_uuid or "",
        "hive_name": device.hive_name or "",
        "apiary_uuid": apiary.uuid if apiary else "",
        "apiary_name": apiary.name if apiary else "",
        "zipcode": apiary.zipcode if apiary else "",
        "country_code": apiary.country_code if apiary else "",
        "privilege": str(device.privilege),
    }
