"""Help → About kegdash: the version (one number, from ``pyproject.toml``) and where this window's
data, settings and API are, so an operator can answer "which database is this?" at a glance."""

from __future__ import annotations

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

import kegdash
from kegdash.config import config_dir, config_path, data_dir
from kegdash.resources import resource_path
from kegdash.ui.layouts import hint

ICON_PX = 96


def app_icon() -> QIcon:
    """The application icon (``resources/icons/kegdash.svg``), for windows, the About box and the
    desktop entry alike."""
    return QIcon(str(resource_path("icons", "kegdash.svg")))


def where_data_lives(database: str, api: str) -> list[tuple[str, str]]:
    """(label, value) rows of the About box: where this window's data and settings are."""
    config = config_path()
    return [
        ("Database", database),
        ("Data folder", str(data_dir())),
        ("Config file", f"{config}" + ("" if config.exists() else " (not created yet)")),
        ("API", api),
    ]


def info_form(rows: list[tuple[str, str]]) -> QFormLayout:
    """Selectable values, so a path or address can be copied from the dialog."""
    form = QFormLayout()
    for label, value in rows:
        text = QLabel(value, objectName=f"info_{label.split()[0].lower()}")
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        text.setWordWrap(True)
        form.addRow(label, text)
    return form


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None, api: str, database: str) -> None:
        super().__init__(parent)
        self.setWindowTitle("About kegdash")
        self.setObjectName("aboutDialog")
        icon = QLabel(objectName="aboutIcon")
        icon.setPixmap(app_icon().pixmap(ICON_PX, ICON_PX))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        title = QLabel(f"kegdash {kegdash.__version__}", objectName="pageTitle")
        blurb = hint(kegdash.__doc__.strip())
        rows = where_data_lives(database, api)
        rows.insert(3, ("Config folder", str(config_dir())))
        rows.append(("Built with", f"PySide6 {pyside_version}"))
        text = QVBoxLayout()
        text.addWidget(title)
        text.addWidget(blurb)
        text.addLayout(info_form(rows))
        text.addWidget(hint("The database, host and port can be changed in the config file, with "
                            "the KEGDASH_DATABASE, KEGDASH_HOST and KEGDASH_PORT variables, or with "
                            "--database, --host and --port; the API's address also under "
                            "Settings → API server."))
        top = QHBoxLayout()
        top.addWidget(icon)
        top.addLayout(text, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)
