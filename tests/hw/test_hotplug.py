"""Hot-plug: boards plugged in, moved and unplugged while the device manager runs.

The system's port list is the one thing substituted: pseudo-terminals with a symlink named like a
USB port are presented as plugged-in adapters, and real simulators and reader threads do the rest.
"""

import threading

import pytest
from polling import wait_for

from kegdash import events
from kegdash.bar.taps import add_tap, start_keg
from kegdash.hw import devices as devices_module
from kegdash.hw.devices import DeviceManager, PortInfo
from kegdash.hw.simulators import Pty, Simulator

SERIAL = "95437313335351F0E1E1"


class Sockets:
    """The ports the system lists; ``scans`` counts how often the watcher looked."""

    def __init__(self) -> None:
        self.ports: list[PortInfo] = []
        self.scans = 0

    def __call__(self) -> list[PortInfo]:
        self.scans += 1
        return list(self.ports)

    def plug(self, device: str, serial_number: str | None = SERIAL) -> None:
        self.ports.append(PortInfo(device, "Arduino Uno (Arduino)", 0x2341, 0x0043, True, serial_number))

    def unplug(self, device: str) -> None:
        self.ports = [port for port in self.ports if port.device != device]

    def wait_scans(self, count: int = 3) -> bool:
        """Until the watcher has looked ``count`` more times: long enough to have acted."""
        target = self.scans + count
        return wait_for(lambda: self.scans >= target)


@pytest.fixture
def sockets():
    return Sockets()


@pytest.fixture
def manager(database, sockets):
    manager = DeviceManager(sockets, scan_interval=0.05)
    yield manager
    manager.stop()
    assert not manager.watching and not any(link.running for link in manager.links)


@pytest.fixture
def bar(database):
    for meter in ("flow0", "flow1"):  # the simulator pours on either meter
        start_keg(add_tap(meter, f"kegboard.{meter}", ml_per_tick=0.5).id, "Racer 5", size="corny")


@pytest.fixture
def boards(tmp_path):
    """Start a simulated board on a pty linked as ``<tmp>/<name>``; all stopped afterwards."""
    started = []

    def board(name: str, kind: str = "kegboard") -> Simulator:
        simulator = Simulator(kind, Pty(tmp_path / name), seed=7, speed=20)
        simulator.start()
        started.append(simulator)
        return simulator

    yield board
    for simulator in started:
        simulator.stop()


@pytest.fixture
def published():
    """Every event published, in order."""
    seen = []
    unsubscribe = events.bus.subscribe(seen.append)
    yield seen
    unsubscribe()


def poured_on(published, since=0):
    """Pour progress on a configured tap, among the events published from index ``since`` on."""
    return [event for event in published[since:] if isinstance(event, events.PourProgress)]


def test_a_kegboard_plugged_in_after_start_is_read_and_pours_flow(manager, sockets, bar, boards,
                                                                  published):
    manager.start()
    assert sockets.wait_scans(1) and manager.links == []
    kegboard = boards("ttyACM0")
    sockets.plug(kegboard.pty.device)
    assert wait_for(lambda: len(manager.links) == 1)
    (link,) = manager.links
    assert link.device == kegboard.pty.device
    assert wait_for(lambda: link.status.kind == "kegboard" and link.status.state == "connected")
    assert wait_for(lambda: poured_on(published))
    assert events.PortsChanged(appeared=(kegboard.pty.device,), vanished=()) in published
    statuses = [event for event in published if isinstance(event, events.DeviceStatus)]
    assert statuses[-1].kind == "kegboard"  # the page learns the kind without polling
    assert sockets.wait_scans() and manager.links == [link]  # read ports are left alone


def test_a_board_moved_to_another_socket_is_read_there_and_its_old_link_dropped(
        manager, sockets, bar, boards, published):
    manager.start()
    first = boards("ttyACM0")
    sockets.plug(first.pty.device)
    assert wait_for(lambda: manager.links and manager.links[0].status.kind == "kegboard")
    (old,) = manager.links
    assert wait_for(lambda: poured_on(published))

    first.stop()  # unplugged: its pty and symlink are gone
    sockets.unplug(first.pty.device)
    assert wait_for(lambda: old.status.state == "disconnected")
    assert sockets.wait_scans() and manager.links == [old]  # it may come back in the same socket
    assert events.PortsChanged(appeared=(), vanished=(first.pty.device,)) in published

    seen = len(published)
    second = boards("ttyACM1")
    sockets.plug(second.pty.device)
    assert wait_for(lambda: [link.device for link in manager.links] == [second.pty.device])
    (new,) = manager.links
    assert not old.running and old.status.state == "stopped"
    assert new.protocol is old.protocol  # the board's reader, with its meter baselines, goes along
    assert wait_for(lambda: new.status.state == "connected")
    assert wait_for(lambda: poured_on(published, seen))


