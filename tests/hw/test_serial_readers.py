"""The readers end to end: real pseudo-terminals, real reader threads, a real SQLite file."""

import time

import pytest
from polling import wait_for

from kegdash import events
from kegdash.accounts.users import create_user
from kegdash.apiary.models import Device, Reading
from kegdash.apiary.registry import add_apiary, add_device, add_hive
from kegdash.bar.models import Drink, Keg, ThermoLog
from kegdash.bar.taps import add_auth_token, add_tap, start_keg
from kegdash.hw import hv1, kbsp
from kegdash.hw.hive_reader import HiveGatewayProtocol
from kegdash.hw.kegboard_reader import KegboardProtocol
from kegdash.hw.pour_detector import PourConfig
from kegdash.hw.serial_link import SerialLink
from kegdash.hw.simulators import Pty
from kegdash.site_settings import set_setting

FAST = PourConfig(idle_timeout=0.6, rfid_idle_timeout=0.6)


@pytest.fixture
def bar(database):
    tap = add_tap("Main", "kegboard.flow0", ml_per_tick=0.5)
    start_keg(tap.id, "Racer 5", size="corny")
    return tap


@pytest.fixture
def kegboard(tmp_path, bar):
    pty = Pty(tmp_path / "kegboard0")
    protocol = KegboardProtocol(config=FAST)
    link = SerialLink(str(pty.link), protocol)
    link.start()
    assert wait_for(lambda: link.status.state == "connected")
    yield pty, link, protocol
    link.stop()
    pty.close()
    assert not link.running


def send(pty, *messages):
    for message in messages:
        pty.write(kbsp.encode(message))
        time.sleep(0.01)


def test_ticks_become_a_drink_with_the_right_volume_and_user(kegboard):
    pty, link, _ = kegboard
    mikey = create_user("mikey")
    add_auth_token("core.rfid", "0a1b2c3d4e", mikey)
    progress = []
    unsubscribe = events.bus.subscribe(
        lambda event: progress.append(event) if isinstance(event, events.PourProgress) else None)
    try:
        send(pty, kbsp.MeterStatus("flow0", 5000),  # baseline, not a pour
             kbsp.AuthToken("core.rfid", bytes.fromhex("0a1b2c3d4e")[::-1], 1),
             kbsp.MeterStatus("flow0", 5300), kbsp.MeterStatus("flow0", 5800))
        assert wait_for(lambda: Drink.select().count() == 1)
    finally:
        unsubscribe()
    drink = Drink.get()
    assert (drink.ticks, drink.volume_ml, drink.user_id) == (800, 400.0, mikey.id)
    assert drink.auth_token == "core.rfid|0a1b2c3d4e"
    assert Keg.get().served_ml == 400.0
    assert [p.volume_ml for p in progress] == [150.0, 400.0]
    assert link.status.counters["frames_ok"] == 4


def test_board_reset_mid_pour_neither_creates_nor_loses_volume(kegboard):
    pty, _, _ = kegboard
    send(pty, kbsp.MeterStatus("flow0", 90000), kbsp.MeterStatus("flow0", 90100),
         kbsp.MeterStatus("flow0", 40),  # board rebooted: 40 ticks since
         kbsp.MeterStatus("flow0", 140))
    assert wait_for(lambda: Drink.select().count() == 1)
    assert Drink.get().ticks == 100 + 40 + 100


def test_corrupt_frames_are_dropped_and_counted(kegboard):
    pty, link, _ = kegboard
    good = kbsp.encode(kbsp.MeterStatus("flow0", 1000))
    flipped = bytearray(kbsp.encode(kbsp.MeterStatus("flow0", 999999)))
    flipped[20] ^= 0x01
    pty.write(good + b"garbage\x00\xff" + bytes(flipped))
    send(pty, kbsp.MeterStatus("flow0", 1100))
    assert wait_for(lambda: Drink.select().count() == 1)
    assert Drink.get().ticks == 100
    assert link.protocol.decoder.stats.crc_errors == 1
    assert link.protocol.decoder.stats.garbage_bytes > 0


