"""Window fixtures: QSettings in a temporary folder, a window on the test database."""

from __future__ import annotations

import gc

import pytest
from PySide6.QtCore import QSettings

from kegdash import events
from kegdash.config import Settings
from kegdash.ui.bridge import EventBridge
from kegdash.ui.main_window import MainWindow


@pytest.fixture(scope="session", autouse=True)
def nothing_older_to_collect():
    """Everything alive before the first window test of this process (modules, Qt, the
    fixtures' caches) stays alive: collected once here and then frozen, so the collection after
    each test below looks only at what was made since, instead of a few hundred thousand
    objects every time."""
    gc.collect()
    gc.freeze()
    yield
    gc.unfreeze()


@pytest.fixture(autouse=True)
def collect_on_the_gui_thread(nothing_older_to_collect):
    """Collect each test's dead widgets here, on the GUI thread, as ``run_window``'s collector
    does in the app: left to Python they are collected in whatever thread allocates next (a
    query or server worker), and Qt objects destroyed there left dangling timers that crashed
    a later test about one run in three."""
    yield
    gc.collect()


@pytest.fixture(autouse=True)
def isolated_qsettings(tmp_path):
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path))
    QSettings().clear()


@pytest.fixture
def bridge(database):
    bridge = EventBridge(events.bus)
    yield bridge
    bridge.detach()


@pytest.fixture
def make_window(qtbot, bridge):
    """Build (and on teardown close) windows; the background pool must be idle afterwards."""
    made = []

    def make(settings: Settings | None = None) -> MainWindow:
        win = MainWindow(bridge, "http://127.0.0.1:8000", "sqlite:///test.sqlite", settings)
        qtbot.addWidget(win)
        made.append(win)
        return win

    yield make
    for win in made:
        win.close()
        assert win.runner.pool.activeThreadCount() == 0


@pytest.fixture
def window(qtbot, make_window):
    win = make_window()
    win.show()
    qtbot.waitExposed(win)
    return win
