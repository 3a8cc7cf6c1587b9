"""The event bus across instances on one PostgreSQL database (``pg_bus``): two buses, each with
its relay on its own connections, as two ``kegdash serve`` processes would have."""

from __future__ import annotations

import datetime as dt

import pytest
from polling import wait_for
from postgres_db import needs_postgres, opened

from kegdash import db as kdb
from kegdash import events, pg_bus, site_settings
from kegdash.events import EventBus


@pytest.fixture
def database():
    with opened() as db:
        yield db


@pytest.fixture
def relays(database):
    """(bus, relay) of instance A, and of instance B on the process's own bus."""
    started = []

    def relay(bus: EventBus) -> pg_bus.PgEventRelay:
        one = pg_bus.relay_for(kdb.database.obj, bus)
        started.append(one)
        assert wait_for(one.listening.is_set)
        return one

    bus_a = EventBus()
    yield (bus_a, relay(bus_a)), (events.bus, relay(events.bus))
    for one in started:
        one.stop()


EXAMPLES = [
    events.PourProgress(tap_id=1, meter="kegboard.flow0", ticks=120, volume_ml=26.4),
    events.DrinkPoured(drink_id=7, tap_id=1, keg_id=3, volume_ml=330.0),
    events.DrinkCancelled(drink_id=7, tap_id=None, keg_id=3, volume_ml=330.0),
    events.KegChanged(keg_id=3, tap_id=None),
    events.TapChanged(tap_id=1),
    events.TemperatureRecorded(sensor_id=2, sensor_name="thermo-1", temp_c=3.5,
                               time=dt.datetime(2025, 5, 1, 12, 30)),
    events.ReadingStored(device_id=4, device_uuid="u", hive_id=None, owner_id=1, ts=1_700_000_000,
                         values={"temperature": 34.5, "weight": 40.0}),
    events.RecipeSaved(recipe_id="abc", recipe_name="Pils", change="updated"),
    events.SettingChanged(key="privacy"),
]


@pytest.mark.parametrize("event", EXAMPLES, ids=lambda e: type(e).__name__)
def test_every_relayed_event_survives_its_payload(event):
    assert pg_bus.decode(pg_bus.encode(event, "me", 1.5)) == ("me", 1.5, event)


def test_local_events_and_oversized_payloads_are_not_relayed():
    status = events.DeviceStatus(device="/dev/ttyACM0", kind="kegboard", state="connected", error="",
                                 reconnects=0, last_data=None, counters={})
    assert pg_bus.encode(status, "me", 1.0) is None
    huge = events.ReadingStored(device_id=4, device_uuid="u", hive_id=None, owner_id=1, ts=1,
                                values={f"v{n}": float(n) for n in range(1000)})
    assert pg_bus.encode(huge, "me", 1.0) is None


def test_sqlite_has_no_relay(tmp_path):
    kdb.open_database(f"sqlite:///{tmp_path / 'k.sqlite'}")
    assert pg_bus.relay_for(kdb.database.obj, EventBus()) is None


@needs_postgres
def test_a_drink_poured_on_one_instance_arrives_on_the_other_once(relays):
    (bus_a, _), (bus_b, _) = relays
    seen_a, seen_b = [], []
    bus_a.subscribe(seen_a.append)
    bus_b.subscribe(seen_b.append)
    drink = events.DrinkPoured(drink_id=7, tap_id=1, keg_id=3, volume_ml=330.0)
    bus_a.publish(drink)
    assert wait_for(lambda: drink in seen_b)
    # B's relay does not send A's event back: after B's own event has reached A, A has seen
    # its drink once, and B's event once.
    ping = events.TapChanged(tap_id=99)
    bus_b.publish(ping)
    assert wait_for(lambda: ping in seen_a)
    assert seen_a == [drink, ping] and seen_b == [drink, ping]


@needs_postgres
def test_a_setting_changed_on_one_instance_applies_on_the_other_at_once(relays, monkeypatch):
    (bus_a, _), _ = relays
    monkeypatch.setattr(site_settings, "CACHE_SECONDS", 3600.0)  # only the relay can refresh it
    assert site_settings.get_setting("low_keg_fraction") == 0.10  # now cached for an hour here
    # What set_setting does on instance A: store the value, publish on A's bus.
    site_settings.SiteSetting.insert(key="low_keg_fraction", value="0.25").execute()
    bus_a.publish(events.SettingChanged(key="low_keg_fraction"))
    assert wait_for(lambda: site_settings.get_setting("low_keg_fraction") == 0.25)



@needs_postgres
def test_a_short_command_sends_its_events_at_once_and_only_committed_ones(relays):
    """``kegdash admin`` runs no relay: ``sent_at_once`` sends what it publishes through its own
    connection, with the commit of the transaction it was published in."""
    _, (bus_b, _) = relays
    seen = []
    bus_b.subscribe(seen.append)
    command = EventBus()
    setting, marker = events.SettingChanged(key="privacy"), events.TapChanged(tap_id=99)
    with pg_bus.sent_at_once(kdb.database.obj, command):
        with kdb.database.atomic() as transaction:
            command.publish(events.KegChanged(keg_id=1, tap_id=None))
            transaction.rollback()
        command.publish(setting)
    command.publish(events.SettingChanged(key="operator"))  # after the block: not sent
    with pg_bus.sent_at_once(kdb.database.obj, command):
        command.publish(marker)
    assert wait_for(lambda: marker in seen)
    assert seen == [setting, marker]
