import sqlite3

import pytest
from PySide6.QtCore import QSettings

from kegdash import db as kdb
from kegdash.config import Settings
from kegdash.site_settings import set_setting
from kegdash.ui.main_window import DEVICES, TAPS, MainWindow
from kegdash.ui.opening import DEMO_STEP, BarOpening
from kegdash.ui.taps_page import TapsPage


@pytest.fixture
def opening_window(qtbot, bridge):
    """(a window as run_window opens it, its opening) for the settings a test gives."""
    made = []

    def make(settings: Settings) -> tuple[MainWindow, BarOpening]:
        opening = BarOpening(settings)
        window = MainWindow(bridge, "starting…", "opening…", settings,
                            restart_server=opening.restart_server, opening=True)
        qtbot.addWidget(window)
        made.append((window, opening))
        window.show()
        qtbot.waitExposed(window)
        opening.start(window)
        return window, opening

    yield make
    for window, opening in made:
        window.close()
        opening.stop()
        assert window.runner.pool.activeThreadCount() == 0
    kdb.close_database()


def test_the_window_is_up_while_the_database_is_still_locked(qtbot, opening_window, tmp_path):
    """Another connection holds the database's write lock, as a `kegdash admin` command or a
    long migration would: the window is painted and says what it waits for, and opens its pages
    once the lock goes."""
    path = tmp_path / "locked.sqlite"
    holder = sqlite3.connect(path)
    holder.execute("CREATE TABLE held (x)")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        window, _opening = opening_window(Settings(database_url=f"sqlite:///{path}", port=0))
        qtbot.wait(300)  # the opening job is blocked on the lock meanwhile
        assert window.isVisible() and window.stack.currentWidget() is window.opening_note
        assert window.opening_note.step.text() == "Opening the database…"
        assert window.nav.count() == 6 and window.api_label.text() == "API: starting…"
        assert not isinstance(window.stack.widget(TAPS), TapsPage)  # nothing read yet
        image = window.grab().toImage()
        assert len({image.pixel(x, y) for x in range(0, image.width(), 17)
                    for y in range(0, image.height(), 13)}) > 4
    finally:
        holder.rollback()
        holder.close()
    qtbot.waitUntil(lambda: window.opening_note is None, timeout=10_000)
    assert window.stack.currentWidget() is window.taps_page
    qtbot.waitUntil(lambda: window.taps_page.body.currentWidget() is window.taps_page.empty)
    assert window.database_label.text() == f"Database: sqlite:///{path}"
    qtbot.waitUntil(lambda: window.api_label.text().startswith("API: http://127.0.0.1:"), timeout=20_000)


def test_a_demo_is_filled_behind_the_window_and_then_shown(qtbot, opening_window, tmp_path):
    window, _opening = opening_window(
        Settings(database_url=f"sqlite:///{tmp_path / 'demo.sqlite'}", port=0, demo=True))
    qtbot.waitUntil(lambda: window.opening_note is None or window.opening_note.step.text() == DEMO_STEP,
                    timeout=10_000)
    qtbot.waitUntil(lambda: window.opening_note is None, timeout=60_000)
    qtbot.waitUntil(lambda: len(window.taps_page.cards) == 4, timeout=10_000)
    qtbot.waitUntil(lambda: window.recipes_page.model.rowCount() == 2)


def test_a_bar_that_cannot_be_opened_says_why(qtbot, opening_window, tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    window, opening = opening_window(
        Settings(database_url=f"sqlite:///{tmp_path / 'a-file' / 'kegdash.sqlite'}", port=0))
    with qtbot.waitSignal(opening.failed, timeout=10_000) as failed:
        pass
    assert "a-file" in failed.args[0] and opening.error == failed.args[0]
    note = window.opening_note
    assert note is window.stack.currentWidget() and note.title.text() == "The bar could not be opened"
    assert note.step.text() == failed.args[0] and note.step.property("kind") == "error"
    assert window.api_label.text().startswith("API: not running")


def test_units_follow_the_bar_screens_once_the_database_is_open(qtbot, bridge):
    set_setting("display_units", "us")
    window = MainWindow(bridge, "starting…", "opening…", Settings(), opening=True)
    qtbot.addWidget(window)
    assert window.prefs.units == "metric"  # nothing is read before the bar is open
    window.open_pages()
    assert window.prefs.units == "us" and window.taps_page.prefs.units == "us"
    window.close()
    QSettings().setValue("ui/units", "metric")  # this machine's own choice wins
    again = MainWindow(bridge, "http://127.0.0.1:8000", "sqlite:///test.sqlite", Settings())
    qtbot.addWidget(again)
    assert again.prefs.units == "metric"
    again.close()


def test_the_kiosk_asked_for_while_opening_shows_the_taps_once_open(qtbot, bridge):
    window = MainWindow(bridge, "starting…", "opening…", Settings(), opening=True)
    qtbot.addWidget(window)
    window.nav.setCurrentRow(DEVICES)
    window.showFullScreen()
    qtbot.waitUntil(lambda: window.kiosk)
    assert window.stack.currentWidget() is window.opening_note
    window.open_pages()
    assert window.stack.currentWidget() is window.taps_page and window.taps_page.kiosk
    window.showNormal()
    qtbot.waitUntil(lambda: not window.kiosk)
    assert window.stack.currentWidget() is window.devices_page and not window.taps_page.kiosk
    window.close()
