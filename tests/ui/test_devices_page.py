import re

import pytest
from PySide6.QtWidgets import QLabel

from kegdash.config import Settings
from kegdash.hw.devices import DeviceManager, PortInfo
from kegdash.hw.simulators import Pty, Simulator
from kegdash.ui.devices_page import SERIAL_COLUMNS
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
    """Each board's row: which board, its port, its state."""
    return [[page.serial.item(r, c).text() for c in range(3)] for r in range(page.serial.rowCount())]


def ports_and_states(page):
    return [row[1:] for row in serial_rows(page)]


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
        qtbot.waitUntil(lambda: serial_rows(page) == [["Kegboard", str(pty.link), "Connected"]], timeout=5000)
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
    qtbot.waitUntil(lambda: serial_rows(page) == [["Hive gateway (simulated)", link.device, "Connected"]],
                    timeout=5000)
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
    assert "found by itself" in hinted[True] and "hot-plug is off" not in hinted[True]
    assert "hot-plug is off" in hinted[False] and "found by itself" not in hinted[False]


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
    page.refresh_links()
    assert "frames_ok" in page.serial.item(0, SERIAL_COLUMNS.index("Counters")).text()


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
        qtbot.waitUntil(lambda: ports_and_states(page) == [[first, "Connected"]], timeout=5000)
        started[0].stop()
        plugged.clear()
        qtbot.waitUntil(lambda: ports_and_states(page)[0][0] == first
                        and ports_and_states(page)[0][1].startswith("Looking for it: "), timeout=5000)
        second = plug_in("ttyACM1")
        qtbot.waitUntil(lambda: ports_and_states(page) == [[second, "Connected"]], timeout=5000)
        assert window.devices_label.text() == f"Serial: {second} connected"
        page.serial.selectRow(0)
        page.disconnect_button.click()
        assert manager.links == [] and "until you connect it again" in page.message.text()
        qtbot.wait(300)  # six looks at the ports: none reads it again
        assert manager.links == [] and page.serial.rowCount() == 0
    finally:
        for simulator in started:
            simulator.stop()


def row_of(page, column):
    return page.serial.item(0, SERIAL_COLUMNS.index(column)).text()


def test_boards_are_described_in_words_with_counters_behind_details(qtbot, window, manager):
    page = window.devices_page
    (link,) = manager.add_simulated(("kegboard",), speed=50)
    page.on_event(link.status.event())
    page.refresh_links()
    assert row_of(page, "Last message") == "Nothing yet"
    qtbot.waitUntil(lambda: link.protocol.serial_number is not None, timeout=5000)
    # the link's "connected" reaches the page through the window's event bridge
    qtbot.waitUntil(lambda: page.refresh_links() or row_of(page, "State") == "Connected", timeout=5000)
    assert row_of(page, "Board") == "Kegboard KB-SIM-0001 (simulated)"
    assert row_of(page, "Battery") == ""
    last = row_of(page, "Last message")
    assert last.endswith(" · just now") and re.match(r"(Temperature \d\.\d °C|Hello|Flow meter)", last)
    counters = [SERIAL_COLUMNS.index(name) for name in ("Reconnects", "Counters")]
    assert all(page.serial.isColumnHidden(column) for column in counters)
    page.details.setChecked(True)
    assert not any(page.serial.isColumnHidden(column) for column in counters)
    qtbot.waitUntil(lambda: link.status.counters.get("frames_ok", 0) > 0, timeout=5000)
    page.refresh_links()
    assert "frames_ok" in row_of(page, "Counters")


def test_a_gateway_shows_its_sensors_readings_and_lowest_battery_in_the_window_units(
        qtbot, window, manager):
    page = window.devices_page
    (link,) = manager.add_simulated(("hive",), speed=50)
    page.on_event(link.status.event())
    qtbot.waitUntil(lambda: len(link.protocol.batteries) == 3, timeout=10_000)
    page.refresh_links()
    assert row_of(page, "Battery") == "87 % (lowest of 3)"
    assert re.fullmatch(r"AA:BB:0\d: \d\d\.\d °C, \d\d % humidity, \d\d\.\d kg, battery 87 % · just now",
                        row_of(page, "Last message"))
    window.prefs.set_units("us")
    assert re.match(r"AA:BB:0\d: \d\d\.\d °F, \d\d % humidity, \d\d\.\d lb", row_of(page, "Last message"))


def test_a_port_that_is_not_there_says_so_and_is_looked_for(qtbot, window, manager, tmp_path):
    page = window.devices_page
    page.port.setText(str(tmp_path / "ttyNOPE"))
    page.kegboard_button.click()
    qtbot.waitUntil(lambda: serial_rows(page) == [[
        "Kegboard", str(tmp_path / "ttyNOPE"),
        "Looking for it: no such device (not plugged in, or another name)"]], timeout=5000)


def test_the_page_speaks_of_boards_not_of_environment_variables(qtbot, window):
    words = " ".join(label.text() for label in window.devices_page.findChildren(QLabel))
    assert "KEGDASH_" not in words and "[serial]" not in words and "hotplug" not in words


def test_hive_sensors_are_read_off_the_gui_thread(qtbot, window, database):
    from kegdash.accounts.users import create_user
    from kegdash.apiary.registry import add_apiary, add_device, add_hive

    apiary = add_apiary("Ridge", create_user("beeman"))
    add_device(add_hive(apiary.uuid, "Hive 1").uuid, "aa:bb:01", vendor="BroodMinder")
    page = window.devices_page
    page.reload_sensors()
    assert page.sensors.rowCount() == 0, "the rows arrive from the task runner, not at once"
    qtbot.waitUntil(lambda: page.sensors.rowCount() == 1, timeout=5000)
    assert [page.sensors.item(0, c).text() for c in range(4)] == \
        ["AA:BB:01", "BroodMinder", "Hive 1", "never"]
