"""The main window: a page per job (taps, kegs, hives, recipes, devices, settings), a status bar
with the API, serial devices and database, the usual desktop menus, and a kiosk for a bar screen.

The kiosk (F11, or ``kegdash run --kiosk``) is the window's full-screen state: whatever puts the
window in or out of full screen (F11, Esc, the window manager), the chrome and the Taps page's
kiosk layout follow the window's real state, so they cannot drift apart. Size, position and the
last page are remembered (QSettings); the first start opens at a size that fits the screen.

The window paints before any page exists: a page (and its module, pyqtgraph's and the domain's
with it) is built when it is first shown or asked for, and the others one per turn of the event
loop after that. ``run_window`` opens the window with ``opening=True`` while the database is
opened off the GUI thread: the window shows the page list and "Opening the bar…" with the step
under way, and builds its pages at ``open_pages``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QRect, QSettings, QSignalBlocker, Qt, QTimer, Signal
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
from kegdash.ui.layouts import hint
from kegdash.ui.port_dialog import PortTakenDialog, free_port_near, port_taken
from kegdash.ui.prefs import THEMES, Prefs, default_units
from kegdash.ui.tasks import TaskRunner
from kegdash.ui.theme import PALETTES, apply_theme
from kegdash.ui.wheel_guard import install_wheel_guard

if TYPE_CHECKING:
    from kegdash.hw.devices import DeviceManager
    from kegdash.ui.devices_page import DevicesPage
    from kegdash.ui.hives_page import HivesPage
    from kegdash.ui.kegs_page import KegsPage
    from kegdash.ui.recipes_page import RecipesPage
    from kegdash.ui.settings_page import SettingsPage
    from kegdash.ui.taps_page import TapsPage

PAGES = ("Taps", "Kegs & drinks", "Hives", "Recipes", "Devices", "Settings")
TAPS, KEGS, HIVES, RECIPES, DEVICES, SETTINGS = range(len(PAGES))
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


class OpeningNote(QWidget):
    """What the window shows where its page will be, while the database opens: "Opening the
    bar…", the step under way, or why the bar could not be opened."""

    def __init__(self) -> None:
        super().__init__(objectName="openingNote")
        self.title = QLabel("Opening the bar…", objectName="pageTitle")
        self.step = hint("")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(48, 0, 48, 0)
        layout.addStretch(1)
        for label in (self.title, self.step):
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            layout.addWidget(label)
        layout.addStretch(2)

    def set_step(self, text: str) -> None:
        self.step.setText(text)

    def set_failed(self, text: str) -> None:
        self.title.setText("The bar could not be opened")
        self.step.setObjectName("message")
        self.step.setProperty("kind", "error")
        self.step.setText(text)
        self.step.style().polish(self.step)


