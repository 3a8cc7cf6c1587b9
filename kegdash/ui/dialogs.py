"""Operator dialogs that change the bar. Each one calls the domain in ``accept()``: a refusal
(``BarError``) is shown inside the dialog, which stays open with the input kept, and the database
is left as it was."""

from __future__ import annotations

import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from kegdash.bar.models import Tap
from kegdash.bar.taps import BarError, add_tap, start_keg
from kegdash.ui import queries


class ActionDialog(QDialog):
    """A form, an inline error line and OK/Cancel; subclasses implement ``perform``."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        self.form = QFormLayout()
        self.error = QLabel(objectName="message")
        self.error.setProperty("kind", "error")
        self.error.setWordWrap(True)
        self.error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

    def perform(self) -> None:
        raise NotImplementedError

    def accept(self) -> None:
        try:
            self.perform()
        except BarError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        super().accept()


class AddTapDialog(ActionDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Add a tap", parent)
        count = Tap.select().count()
        self.name = QLineEdit(f"Tap {count + 1}")
        self.meter = QLineEdit(f"kegboard.flow{count}")
        self.meter.setToolTip("The flow meter feeding this tap: <board>.<meter>, e.g. kegboard.flow0")
        self.ml_per_tick = QDoubleSpinBox(decimals=6, minimum=0.0, maximum=100.0, singleStep=0.01)
        self.ml_per_tick.setValue(0.367107)
        self.form.addRow("Name", self.name)
        self.form.addRow("Meter", self.meter)
        self.form.addRow("ml per tick", self.ml_per_tick)

    def perform(self) -> None:
        add_tap(self.name.text(), self.meter.text(), self.ml_per_tick.value())


class StartKegDialog(ActionDialog):
    """A new, full keg on a free tap: beverage (new or known), style, ABV and keg size."""

    def __init__(self, parent: QWidget | None = None, tap_id: int | None = None) -> None:
        super().__init__("Start a keg", parent)
        self.tap = QComboBox()
        for ident, name in queries.free_taps():
            self.tap.addItem(name, ident)
        if tap_id is not None and self.tap.findData(tap_id) >= 0:
            self.tap.setCurrentIndex(self.tap.findData(tap_id))
        self.beverage = QComboBox(editable=True)
        self.beverage.addItems(queries.beverage_names())
        self.beverage.setCurrentText("")
        self.beverage.lineEdit().setPlaceholderText("e.g. Racer 5 IPA")
        self.style = QLineEdit()
        self.abv = QDoubleSpinBox(decimals=1, minimum=-0.1, maximum=100.0, singleStep=0.1, suffix=" %")
        self.abv.setSpecialValueText("unknown")
        self.abv.setValue(-0.1)
        self.size = QComboBox(editable=True)
        for slug, name, volume_ml in queries.keg_sizes():
            self.size.addItem(f"{name} ({volume_ml / 1000:.1f} L)", slug)
        corny = self.size.findData("corny")
        self.size.setCurrentIndex(max(corny, 0))
        self.size.setToolTip("Pick a size, or type litres such as 20L")
        self.form.addRow("Tap", self.tap)
        self.form.addRow("Beverage", self.beverage)
        self.form.addRow("Style", self.style)
        self.form.addRow("ABV", self.abv)
        self.form.addRow("Keg size", self.size)
        if self.tap.count() == 0:
            self.error.setText("Every tap has a keg: end one first, or add a tap.")
            self.error.show()
            self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(False)

    def size_spec(self) -> str:
        """The chosen size's slug, or what the operator typed (``20L``) when it is not a listed size."""
        text = self.size.currentText().strip()
        index = self.size.findText(text, Qt.MatchFlag.MatchExactly)
        if index >= 0:
            return self.size.itemData(index)
        return re.sub(r"\s+", "", text)

    def perform(self) -> None:
        abv = None if self.abv.value() < 0 else self.abv.value()
        start_keg(self.tap.currentData(), self.beverage.currentText(), size=self.size_spec(), abv=abv,
                  style=self.style.text().strip())
