"""Choosing which recipes of a BeerXML file to import: a checklist with the engine's numbers, so the
brewer can tell three "IPA"s apart before storing them."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from kegdash.brewing import BrewingError, Recipe, calculate


def describe(recipe: Recipe) -> str:
    """One line per recipe: name, style and the headline numbers (or why they cannot be computed)."""
    style = f" — {recipe.style.name}" if recipe.style and recipe.style.name else ""
    try:
        results = calculate(recipe)
        numbers = f"OG {results.og:.3f}, {results.ibu:.0f} IBU, {results.abv:.1f} % ABV"
    except BrewingError as exc:
        numbers = str(exc)
    return f"{recipe.name}{style}   ({numbers})"


class ImportChooser(QDialog):
    """All recipes start ticked; OK is disabled while none is."""

    def __init__(self, recipes: Sequence[Recipe], source: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import BeerXML")
        self.setMinimumWidth(520)
        self.recipes = list(recipes)
        self.list = QListWidget()
        for recipe in self.recipes:
            item = QListWidgetItem(describe(recipe))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.list.addItem(item)
        every = QPushButton("Select all")
        none = QPushButton("Select none")
        every.clicked.connect(lambda: self._check_all(True))
        none.clicked.connect(lambda: self._check_all(False))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.list.itemChanged.connect(lambda _: self._update_ok())
        row = QHBoxLayout()
        row.addWidget(every)
        row.addWidget(none)
        row.addStretch(1)
        row.addWidget(self.buttons)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"{len(self.recipes)} recipes in {source}. Tick the ones to import."))
        layout.addWidget(self.list, 1)
        layout.addLayout(row)

    def _check_all(self, on: bool) -> None:
        state = Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
        for row in range(self.list.count()):
            self.list.item(row).setCheckState(state)

    def _update_ok(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.chosen()))

    def set_checked(self, rows: Sequence[int]) -> None:
        """Tick exactly these rows."""
        for row in range(self.list.count()):
            state = Qt.CheckState.Checked if row in rows else Qt.CheckState.Unchecked
            self.list.item(row).setCheckState(state)

    def chosen(self) -> list[Recipe]:
        return [recipe for row, recipe in enumerate(self.recipes)
                if self.list.item(row).checkState() == Qt.CheckState.Checked]
