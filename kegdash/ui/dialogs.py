"""Operator dialogs that change the bar, and the window's one way of asking before a change.

A dialog's verb button ("Add tap", "Start keg") runs the change on the window's task runner; a
refusal (``BarError``) is shown inside the dialog, which stays open with the input kept, and the
database is left as it was. The dialog closes (``accepted``) once the change is made."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from kegdash.bar import views as bar_views
from kegdash.bar.taps import BarError, add_tap, start_keg
from kegdash.ui.tasks import TaskRunner
from kegdash.ui.words import volume_unit

log = logging.getLogger(__name__)


def refusal(error: BaseException) -> str:
    """What to tell the operator when a change failed: the domain's own words for a refusal;
    anything else is a fault, logged in full."""
    if isinstance(error, BarError):
        return str(error)
    log.error("the change failed: %s", error, exc_info=error)
    return "The change failed; see the log for details."


def ask(parent: QWidget, question: str, detail: str, do: str, keep: str) -> bool:
    """Ask before a change that cannot be undone: a question naming what changes, and buttons
    saying what each does ("End keg" / "Keep pouring"), never Yes/No. True for ``do``."""
    box = QMessageBox(QMessageBox.Icon.Question, "kegdash", question,
                      QMessageBox.StandardButton.NoButton, parent)
    box.setInformativeText(detail)
    yes = box.addButton(do, QMessageBox.ButtonRole.AcceptRole)
    no = box.addButton(keep, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(no)
    box.setEscapeButton(no)
    box.exec()
    return box.clickedButton() is yes


_GALLONS_IN_NAME = re.compile(r",?\s*\d+(?:\.\d+)?\s*gal\b")


def size_label(name: str, volume_ml: float, units: str) -> str:
    """A keg size as the operator picks it, its volume in the window's units: the stored names
    carry US gallons ("Corny Keg (5 gal)"), which a metric bar should not have to read."""
    bare = re.sub(r"\s*\(\s*\)", "", _GALLONS_IN_NAME.sub("", name)).strip()
    return f"{bare} — {volume_unit('keg', units).text(volume_ml)}"


class ActionDialog(QDialog):
    """A form, an inline error line and a verb button beside Cancel; subclasses implement
    ``change``."""

    def __init__(self, title: str, verb: str, runner: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        self.form = QFormLayout()
        self.error = QLabel(objectName="message")
        self.error.setProperty("kind", "error")
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(verb)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def change(self) -> Callable[[], object]:
        """The domain call to make, with the form's values already read (on the GUI thread)."""
        raise NotImplementedError

    def accept(self) -> None:
        """Make the change off the GUI thread; OK stays disabled until it is made or refused."""
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(False)
        self.runner.submit(self.change(), self._made, self._refused)

    def _made(self, _result: object) -> None:
        super().accept()

    def _refused(self, error: BaseException) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(True)
        self.error.setText(refusal(error))
        self.error.show()


class AddTapDialog(ActionDialog):
    def __init__(self, runner: TaskRunner, parent: QWidget | None = None) -> None:
        super().__init__("Add a tap", "Add tap", runner, parent)
        count = bar_views.tap_count()
        self.name = QLineEdit(f"Tap {count + 1}")
        self.meter = QLineEdit(f"kegboard.flow{count}")
        self.meter.setToolTip("The flow meter feeding this tap: <board>.<meter>, e.g. kegboard.flow0")
        self.ml_per_tick = QDoubleSpinBox(decimals=6, minimum=0.0, maximum=100.0, singleStep=0.01)
        self.ml_per_tick.setValue(0.367107)
        self.form.addRow("Name", self.name)
        self.form.addRow("Meter", self.meter)
        self.form.addRow("ml per tick", self.ml_per_tick)

    def change(self) -> Callable[[], object]:
        name, meter, ml_per_tick = self.name.text(), self.meter.text(), self.ml_per_tick.value()
        return lambda: add_tap(name, meter, ml_per_tick)


class StartKegDialog(ActionDialog):
    """A new, full keg on a free tap: beverage (new or known), style, ABV and keg size."""

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None,
                 tap_id: int | None = None, units: str = "metric") -> None:
        super().__init__("Start a keg", "Start keg", runner, parent)
        self.tap = QComboBox()
        for tap in bar_views.free_taps():
            self.tap.addItem(tap.name, tap.id)
        if tap_id is not None and self.tap.findData(tap_id) >= 0:
            self.tap.setCurrentIndex(self.tap.findData(tap_id))
        self.beverage = QComboBox(editable=True)
        self.beverage.addItems(bar_views.beverage_names())
        self.beverage.setCurrentText("")
        self.beverage.lineEdit().setPlaceholderText("e.g. Racer 5 IPA")
        self.style = QLineEdit()
        self.abv = QDoubleSpinBox(decimals=1, minimum=-0.1, maximum=100.0, singleStep=0.1, suffix=" %")
        self.abv.setSpecialValueText("unknown")
        self.abv.setValue(-0.1)
        self.size = QComboBox(editable=True)
        for size in bar_views.keg_sizes():
            self.size.addItem(size_label(size.name, size.volume_ml, units), size.slug)
        corny = self.size.findData("corny")
        self.size.setCurrentIndex(max(corny, 0))
        self.size.setToolTip("Pick a size, or type litres such as 20L")
        self.form.addRow("Tap", self.tap)
        self.form.addRow("Beverage", self.beverage)
        self.form.addRow("Style", self.style)
        self.form.addRow("ABV", self.abv)
        self.form.addRow("Keg size", self.size)
        if self.tap.count() == 0:
            self.error.setText("Every tap has a keg: end one first, or add a tap."
                               if bar_views.tap_count() else "There are no taps yet: add a tap first.")
            self.error.show()
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)

    def size_spec(self) -> str:
        """The chosen size's slug, or what the operator typed (``20L``) when it is not a listed size."""
        text = self.size.currentText().strip()
        index = self.size.findText(text, Qt.MatchFlag.MatchExactly)
        if index >= 0:
            return self.size.itemData(index)
        return re.sub(r"\s+", "", text)

    def change(self) -> Callable[[], object]:
        tap, beverage, size = self.tap.currentData(), self.beverage.currentText(), self.size_spec()
        abv = None if self.abv.value() < 0 else self.abv.value()
        style = self.style.text().strip()
        return lambda: start_keg(tap, beverage, size=size, abv=abv, style=style)
