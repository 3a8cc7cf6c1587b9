"""Recipes: the stored recipes, read-only. Editing with live calculations is its own issue (9);
this page says so rather than pretending."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from kegdash import events
from kegdash.ui import fmt, queries
from kegdash.ui.bridge import EventBridge
from kegdash.ui.table_model import Column, LazyTableModel


def _number(digits: int) -> Any:
    return lambda value: f"{value:.{digits}f}"


class RecipesPage(QWidget):
    def __init__(self, bridge: EventBridge) -> None:
        super().__init__()
        self.model = LazyTableModel([
            Column("Name"), Column("Brewer"), Column("OG", _number(3), True), Column("FG", _number(3), True),
            Column("IBU", _number(0), True), Column("ABV %", _number(1), True),
            Column("Changed", fmt.local_time),
        ], queries.recipe_rows)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.count = QLabel()
        hint = QLabel("Read-only for now: the recipe editor with live gravity, bitterness and colour, "
                      "and BeerXML import/export, arrives in its own release. Recipes made through the "
                      "Tapline API or the demo data appear here.", objectName="hint")
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Recipes", objectName="pageTitle"))
        layout.addWidget(hint)
        layout.addWidget(self.count)
        layout.addWidget(self.view, 1)
        bridge.event.connect(self.on_event)
        self.reload()

    def reload(self) -> None:
        self.model.reload()
        self.count.setText(f"{queries.count_recipes()} stored recipes")

    def on_event(self, name: str, data: dict[str, Any]) -> None:
        if name == events.RECIPE_SAVED:
            self.reload()