class MainWindow(QMainWindow):
    pages_opened = Signal()
    """The database is open and the page shown first is built (its data on the way)."""

    def __init__(self, bridge: EventBridge, api_state: str, database: str,
                 settings: Settings | None = None, *, devices: DeviceManager | None = None,
                 restart_server: Callable[[str, int], str] | None = None,
                 opening: bool = False) -> None:
        """``devices`` lets the Devices page connect and disconnect ports; ``restart_server(host,
        port)`` lets Settings move the API (both are absent when a test builds a bare window).
        ``opening``: the database is still being opened, so no page is built (nothing is read)
        until ``open_pages``; otherwise the window opens its pages at once."""
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
        self.prefs = Prefs(settings.units, self)
        apply_theme(self.prefs.theme)
        self.prefs.changed.connect(self._on_prefs)
        self._kiosk_shown = False
        self._page_before_kiosk = 0
        self._normal_geometry = QRect()

        self.nav = QListWidget(objectName="nav")
        self.nav.addItems(PAGES)
        self.nav.setMinimumWidth(190)
        self.nav.setItemDelegate(NavDelegate(self.prefs, self.nav))
        self.runner = TaskRunner(self)
        self.devices = devices
        self._pages: dict[int, QWidget] = {}
        self._opened = False
        self.stack = QStackedWidget()
        for _row in PAGES:
            self.stack.addWidget(QWidget())  # the page's slot, until the page is built
        self.opening_note: OpeningNote | None = OpeningNote() if opening else None
        if self.opening_note is not None:
            self.stack.addWidget(self.opening_note)
            self.stack.setCurrentWidget(self.opening_note)
        self._builder = QTimer(self, singleShot=True, interval=0)
        self._builder.timeout.connect(self._build_next)
        self.nav.currentRowChanged.connect(self.show_page)
        self.splitter = QSplitter()
        self.splitter.addWidget(self.nav)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(1, False)
        self.setCentralWidget(self.splitter)

        self.api_label = QLabel()
        self.devices_label = QLabel()
        self.database_label = QLabel()
        self.set_database(database)
        for label in (self.api_label, self.devices_label, self.database_label):
            self.statusBar().addPermanentWidget(label)
        self.set_api_state(api_state)
        self._build_menus()
        self._restore()
        if not opening:
            self.open_pages(devices)

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
        self.nav.setCurrentRow(RECIPES)
        if self._opened and self.stack.currentWidget() is self.recipes_page:
            self.recipes_page._choose_import()

    # --- pages ---------------------------------------------------------------------------------

    def open_pages(self, devices: DeviceManager | None = None) -> None:
        """The database is open: build the page the list points at and show it in place of the
        opening note, and the Devices page, through which the status bar follows the readers;
        then the others one per turn of the event loop, so the window keeps painting."""
        self.devices = devices
        self.prefs.adopt_default_units(default_units(self.settings))
        self._opened = True
        note, self.opening_note = self.opening_note, None
        self.stack.setCurrentWidget(self._page(self.nav.currentRow()))
        self._page(DEVICES)
        if note is not None:
            self.stack.removeWidget(note)
            note.deleteLater()
        if self._kiosk_shown:
            self._show_kiosk_pages(True)
        self._builder.start()
        self.pages_opened.emit()

    def opening_step(self, text: str) -> None:
        """Say on the opening note what is under way ("Filling the demo bar…")."""
        if self.opening_note is not None:
            self.opening_note.set_step(text)

    def opening_failed(self, text: str) -> None:
        """The bar could not be opened: the note says why, and the window stays without pages."""
        if self.opening_note is not None:
            self.opening_note.set_failed(text)

    def _build_next(self) -> None:
        missing = [row for row in range(len(PAGES)) if row not in self._pages]
        if missing:
            self._page(missing[0])
            self._builder.start()

    def _page(self, row: int) -> QWidget:
        """Page ``row``, built into its slot of the stack the first time it is wanted."""
        page = self._pages.get(row)
        if page is not None:
            return page
        page = self._pages[row] = self._build_page(row)
        slot = self.stack.widget(row)
        shown = self.stack.currentWidget()
        self.stack.removeWidget(slot)
        self.stack.insertWidget(row, page)
        self.stack.setCurrentWidget(page if shown is slot else shown)
        slot.deleteLater()
        return page

    def _build_page(self, row: int) -> QWidget:
        """Page ``row`` and the window's ties to it; its module is imported here, not before."""
        bridge, prefs, runner = self.bridge, self.prefs, self.runner
        if row == TAPS:
            from kegdash.ui.taps_page import TapsPage

            return TapsPage(bridge, prefs, runner)
        if row == KEGS:
            from kegdash.ui.kegs_page import KegsPage

            return KegsPage(bridge, prefs, runner)
        if row == HIVES:
            from kegdash.ui.hives_page import HivesPage

            hives = HivesPage(bridge, prefs, runner)
            hives.alert_count_changed.connect(self.show_hive_alerts)
            hives.attention_requested.connect(lambda: self.nav.setCurrentRow(HIVES))
            return hives
        if row == RECIPES:
            from kegdash.ui.recipes_page import RecipesPage

            return RecipesPage(bridge, runner, prefs)
        if row == DEVICES:
            from kegdash.ui.devices_page import DevicesPage

            devices = DevicesPage(bridge, runner, prefs, self.devices)
            self.show_devices(devices.state_names())
            devices.states_changed.connect(self.show_devices)
            return devices
        from kegdash.ui.settings_page import SettingsPage

        settings = SettingsPage(prefs, "", self.database, runner, self.settings, self.restart_server)
        settings.set_server(self.api_state)
        settings.server_changed.connect(self.set_api_state)
        return settings

    @property
    def taps_page(self) -> TapsPage:
        return self._page(TAPS)

    @property
    def kegs_page(self) -> KegsPage:
        return self._page(KEGS)

    @property
    def hives_page(self) -> HivesPage:
        return self._page(HIVES)

    @property
    def recipes_page(self) -> RecipesPage:
        return self._page(RECIPES)

    @property
    def devices_page(self) -> DevicesPage:
        return self._page(DEVICES)

    @property
    def settings_page(self) -> SettingsPage:
        return self._page(SETTINGS)

    def show_page(self, row: int) -> None:
        """Show the page chosen in the navigation list; leaving Recipes with unsaved edits asks
        Save / Discard / Cancel first, as closing the window does, and Cancel stays there. While
        the bar opens, the list only moves: the page it points at is shown once it is open."""
        if not self._opened:
            return
        recipes = self._pages.get(RECIPES)
        if recipes is not None and self.stack.currentWidget() is recipes and not recipes.confirm_leave():
            # Later, not now: a click goes on to select the clicked row after this signal.
            QTimer.singleShot(0, self, self._select_shown_page)
            return
        self.stack.setCurrentWidget(self._page(row))

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
        if SETTINGS in self._pages:
            self.settings_page.set_server(text)

    def set_database(self, text: str) -> None:
        """The database the window reads, as the status bar, About and Settings show it."""
        self.database = text
        self.database_label.setText(f"Database: {text}")
        self.database_label.setToolTip(text)

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
            self.nav.setCurrentRow(SETTINGS)

    def reload_pages(self) -> None:
        """Re-read everything, after the database changed under the window (demo data loaded);
        a page not built yet reads it all when it is."""
        pages = self._pages
        for row, reload in ((TAPS, "reload"), (KEGS, "reload"), (HIVES, "reload_hives"),
                            (RECIPES, "reload"), (DEVICES, "reload_sensors"), (SETTINGS, "reload")):
            if row in pages:
                getattr(pages[row], reload)()

    def show_hive_alerts(self, count: int) -> None:
        """The Hives entry of the page list says how many hive alerts want a look."""
        item = self.nav.item(HIVES)
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
            self._page_before_kiosk = self.nav.currentRow()
            self._normal_geometry = self.normalGeometry()
        if self._opened:
            self._show_kiosk_pages(kiosk)
        self.setCursor(Qt.CursorShape.BlankCursor if kiosk else Qt.CursorShape.ArrowCursor)
        QTimer.singleShot(SETTLE_MS, self, self._settle_geometry)

    def _show_kiosk_pages(self, kiosk: bool) -> None:
        """In the kiosk the tap cards, in their kiosk layout; out of it, the page shown before."""
        if kiosk:
            self.stack.setCurrentWidget(self.taps_page)
        else:
            self.stack.setCurrentWidget(self._page(self._page_before_kiosk))
            with QSignalBlocker(self.nav):
                self.nav.setCurrentRow(self._page_before_kiosk)
        self.taps_page.set_kiosk(kiosk)

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
        self._builder.stop()
        if HIVES in self._pages:
            self.hives_page.shutdown()
        self.runner.shutdown()
        super().closeEvent(event)
