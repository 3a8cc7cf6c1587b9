"""Settings: the window's own preferences (units, theme; this machine) and the site-wide rules the
APIs enforce (privacy, session timeout, low-keg level, operator; stored in the database so a
running ``kegdash serve`` agrees). Every change is saved at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from kegdash.config import UNITS
from kegdash.site_settings import PRIVACY_MODES, get_setting, set_setting
from kegdash.ui import queries
from kegdash.ui.prefs import THEMES, Prefs

UNIT_NAMES = {"metric": "Metric (L, °C, kg)", "us": "US (fl oz, gal, °F, lb)"}
PRIVACY_NAMES = {"public": "Public — anyone may read the API",
                 "members": "Members — every request needs an API key",
                 "staff": "Staff — only staff keys"}


def _combo(choices: dict[str, str] | tuple[str, ...], current: str) -> QComboBox:
    combo = QComboBox()
    items = choices.items() if isinstance(choices, dict) else ((c, c.capitalize()) for c in choices)
    for value, label in items:
        combo.addItem(label, value)
    combo.setCurrentIndex(max(combo.findData(current), 0))
    return combo


class SettingsPage(QWidget):
    def __init__(self, prefs: Prefs, server: str, database: str) -> None:
        super().__init__()
        self.prefs = prefs
        self.units = _combo({u: UNIT_NAMES[u] for u in UNITS}, prefs.units)
        self.theme = _combo(THEMES, prefs.theme)
        self.privacy = _combo({m: PRIVACY_NAMES[m] for m in PRIVACY_MODES}, get_setting("privacy"))
        self.session_timeout = QSpinBox(minimum=1, maximum=7 * 24 * 60, suffix=" min")
        self.session_timeout.setValue(get_setting("session_timeout_minutes"))
        self.low_keg = QSpinBox(minimum=0, maximum=100, suffix=" %")
        self.low_keg.setValue(round(get_setting("low_keg_fraction") * 100))
        operator = get_setting("operator")
        names = queries.usernames()
        self.operator = _combo({n: n for n in ([operator] if operator not in names else []) + names},
                               operator)
        self.server = QLabel(server)
        self.server.setWordWrap(True)
        self.database = QLabel(database)
        self.database.setWordWrap(True)
        self.message = QLabel(objectName="message")
        self.message.hide()

        form = QFormLayout()
        form.addRow(QLabel("This window", objectName="pageTitle"))
        form.addRow("Units", self.units)
        form.addRow("Theme", self.theme)
        form.addRow(QLabel("Site (all APIs and windows)", objectName="pageTitle"))
        form.addRow("API privacy", self.privacy)
        form.addRow("Drinking session ends after", self.session_timeout)
        form.addRow("Low keg below", self.low_keg)
        form.addRow("Operator account", self.operator)
        form.addRow(QLabel("Machine (config file, KEGDASH_* or flags; restart to change)",
                           objectName="pageTitle"))
        form.addRow("API server", self.server)
        form.addRow("Database", self.database)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Settings", objectName="pageTitle"))
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addStretch(1)

        self.units.currentIndexChanged.connect(
            lambda _: self._save(prefs.set_units, self.units.currentData()))
        self.theme.currentIndexChanged.connect(
            lambda _: self._save(prefs.set_theme, self.theme.currentData()))
        self.privacy.currentIndexChanged.connect(
            lambda _: self._save_site("privacy", self.privacy.currentData()))
        self.session_timeout.valueChanged.connect(
            lambda value: self._save_site("session_timeout_minutes", value))
        self.low_keg.valueChanged.connect(lambda value: self._save_site("low_keg_fraction", value / 100))
        self.operator.currentIndexChanged.connect(
            lambda _: self._save_site("operator", self.operator.currentData()))

    def set_server(self, text: str) -> None:
        self.server.setText(text)

    def _save_site(self, key: str, value: Any) -> None:
        self._save(lambda v: set_setting(key, v), value)

    def _save(self, store: Callable[[Any], None], value: Any) -> None:
        """Store one value; a refusal is shown on the page and the stored value stays."""
        try:
            store(value)
        except (ValueError, KeyError) as exc:
            self.message.setProperty("kind", "error")
            self.message.setText(str(exc))
        else:
            self.message.setProperty("kind", "info")
            self.message.setText("Saved.")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.show()
