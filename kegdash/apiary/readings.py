"""Storing validated hive readings: one row per (device, timestamp), first one wins.

Callers (the Beekeeping.io ``data_upload`` dialect, the HV1 serial reader) validate first with
:mod:`kegdash.apiary.reading_fields`; this module only files the canonical values.

An ``api_id`` the owner never registered is **auto-registered as an unassigned device** of
that owner (no hive, visible to the owner only) rather than refused: a sensor that starts
sending before the beekeeper has clicked through the setup loses nothing, the serial path
does the same (``spec/hives.md`` §2.2), and the owner attaches it to a hive later.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import peewee

from kegdash import events
from kegdash.accounts.views import Principal
from kegdash.apiary.models import Device, Reading
from kegdash.apiary.reading_fields import MEASUREMENT_FIELDS, Value, normalise_device_id
from kegdash.db import database
from kegdash.prepared import PreparedQuery, slot

VENDOR_NAMES = {"broodminder": "BroodMinder"}
"""Display names for the canonical ``vendor_id`` values the validator produces."""

SOURCE_HTTP = Reading.SOURCE_HTTP
SOURCE_SERIAL = Reading.SOURCE_SERIAL
SOURCE_SIMULATOR = Reading.SOURCE_SIMULATOR
"""Where a reading came from (stored with it): a ``data_upload``, a serial gateway, a simulator."""


@dataclass(frozen=True, slots=True)
class StoreResult:
    """What happened to one reading: the device it went to and whether it was new."""

    device_id: int
    device_uuid: str
    api_id: str
    """The device id in its stored spelling (see ``normalise_device_id``)."""
    ts: int
    stored: bool
    """False when a reading for this device and timestamp already existed (a resend)."""
    device_created: bool


# Every upload runs these; prepared (prepared.py) because building their SQL cost more than
# running it.
_OWNERS_DEVICE = PreparedQuery(lambda: (
    Device.select().where((Device.owner == slot("owner_id")) & (Device.api_id == slot("api_id")))
))
_NEW_READING = PreparedQuery(lambda: (
    Reading.insert(device=slot("device_id"), ts=slot("ts"), source=slot("source"),
                   **{name: slot(name) for name in MEASUREMENT_FIELDS})
    .on_conflict_ignore()
))
_MARK_LAST_READING = PreparedQuery(lambda: (
    Device.update(last_reading_ts=slot("ts"))
    .where((Device.id == slot("id"))
           & (Device.last_reading_ts.is_null() | (Device.last_reading_ts < slot("ts"))))
))


def _device_for(owner_id: int, api_id: str, clean: Mapping[str, Value]) -> tuple[Device, bool]:
    """The owner's device with this ``api_id``, created unassigned if new; metadata refreshed."""
    wanted = {
        "vendor": VENDOR_NAMES.get(str(clean["vendor_id"]), str(clean["vendor_id"]))
        if "vendor_id" in clean else None,
        "model": str(clean["model_id"]) if "model_id" in clean else None,
        "firmware": str(clean["firmware_id"]) if "firmware_id" in clean else None,
    }
    device = _OWNERS_DEVICE.one(owner_id=owner_id, api_id=api_id)
    if device is None:
        try:
            with database.atomic():
                device = Device.create(
                    owner=owner_id, api_id=api_id, name=api_id,
                    **{key: value for key, value in wanted.items() if value is not None},
                )
            return device, True
        except peewee.IntegrityError:  # another thread registered it first
            device = Device.get((Device.owner == owner_id) & (Device.api_id == api_id))
    changes = {
        getattr(Device, key): value for key, value in wanted.items()
        if value is not None and getattr(device, key).lower() != value.lower()
    }
    if changes:
        Device.update(changes).where(Device.id == device.id).execute()
    return device, False


def store_reading(
    owner: Principal, clean: Mapping[str, Value], *, source: int = SOURCE_HTTP
) -> StoreResult:
    """File one validated reading (canonical units, ``timestamp`` set) under ``owner``'s device.

    ``owner`` is who the licence key or the gateway files for (anything with its ``id``).
    A second reading with the same device and timestamp is ignored, so gateways may resend
    freely; :class:`events.ReadingStored` is published after the commit, only for new rows.
    """
    ts = int(clean["timestamp"])
    api_id = normalise_device_id(str(clean["device_id"]))
    values = {name: float(clean[name]) for name in MEASUREMENT_FIELDS if name in clean}
    with database.atomic():
        device, created = _device_for(owner.id, api_id, clean)
        inserted = _NEW_READING.execute(
            device_id=device.id, ts=ts, source=source,
            **{name: values.get(name) for name in MEASUREMENT_FIELDS},
        )
        if inserted:
            _MARK_LAST_READING.execute(id=device.id, ts=ts)
    if inserted:
        events.bus.publish(events.ReadingStored(
            device_id=device.id, device_uuid=device.uuid, hive_id=device.hive_id,
            owner_id=owner.id, ts=ts, values=values))
    return StoreResult(device_id=device.id, device_uuid=device.uuid, api_id=device.api_id, ts=ts,
                       stored=bool(inserted), device_created=created)
