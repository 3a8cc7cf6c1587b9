"""The hive gateway reader without a port: lines in, readings filed under the right owner."""

from __future__ import annotations

import time
import urllib.parse

import pytest

from kegdash.accounts.users import create_user
from kegdash.apiary.models import Device, Reading
from kegdash.apiary.readings import SOURCE_SERIAL, SOURCE_SIMULATOR
from kegdash.apiary.registry import add_apiary, add_device, add_hive, issue_license_key
from kegdash.hw import hv1
from kegdash.hw.hive_reader import HiveGatewayProtocol
from kegdash.site_settings import set_setting


@pytest.fixture
def owners(database):
    beeman, other = create_user("beeman"), create_user("operator")
    set_setting("operator", "operator")
    hive = add_hive(add_apiary("Ridge", beeman).uuid, "H1")
    return beeman, other, add_device(hive.uuid, "aa:bb:01")


def feed(protocol: HiveGatewayProtocol, *lines: dict) -> None:
    now = int(time.time())
    protocol.on_connect(None)
    protocol.on_data("".join(hv1.encode_line({"timestamp": now - 60 + n, **values})
                             for n, values in enumerate(lines)).encode(), now)


def test_a_registered_device_in_any_spelling_gets_its_owners_readings(owners):
    beeman, _, device = owners
    protocol = HiveGatewayProtocol()
    feed(protocol, {"device_id": "aa-bb-01", "temperature": 34.6}, {"device_id": "AA:BB:01", "weight": 40.5})
    rows = list(Reading.select().order_by(Reading.ts))
    assert [(r.device_id, r.source) for r in rows] == [(device.id, SOURCE_SERIAL)] * 2
    assert protocol.counters()["stored"] == 2 and Device.select().count() == 1


def test_an_unknown_device_is_the_operators_and_an_ambiguous_one_is_dropped(owners):
    beeman, operator, _ = owners
    protocol = HiveGatewayProtocol(source=SOURCE_SIMULATOR)
    feed(protocol, {"device_id": "cc-dd-ee", "battery": 80})
    new = Device.get(Device.api_id == "CC:DD:EE")
    assert (new.owner_id, new.hive_id, Reading.get().source) == (operator.id, None, SOURCE_SIMULATOR)

    add_device(add_hive(add_apiary("Acres", operator).uuid, "H2").uuid, "AA-BB-01")
    feed(protocol, {"device_id": "aa:bb:01", "battery": 80})
    assert protocol.counters()["ambiguous_device"] == 1 and Reading.select().count() == 1

    set_setting("operator", "nobody")
    feed(protocol, {"device_id": "ff-ff-ff", "battery": 80})
    assert protocol.counters()["no_owner"] == 2  # the ambiguous reading and this one
    assert not Device.select().where(Device.api_id == "FF:FF:FF").exists()


def upload(http, key: str, device_id: str) -> None:
    """A Beekeeping upload by a licence holder (°F by default), as anyone with a key may send."""
    query = urllib.parse.urlencode({"license_key": key, "device_id": device_id,
                                    "temperature": "95"})
    status, _, _ = http.request("GET", f"/api_v1/data_upload?{query}")
    assert status == 200


def test_another_licence_holders_upload_does_not_take_a_serial_sensors_readings(owners, http):
    """Before: one upload with the serial sensor's id registered a second owner of it, and
    the gateway dropped every later reading of the sensor as ambiguous."""
    beeman, operator, device = owners
    set_setting("beekeeping_rate_per_second", 10_000)
    key = issue_license_key(create_user("stranger"))
    upload(http, key, "AA:BB:01")  # beeman's sensor, placed in his hive
    upload(http, key, "CC:DD:02")  # a sensor only the gateway has heard so far
    protocol = HiveGatewayProtocol()
    feed(protocol, {"device_id": "aa:bb:01", "temperature": 34.6},
         {"device_id": "cc:dd:02", "temperature": 33.0})
    assert protocol.counters()["stored"] == 2 and "ambiguous_device" not in protocol.counters()
    serial = Reading.select().where(Reading.source == SOURCE_SERIAL)
    assert {(r.device.api_id, r.device.owner_id) for r in serial} == {
        ("AA:BB:01", beeman.id), ("CC:DD:02", operator.id)}
    assert Reading.select().where(Reading.device == device.id).count() == 1
