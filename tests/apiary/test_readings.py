"""Storing validated readings: auto-registration, idempotent duplicates, last reading, events."""

from __future__ import annotations

import threading

import pytest

from kegdash import events
from kegdash.accounts.users import create_user
from kegdash.apiary.models import Device, Reading
from kegdash.apiary.reading_fields import validate_reading
from kegdash.apiary.readings import SOURCE_SERIAL, store_reading
from kegdash.apiary.registry import add_apiary, add_device, add_hive

TS = 1_700_000_000


@pytest.fixture
def owner(database):
    return create_user("beeman")


@pytest.fixture
def published():
    seen: list[events.ReadingStored] = []
    unsubscribe = events.bus.subscribe(
        lambda event: seen.append(event) if isinstance(event, events.ReadingStored) else None)
    yield seen
    unsubscribe()


def test_unknown_device_is_registered_unassigned(owner, published):
    result = store_reading(owner, {"device_id": "56:12:A7", "vendor_id": "broodminder",
                                   "model_id": "56", "timestamp": TS, "temperature": 35.1})
    device = Device.get(Device.api_id == "56:12:A7")
    assert result.device_created and result.stored and result.device_id == device.id
    assert (result.device_uuid, result.api_id) == (device.uuid, "56:12:A7")
    assert device.hive_id is None and device.owner_id == owner.id and device.name == "56:12:A7"
    assert (device.vendor, device.model, device.last_reading_ts) == ("BroodMinder", "56", TS)
    assert [p.device_id for p in published] == [device.id]
    assert published[0].values == {"temperature": 35.1} and published[0].hive_id is None


def test_registered_device_is_used_and_its_metadata_refreshed(owner):
    hive = add_hive(add_apiary("Ridge", owner).uuid, "H1")
    device = add_device(hive.uuid, "aa:bb:cc", vendor="BroodMinder", model="1.0")
    result = store_reading(owner, {"device_id": "aa:bb:cc", "vendor_id": "broodminder",
                                   "firmware_id": "2.1", "timestamp": TS, "weight": 48.35})
    assert result.device_id == device.id and not result.device_created
    device = Device.get_by_id(device.id)
    assert (device.vendor, device.model, device.firmware) == ("BroodMinder", "1.0", "2.1")
    assert Reading.get().weight == 48.35


def test_duplicates_are_ignored_and_the_first_wins(owner, published):
    first = store_reading(owner, {"device_id": "d", "timestamp": TS, "temperature": 35.0})
    again = store_reading(owner, {"device_id": "d", "timestamp": TS, "temperature": 20.0, "battery": 5.0})
    assert first.stored and not again.stored
    row = Reading.get()
    assert (row.temperature, row.battery) == (35.0, None)
    assert len(published) == 1


def test_a_late_reading_does_not_move_last_reading_back(owner):
    store_reading(owner, {"device_id": "d", "timestamp": TS, "temperature": 35.0})
    result = store_reading(owner, {"device_id": "d", "timestamp": TS - 3600, "temperature": 34.0})
    assert result.stored
    assert Device.get().last_reading_ts == TS and Reading.select().count() == 2


def test_serial_source_and_validator_output_round_trip(owner):
    clean, errors = validate_reading({"device_id": "scale-3", "weight": "51.205", "battery": "64"},
                                     TS, "drop")
    assert not errors
    store_reading(owner, clean, source=SOURCE_SERIAL)
    row = Reading.get()
    assert (row.ts, row.weight, row.battery, row.source) == (TS, 51.205, 64.0, SOURCE_SERIAL)


def test_concurrent_first_uploads_register_one_device(database, owner):
    """Two gateways hearing a new sensor at once: one device, both readings (different times)."""
    from kegdash.db import database as db

    barrier = threading.Barrier(4)
    failures: list[BaseException] = []

    def upload(ts: int) -> None:
        try:
            db.connect(reuse_if_open=True)
            barrier.wait()
            store_reading(owner, {"device_id": "new", "timestamp": ts, "temperature": 30.0})
        except BaseException as exc:  # reported below
            failures.append(exc)
        finally:
            db.close()

    threads = [threading.Thread(target=upload, args=(TS + i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert Device.select().count() == 1 and Reading.select().count() == 4
    assert Device.get().last_reading_ts == TS + 3
