"""Kegs & drinks: keg history, drinks (all or one keg's), sessions, per-drinker totals, and the
operator's actions (add a tap, start or end a keg, cancel a drink).

Tables are model/view with rows fetched a page at a time; the domain's refusals are shown in a
message line on the page, never raised into Qt.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kegdash import events, fmt
from kegdash.bar.drinks import cancel_drink
from kegdash.bar.taps import BarError, end_keg
from kegdash.ui import queries
from kegdash.ui.bridge import EventBridge
from kegdash.ui.dialogs import ActionDialog, AddTapDialog, StartKegDialog
from kegdash.ui.prefs import Prefs
from kegdash.ui.table_model import Column, LazyTableModel
from kegdash.ui.tasks import TaskRunner

REFRESH_MS = 300
"""Changes arriving in a burst (a busy bar) reload the tables once."""


def _table(model: LazyTableModel) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    return view


class KegsPage(QWidget):
    def __init__(self, bridge: EventBridge, prefs: Prefs, runner: TaskRunner) -> None:
        super().__init__()
        self.prefs = prefs
        self.runner = runner
        self.dialog: ActionDialog | None = None
        vol = self._volume

        self.kegs = LazyTableModel([
            Column("Tap"), Column("Beverage"), Column("Size"), Column("Started", fmt.local_time),
            Column("Ended", fmt.local_time), Column("Served", vol, True), Column("Spilled", vol, True),
            Column("Left", lambda f: f"{f * 100:.0f} %", True), Column("Status"),
        ], queries.keg_rows)
        self.drinks = LazyTableModel([
            Column("Time", fmt.local_time), Column("Tap"), Column("Beverage"),
            Column("Volume", vol, True), Column("Drinker"),
            Column("Valid", lambda v: "yes" if v else "cancelled"),
        ], lambda offset, limit: queries.drink_rows(self.keg_id, offset, limit))
        self.sessions = LazyTableModel([
            Column("Start", fmt.local_time), Column("End", fmt.local_time), Column("Volume", vol, True),
            Column("Drinks", str, True), Column("Drinkers", str, True),
        ], queries.session_rows)
        self.drinkers = LazyTableModel([
            Column("Drinker"), Column("Drinks", str, True), Column("Total", vol, True),
            Column("Last pour", fmt.local_time),
        ], queries.drinker_rows)
        self.keg_id: int | None = None

        self.add_tap_button = QPushButton("Add tap…")
        self.start_keg_button = QPushButton("Start keg…")
        self.end_keg_button = QPushButton("End keg")
        self.cancel_drink_button = QPushButton("Cancel drink")
        self.add_tap_button.clicked.connect(self.open_add_tap)
        self.start_keg_button.clicked.connect(self.open_start_keg)
        self.end_keg_button.clicked.connect(self.end_selected_keg)
        self.cancel_drink_button.clicked.connect(self.cancel_selected_drink)
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel("Kegs & drinks", objectName="pageTitle"))
        buttons.addStretch(1)
        for button in (self.add_tap_button, self.start_keg_button, self.end_keg_button,
                       self.cancel_drink_button):
            buttons.addWidget(button)
        self.message = QLabel(objectName="message")
        self.message.setWordWrap(True)
        self.message.hide()

        self.keg_view = _table(self.kegs)
        self.keg_view.selectionModel().selectionChanged.connect(self._keg_selected)
        self.drink_view = _table(self.drinks)
        self.drink_view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.drinks_title = QLabel()
        drinks_box = QWidget()
        box = QVBoxLayout(drinks_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.drinks_title)
        box.addWidget(self.drink_view)
        self.tabs = QTabWidget()
        self.tabs.addTab(drinks_box, "Drinks")
        self.tabs.addTab(_table(self.sessions), "Sessions")
        self.tabs.addTab(_table(self.drinkers), "Drinkers")
        kegs_box = QWidget()
        box = QVBoxLayout(kegs_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(QLabel("Kegs, newest first — select one to see its drinks"))
        box.addWidget(self.keg_view)
        splitter = QSplitter()
        splitter.addWidget(kegs_box)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.message)
        layout.addWidget(splitter, 1)

        self._refresh = QTimer(self)
        self._refresh.setSingleShot(True)
        self._refresh.setInterval(REFRESH_MS)
        self._refresh.timeout.connect(self.reload)
        self._stale = False
        bridge.event.connect(self.on_event)
        prefs.changed.connect(lambda key: self.reload() if key == "units" else None)
        self.reload()

    def _volume(self, ml: float) -> str:
        return fmt.volume(ml, self.prefs.units)

    def reload(self) -> None:
        """Reload every table from the first page; the selection goes, so drinks show every keg."""
        self._stale = False
        self.keg_id = None
        for model in (self.kegs, self.drinks, self.sessions, self.drinkers):
            model.reload()
        self._show_drinks_title()
        self._update_buttons()

    def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.DrinkPoured | events.DrinkCancelled | events.KegChanged
                      | events.TapChanged):
            if self.isVisible():
                self._refresh.start()
            else:
                self._stale = True

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self._stale:
            self.reload()
        super().showEvent(event)

    # --- selection -----------------------------------------------------------------------------

    def selected_keg(self) -> int | None:
        rows = self.keg_view.selectionModel().selectedRows()
        return self.kegs.row_id(rows[0].row()) if rows else None

    def selected_drink(self) -> int | None:
        rows = self.drink_view.selectionModel().selectedRows()
        return self.drinks.row_id(rows[0].row()) if rows else None

    def _keg_selected(self) -> None:
        self.keg_id = self.selected_keg()
        self.drinks.reload()
        self._show_drinks_title()
        self._update_buttons()

    def _show_drinks_title(self) -> None:
        total = queries.count_drinks(self.keg_id)
        which = f"of keg {self.keg_id}" if self.keg_id else "of every keg"
        self.drinks_title.setText(f"{total} drinks {which}")

    def _update_buttons(self) -> None:
        keg = self.selected_keg()
        self.end_keg_button.setEnabled(keg is not None and queries.tap_of_keg(keg) is not None)
        self.cancel_drink_button.setEnabled(self.selected_drink() is not None)

    # --- actions -------------------------------------------------------------------------------

    def show_message(self, text: str, kind: str = "info") -> None:
        self.message.setProperty("kind", kind)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)
        self.message.show()

    def confirm(self, text: str) -> bool:
        """Ask before a change that cannot be undone; tests replace this."""
        answer = QMessageBox.question(self, "kegdash", text)
        return answer == QMessageBox.StandardButton.Yes

    def _open(self, dialog: ActionDialog, done: str) -> None:
        self.dialog = dialog
        dialog.accepted.connect(lambda: (self.show_message(done), self.reload()))
        dialog.open()

    def open_add_tap(self) -> None:
        self._open(AddTapDialog(self), "Tap added.")

    def open_start_keg(self) -> None:
        self._open(StartKegDialog(self), "Keg started.")

    def end_selected_keg(self) -> None:
        keg = self.selected_keg()
        tap = queries.tap_of_keg(keg) if keg is not None else None
        if tap is None:
            self.show_message("Select a keg that is on a tap first.", "error")
            return
        if not self.confirm(f"End keg {keg}? It leaves its tap and cannot be put back."):
            return
        try:
            end_keg(tap)
        except BarError as exc:
            self.show_message(str(exc), "error")
            return
        self.show_message(f"Keg {keg} ended.")
        self.reload()

    def cancel_selected_drink(self) -> None:
        drink = self.selected_drink()
        if drink is None:
            self.show_message("Select a drink first.", "error")
            return
        if not self.confirm(f"Cancel drink {drink}? Its volume goes back to the keg."):
            return
        try:
            cancel_drink(drink)
        except BarError as exc:
            self.show_message(str(exc), "error")
            return
        self.show_message(f"Drink {drink} cancelled.")
        self.reload()
