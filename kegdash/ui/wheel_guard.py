"""The mouse wheel scrolls the page, not a value: a spin box or combo box takes the wheel only
once it has the keyboard focus (clicked or tabbed into), so scrolling down the Settings page
never changes a setting on the way (six notches once moved "low keg" from 10 % to 4 %).

One event filter on the application covers every window, page and dialog, including those
created later; wheel focus is turned off on these widgets as they are polished, since otherwise
the wheel itself would give them the focus first.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractSpinBox, QApplication, QComboBox, QWidget

GUARDED = (QAbstractSpinBox, QComboBox)


class WheelGuard(QObject):
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        # Every event of the application comes here (building the window's six pages sends some
        # 23,000): the cheap test first, so most return before their type is asked.
        if not isinstance(watched, GUARDED):
            return False
        kind = event.type()
        if kind == QEvent.Type.Wheel and not self._focused(watched):
            event.ignore()  # ignored, so Qt passes it on to the parent: the page scrolls
            return True
        if kind == QEvent.Type.Polish and watched.focusPolicy() == Qt.FocusPolicy.WheelFocus:
            watched.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        return False

    @staticmethod
    def _focused(widget: QWidget) -> bool:
        focus = QApplication.focusWidget()
        return focus is not None and (focus is widget or widget.isAncestorOf(focus))


def install_wheel_guard(app: QApplication) -> WheelGuard:
    """Install the guard on ``app`` once; returns the one installed."""
    guard = app.findChild(WheelGuard)
    if guard is None:
        guard = WheelGuard(app)
        app.installEventFilter(guard)
    return guard
