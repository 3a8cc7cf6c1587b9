"""Live, lazily loaded tables: rows come a page at a time as the view scrolls (``fetchMore``), and
a change in the bar updates the rows in place, so the operator's selection, scroll position and
sort survive a busy evening.

Every read runs on the window's task runner. :meth:`LazyTableModel.refresh` re-reads the rows
already loaded and applies the difference as Qt's fine-grained signals (``dataChanged``,
``rowsInserted``, ``rowsRemoved``, ``rowsMoved``), never a reset, so views keep their persistent
indexes; :class:`LiveTableView` also keeps the rows on screen where they were when rows arrive
above them, and sorts on a header click (after loading every row, so a sort is never of a part).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QTableWidget

from kegdash.ui.tasks import TaskRunner

log = logging.getLogger(__name__)

Fetch = Callable[[int, int], list[tuple]]
"""``fetch(offset, limit)`` → rows; each row's first value is its id and is not shown. It runs
on a worker thread."""

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
"""The raw value of a cell (a number, a time), which the header sort compares."""


@dataclass(frozen=True)
class Column:
    """``title`` is a callable when it names a unit that follows the window's units."""

    title: str | Callable[[], str]
    show: Callable[[Any], str] = str
    numeric: bool = False

    def heading(self) -> str:
        return self.title() if callable(self.title) else self.title


