"""Input widgets for the recipe editor: spin boxes that show a quantity in metric or US units while
the recipe keeps SI (what the engine computes in), and an ingredient table with add / remove /
reorder whose cells write straight into the recipe's dataclasses.

Refusing bad input is the widgets' job: a spin box has a range and a validator, so a negative
weight or text in a number field never reaches the recipe, let alone the engine.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDoubleSpinBox,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from kegdash.units import (
    BRAUHAUS_GAL_PER_L,
    BRAUHAUS_LB_PER_KG,
    BRAUHAUS_QT_PER_LB_PER_L_PER_KG,
    KG_PER_LB,
    ML_PER_US_FL_OZ,
)


@dataclass(frozen=True)
class Unit:
    """display = si × scale + offset, shown with ``decimals`` inside [minimum, maximum]."""

    suffix: str
    minimum: float
    maximum: float
    decimals: int
    step: float
    scale: float = 1.0
    offset: float = 0.0

    def to_display(self, si: float) -> float:
        return si * self.scale + self.offset

    def to_si(self, display: float) -> float:
        return (display - self.offset) / self.scale


def _same(unit: Unit) -> dict[str, Unit]:
    return {"metric": unit, "us": unit}


QUANTITIES: dict[str, dict[str, Unit]] = {
    "malt": {"metric": Unit(" kg", 0, 1000, 3, 0.1), "us": Unit(" lb", 0, 2200, 3, 0.25, BRAUHAUS_LB_PER_KG)},
    "hop": {"metric": Unit(" g", 0, 10000, 1, 1, 1000), "us": Unit(" oz", 0, 350, 2, 0.1, 16 / KG_PER_LB)},
    "volume": {"metric": Unit(" L", 0.1, 100000, 2, 1),
               "us": Unit(" gal", 0.03, 26000, 2, 0.25, BRAUHAUS_GAL_PER_L)},
    "serving": {"metric": Unit(" ml", 10, 5000, 0, 10, 1000),
                "us": Unit(" fl oz", 0.5, 170, 1, 1, 1000 / ML_PER_US_FL_OZ)},
    "temp": {"metric": Unit(" °C", 0, 100, 1, 0.5), "us": Unit(" °F", 32, 212, 1, 1, 1.8, 32)},
    "ratio": {"metric": Unit(" l/kg", 0, 20, 2, 0.1), "us": Unit(" qt/lb", 0, 10, 2, 0.05,
                                                        BRAUHAUS_QT_PER_LB_PER_L_PER_KG)},
    "percent": _same(Unit(" %", 0, 100, 1, 1)),
    "srm": _same(Unit(" SRM", 0, 1000, 1, 1)),
    "minutes": _same(Unit(" min", 0, 100000, 1, 5)),
}


class QuantitySpin(QDoubleSpinBox):
    """A spin box for one quantity; ``si_changed`` carries the value converted back to SI."""

    si_changed = Signal(float)

    def __init__(self, quantity: str, units: str = "metric") -> None:
        super().__init__()
        self.quantity = quantity
        self.unit = QUANTITIES[quantity][units]
        self.setKeyboardTracking(True)
        self.setAccelerated(True)
        self.setCorrectionMode(QDoubleSpinBox.CorrectionMode.CorrectToNearestValue)
        self._apply_unit()
        self.valueChanged.connect(lambda value: self.si_changed.emit(self.unit.to_si(value)))

    def _apply_unit(self) -> None:
        self.setDecimals(self.unit.decimals)
        self.setRange(self.unit.minimum, self.unit.maximum)
        self.setSuffix(self.unit.suffix)
        self.setSingleStep(self.unit.step)

    def set_units(self, units: str, si: float) -> None:
        """Switch metric/US and show ``si`` in the new unit, without emitting a change."""
        self.unit = QUANTITIES[self.quantity][units]
        self.blockSignals(True)
        self._apply_unit()
        self.setValue(self.unit.to_display(si))
        self.blockSignals(False)

    def set_si(self, si: float) -> None:
        """Show a stored value without emitting a change (loading is not editing)."""
        self.blockSignals(True)
        self.setValue(self.unit.to_display(si))
        self.blockSignals(False)


def choice_combo(choices: Sequence[str], current: str, editable: bool = True) -> QComboBox:
    """A combo offering ``choices``; editable ones accept free text, and an odd stored value is kept."""
    combo = QComboBox()
    combo.setEditable(editable)
    combo.addItems(list(choices))
    if editable:
        completer = QCompleter(list(choices), combo)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        combo.setCompleter(completer)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    set_combo_text(combo, current)
    return combo


def set_combo_text(combo: QComboBox, text: str) -> None:
    """Show ``text`` in a combo without emitting (adding it as an item if a fixed combo lacks it)."""
    combo.blockSignals(True)
    index = combo.findText(text)
    if index < 0 and not combo.isEditable():
        combo.addItem(text)
        index = combo.findText(text)
    if index >= 0:
        # The current item must match: leaving an editable combo whose text names another item
        # makes Qt "activate" that item, which would count as picking it from the library.
        combo.setCurrentIndex(index)
    if combo.isEditable():
        combo.setEditText(text)
    combo.blockSignals(False)


SPIN_CHROME = 34
"""A spin box's frame and arrow buttons beside its text."""
COMBO_CHROME = 44
"""A combo box's frame and drop-down arrow beside its text."""


