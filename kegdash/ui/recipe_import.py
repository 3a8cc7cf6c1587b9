"""Importing a BeerXML file: a checklist of its recipes with the engine's numbers (so the brewer
can tell three "IPA"s apart before storing them), and afterwards a report of what became of each
one: imported (with any field that was skipped) or skipped, and why."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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
from kegdash.brewing.beerxml import ImportedRecipe


def describe(recipe: Recipe) -> str:
    """One line per recipe: name, style and the headline numbers (or why they cannot be computed)."""
    style = f" — {recipe.style.name}" if recipe.style and recipe.style.name else ""
    try:
        results = calculate(recipe)
        numbers = f"OG {results.og:.3f}, {results.ibu:.0f} IBU, {results.abv:.1f} % ABV"
    except BrewingError as exc:
        numbers = str(exc)
    return f"{recipe.name.strip()}{style}   ({numbers})"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


@dataclass(frozen=True)
class ImportOutcome:
    """What became of one recipe of the file: ``reason`` says why it was skipped; ``warnings``
    name the fields of an imported one that could not be read."""

    position: int
    name: str
    imported: bool
    reason: str = ""
    warnings: tuple[str, ...] = ()

    def text(self) -> str:
        name = self.name.strip() or f"Recipe {self.position}"
        if not self.imported:
            return f"Skipped: {name} — {self.reason}"
        if self.warnings:
            return f"Imported: {name} — {_plural(len(self.warnings), 'field')} skipped: " + "; ".join(
                self.warnings)
        return f"Imported: {name}"


def skipped(item: ImportedRecipe, reason: str) -> ImportOutcome:
    return ImportOutcome(item.position, item.name, False, reason, item.warnings)


def imported(item: ImportedRecipe) -> ImportOutcome:
    return ImportOutcome(item.position, item.name, True, warnings=item.warnings)


def summary(outcomes: Sequence[ImportOutcome]) -> str:
    """"Imported 2 of 3 recipes; 1 skipped." (and how many had fields skipped)."""
    done = sum(outcome.imported for outcome in outcomes)
    text = f"Imported {done} of {_plural(len(outcomes), 'recipe')}"
    if done < len(outcomes):
        text += f"; {len(outcomes) - done} skipped"
    partial = sum(bool(outcome.imported and outcome.warnings) for outcome in outcomes)
    if partial:
        text += f"; {partial} with fields skipped"
    return text + "."


class ImportChooser(QDialog):
    """Every readable recipe starts ticked; one the file spoils is shown with the reason and
    cannot be ticked. OK is disabled while none is ticked."""

    def __init__(self, items: Sequence[ImportedRecipe], source: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import BeerXML")
        self.setMinimumWidth(560)
        self.items = list(items)
        self.list = QListWidget()
        for item in self.items:
            if item.recipe is None:
                row = QListWidgetItem(f"{item.name.strip() or f'Recipe {item.position}'}   "
                                      f"(cannot be read: {item.error})")
                row.setFlags(Qt.ItemFlag.ItemIsUserCheckable)  # shown, not enabled
                row.setCheckState(Qt.CheckState.Unchecked)
            else:
                text = describe(item.recipe)
                if item.warnings:
                    text += f"   ⚠ {_plural(len(item.warnings), 'field')} skipped"
                    row = QListWidgetItem(text)
                    row.setToolTip("\n".join(item.warnings))
                else:
                    row = QListWidgetItem(text)
                row.setFlags(row.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                row.setCheckState(Qt.CheckState.Checked)
            self.list.addItem(row)
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
        row_layout = QHBoxLayout()
        row_layout.addWidget(every)
        row_layout.addWidget(none)
        row_layout.addStretch(1)
        row_layout.addWidget(self.buttons)
        unreadable = sum(item.recipe is None for item in self.items)
        note = f" {unreadable} cannot be read." if unreadable else ""
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"{_plural(len(self.items), 'recipe')} in {source}.{note} "
                                "Tick the ones to import."))
        layout.addWidget(self.list, 1)
        layout.addLayout(row_layout)
        self._update_ok()

    def _readable_rows(self) -> list[int]:
        return [row for row, item in enumerate(self.items) if item.recipe is not None]

    def _check_all(self, on: bool) -> None:
        state = Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
        for row in self._readable_rows():
            self.list.item(row).setCheckState(state)

    def _update_ok(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(bool(self.chosen()))

    def set_checked(self, rows: Sequence[int]) -> None:
        """Tick exactly these rows (of those that can be read)."""
        for row in self._readable_rows():
            state = Qt.CheckState.Checked if row in rows else Qt.CheckState.Unchecked
            self.list.item(row).setCheckState(state)

    def chosen(self) -> list[ImportedRecipe]:
        """The ticked recipes, in file order."""
        return [item for row, item in enumerate(self.items)
                if item.recipe is not None
                and self.list.item(row).checkState() == Qt.CheckState.Checked]


class ImportReport(QDialog):
    """After an import: one line per recipe of the file, imported or skipped with the reason."""

    def __init__(self, outcomes: Sequence[ImportOutcome], source: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Imported from {source}")
        self.setMinimumWidth(560)
        self.outcomes = list(outcomes)
        self.list = QListWidget()
        self.list.setWordWrap(True)
        for outcome in self.outcomes:
            self.list.addItem(outcome.text())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(summary(self.outcomes)))
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)

    def lines(self) -> list[str]:
        return [self.list.item(row).text() for row in range(self.list.count())]
