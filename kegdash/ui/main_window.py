"""The main window: a page per job (taps, kegs, hives, recipes, devices, settings), a status bar
with the API, serial devices and database, the usual desktop menus, and a kiosk for a bar screen.

The kiosk (F11, or ``kegdash run --kiosk``) is the window's full-screen state: whatever puts the
window in or out of full screen (F11, Esc, the window manager), the chrome and the Taps page's
kiosk layout follow the window's real state, so they cannot drift apart. Size, position and the
last page are remembered (QSettings); the first start opens at a size that fits the screen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QRect, QSettings, QSignalBlocker, Qt, QTimer
from PySide6.QtGui import QAction, QActionGroup, QColor, QFontMetrics, QKeySequence, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from kegdash.config import Settings
from kegdash.ui.about import AboutDialog, app_icon
from kegdash.ui.bridge import EventBridge
from kegdash.ui.devices_page import DevicesPage
from kegdash.ui.hives_page import HivesPage
from kegdash.ui.kegs_page import KegsPage
from kegdash.ui.port_dialog import PortTakenDialog, free_port_near, port_taken
from kegdash.ui.prefs import THEMES, Prefs, default_units
from kegdash.ui.recipes_page import RecipesPage
from kegdash.ui.settings_page import SettingsPage
from kegdash.ui.taps_page import TapsPage
from kegdash.ui.tasks import TaskRunner
from kegdash.ui.theme import PALETTES, apply_theme
from kegdash.ui.wheel_guard import install_wheel_guard

if TYPE_CHECKING:
    from kegdash.hw.devices import DeviceManager

PAGES = ("Taps", "Kegs & drinks", "Hives", "Recipes", "Devices", "Settings")
FIRST_SIZE = (1280, 800)
"""The first start's window size, made smaller to fit a smaller screen."""
SCREEN_SHARE = 0.92
BADGE_ROLE = Qt.ItemDataRole.UserRole + 10
SETTLE_MS = 300
"""How long a window manager is given to resize the window for a change of its full-screen state."""


def _plain(text: str) -> str:
    """A menu text without its mnemonic marks ("&Quit" → "Quit", "Kegs && drinks" → "Kegs & drinks")."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


class NavDelegate(QStyledItemDelegate):
    """A page-list entry, with its badge (e.g. how many hive alerts are on) as a pill on the
    right; the theme's colours for a warning."""

    def __init__(self, prefs: Prefs, parent: QWidget) -> None:
        super().__init__(parent)
        self.prefs = prefs

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        super().paint(painter, option, index)
        badge = index.data(BADGE_ROLE)
        if not badge:
            return
        colours = PALETTES[self.prefs.theme]
        metrics = QFontMetrics(option.font)
        width = max(metrics.horizontalAdvance(badge) + 12, metrics.height() + 4)
        height = metrics.height() + 4
        rect = QRect(option.rect.right() - width - 14, option.rect.center().y() - height // 2,
                     width, height)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(colours["kicked_fg"]))
        painter.drawRoundedRect(rect, height / 2, height / 2)
        painter.setPen(QColor(colours["on_kicked"]))
        painter.setFont(option.font)
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), badge)
        painter.restore()


