"""The first start on an empty database: offer the demo data or a fresh start, and say where the
data, the config file and the API are. Shown only while the database is empty and until the
operator has chosen once (remembered in QSettings); a demo database is never empty, so
``kegdash run --demo`` goes straight to the window. No tray icon, no notification: a quiet start.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kegdash.demo_data import DemoDataError, has_data, load_demo_data
from kegdash.ui.about import info_form, where_data_lives
from kegdash.ui.layouts import hint

log = logging.getLogger(__name__)

DISMISSED_KEY = "firstRun/dismissed"


def should_offer() -> bool:
    return not QSettings().value(DISMISSED_KEY, False, type=bool) and not has_data()


class FirstRunDialog(QDialog):
    """Window-modal, so the window behind is already painted and usable once a choice is made."""

    def __init__(self, parent: QWidget, api: str, database: str) -> None:
        super().__init__(parent)
        self.setWindowTitle("Welcome to kegdash")
        self.setObjectName("firstRunDialog")
        intro = QLabel(
            "This database is empty. Load the demo data to look around — a bar with four taps and "
            "three kegs, a few weeks of pours, two recipes and an apiary of three hives with a month "
            "of readings — or start fresh and add your own taps, kegs and hives.")
        intro.setWordWrap(True)
        where = QLabel("Where your data lives", objectName="pageTitle")
        later = hint("The database, host and port can be changed in the config file, with KEGDASH_* "
                     "variables or with flags; see Help → About kegdash for these paths again.")
        self.message = QLabel(objectName="message")
        self.message.setProperty("kind", "error")
        self.message.setWordWrap(True)
        self.message.hide()
        self.demo_button = QPushButton("Load demo data")
        self.fresh_button = QPushButton("Start fresh")
        self.demo_button.setDefault(True)
        self.demo_button.setFocus()
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.fresh_button)
        buttons.addWidget(self.demo_button)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Welcome to kegdash", objectName="pageTitle"))
        layout.addWidget(intro)
        layout.addWidget(where)
        layout.addLayout(info_form(where_data_lives(database, api)))
        layout.addWidget(later)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.setMinimumWidth(600)
        self.demo_button.clicked.connect(self.load_demo)
        self.fresh_button.clicked.connect(self.start_fresh)

    def load_demo(self) -> None:
        """Fill the database on the window's task runner. The window's event bridge is muted
        meanwhile, since the pages reload once afterwards instead of redrawing for each of the
        hundreds of demo pours."""
        window = self.parentWidget()
        self.message.hide()
        self._busy(True)
        window.bridge.blockSignals(True)
        window.runner.submit(load_demo_data, self._loaded, self._not_loaded)

    def _busy(self, busy: bool) -> None:
        self.demo_button.setText("Loading…" if busy else "Load demo data")
        self.demo_button.setEnabled(not busy)
        self.fresh_button.setEnabled(not busy)

    def _loaded(self, _counts: dict[str, int]) -> None:
        window = self.parentWidget()
        window.bridge.blockSignals(False)
        window.reload_pages()
        self._remember()
        self.accept()

    def _not_loaded(self, error: BaseException) -> None:
        self.parentWidget().bridge.blockSignals(False)
        self._busy(False)
        if not isinstance(error, DemoDataError):
            log.error("loading the demo data failed: %s", error, exc_info=error)
        self.message.setText(str(error) if isinstance(error, DemoDataError)
                             else "Loading the demo data failed; see the log for details.")
        self.message.show()

    def start_fresh(self) -> None:
        self._remember()
        self.accept()

    def _remember(self) -> None:
        QSettings().setValue(DISMISSED_KEY, True)


def offer_first_run(window: QWidget, api: str, database: str) -> FirstRunDialog | None:
    """Open the dialog over ``window`` if this is a first run; returns it (for tests) or None."""
    if not should_offer():
        return None
    dialog = FirstRunDialog(window, api, database)
    dialog.open()
    return dialog
