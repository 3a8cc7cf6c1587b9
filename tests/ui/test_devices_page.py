import pytest

from kegdash.config import Settings
from kegdash.hw.devices import DeviceManager, PortInfo
from kegdash.hw.simulators import Pty, Simulator
from kegdash.ui.main_window import PAGES, MainWindow


@pytest.fixture
def plugged():
    """The serial ports the system lists, as the manager's watcher and the page see them."""
    return []


@pytest.fixture
def manager(database, plugged):
    manager = DeviceManager(lambda: list(plugged), scan_interval=0.05)
    manager.start()
    yield manager
    manager.stop()
    assert not manager.watching and not any(link.running for link in manager.links)


def usb_port(device, serial_number="95437313335351F0E1E1"):
    return PortInfo(device, "Arduino Uno (Arduino)", 0x2341, 0x0043, True, serial_number)


@pytest.fixture
def window(qtbot, bridge, manager):
    win = MainWindow(bridge, "http://127.0.0.1:8000", "sqlite:///test.sqlite", Settings(), devices=manager)
    qtbot.addWidget(win)
    win.nav.setCurrentRow(PAGES.index("Devices"))
    yield win
    win.close()


def serial_rows(page):
    return [[page.serial.item(r, c).text() for c in range(3)] for r in range(page.serial.rowCount())]


def test_ports_plugged_in_are_listed_live_and_a_click_fills_the_port(qtbot, window, plugged):
    page = window.devices_page
    assert page.port_table.rowCount() == 0
    plugged.append(usb_port("/dev/ttyACM7"))
    qtbot.waitUntil(lambda: page.port_table.rowCount() == 1, timeout=5000)
    assert [page.port_table.item(0, c).text() for c in range(4)] == \
        ["/dev/ttyACM7", "Arduino Uno (Arduino)", "2341:0043", "yes"]
    page.port_table.selectRow(0)
    assert page.port.text() == "/dev/ttyACM7"
    plugged.clear()
    qtbot.waitUntil(lambda: page.port_table.rowCount() == 0, timeout=5000)


def test_connect_a_port_as_kegboard_then_disconnect(qtbot, window, manager, tmp_path):
    page = window.devices_page
    pty = Pty(tmp_path / "kb")
    try:
        page.port.setText(str(pty.link))
        page.kegboard_button.click()
        (link,) = manager.links
        qtbot.waitUntil(lambda: serial_rows(page) == [[str(pty.link), "kegboard", "connected"]], timeout=5000)
        assert f"{pty.link} connected" in window.devices_label.text()
        page.kegboard_button.click()
        assert "already connected" in page.message.text() and len(manager.links) == 1
        page.serial.selectRow(0)
        page.disconnect_button.click()
        assert manager.links == [] and not link.running
        assert page.serial.rowCount() == 0 and window.devices_label.text() == "Serial: no devices"
        qtbot.wait(50)  # late reports from the stopped reader must not bring the row back
        assert page.serial.rowCount() == 0
    finally:
        pty.close()


def test_simulated_hive_gateway_is_one_click_away(qtbot, window, manager):
    page = window.devices_page
    page.sim_hive_button.click()
    (link,) = manager.links
    assert link.protocol.kind == "hive-gateway" and len(manager.simulators) == 1
    qtbot.waitUntil(lambda: serial_rows(page) == [[link.device, "hive-gateway", "connected"]], timeout=5000)
    page.serial.selectRow(0)
    page.disconnect_button.click()
    assert manager.links == [] and manager.simulators == []


def test_without_a_device_manager_the_page_only_reports(qtbot, make_window):
    page = make_window().devices_page
    assert not page.kegboard_button.isEnabled() and not page.sim_kegboard_button.isEnabled()


def test_without_hotplug_the_page_says_to_connect_boards_here(qtbot, bridge, database):
    hinted = {}
    for hotplug in (True, False):
        manager = DeviceManager(lambda: [], hotplug=hotplug)
        win = MainWindow(bridge, "-", "sqlite:///test.sqlite", Settings(), devices=manager)
        qtbot.addWidget(win)
        hinted[hotplug] = win.devices_page.hint.text()
        win.close()
    assert "found by itself" in hinted[True] and "hotplug = false" not in hinted[True]
    assert "hotplug = false" in hinted[False] and "found by itself" not in hinted[False]


def test_devices_read_before_the_window_opened_show_in_the_status_bar(qtbot, bridge, manager, tmp_path):
    pty = Pty(tmp_path / "early")
    try:
        link = manager.connect(str(pty.link), "hive")
        qtbot.waitUntil(lambda: link.status.state == "connected", timeout=5000)
        win = MainWindow(bridge, "-", "sqlite:///test.sqlite", Settings(), devices=manager)
        qtbot.addWidget(win)
        assert win.devices_label.text() == f"Serial: {pty.link} connected"
        win.close()
    finally:
        pty.close()


def test_counters_are_refreshed_from_the_links(qtbot, window, manager):
    page = window.devices_page
    (link,) = manager.add_simulated(("kegboard",), speed=50)
    page.on_event(link.status.event())
    qtbot.waitUntil(lambda: link.status.counters.get("frames_ok", 0) > 0, timeout=5000)
    page.refresh_counters()
    assert "frames_ok" in page.serial.item(0, 4).text()


def test_a_board_plugged_in_shows_up_moves_and_stays_away_once_disconnected(qtbot, window, manager,
                                                                            plugged, tmp_path):
    page = window.devices_page
    started = []

    def plug_in(name):
        simulator = Simulator("kegboard", Pty(tmp_path / name), seed=3, speed=20)
        simulator.start()
        started.append(simulator)
        plugged[:] = [usb_port(simulator.pty.device)]  # the same board each time, by its serial number
        return simulator.pty.device

    try:
        first = plug_in("ttyACM0")
        qtbot.waitUntil(lambda: serial_rows(page) == [[first, "kegboard", "connected"]], timeout=5000)
        started[0].stop()
        plugged.clear()
        qtbot.waitUntil(lambda: serial_rows(page) == [[first, "kegboard", "disconnected"]], timeout=5000)
        second = plug_in("ttyACM1")
        qtbot.waitUntil(lambda: serial_rows(page) == [[second, "kegboard", "connected"]], timeout=5000)
        assert window.devices_label.text() == f"Serial: {second} connected"
        page.serial.selectRow(0)
        page.disconnect_button.click()
        assert manager.links == [] and "until you connect it again" in page.message.text()
        qtbot.wait(300)  # six looks at the ports: none reads it again
        assert manager.links == [] and page.serial.rowCount() == 0
    finally:
        for simulator in started:
            simulator.stop()
