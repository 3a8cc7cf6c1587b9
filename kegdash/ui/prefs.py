"""Window preferences (units, theme) kept in QSettings, with a signal so pages redraw at once.

Units start from the machine settings (TOML/env/CLI, ``decisions.md``) when they name units, else
from the bar screens' site setting, until the operator picks others in the Settings page; the
choice is then remembered for this machine's window only. The site setting is read once the
database is open (``adopt_default_units``), so the window can paint before it is.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QSettings, Signal

from kegdash.config import UNITS, Settings

THEMES = ("light", "dark")
SITE_UNITS = "display_units"
"""The site setting naming the units of the bar's screens (the TV tap list)."""


def default_units(settings: Settings) -> str:
    """The units a window starts with before its user picks any: the machine settings' when they
    name units, else the bar screens' (the check for the key lets this window run against a
    database layer without that setting). Reads the database unless the settings name units."""
    from kegdash.site_settings import DEFAULTS, get_setting

    named = settings.sources.get("units", "default") != "default" or settings.units != Settings().units
    if named or SITE_UNITS not in DEFAULTS:
        return settings.units
    return get_setting(SITE_UNITS)


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

    def adopt_default_units(self, units: str) -> None:
        """Start from ``units`` instead, unless this machine's window has chosen its own."""
        if QSettings().contains("ui/units") or units not in UNITS or units == self._units:
            return
        self._units = units
        self.changed.emit("units")

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
