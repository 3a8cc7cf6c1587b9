"""The first start on an empty database: offer the demo data or a fresh start, and say where the
data, the config file and the API are. Shown only while the database is empty and until the
operator has chosen once (remembered in QSettings); a demo database is never empty, so
``kegdash run --demo`` goes straight to the window. No tray icon, no notification: a quiet start.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kegdash.apiary.models import Apiary
from kegdash.bar.models import Keg, Tap
from kegdash.brewing.models import StoredRecipe
from kegdash.demo_data import DemoDataError, load_demo_data
from kegdash.ui.about import info_form, where_data_lives
from kegdash.ui.layouts import hint

DISMISSED_KEY = "firstRun/dismissed"


def database_is_empty() -> bool:
    """No taps, kegs, recipes or apiaries: nothing the window could show yet."""
    return not any(model.select().exists() for model in (Tap, Keg, StoredRecipe, Apiary))


def should_offer() -> bool:
    return not QSettings().value(DISMISSED_KEY, False, type=bool) and database_is_empty()


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
        """Fill the database; the window's event bridge is muted meanwhile, since the pages reload
        once afterwards instead of redrawing for each of the hundreds of demo pours."""
        window = self.parentWidget()
        bridge = window.bridge
        bridge.blockSignals(True)
        try:
            load_demo_data()
        except DemoDataError as exc:
            self.message.setText(str(exc))
            self.message.show()
            return
        finally:
            bridge.blockSignals(False)
        window.reload_pages()
        self._remember()
        self.accept()

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
