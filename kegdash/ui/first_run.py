"""The first start on an empty database: a demo bar to look around, or the operator's own bar
to set up. It speaks of the bar, not of files: where the data and the config file are is in
Help → About, and how to move them in Settings. Shown only while the database is empty and until
the operator has chosen once (remembered in QSettings); a demo database is never empty, so
``kegdash run --demo`` goes straight to the window. No tray icon, no notification: a quiet start.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kegdash.demo_data import DemoDataError, has_data, load_demo_data
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
            "kegdash keeps your bar's taps and kegs, counts every pour as it runs, and follows "
            "your hives and recipes. There is nothing in it yet.")
        intro.setWordWrap(True)
        demo = hint("Look around a demo bar first: four taps and three kegs with a few weeks of "
                    "pours, two recipes, and an apiary of three hives with a month of readings.")
        fresh = hint("Or set up your own: add each tap, then start a keg on it.")
        reach = (hint(f"Kegbot apps reach this bar at {api}, and a browser on the bar's TV shows "
                      f"the tap list at {api}/.") if api.startswith("http") else None)
        self.message = QLabel(objectName="message")
        self.message.setProperty("kind", "error")
        self.message.setWordWrap(True)
        self.message.hide()
        self.demo_button = QPushButton("Look around a demo bar", objectName="primary")
        self.fresh_button = QPushButton("Set up my bar")
        self.demo_button.setDefault(True)
        self.demo_button.setFocus()
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.fresh_button)
        buttons.addWidget(self.demo_button)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Welcome to kegdash", objectName="pageTitle"))
        for label in (intro, demo, fresh, reach):
            if label is not None:
                layout.addWidget(label)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self.setMinimumWidth(560)
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
        self.demo_button.setText("Loading…" if busy else "Look around a demo bar")
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
        """The operator's own bar: the Taps page, whose empty state offers the first steps."""
        self._remember()
        self.parentWidget().nav.setCurrentRow(0)
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
