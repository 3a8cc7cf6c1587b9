"""Kegs & drinks: keg history, drinks (all or one keg's), sessions, per-drinker totals, and the
operator's actions (add a tap, start or end a keg, cancel a drink).

Tables are model/view with rows fetched a page at a time (each page one indexed query of the
bar's views); the operator's changes run on the window's task runner, and the domain's
refusals are shown in a message line on the page, never raised into Qt.
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
from kegdash.bar import views as bar_views
from kegdash.bar.drinks import cancel_drink
from kegdash.bar.taps import end_keg
from kegdash.ui.bridge import EventBridge
from kegdash.ui.dialogs import ActionDialog, AddTapDialog, StartKegDialog, refusal
from kegdash.ui.prefs import Prefs
from kegdash.ui.table_model import Column, LazyTableModel
from kegdash.ui.tasks import TaskRunner

REFRESH_MS = 300
"""Changes arriving in a burst (a busy bar) reload the tables once."""
NOT_ON_A_TAP = "Select a keg that is on a tap first."


def _end_keg(keg_id: int) -> bool:
    """End a keg through its tap; False if it has left its tap meanwhile."""
    tap_id = bar_views.tap_of_keg(keg_id)
    if tap_id is None:
        return False
    end_keg(tap_id)
    return True


# The tables' rows: the row's id first, then one value per column.

def _keg_rows(offset: int, limit: int) -> list[tuple]:
    return [(k.id, k.tap, k.beverage, k.size, k.started, k.finished, k.served_ml, k.spilled_ml,
             k.fraction, k.status) for k in bar_views.keg_rows(offset, limit)]


def _drink_rows(keg_id: int | None, offset: int, limit: int) -> list[tuple]:
    return [(d.id, d.pour_time, d.tap, d.beverage, d.volume_ml, d.drinker or "guest", d.is_valid)
            for d in bar_views.drink_rows(keg_id, offset, limit)]


def _session_rows(offset: int, limit: int) -> list[tuple]:
    return [(s.id, s.start, s.end, s.volume_ml, s.drinks, s.drinkers)
            for s in bar_views.session_rows(offset, limit)]


def _drinker_rows(offset: int, limit: int) -> list[tuple]:
    return [(t.drinker or "guest", t.drinker or "guest", t.drinks, t.volume_ml, t.last_pour)
            for t in bar_views.drinker_totals(offset, limit)]


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
        ], _keg_rows)
        self.drinks = LazyTableModel([
            Column("Time", fmt.local_time), Column("Tap"), Column("Beverage"),
            Column("Volume", vol, True), Column("Drinker"),
            Column("Valid", lambda v: "yes" if v else "cancelled"),
        ], lambda offset, limit: _drink_rows(self.keg_id, offset, limit))
        self.sessions = LazyTableModel([
            Column("Start", fmt.local_time), Column("End", fmt.local_time), Column("Volume", vol, True),
            Column("Drinks", str, True), Column("Drinkers", str, True),
        ], _session_rows)
        self.drinkers = LazyTableModel([
            Column("Drinker"), Column("Drinks", str, True), Column("Total", vol, True),
            Column("Last pour", fmt.local_time),
        ], _drinker_rows)
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
        total = bar_views.count_drinks(self.keg_id)
        which = f"of keg {self.keg_id}" if self.keg_id else "of every keg"
        self.drinks_title.setText(f"{total} drinks {which}")

    def _selected_keg_on_tap(self) -> bool:
        """As the table last read it; ending the keg checks again."""
        rows = self.keg_view.selectionModel().selectedRows()
        return bool(rows) and bool(self.kegs.row_values(rows[0].row())[0])

    def _update_buttons(self) -> None:
        self.end_keg_button.setEnabled(self._selected_keg_on_tap())
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
        self._open(AddTapDialog(self.runner, self), "Tap added.")

    def open_start_keg(self) -> None:
        self._open(StartKegDialog(self.runner, self), "Keg started.")

    def _refused(self, error: BaseException) -> None:
        self.show_message(refusal(error), "error")

    def end_selected_keg(self) -> None:
        keg = self.selected_keg()
        if keg is None or not self._selected_keg_on_tap():
            self.show_message(NOT_ON_A_TAP, "error")
            return
        if not self.confirm(f"End keg {keg}? It leaves its tap and cannot be put back."):
            return

        def ended(done: bool) -> None:
            if not done:
                self.show_message(NOT_ON_A_TAP, "error")
                return
            self.show_message(f"Keg {keg} ended.")
            self.reload()

        self.runner.submit(lambda: _end_keg(keg), ended, self._refused)

    def cancel_selected_drink(self) -> None:
        drink = self.selected_drink()
        if drink is None:
            self.show_message("Select a drink first.", "error")
            return
        if not self.confirm(f"Cancel drink {drink}? Its volume goes back to the keg."):
            return

        def cancelled(_drink: object) -> None:
            self.show_message(f"Drink {drink} cancelled.")
            self.reload()

        self.runner.submit(lambda: cancel_drink(drink), cancelled, self._refused)
