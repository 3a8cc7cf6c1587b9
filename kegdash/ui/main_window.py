"""The main window: a page per job (taps, kegs, hives, recipes, devices, settings), a status bar
with the API, serial devices and database, F11 for a full-screen kiosk with large type, and
light/dark themes. Size, position and the last page are remembered (QSettings)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QSignalBlocker, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QListWidget, QMainWindow, QSplitter, QStackedWidget

from kegdash.config import Settings
from kegdash.ui.about import AboutDialog, app_icon
from kegdash.ui.bridge import EventBridge
from kegdash.ui.devices_page import DevicesPage
from kegdash.ui.hives_page import HivesPage
from kegdash.ui.kegs_page import KegsPage
from kegdash.ui.prefs import Prefs
from kegdash.ui.recipes_page import RecipesPage
from kegdash.ui.settings_page import SettingsPage
from kegdash.ui.taps_page import TapsPage
from kegdash.ui.tasks import TaskRunner
from kegdash.ui.theme import apply_theme

if TYPE_CHECKING:
    from kegdash.hw.devices import DeviceManager

PAGES = ("Taps", "Kegs & drinks", "Hives", "Recipes", "Devices", "Settings")


class MainWindow(QMainWindow):
    def __init__(self, bridge: EventBridge, api_state: str, database: str,
                 settings: Settings | None = None, *, devices: DeviceManager | None = None,
                 restart_server: Callable[[str, int], str] | None = None) -> None:
        """``devices`` lets the Devices page connect and disconnect ports; ``restart_server(host,
        port)`` lets Settings move the API (both are absent when a test builds a bare window)."""
        super().__init__()
        settings = settings or Settings()
        self.bridge = bridge
        self.api_state = api_state
        self.database = database
        self.setWindowTitle("kegdash")
        self.setObjectName("kegdashMain")
        self.setWindowIcon(app_icon())
        self.prefs = Prefs(settings.units, self)
        self.kiosk = False
        apply_theme(self.prefs.theme)
        self.prefs.changed.connect(self._on_prefs)

        self.nav = QListWidget(objectName="nav")
        self.nav.addItems(PAGES)
        self.nav.setMinimumWidth(180)
        self.stack = QStackedWidget()
        self.runner = TaskRunner(self)
        self.taps_page = TapsPage(bridge, self.prefs, self.runner)
        self.kegs_page = KegsPage(bridge, self.prefs, self.runner)
        self.hives_page = HivesPage(bridge, self.prefs, self.runner)
        self.recipes_page = RecipesPage(bridge, self.runner, self.prefs)
        self.devices_page = DevicesPage(bridge, devices)
        self.settings_page = SettingsPage(self.prefs, "", database, settings, restart_server)
        for page in (self.taps_page, self.kegs_page, self.hives_page, self.recipes_page,
                     self.devices_page, self.settings_page):
            self.stack.addWidget(page)
        self.nav.currentRowChanged.connect(self.show_page)
        splitter = QSplitter()
        splitter.addWidget(self.nav)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setCollapsible(1, False)
        self.setCentralWidget(splitter)

        self.api_label = QLabel()
        self.devices_label = QLabel()
        self.database_label = QLabel(f"Database: {database}")
        for label in (self.api_label, self.devices_label, self.database_label):
            self.statusBar().addPermanentWidget(label)
        self.set_api_state(api_state)
        self.show_devices(self.devices_page.state_names())
        self.devices_page.states_changed.connect(self.show_devices)
        self.settings_page.server_changed.connect(self.set_api_state)
        self.hives_page.alert_count_changed.connect(self.show_hive_alerts)
        self.hives_page.attention_requested.connect(lambda: self.nav.setCurrentRow(PAGES.index("Hives")))
        self.menuBar().addMenu("&Help").addAction("&About kegdash", self.show_about)

        fullscreen = QAction("Full screen", self)
        fullscreen.setShortcut(QKeySequence(Qt.Key.Key_F11))
        fullscreen.triggered.connect(self.toggle_fullscreen)
        self.addAction(fullscreen)
        self._restore()

    def show_page(self, row: int) -> None:
        """Show the page chosen in the navigation list; leaving Recipes with unsaved edits asks
        Save / Discard / Cancel first, as closing the window does, and Cancel stays there."""
        if self.stack.currentWidget() is self.recipes_page and not self.recipes_page.confirm_leave():
            # Later, not now: a click goes on to select the clicked row after this signal.
            QTimer.singleShot(0, self, self._select_shown_page)
            return
        self.stack.setCurrentIndex(row)

    def _select_shown_page(self) -> None:
        with QSignalBlocker(self.nav):
            self.nav.setCurrentRow(self.stack.currentIndex())

    def set_api_state(self, text: str) -> None:
        """The API's address when it listens, or why it does not, in the status bar and Settings."""
        self.api_state = text
        self.api_label.setText(f"API: {text}")
        self.settings_page.set_server(text)

    def show_about(self) -> AboutDialog:
        self.about = AboutDialog(self, self.api_state, self.database)
        self.about.open()
        return self.about

    def reload_pages(self) -> None:
        """Re-read everything, after the database changed under the window (demo data loaded)."""
        self.taps_page.reload()
        self.kegs_page.reload()
        self.hives_page.reload_hives()
        self.recipes_page.reload()
        self.devices_page.reload_sensors()
        self.settings_page.reload()

    def show_hive_alerts(self, count: int) -> None:
        """The Hives entry of the page list says how many hive alerts want a look."""
        item = self.nav.item(PAGES.index("Hives"))
        item.setText(f"Hives  ⚠ {count}" if count else "Hives")
        item.setToolTip(f"{count} hive alert{'' if count == 1 else 's'} in the last day" if count else "")

    def show_devices(self, states: dict[str, str]) -> None:
        if not states:
            self.devices_label.setText("Serial: no devices")
            return
        self.devices_label.setText("Serial: " + ", ".join(f"{name} {state}" for name, state
                                                          in sorted(states.items())))

    def toggle_fullscreen(self) -> None:
        """Kiosk mode for a bar screen: full screen and large type; F11 again to leave."""
        self.kiosk = not self.isFullScreen()
        self.setWindowState(self.windowState() ^ Qt.WindowState.WindowFullScreen)
        apply_theme(self.prefs.theme, self.kiosk)

    def _on_prefs(self, key: str) -> None:
        if key == "theme":
            apply_theme(self.prefs.theme, self.kiosk)

    def _restore(self) -> None:
        settings = QSettings()
        geometry = settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1200, 800)
        page = settings.value("window/page", 0, type=int)
        self.nav.setCurrentRow(page if 0 <= page < len(PAGES) else 0)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        settings = QSettings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/page", self.nav.currentRow())
        self.hives_page.shutdown()
        self.runner.shutdown()
        super().closeEvent(event)
