"""The mouse wheel changes no value it merely passes over: spin and combo boxes take it only
once they have the keyboard focus, on every page and in dialogs opened later."""

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication

from kegdash.site_settings import get_setting
from kegdash.ui.dialogs import StartKegDialog


def wheel(widget, notches: int) -> None:
    """Turn the wheel over ``widget`` as a mouse would (up is positive)."""
    centre = QPointF(widget.rect().center())
    event = QWheelEvent(centre, QPointF(widget.mapToGlobal(centre.toPoint())), QPoint(0, 0),
                        QPoint(0, 120 * notches), Qt.MouseButton.NoButton,
                        Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(widget, event)


def test_the_wheel_over_an_unfocused_setting_changes_nothing(qtbot, window):
    page = window.settings_page
    window.nav.setCurrentRow(5)
    qtbot.waitUntil(lambda: bool(page.stored))
    for spin in (page.low_keg, page.swarm_window, page.silent_hours):
        before = spin.value()
        wheel(spin, -6)  # six notches: once moved "low keg" from 10 % to 4 %
        assert spin.value() == before
        assert spin.focusPolicy() == Qt.FocusPolicy.StrongFocus  # the wheel gives no focus either
    before = page.privacy.currentIndex()
    wheel(page.privacy, -2)
    assert page.privacy.currentIndex() == before
    assert not page.apply_button.isEnabled() and get_setting("low_keg_fraction") == 0.10

    page.low_keg.setFocus()
    qtbot.waitUntil(page.low_keg.hasFocus)
    wheel(page.low_keg, 2)  # focused, the wheel is the operator's choice
    assert page.low_keg.value() == 12 and page.apply_button.isEnabled()
    assert get_setting("low_keg_fraction") == 0.10  # and still only applied with Apply


def test_dialogs_opened_later_are_guarded_too(qtbot, window):
    dialog = StartKegDialog(window.runner, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    before = dialog.abv.value(), dialog.size.currentIndex()
    wheel(dialog.abv, 3)
    wheel(dialog.size, -3)
    assert (dialog.abv.value(), dialog.size.currentIndex()) == before
