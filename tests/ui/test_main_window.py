import sys

import pytest
from PySide6.QtCore import QSettings

from kegdash import events
from kegdash.bar.taps import add_tap, start_keg
from kegdash.ui.bridge import EventBridge
from kegdash.ui.main_window import PAGES, MainWindow


@pytest.fixture(autouse=True)
def isolated_qsettings(tmp_path):
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))
    QSettings().clear()


@pytest.fixture
def window(qtbot, database):
    bridge = EventBridge(events.bus)
    win = MainWindow(bridge, "http://127.0.0.1:8000", "sqlite:///test.sqlite")
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    bridge.detach()


def test_window_has_every_page_and_status(window):
    assert [window.nav.item(i).text() for i in range(window.nav.count())] == list(PAGES)
    assert "http://127.0.0.1:8000" in window.api_label.text()


def test_remembers_last_page(qtbot, window, database):
    window.nav.setCurrentRow(2)
    window.close()
    again = MainWindow(EventBridge(events.bus), "x", "y")
    qtbot.addWidget(again)
    assert again.nav.currentRow() == 2


def test_keg_started_elsewhere_shows_on_its_card(qtbot, window):
    tap = add_tap("Tap 1", "kegboard.flow0")
    qtbot.waitUntil(lambda: tap.id in window.taps_page.cards)
    start_keg(tap.id, "Racer 5", abv=7.2, size="corny")
    card = window.taps_page.cards[tap.id]
    qtbot.waitUntil(lambda: "Racer 5" in card.beverage.text())
    assert card.gauge.value() == 100


def test_event_from_another_thread_reaches_main_thread(qtbot, database):
    import threading

    bridge = EventBridge(events.bus)
    seen = []
    bridge.event.connect(lambda name, data: seen.append((name, threading.current_thread())))
    with qtbot.waitSignal(bridge.event, timeout=3000):
        threading.Thread(target=events.bus.publish, args=("ping",), kwargs={"x": 1}).start()
    assert seen[0] == ("ping", threading.main_thread())
    bridge.detach()


def test_pyside_does_not_overrelease_none(qtbot):
    """PySide6 6.12.0 drops None's refcount on void calls and aborts CPython 3.11 (hives.md §5.5)."""
    from PySide6.QtWidgets import QLabel

    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(10_000):
        label.setText("x")
    after = sys.getrefcount(None)
    assert after >= before - 100, f"None refcount fell from {before} to {after}"
