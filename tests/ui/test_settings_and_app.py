import os
import socket
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication

from kegdash.accounts.users import create_user
from kegdash.config import Settings
from kegdash.demo_data import load_demo_data
from kegdash.site_settings import get_setting
from kegdash.ui.app import run_window
from kegdash.ui.main_window import PAGES


def loaded(qtbot, page):
    qtbot.waitUntil(lambda: bool(page.stored))
    return page


def test_settings_changes_persist(qtbot, make_window):
    create_user("mikey")
    window = make_window()
    page = loaded(qtbot, window.settings_page)
    page.privacy.setCurrentIndex(page.privacy.findData("members"))
    page.session_timeout.setValue(45)
    page.low_keg.setValue(20)
    page.operator.setCurrentIndex(page.operator.findData("mikey"))
    assert get_setting("privacy") == "public" and page.apply_button.isEnabled()  # not yet applied
    page.apply_button.click()
    assert not page.apply_button.isEnabled()  # while the settings are stored off the GUI thread
    qtbot.waitUntil(lambda: page.message.text() == "Saved.")
    page.units.setCurrentIndex(page.units.findData("us"))
    assert get_setting("privacy") == "members"
    assert get_setting("session_timeout_minutes") == 45
    assert get_setting("low_keg_fraction") == 0.20
    assert get_setting("operator") == "mikey"
    assert QSettings().value("ui/units") == "us" and page.message.text() == "Saved."
    window.close()
    again = make_window()
    page = loaded(qtbot, again.settings_page)
    assert again.prefs.units == "us" and page.units.currentData() == "us"
    assert page.privacy.currentData() == "members" and page.session_timeout.value() == 45
    assert page.low_keg.value() == 20 and page.operator.currentData() == "mikey"


def test_units_start_from_the_machine_settings(qtbot, make_window):
    assert make_window(Settings(units="us")).prefs.units == "us"


def test_screenshot_of_each_page_with_demo_data(qtbot, make_window, tmp_path):
    """Artefacts for a person to look at (KEGDASH_SCREENSHOTS=folder keeps them); the assertions
    only check that each page painted something real."""
    load_demo_data()
    folder = Path(os.environ.get("KEGDASH_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    window = make_window()
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: len(window.taps_page.cards) == 4)  # the cards are read off the GUI thread
    shot = {}

    def painted() -> bool:
        """Whether the page shown painted something real (a page is built as it is first shown,
        and lays out what it read a moment later)."""
        image = shot["image"] = window.grab().toImage()
        colours = {image.pixel(x, y) for x in range(0, image.width(), 23)
                   for y in range(0, image.height(), 19)}
        return len(colours) > 8

    for row, name in enumerate(PAGES):
        window.nav.setCurrentRow(row)
        if name == "Hives":
            qtbot.waitUntil(lambda: window.hives_page.hive.count() == 3, timeout=5000)  # the overview
        qtbot.waitUntil(painted, timeout=5000)
        assert shot["image"].save(str(folder / f"{row + 1}-{name.split()[0].lower()}.png"))
    assert len(window.taps_page.cards) == 4 and window.recipes_page.model.rowCount() == 2


def test_run_window_serves_the_api_and_releases_the_port_on_close(qtbot, database):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    seen = {}

    def check_then_close():
        window = next(w for w in QApplication.topLevelWidgets()  # not one an earlier test closed
                      if w.objectName() == "kegdashMain" and w.isVisible())
        if window.api_label.text() == "API: starting…":  # it starts once the window is up
            QTimer.singleShot(50, check_then_close)
            return
        seen["api"] = window.api_label.text()
        with socket.create_connection(("127.0.0.1", port), timeout=2):
            seen["connected"] = True
        window.close()

    QTimer.singleShot(50, check_then_close)
    assert run_window(Settings(database_url=database, port=port)) == 0
    assert seen == {"api": f"API: http://127.0.0.1:{port}", "connected": True}
    with socket.socket() as again:
        again.bind(("127.0.0.1", port))