class LazyTableModel(QAbstractTableModel):
    PAGE = 200

    refreshed = Signal()
    """A read was applied: the rows are as the database had them (the first page at least)."""

    def __init__(self, columns: Sequence[Column], fetch: Fetch, runner: TaskRunner | None = None,
                 page: int = PAGE) -> None:
        """Without a ``runner`` the reads run at once on the calling thread (a page whose reads
        are not yet moved off the GUI thread)."""
        super().__init__()
        self.columns = list(columns)
        self._fetch = fetch
        self._runner = runner
        self._page = page
        self._rows: list[tuple] = []
        self._exhausted = False
        self._epoch = 0  # bumped by reload(): answers asked for before it are dropped
        self._changes = 0  # bumped whenever the rows change; a page read before a change is dropped
        self._loading_more = False
        self._refreshing = False
        self._refresh_again = False
        self._wants_all = False
        self.loaded = False
        """True once the first read was applied (an empty table then means "none yet")."""

    # --- reading -------------------------------------------------------------------------------

    def reload(self) -> None:
        """Forget the rows (the table now lists something else, e.g. another keg's drinks, or the
        database changed under the window) and read the first page."""
        self.beginResetModel()
        self._rows = []
        self._exhausted = False
        self._wants_all = False
        self._epoch += 1
        self._changes += 1
        self.loaded = False
        self.endResetModel()
        self._refreshing = self._loading_more = False
        self.refresh()

    def _read(self, fn: Callable[[], list[tuple]], on_done: Callable[[list[tuple]], None]) -> None:
        if self._runner is not None:
            self._runner.submit(fn, on_done, self._failed)
            return
        try:
            rows = fn()
        except Exception as exc:  # noqa: BLE001 - reported as the runner reports it
            self._failed(exc)
        else:
            on_done(rows)

    def refresh(self) -> None:
        """Re-read the rows loaded so far (at least a page) and apply the differences in place.
        Asked again while a read is under way, it reads once more after that one."""
        if self._refreshing:
            self._refresh_again = True
            return
        self._refreshing = True
        self._refresh_again = False
        limit, epoch, fetch = max(len(self._rows), self._page), self._epoch, self._fetch
        self._read(lambda: fetch(0, limit), lambda rows: self._refreshed(epoch, limit, rows))

    def _refreshed(self, epoch: int, limit: int, rows: list[tuple]) -> None:
        if epoch != self._epoch:
            return  # reload() asked again
        self._refreshing = False
        if len(self._rows) > limit:
            self.refresh()  # more rows were loaded meanwhile: re-read them all
            return
        self._merge(rows)
        self._exhausted = len(rows) < limit
        self.loaded = True
        self.refreshed.emit()
        if self._refresh_again:
            self.refresh()
        elif self._wants_all:
            self.fetchMore(QModelIndex())

    def _failed(self, error: BaseException) -> None:
        self._refreshing = self._loading_more = False
        log.error("reading a table failed: %s", error, exc_info=error)

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802
        return (not parent.isValid() and not (self.loaded and self._exhausted)
                and not self._loading_more and not self._refreshing)

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex) -> None:  # noqa: N802
        """Read the page after the loaded rows (the first page, before anything was read)."""
        if not self.canFetchMore(parent):
            return
        if not self.loaded:
            self.refresh()
            return
        self._loading_more = True
        offset, page, changes, fetch = len(self._rows), self._page, self._changes, self._fetch
        epoch = self._epoch
        self._read(lambda: fetch(offset, page), lambda rows: self._more(epoch, changes, offset, rows))

    def _more(self, epoch: int, changes: int, offset: int, rows: list[tuple]) -> None:
        if epoch != self._epoch:
            return  # reload() asked again
        self._loading_more = False
        if changes != self._changes:
            # The rows changed meanwhile, so this page may overlap them or leave a gap: ask for
            # what follows the rows as they are now.
            self.fetchMore(QModelIndex())
            return
        self._exhausted = len(rows) < self._page
        # Rows added in the database since the last page shift what an offset points at: the
        # page may repeat rows already loaded. (One it skips comes with the next refresh.)
        have = {row[0] for row in self._rows}
        rows = [row for row in rows if row[0] not in have]
        if rows:
            self.beginInsertRows(QModelIndex(), offset, offset + len(rows) - 1)
            self._rows.extend(rows)
            self._changes += 1
            self.endInsertRows()
        self.refreshed.emit()
        if self._wants_all:
            self.fetchMore(QModelIndex())

    def fetch_all(self) -> None:
        """Load every row, a page at a time (a sort must see them all)."""
        self._wants_all = True
        self.fetchMore(QModelIndex())

    @property
    def exhausted(self) -> bool:
        """Every row is loaded."""
        return self.loaded and self._exhausted

    # --- applying a read in place ----------------------------------------------------------------

    def _merge(self, new: list[tuple]) -> None:
        """Turn the loaded rows into ``new`` with removals, insertions, moves and changes (rows
        are matched by id), so selections and scroll positions hold on to their rows."""
        root = QModelIndex()
        keep = {row[0] for row in new}
        end = len(self._rows)
        while end > 0:  # removals, a contiguous run at a time from the bottom
            if self._rows[end - 1][0] in keep:
                end -= 1
                continue
            start = end - 1
            while start > 0 and self._rows[start - 1][0] not in keep:
                start -= 1
            self.beginRemoveRows(root, start, end - 1)
            del self._rows[start:end]
            self._changes += 1
            self.endRemoveRows()
            end = start
        have = {row[0] for row in self._rows}
        pos = 0
        while pos < len(new):
            row = new[pos]
            if row[0] not in have:  # a run of new rows goes in at once
                run = pos + 1
                while run < len(new) and new[run][0] not in have:
                    run += 1
                self.beginInsertRows(root, pos, run - 1)
                self._rows[pos:pos] = new[pos:run]
                self._changes += 1
                self.endInsertRows()
                have.update(r[0] for r in new[pos:run])
                pos = run
                continue
            if self._rows[pos][0] != row[0]:  # it is further down: bring it here
                at = next(i for i in range(pos + 1, len(self._rows)) if self._rows[i][0] == row[0])
                self.beginMoveRows(root, at, at, root, pos)
                self._rows.insert(pos, self._rows.pop(at))
                self._changes += 1
                self.endMoveRows()
            if self._rows[pos] != row:
                self._rows[pos] = row
                self.dataChanged.emit(self.index(pos, 0), self.index(pos, len(self.columns) - 1))
            pos += 1

    def redisplay(self) -> None:
        """Headings and cells again, after the units they are shown in changed."""
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.columns) - 1)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(self.columns) - 1))

    # --- the model's answers -------------------------------------------------------------------

    def row_id(self, row: int) -> Any:
        return self._rows[row][0]

    def row_values(self, row: int) -> tuple:
        return self._rows[row][1:]

    def row_of(self, ident: Any) -> int | None:
        """The row of the loaded row with this id, or None."""
        return next((n for n, row in enumerate(self._rows) if row[0] == ident), None)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            value = self._rows[index.row()][index.column() + 1]
            return "" if value is None else column.show(value)
        if role == SORT_ROLE:
            return self._rows[index.row()][index.column() + 1]
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].heading()
        if role == Qt.ItemDataRole.TextAlignmentRole and self.columns[section].numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class LiveTableView(QTableView):
    """A view of a :class:`LazyTableModel` for rows that change under the operator's eyes:
    whole-row single selection, columns sized to their contents, a sort on a header click
    (a third click returns to the model's own order), and the rows on screen stay on screen
    when rows arrive or leave above them (at the very top, new rows show as they come)."""

    def __init__(self, model: LazyTableModel) -> None:
        super().__init__()
        self.source = model
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(model)
        self.proxy.setSortRole(SORT_ROLE)
        self.proxy.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setModel(self.proxy)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        header.setSortIndicatorClearable(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.setSortingEnabled(True)
        header.sortIndicatorChanged.connect(self._sorted)
        self._top = -1
        self.proxy.rowsAboutToBeInserted.connect(self._note_top)
        self.proxy.rowsAboutToBeRemoved.connect(self._note_top)
        self.proxy.rowsInserted.connect(lambda _parent, first, last: self._keep_top(first, last, 1))
        self.proxy.rowsRemoved.connect(lambda _parent, first, last: self._keep_top(first, last, -1))

    def _sorted(self, section: int, _order: Qt.SortOrder) -> None:
        if section >= 0:
            self.source.fetch_all()

    def _note_top(self) -> None:
        self._top = self.verticalScrollBar().value()

    def _keep_top(self, first: int, last: int, sign: int) -> None:
        """Rows came or went above the top row on screen: scroll by as many, so it stays."""
        top, self._top = self._top, -1
        if top <= 0 or first > top:
            return
        self.updateGeometries()
        bar = self.verticalScrollBar()
        bar.setValue(top + sign * (min(last, top - 1) - first + 1 if sign < 0 else last - first + 1))

    def selected_source_row(self) -> int | None:
        """The selected row in the model's own numbering, or None."""
        rows = self.selectionModel().selectedRows()
        return self.proxy.mapToSource(rows[0]).row() if rows else None

    def select_source_row(self, row: int) -> None:
        """Select a row given in the model's own numbering."""
        index = self.proxy.mapFromSource(self.source.index(row, 0))
        self.selectRow(index.row())


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