@dataclass(frozen=True)
class Column:
    """One table column: ``kind`` is "name" (library + free text), "choice", "fixed", "number", "check"."""

    title: str
    attr: str
    kind: str
    quantity: str = ""
    choices: tuple[str, ...] = ()


class ItemTable(QWidget):
    """Rows of one ingredient list (fermentables, spices, yeast or mash steps) with row buttons.

    ``get_items(create)`` returns the live list inside the recipe (``create`` asks for one to be made,
    e.g. the mash of a recipe without one); ``factory`` makes a new item; ``library`` maps names to
    entries whose ``fill(item)`` copies their properties when picked.
    """

    edited = Signal()

    def __init__(self, columns: Sequence[Column], get_items: Callable[[bool], list],
                 factory: Callable[[], Any], library: dict[str, Any] | None = None,
                 units: str = "metric") -> None:
        super().__init__()
        self.columns = list(columns)
        self.get_items = get_items
        self.factory = factory
        self.library = library or {}
        self.units = units
        self.table = QTableWidget(0, len(self.columns))
        self.table.setHorizontalHeaderLabels([column.title for column in self.columns])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setDefaultSectionSize(32)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        header = self.table.horizontalHeader()
        header.setMinimumSectionSize(60)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self._size_columns()
        self.add_button = QPushButton("Add")
        self.remove_button = QPushButton("Remove")
        self.up_button = QPushButton("Move up")
        self.down_button = QPushButton("Move down")
        self.add_button.clicked.connect(self.add_row)
        self.remove_button.clicked.connect(lambda: self.remove_row(self.current_row()))
        self.up_button.clicked.connect(lambda: self.move_row(self.current_row(), -1))
        self.down_button.clicked.connect(lambda: self.move_row(self.current_row(), 1))
        buttons = QHBoxLayout()
        for button in (self.add_button, self.remove_button, self.up_button, self.down_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        app = QApplication.instance()
        app.focusChanged.connect(self._follow_focus)

    # -- structure ------------------------------------------------------------------------------

    def rebuild(self) -> None:
        """Recreate every row from the recipe's list (after a load, a unit switch or a reorder)."""
        items = self.get_items(False)
        self.table.setRowCount(len(items))
        for row, item in enumerate(items):
            for col, column in enumerate(self.columns):
                widget = self._make_cell(item, row, column)
                widget.setProperty("itemRow", row)
                self.table.setCellWidget(row, col, widget)
        self._update_buttons()

    def add_row(self) -> None:
        items = self.get_items(True)
        items.append(self.factory())
        self.rebuild()
        self.table.selectRow(len(items) - 1)
        self.edited.emit()

    def remove_row(self, row: int) -> None:
        items = self.get_items(False)
        if 0 <= row < len(items):
            del items[row]
            self.rebuild()
            if items:
                self.table.selectRow(min(row, len(items) - 1))
            self.edited.emit()

    def move_row(self, row: int, step: int) -> None:
        items = self.get_items(False)
        target = row + step
        if 0 <= row < len(items) and 0 <= target < len(items):
            items[row], items[target] = items[target], items[row]
            self.rebuild()
            self.table.selectRow(target)
            self.edited.emit()

    def current_row(self) -> int:
        rows = self.table.selectionModel().selectedRows()
        return rows[0].row() if rows else self.table.currentRow()

    def set_units(self, units: str) -> None:
        self.units = units
        self._size_columns()
        self.rebuild()

    def column_width(self, column: Column) -> int:
        """The width a column needs for a typical value (the name column stretches instead).

        Cell widgets' size hints count the range's widest value (a 100000-minute spin box), which
        pushed the hop columns out of sight; this measures what brewers type."""
        metrics = self.table.fontMetrics()
        title = metrics.horizontalAdvance(column.title) + 24
        if column.kind == "number":
            unit = QUANTITIES[column.quantity][self.units]
            digits = min(len(str(int(unit.maximum))), 4)
            sample = "8" * digits + ("." + "8" * unit.decimals if unit.decimals else "") + unit.suffix
            return max(title, metrics.horizontalAdvance(sample) + SPIN_CHROME)
        if column.kind == "check":
            return max(title, 40)
        widest = max((metrics.horizontalAdvance(choice) for choice in column.choices), default=60)
        return max(title, widest + COMBO_CHROME)

    def _size_columns(self) -> None:
        header = self.table.horizontalHeader()
        for col, column in enumerate(self.columns):
            if col:
                header.resizeSection(col, self.column_width(column))

    def cell(self, row: int, attr: str) -> QWidget:
        """The widget editing ``attr`` of row ``row`` (tests and the benchmark type into it)."""
        col = next(i for i, column in enumerate(self.columns) if column.attr == attr)
        return self.table.cellWidget(row, col)

    def _update_buttons(self) -> None:
        count = self.table.rowCount()
        self.remove_button.setEnabled(count > 0)
        self.up_button.setEnabled(count > 1)
        self.down_button.setEnabled(count > 1)

    def _follow_focus(self, _old: QWidget | None, new: QWidget | None) -> None:
        # Cell widgets take the focus, not the view: select the row being edited so that
        # Remove / Move act on it.
        widget = new
        while widget is not None and widget is not self.table:
            row = widget.property("itemRow")
            if row is not None and self.table.isAncestorOf(widget):
                if self.current_row() != row:
                    self.table.selectRow(row)
                return
            widget = widget.parentWidget()

    # -- cells ----------------------------------------------------------------------------------

    def _make_cell(self, item: Any, row: int, column: Column) -> QWidget:
        value = getattr(item, column.attr)
        if column.kind == "number":
            spin = QuantitySpin(column.quantity, self.units)
            spin.set_si(value)
            spin.si_changed.connect(lambda si, item=item, attr=column.attr: self._set(item, attr, si))
            return spin
        if column.kind == "check":
            box = QCheckBox()
            box.setChecked(bool(value))
            box.toggled.connect(lambda on, item=item, attr=column.attr: self._set(item, attr, on))
            return box
        if column.kind == "name":
            combo = choice_combo(sorted(self.library), value)
            combo.editTextChanged.connect(lambda text, item=item: self._set(item, "name", text))
            combo.textActivated.connect(lambda text, item=item, row=row: self._pick(item, row, text))
            return combo
        combo = choice_combo(column.choices, value, editable=column.kind == "choice")
        combo.currentTextChanged.connect(
            lambda text, item=item, attr=column.attr: self._set(item, attr, text))
        return combo

    def _set(self, item: Any, attr: str, value: Any) -> None:
        if getattr(item, attr) != value:
            setattr(item, attr, value)
            self.edited.emit()

    def _pick(self, item: Any, row: int, name: str) -> None:
        """A library entry was chosen: copy its properties and show them in the row."""
        entry = self.library.get(name)
        if entry is None:
            return
        before = copy.copy(item)
        entry.fill(item)
        if item == before:
            return
        for col, column in enumerate(self.columns):
            widget = self.table.cellWidget(row, col)
            value = getattr(item, column.attr)
            if isinstance(widget, QuantitySpin):
                widget.set_si(value)
            elif isinstance(widget, QComboBox) and column.kind != "name":
                set_combo_text(widget, value)
        self.edited.emit()
