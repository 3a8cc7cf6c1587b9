"""Window preferences (units, theme) kept in QSettings, with a signal so pages redraw at once.

Units start from the machine settings (TOML/env/CLI, ``decisions.md``) until the operator picks
others in the Settings page; the choice is then remembered for this machine's window only.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QSettings, Signal

from kegdash.config import UNITS

THEMES = ("light", "dark")


class Prefs(QObject):
    changed = Signal(str)
    """Emitted with the name of the preference that changed (``units`` or ``theme``)."""

    def __init__(self, default_units: str = "metric", parent: QObject | None = None) -> None:
        super().__init__(parent)
        store = QSettings()
        units = store.value("ui/units", default_units, type=str)
        theme = store.value("ui/theme", "light", type=str)
        self._units = units if units in UNITS else "metric"
        self._theme = theme if theme in THEMES else "light"

    @property
    def units(self) -> str:
        return self._units

    @property
    def theme(self) -> str:
        return self._theme

    def set_units(self, units: str) -> None:
        if units not in UNITS:
            raise ValueError(f"units must be one of {', '.join(UNITS)}, not {units!r}")
        if units != self._units:
            self._units = units
            QSettings().setValue("ui/units", units)
            self.changed.emit("units")

    def set_theme(self, theme: str) -> None:
        if theme not in THEMES:
            raise ValueError(f"theme must be one of {', '.join(THEMES)}, not {theme!r}")
        if theme != self._theme:
            self._theme = theme
            QSettings().setValue("ui/theme", theme)
            self.changed.emit("theme")
