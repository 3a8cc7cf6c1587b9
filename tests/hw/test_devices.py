"""The device manager with real pseudo-terminals and reader threads."""

from types import SimpleNamespace

import pytest
from polling import wait_for

from kegdash.hw import devices as devices_module
from kegdash.hw.devices import DeviceManager, PortInfo, discover, serial_ports
from kegdash.hw.simulators import Pty


@pytest.fixture
def manager(database):
    manager = DeviceManager(lambda: [])  # no boards plugged in: the watcher has nothing to do
    yield manager
    manager.stop()
    assert not any(link.running for link in manager.links)


def test_a_port_connected_after_start_is_read_at_once_and_can_be_removed(manager, tmp_path):
    manager.start()
    pty = Pty(tmp_path / "kegboard0")
    try:
        link = manager.connect(str(pty.link), "kegboard")
        assert link.protocol.kind == "kegboard" and link in manager.links
        assert wait_for(lambda: link.status.state == "connected")
        with pytest.raises(ValueError, match="already connected"):
            manager.connect(f" {pty.link} ", "hive")
        manager.remove(link)
        assert not link.running and link not in manager.links and link.status.state == "stopped"
    finally:
        pty.close()


def test_connect_refuses_nonsense(manager):
    with pytest.raises(ValueError, match="choose a serial port"):
        manager.connect("  ", "kegboard")
    with pytest.raises(ValueError, match="unknown device kind"):
        manager.connect("/dev/ttyACM0", "toaster")
    assert manager.links == []


def test_links_added_before_start_wait_for_it(manager, tmp_path):
    pty = Pty(tmp_path / "gw")
    try:
        link = manager.add_hive_gateway(str(pty.link))
        assert not link.running and link.status.state == "starting"
        manager.start()
        assert wait_for(lambda: link.status.state == "connected") and link.protocol.kind == "hive-gateway"
    finally:
        manager.stop()
        pty.close()


def test_simulator_started_later_runs_and_is_removed_with_its_link(manager):
    manager.start()
    (link,) = manager.add_simulated(("kegboard",), speed=50)
    (simulator,) = manager.simulators
    assert wait_for(lambda: link.status.state == "connected")
    assert wait_for(lambda: link.protocol.counters()["frames_ok"] > 0)
    manager.remove(link)
    assert manager.simulators == [] and not simulator._thread.is_alive() and not link.running


def fake_port(device, vid=None, pid=None, description="n/a", serial_number=None):
    return SimpleNamespace(device=device, vid=vid, pid=pid, description=description,
                           serial_number=serial_number)


def test_discover_offers_arduino_class_adapters_first(monkeypatch):
    ports = [fake_port("/dev/ttyS0"), fake_port("/dev/ttyUSB0", 0x1A86, 0x7523, "USB Serial"),
             fake_port("/dev/ttyACM0", 0x2341, 0x0043, "Arduino Uno", "95437313335351F0E1E1"),
             fake_port("/dev/ttyAMA0", 0x0403, 0x6001, "FT232R USB UART")]
    monkeypatch.setattr(devices_module.list_ports, "comports", lambda: ports)
    found = serial_ports()
    assert [p.device for p in found] == ["/dev/ttyACM0", "/dev/ttyAMA0", "/dev/ttyUSB0", "/dev/ttyS0"]
    assert found[0].usb_id == "2341:0043" and found[0].description == "Arduino Uno"
    assert found[2].description == "USB Serial (CH340)" and found[3].description == "" and not found[3].likely
    assert [p.device for p in discover()] == ["/dev/ttyACM0", "/dev/ttyAMA0", "/dev/ttyUSB0"]
    assert found[0].serial_number == "95437313335351F0E1E1" and found[2].serial_number is None


def test_a_board_is_known_by_its_usb_serial_number_else_by_the_port_behind_its_path(tmp_path):
    board = PortInfo("/dev/ttyACM0", "", 0x2341, 0x0043, True, "95437313335351F0E1E1")
    moved = PortInfo("/dev/ttyACM1", "", 0x2341, 0x0043, True, "95437313335351F0E1E1")
    assert board.identity == moved.identity
    (tmp_path / "by-id").symlink_to("/dev/ttyUSB0")
    clone = PortInfo(str(tmp_path / "by-id"), "", 0x1A86, 0x7523, True)
    assert clone.identity == PortInfo("/dev/ttyUSB0", "", 0x1A86, 0x7523, True).identity == "/dev/ttyUSB0"


@pytest.fixture
def pi_dev(tmp_path, monkeypatch):
    """A ``/dev`` in a temp dir whose UART names point at real pseudo-terminals; pyserial lists
    the PL011 it knows about (ttyAMA0) and a USB adapter, as on a Raspberry Pi."""
    dev = tmp_path / "dev"
    dev.mkdir()
    ptys = [Pty(dev / "ttyAMA0"), Pty(dev / "ttyS0")]
    listed = [fake_port(str(dev / "ttyAMA0")), fake_port("/dev/ttyUSB0", 0x0403, 0x6001, "FT232R")]
    monkeypatch.setattr(devices_module.list_ports, "comports", lambda: listed)
    yield dev
    for pty in ptys:
        pty.close()


def test_a_pis_uart_is_offered_by_its_serial0_name_and_listed_once(pi_dev, tmp_path):
    (pi_dev / "serial0").symlink_to("ttyAMA0")
    found = {p.device: p for p in serial_ports(pi_dev, tmp_path / "no-cmdline")}
    assert found.keys() == {str(pi_dev / "serial0"), "/dev/ttyUSB0"}
    assert all(p.likely for p in found.values())
    uart = found[str(pi_dev / "serial0")]
    assert uart.description.startswith("Raspberry Pi UART (")
    assert uart.identity == PortInfo(str(pi_dev / "ttyAMA0"), "", None, None, True).identity


def test_the_mini_uart_pyserial_does_not_list_is_found_through_serial0(pi_dev, tmp_path):
    (pi_dev / "ttyAMA0").unlink()  # Bluetooth holds the PL011 on a Pi 3 or 4
    (pi_dev / "serial0").symlink_to("ttyS0")
    found = {p.device: p.likely for p in serial_ports(pi_dev, tmp_path / "no-cmdline")}
    # pyserial's stale ttyAMA0 is listed as it always was, but not offered
    assert found == {str(pi_dev / "serial0"): True, str(pi_dev / "ttyAMA0"): False, "/dev/ttyUSB0": True}


def test_a_uart_without_serial0_is_found_by_its_ttyama_name(pi_dev, tmp_path):
    found = {p.device: p for p in serial_ports(pi_dev, tmp_path / "no-cmdline")}
    assert found.keys() == {str(pi_dev / "ttyAMA0"), "/dev/ttyUSB0"}
    uart = found[str(pi_dev / "ttyAMA0")]
    assert uart.likely and uart.description.startswith("Raspberry Pi UART")


def test_a_uart_that_is_the_kernel_console_is_listed_but_not_offered(pi_dev, tmp_path):
    (pi_dev / "serial0").symlink_to("ttyAMA0")
    cmdline = tmp_path / "cmdline"
    cmdline.write_text("coherent_pool=1M console=serial0,115200 console=tty1 root=PARTUUID=1-02\n")
    found = serial_ports(pi_dev, cmdline)
    assert [(p.device, p.likely) for p in found] == [("/dev/ttyUSB0", True), (str(pi_dev / "serial0"), False)]
    assert found[1].description.endswith("the kernel console")
