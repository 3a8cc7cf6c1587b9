from types import SimpleNamespace

import pytest

from kegdash.config import Settings
from kegdash.hw import devices as devices_module
from kegdash.hw.devices import DeviceManager
from kegdash.hw.simulators import Pty
from kegdash.ui.main_window import PAGES, MainWindow


@pytest.fixture
def manager(database):
    manager = DeviceManager()
    manager.start()
    yield manager
    manager.stop()
    assert not any(link.running for link in manager.links)


@pytest.fixture
def window(qtbot, bridge, manager, monkeypatch):
    ports = [SimpleNamespace(device="/dev/ttyACM7", vid=0x2341, pid=0x0043, description="Arduino Uno")]
    monkeypatch.setattr(devices_module.list_ports, "comports", lambda: ports)
    win = MainWindow(bridge, "http://127.0.0.1:8000", "sqlite:///test.sqlite", Settings(), devices=manager)
    qtbot.addWidget(win)
    win.nav.setCurrentRow(PAGES.index("Devices"))
    yield win
    win.close()


def serial_rows(page):
    return [[page.serial.item(r, c).text() for c in range(3)] for r in range(page.serial.rowCount())]


def test_ports_are_listed_and_a_click_fills_the_port(qtbot, window):
    page = window.devices_page
    assert [page.port_table.item(0, c).text() for c in range(4)] == \
        ["/dev/ttyACM7", "Arduino Uno", "2341:0043", "yes"]
    page.port_table.selectRow(0)
    assert page.port.text() == "/dev/ttyACM7"


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
    page.on_event("device_status", link.status.as_dict())
    qtbot.waitUntil(lambda: link.status.counters.get("frames_ok", 0) > 0, timeout=5000)
    page.refresh_counters()
    assert "frames_ok" in page.serial.item(0, 4).text()