class MainWindow(QMainWindow):
    def __init__(self, bridge: EventBridge, api_state: str, database: str,
                 settings: Settings | None = None, *, devices: DeviceManager | None = None,
                 restart_server: Callable[[str, int], str] | None = None) -> None:
        """``devices`` lets the Devices page connect and disconnect ports; ``restart_server(host,
        port)`` lets Settings move the API (both are absent when a test builds a bare window)."""
        super().__init__()
        settings = settings or Settings()
        self.settings = settings
        self.bridge = bridge
        self.api_state = api_state
        self.database = database
        self.restart_server = restart_server
        self.setWindowTitle("kegdash")
        self.setObjectName("kegdashMain")
        self.setWindowIcon(app_icon())
        install_wheel_guard(QApplication.instance())
        self.prefs = Prefs(default_units(settings), self)
        apply_theme(self.prefs.theme)
        self.prefs.changed.connect(self._on_prefs)
        self._kiosk_shown = False
        self._page_before_kiosk = 0
        self._normal_geometry = QRect()

        self.nav = QListWidget(objectName="nav")
        self.nav.addItems(PAGES)
        self.nav.setMinimumWidth(190)
        self.nav.setItemDelegate(NavDelegate(self.prefs, self.nav))
        self.stack = QStackedWidget()
        self.runner = TaskRunner(self)
        self.taps_page = TapsPage(bridge, self.prefs, self.runner)
        self.kegs_page = KegsPage(bridge, self.prefs, self.runner)
        self.hives_page = HivesPage(bridge, self.prefs, self.runner)
        self.recipes_page = RecipesPage(bridge, self.runner, self.prefs)
        self.devices_page = DevicesPage(bridge, self.runner, self.prefs, devices)
        self.settings_page = SettingsPage(self.prefs, "", database, self.runner, settings,
                                          restart_server)
        for page in (self.taps_page, self.kegs_page, self.hives_page, self.recipes_page,
                     self.devices_page, self.settings_page):
            self.stack.addWidget(page)
        self.nav.currentRowChanged.connect(self.show_page)
        self.splitter = QSplitter()
        self.splitter.addWidget(self.nav)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(1, False)
        self.setCentralWidget(self.splitter)

        self.api_label = QLabel()
        self.devices_label = QLabel()
        self.database_label = QLabel(f"Database: {database}")
        self.database_label.setToolTip(database)
        for label in (self.api_label, self.devices_label, self.database_label):
            self.statusBar().addPermanentWidget(label)
        self.set_api_state(api_state)
        self.show_devices(self.devices_page.state_names())
        self.devices_page.states_changed.connect(self.show_devices)
        self.settings_page.server_changed.connect(self.set_api_state)
        self.hives_page.alert_count_changed.connect(self.show_hive_alerts)
        self.hives_page.attention_requested.connect(lambda: self.nav.setCurrentRow(PAGES.index("Hives")))
        self._build_menus()
        self._restore()

    # --- menus ---------------------------------------------------------------------------------

    def _action(self, text: str, slot: Callable[[], object], shortcut: QKeySequence | str | None = None,
                ) -> QAction:
        """An action of the window's own, so its shortcut works with the menu bar hidden too."""
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        self.addAction(action)
        return action

    def _build_menus(self) -> None:
        menus = self.menuBar()
        file = menus.addMenu("&File")
        self.import_action = self._action("&Import BeerXML…", self.import_beerxml, "Ctrl+I")
        file.addAction(self.import_action)
        file.addSeparator()
        self.quit_action = self._action("&Quit", self.close, "Ctrl+Q")
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        file.addAction(self.quit_action)

        view = menus.addMenu("&View")
        self.page_actions = []
        for row, name in enumerate(PAGES):
            action = self._action(name.replace("&", "&&"), lambda row=row: self.nav.setCurrentRow(row),
                                  f"Ctrl+{row + 1}")
            view.addAction(action)
            self.page_actions.append(action)
        view.addSeparator()
        self.fullscreen_action = self._action("&Full screen (kiosk)", self.toggle_fullscreen, "F11")
        self.fullscreen_action.setCheckable(True)
        view.addAction(self.fullscreen_action)
        self.leave_kiosk_action = self._action("Leave full screen", self.leave_kiosk, "Esc")
        self.leave_kiosk_action.setEnabled(False)
        theme = view.addMenu("&Theme")
        self.theme_actions = QActionGroup(self)
        for name in THEMES:
            action = self.theme_actions.addAction(name.capitalize())
            action.setCheckable(True)
            action.setChecked(name == self.prefs.theme)
            action.setData(name)
            theme.addAction(action)
        self.theme_actions.triggered.connect(lambda action: self.prefs.set_theme(action.data()))

        help_menu = menus.addMenu("&Help")
        help_menu.addAction(self._action("&Keyboard shortcuts", self.show_shortcuts, "F1"))
        help_menu.addAction(self._action("&About kegdash", self.show_about))

    def shortcuts(self) -> list[tuple[str, str]]:
        """(what, keys) for every action with a shortcut, as Help → Keyboard shortcuts lists them."""
        listed = [self.import_action, self.quit_action, *self.page_actions, self.fullscreen_action,
                  self.leave_kiosk_action]
        found = [(_plain(a.text()), a.shortcut().toString(QKeySequence.SequenceFormat.NativeText))
                 for a in listed]
        return [*found, ("Keyboard shortcuts", "F1")]

    def show_shortcuts(self) -> QDialog:
        dialog = QDialog(self)
        dialog.setWindowTitle("Keyboard shortcuts")
        form = QFormLayout()
        for what, keys in self.shortcuts():
            form.addRow(QLabel(keys, objectName="shortcutKeys"), QLabel(what))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addLayout(form)
        layout.addWidget(buttons)
        dialog.open()
        return dialog

    def import_beerxml(self) -> None:
        """File → Import BeerXML…: the Recipes page's own import, with that page shown."""
        self.nav.setCurrentRow(PAGES.index("Recipes"))
        if self.stack.currentWidget() is self.recipes_page:
            self.recipes_page._choose_import()

    # --- pages ---------------------------------------------------------------------------------

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

    def set_page_badge(self, page: QWidget, text: str) -> None:
        """A short note on a page's entry in the page list ("3" hive alerts); "" removes it."""
        item = self.nav.item(self.stack.indexOf(page))
        item.setData(BADGE_ROLE, text)
        item.setToolTip(f"{PAGES[self.stack.indexOf(page)]}: {text}" if text else "")

    def page_badge(self, page: QWidget) -> str:
        return self.nav.item(self.stack.indexOf(page)).data(BADGE_ROLE) or ""

    # --- the status bar, About, the API ----------------------------------------------------------

    def set_api_state(self, text: str) -> None:
        """The API's address when it listens, or why it does not, in the status bar and Settings."""
        self.api_state = text
        self.api_label.setText(f"API: {text}")
        self.api_label.setToolTip(text)
        self.settings_page.set_server(text)

    def show_about(self) -> AboutDialog:
        self.about = AboutDialog(self, self.api_state, self.database)
        self.about.open()
        return self.about

    def offer_another_port(self, error: str) -> PortTakenDialog:
        """Say the API could not start, and why, and offer a free port near the configured one."""
        host, port = self.settings.host, self.settings.port
        free = free_port_near(host, port) if self.restart_server is not None else None
        dialog = PortTakenDialog(self, port if port_taken(host, port) else None, error, free)
        dialog.buttonClicked.connect(lambda button: self._port_chosen(dialog, button))
        dialog.open()
        return dialog

    def _port_chosen(self, dialog: PortTakenDialog, button: object) -> None:
        if dialog.use_button is None or button is not dialog.use_button:
            return
        text, kind = self.settings_page.move_server(self.settings.host, dialog.port)
        if kind == "info":
            self.statusBar().showMessage(f"The API moved to port {dialog.port}.", 15_000)
        else:
            self.settings_page.show_message(text, kind)
            self.nav.setCurrentRow(PAGES.index("Settings"))

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

    # --- the kiosk -----------------------------------------------------------------------------

    @property
    def kiosk(self) -> bool:
        """Whether the window is in its kiosk: its full-screen state, as the window has it."""
        return bool(self.windowState() & Qt.WindowState.WindowFullScreen)

    def toggle_fullscreen(self) -> None:
        """F11: into the kiosk, or out of it."""
        if not self.kiosk:
            self._geometry_before_kiosk = self.saveGeometry()
        self.setWindowState(self.windowState() ^ Qt.WindowState.WindowFullScreen)

    def leave_kiosk(self) -> None:
        if self.kiosk:
            self.toggle_fullscreen()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.WindowStateChange:
            self._follow_kiosk()
        super().changeEvent(event)

    def _follow_kiosk(self) -> None:
        """Chrome and pages as the window's state says: in full screen only the tap cards."""
        kiosk = self.kiosk
        self.fullscreen_action.setChecked(kiosk)
        self.leave_kiosk_action.setEnabled(kiosk)
        if kiosk == self._kiosk_shown:
            return
        self._kiosk_shown = kiosk
        for chrome in (self.nav, self.menuBar(), self.statusBar()):
            chrome.setVisible(not kiosk)
        if kiosk:
            self._page_before_kiosk = self.stack.currentIndex()
            self._normal_geometry = self.normalGeometry()
            self.stack.setCurrentWidget(self.taps_page)
        else:
            self.stack.setCurrentIndex(self._page_before_kiosk)
            with QSignalBlocker(self.nav):
                self.nav.setCurrentRow(self._page_before_kiosk)
        self.taps_page.set_kiosk(kiosk)
        self.setCursor(Qt.CursorShape.BlankCursor if kiosk else Qt.CursorShape.ArrowCursor)
        QTimer.singleShot(SETTLE_MS, self, self._settle_geometry)

    def _settle_geometry(self) -> None:
        """With no window manager (a bar PC that boots straight into kegdash) nothing resizes a
        window for its full-screen state: fill the screen here, and give the normal size back
        on leaving. Under a window manager all is already as it should be by now."""
        screen = self.screen().geometry()
        if self.kiosk and not self.isActiveWindow():
            self.activateWindow()  # nor does anything give it the keyboard, for Esc and F11
        if self.kiosk and self.geometry() != screen:
            # On the native window: QWidget.setGeometry would drop the full-screen state.
            self.windowHandle().setGeometry(screen)
        elif not self.kiosk and self.geometry() == screen and self._normal_geometry.isValid():
            self.setGeometry(self._normal_geometry)

    def _on_prefs(self, key: str) -> None:
        if key == "theme":
            apply_theme(self.prefs.theme)
            for action in self.theme_actions.actions():
                action.setChecked(action.data() == self.prefs.theme)
            self.nav.viewport().update()

    # --- geometry ------------------------------------------------------------------------------

    def _restore(self) -> None:
        """The remembered size and place, kept on the screen it opens on; the first time, a
        size that fits that screen (a 1280×720 one included), centred."""
        settings = QSettings()
        geometry = settings.value("window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self._fit_to_screen()
        else:
            available = self.screen().availableGeometry()
            if self.width() > available.width() or self.height() > available.height():
                self._fit_to_screen()
        self._geometry_before_kiosk = self.saveGeometry()
        page = settings.value("window/page", 0, type=int)
        self.nav.setCurrentRow(page if 0 <= page < len(PAGES) else 0)

    def _fit_to_screen(self) -> None:
        available = self.screen().availableGeometry()
        width = min(FIRST_SIZE[0], round(available.width() * SCREEN_SHARE))
        height = min(FIRST_SIZE[1], round(available.height() * SCREEN_SHARE))
        self.resize(width, height)
        self.move(available.center().x() - width // 2, available.center().y() - height // 2)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        settings = QSettings()
        # A kiosk's full screen is not where the window should reopen: where it was before is.
        settings.setValue("window/geometry",
                          self._geometry_before_kiosk if self.kiosk else self.saveGeometry())
        settings.setValue("window/page", self.nav.currentRow() if not self.kiosk else self._page_before_kiosk)
        self.hives_page.shutdown()
        self.runner.shutdown()
        super().closeEvent(event)
