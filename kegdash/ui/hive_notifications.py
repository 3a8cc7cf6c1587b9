"""A desktop notification when a hive alert starts while the window runs: the system tray's
message (Qt's ``QSystemTrayIcon.showMessage``), where the desktop has a tray.

On or off is a preference of this window, kept in its QSettings (``hives/notifications``, on by
default), not a site setting: it is about whoever sits at this desktop. Several windows on one
database may want different answers, and a headless ``kegdash serve`` has no tray at all (cron
has ``kegdash admin hive-alerts --json`` instead).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QSystemTrayIcon

from kegdash.apiary.alerts import HiveAlert
from kegdash.ui import hive_alert_words as words

SETTING = "hives/notifications"
SHOWN_MS = 15_000


def message(alerts: list[HiveAlert], units: str) -> tuple[str, str]:
    """(title, text) for new alerts: one alert says it all; several are listed a line each."""
    if len(alerts) == 1:
        return words.notification(alerts[0], units)
    lines = [f"{alert.hive_name}: {words.notification(alert, units)[1]}" for alert in alerts]
    return f"{len(alerts)} new hive alerts", "\n".join(lines)


class AlertNotifier(QObject):
    hive_clicked = Signal(int)
    """The message was clicked: show this hive."""

    def __init__(self, icon: QIcon, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.icon = icon
        self.tray: QSystemTrayIcon | None = None
        self.last: tuple[str, str] | None = None
        """The last notification's title and text (also the tray icon's tooltip)."""
        self._hive_id: int | None = None

    @staticmethod
    def available() -> bool:
        return QSystemTrayIcon.isSystemTrayAvailable()

    @property
    def enabled(self) -> bool:
        return QSettings().value(SETTING, True, type=bool)

    def set_enabled(self, on: bool) -> None:
        QSettings().setValue(SETTING, on)
        if not on and self.tray is not None:
            self.tray.hide()

    def notify(self, alerts: list[HiveAlert], units: str) -> bool:
        """Announce new alerts; False when notifications are off or the desktop has no tray."""
        if not alerts or not self.enabled:
            return False
        self.last = message(alerts, units)
        self._hive_id = alerts[0].hive_id
        if not self.available():
            return False
        if self.tray is None:
            self.tray = QSystemTrayIcon(self.icon, self)
            self.tray.messageClicked.connect(lambda: self.hive_clicked.emit(self._hive_id))
            self.tray.activated.connect(lambda _reason: self.hive_clicked.emit(self._hive_id))
        self.tray.setToolTip("kegdash — " + self.last[0])
        self.tray.show()
        self.tray.showMessage(*self.last, QSystemTrayIcon.MessageIcon.Warning, SHOWN_MS)
        return True
