"""The main window: a page per job (taps, kegs, hives, recipes, devices, settings)."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from kegdash.ui.bridge import EventBridge
from kegdash.ui.taps_page import TapsPage

PAGES = ("Taps", "Kegs & drinks", "Hives", "Recipes", "Devices", "Settings")


def _placeholder(title: str) -> QWidget:
    label = QLabel(f"{title}\n\nThis page arrives in a later release of kegdash.")
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    return label


class MainWindow(QMainWindow):
    def __init__(self, bridge: EventBridge, api_url: str, database: str) -> None:
        super().__init__()
        self.setWindowTitle("kegdash")
        self.nav = QListWidget()
        self.nav.addItems(PAGES)
        self.nav.setFixedWidth(180)
        self.stack = QStackedWidget()
        self.taps_page = TapsPage(bridge)
        self.stack.addWidget(self.taps_page)
        for title in PAGES[1:]:
            self.stack.addWidget(_placeholder(title))
        self.nav.currentRowChanged.connect(self.stack.setCurrentIndex)
        splitter = QSplitter()
        splitter.addWidget(self.nav)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        self.setCentralWidget(splitter)

        self.api_label = QLabel()
        self.set_api_state(api_url)
        self.statusBar().addPermanentWidget(self.api_label)
        self.statusBar().addPermanentWidget(QLabel(f"Database: {database}"))

        fullscreen = QAction("Full screen", self)
        fullscreen.setShortcut(QKeySequence(Qt.Key.Key_F11))
        fullscreen.triggered.connect(self.toggle_fullscreen)
        self.addAction(fullscreen)
        self._restore()

    def set_api_state(self, text: str) -> None:
        self.api_label.setText(f"API: {text}")

    def toggle_fullscreen(self) -> None:
        self.setWindowState(self.windowState() ^ Qt.WindowState.WindowFullScreen)

    def _restore(self) -> None:
        settings = QSettings()
        geometry = settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1200, 800)
        self.nav.setCurrentRow(settings.value("window/page", 0, type=int))

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        settings = QSettings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/page", self.nav.currentRow())
        super().closeEvent(event)
