"""The hive gateway reader without a port: lines in, readings filed under the right owner."""

from __future__ import annotations

import time

import pytest

from kegdash.accounts.users import create_user
from kegdash.apiary.models import Device, Reading
from kegdash.apiary.readings import SOURCE_SERIAL, SOURCE_SIMULATOR
from kegdash.apiary.registry import add_apiary, add_device, add_hive
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
