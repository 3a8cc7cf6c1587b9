"""A read-only table model that pulls rows a page at a time as the view scrolls (``fetchMore``),
so ten thousand drinks cost one small query per screenful, not a widget per row."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget

Fetch = Callable[[int, int], list[tuple]]
"""``fetch(offset, limit)`` → rows; each row's first value is its id and is not shown."""


@dataclass(frozen=True)
class Column:
    title: str
    show: Callable[[Any], str] = str
    numeric: bool = False


class LazyTableModel(QAbstractTableModel):
    PAGE = 200

    def __init__(self, columns: Sequence[Column], fetch: Fetch, page: int = PAGE) -> None:
        super().__init__()
        self.columns = list(columns)
        self._fetch = fetch
        self._page = page
        self._rows: list[tuple] = []
        self._exhausted = False

    def reload(self) -> None:
        """Throw the loaded rows away and fetch the first page again (after a change)."""
        self.beginResetModel()
        self._rows = []
        self._exhausted = False
        self.endResetModel()
        if self.canFetchMore(QModelIndex()):
            self.fetchMore(QModelIndex())

    def row_id(self, row: int) -> Any:
        return self._rows[row][0]

    def row_values(self, row: int) -> tuple:
        return self._rows[row][1:]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.columns)

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> None:  # noqa: N802
        if parent.isValid() or self._exhausted:
            return
        rows = self._fetch(len(self._rows), self._page)
        if len(rows) < self._page:
            self._exhausted = True
        if rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = self._rows[index.row()][index.column() + 1]
            return "" if value is None else column.show(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.columns[section].title
        return None


def read_only_table(columns: Sequence[str], *, min_height: int = 0) -> QTableWidget:
    """A small table of whole-row, single selection (keys, ports): too short for a lazy model."""
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(list(columns))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    table.setMinimumHeight(min_height)
    return table