def test_a_board_back_in_the_same_socket_is_reopened_by_its_own_link(manager, sockets, boards):
    manager.start()
    kegboard = boards("ttyUSB0")
    sockets.plug(kegboard.pty.device, serial_number=None)  # a CH340 clone: known by its path only
    assert wait_for(lambda: manager.links and manager.links[0].status.kind == "kegboard")
    (link,) = manager.links
    kegboard.stop()
    sockets.unplug(kegboard.pty.device)
    assert wait_for(lambda: link.status.state == "disconnected")
    assert sockets.wait_scans()
    again = boards("ttyUSB0")
    sockets.plug(again.pty.device, serial_number=None)
    assert wait_for(lambda: link.status.state == "connected" and link.status.reconnects >= 1)
    assert sockets.wait_scans() and manager.links == [link]


def test_a_port_disconnected_by_hand_stays_unread_until_plugged_in_again(manager, sockets, boards):
    manager.start()
    kegboard = boards("ttyACM0")
    sockets.plug(kegboard.pty.device)
    assert wait_for(lambda: manager.links and manager.links[0].status.kind == "kegboard")
    manager.remove(manager.links[0])  # the Devices page's "Disconnect selected"
    assert sockets.wait_scans(5) and manager.links == []

    sockets.unplug(kegboard.pty.device)
    assert sockets.wait_scans(1)
    sockets.plug(kegboard.pty.device)
    assert wait_for(lambda: len(manager.links) == 1)
    (link,) = manager.links
    assert wait_for(lambda: link.status.kind == "kegboard" and link.status.state == "connected")

    manager.remove(link)
    hand = manager.connect(kegboard.pty.device, "kegboard")  # connecting by hand lifts the hold
    assert sockets.wait_scans() and manager.links == [hand]


def test_a_hive_gateway_is_recognised_by_its_first_reading(manager, sockets, boards):
    manager.start()
    gateway = boards("ttyUSB3", kind="hive")
    sockets.plug(gateway.pty.device, serial_number="A10KX3QB")
    assert wait_for(lambda: len(manager.links) == 1)
    (link,) = manager.links
    assert wait_for(lambda: link.status.kind == "hive-gateway")
    assert wait_for(lambda: link.protocol.counters().get("lines", 0) > 0)


def test_someone_elses_board_is_given_up_and_left_alone(manager, sockets, tmp_path, monkeypatch):
    monkeypatch.setattr(devices_module, "IDENTIFY_MAX_BYTES", 200)
    manager.start()
    printer = Pty(tmp_path / "ttyUSB1")
    try:
        sockets.plug(str(printer.link), serial_number="3D-PRINTER")
        assert wait_for(lambda: len(manager.links) == 1)
        (link,) = manager.links
        assert wait_for(lambda: link.status.state == "connected")
        printer.write(b"echo:busy: processing\n" * 20)
        assert wait_for(lambda: manager.links == [] and not link.running)
        assert sockets.wait_scans() and manager.links == []
    finally:
        printer.close()


def test_an_unidentified_port_that_vanishes_is_dropped(manager, sockets, tmp_path):
    manager.start()
    pty = Pty(tmp_path / "ttyACM9")
    sockets.plug(str(pty.link))
    assert wait_for(lambda: len(manager.links) == 1)
    pty.close()
    sockets.unplug(str(pty.link))
    assert wait_for(lambda: manager.links == [])


def test_without_hotplug_only_ports_connected_by_hand_are_read(database, sockets, tmp_path):
    manager = DeviceManager(sockets, scan_interval=0.05, hotplug=False)
    pty = Pty(tmp_path / "ttyACM5")
    sockets.plug(str(pty.link))
    manager.start()
    try:
        assert not manager.watching
        assert not any(thread.name == "kegdash-hotplug" for thread in threading.enumerate())
        assert not wait_for(lambda: manager.links or sockets.scans, timeout=0.3)
        link = manager.connect(str(pty.link), "kegboard")
        assert manager.links == [link]
    finally:
        manager.stop()
        pty.close()


def test_the_watcher_stops_with_the_manager(database, sockets):
    manager = DeviceManager(sockets, scan_interval=0.05)
    manager.start()
    (watcher,) = [thread for thread in threading.enumerate() if thread.name == "kegdash-hotplug"]
    assert sockets.wait_scans(2) and watcher.is_alive() and manager.watching
    manager.stop()
    assert not watcher.is_alive() and not manager.watching


def test_a_kegboard_on_the_pis_uart_is_read_without_being_configured(database, bar, tmp_path, published,
                                                                     monkeypatch):
    """The system's own port list this time: a temp ``/dev`` whose ``serial0`` leads to a board."""
    monkeypatch.setattr(devices_module.list_ports, "comports", list)
    dev = tmp_path / "dev"
    dev.mkdir()
    kegboard = Simulator("kegboard", Pty(dev / "ttyAMA0"), seed=7, speed=20)
    (dev / "serial0").symlink_to("ttyAMA0")
    manager = DeviceManager(lambda: devices_module.serial_ports(dev, tmp_path / "cmdline"),
                            scan_interval=0.05)
    kegboard.start()
    manager.start()
    try:
        assert wait_for(lambda: len(manager.links) == 1)
        (link,) = manager.links
        assert link.device == str(dev / "serial0")
        assert wait_for(lambda: link.status.kind == "kegboard" and link.status.state == "connected")
        assert wait_for(lambda: poured_on(published))
    finally:
        manager.stop()
        kegboard.stop()