def test_unplug_and_replug_keeps_the_pour(kegboard, tmp_path):
    pty, link, _ = kegboard
    send(pty, kbsp.MeterStatus("flow0", 100), kbsp.MeterStatus("flow0", 300))
    assert wait_for(lambda: link.status.last_data is not None)
    pty.close()  # unplugged mid-pour
    assert wait_for(lambda: link.status.state == "disconnected")
    replug = Pty(tmp_path / "kegboard0")
    try:
        assert wait_for(lambda: link.status.state == "connected")
        send(replug, kbsp.MeterStatus("flow0", 500))
        assert wait_for(lambda: Drink.select().count() == 1)
        assert Drink.get().ticks == 400
        assert link.status.reconnects >= 1
    finally:
        replug.close()


def test_temperatures_are_stored_once_a_minute(kegboard):
    pty, _, _ = kegboard
    send(pty, kbsp.TemperatureReading("thermo-01", 3_500_000),
         kbsp.TemperatureReading("thermo-01", 3_700_000),
         kbsp.TemperatureReading("thermo-01", 95_000_000))  # impossible: refused
    assert wait_for(lambda: ThermoLog.select().where(ThermoLog.temp_c == 3.7).count() == 1)
    assert ThermoLog.select().count() == 1


def test_relay_opens_only_for_an_authorised_user(tmp_path, bar, database):
    import os
    import select

    bar.relay_name, bar.requires_auth = "kegboard.relay0", True
    bar.save()
    add_auth_token("core.rfid", "aabb", create_user("mikey"))
    pty = Pty(tmp_path / "kb")
    link = SerialLink(pty.device, KegboardProtocol(config=FAST))
    link.start()
    try:
        assert wait_for(lambda: link.status.state == "connected")
        received = bytearray()

        def read_commands():
            while select.select([pty.master], [], [], 0)[0]:
                received.extend(os.read(pty.master, 4096))
            return kbsp.KbspDecoder().feed(bytes(received))

        send(pty, kbsp.AuthToken("core.rfid", bytes.fromhex("ccdd"), 1))  # unknown card
        time.sleep(0.3)
        assert not [m for m in read_commands() if isinstance(m, kbsp.SetOutput)]
        send(pty, kbsp.AuthToken("core.rfid", bytes.fromhex("bbaa"), 1))
        assert wait_for(lambda: kbsp.SetOutput(0, 1) in read_commands())
    finally:
        link.stop()
        pty.close()


def test_hive_gateway_lines_are_stored_and_bad_fields_dropped(tmp_path, database):
    owner = create_user("beeman")
    set_setting("operator", "beeman")
    hive = add_hive(add_apiary("Ridge", owner).uuid, "H1")
    add_device(hive.uuid, "aa:bb:01")
    now = int(time.time())
    pty = Pty(tmp_path / "hive0")
    link = SerialLink(pty.device, HiveGatewayProtocol())
    link.start()
    try:
        assert wait_for(lambda: link.status.state == "connected")
        good = hv1.encode_line({"device_id": "aa:bb:01", "timestamp": now - 60,
                                "temperature": 34.6, "weight": 48.35})
        bad_value = hv1.encode_line({"device_id": "aa:bb:01", "timestamp": now,
                                     "temperature": "nan", "humidity": 61.2})
        new_device = hv1.encode_line({"device_id": "aa:bb:99", "timestamp": now, "battery": 80})
        corrupt = good.replace("34.6", "34.7")  # checksum no longer matches
        pty.write((good + "noise\r\n" + corrupt + bad_value + new_device + good).encode())
        assert wait_for(lambda: Reading.select().count() == 3)
    finally:
        link.stop()
        pty.close()
    first = Reading.get(Reading.ts == now - 60)
    assert (first.temperature, first.weight, first.source) == (34.6, 48.35, Reading.SOURCE_SERIAL)
    second = Reading.get((Reading.ts == now) & (Reading.device == Device.get(api_id="AA:BB:01")))
    assert (second.temperature, second.humidity) == (None, 61.2)
    unassigned = Device.get(Device.api_id == "AA:BB:99")
    assert unassigned.hive_id is None and unassigned.owner_id == owner.id
    stats = link.protocol.decoder.stats
    assert stats.bad_checksum == 1 and stats.bad_value == 1
