"""Kegs & drinks: keg history, drinks (all or one keg's), sessions, per-drinker totals, and the
operator's actions (add a tap, start or end a keg, cancel a drink).

Tables are live models (``table_model.py``): pours, cancelled drinks and kegs changed elsewhere
update their rows in place, so a selected keg stays selected (and "End keg" usable) through a
busy evening. Each volume column has one unit, named in its heading. The operator's changes run
on the window's task runner; the domain's refusals show in the page's banner, never raised into
Qt. With no keg yet, the page offers the first steps instead of empty tables.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kegdash import events
from kegdash.bar import views as bar_views
from kegdash.bar.drinks import cancel_drink
from kegdash.bar.taps import end_keg
from kegdash.ui.banner import Banner
from kegdash.ui.bridge import EventBridge
from kegdash.ui.dialogs import ActionDialog, AddTapDialog, StartKegDialog, ask, refusal
from kegdash.ui.layouts import empty_state
from kegdash.ui.prefs import Prefs
from kegdash.ui.table_model import Column, LazyTableModel, LiveTableView
from kegdash.ui.tasks import TaskRunner
from kegdash.ui.words import moment, plural, volume_unit

REFRESH_MS = 300
"""Changes arriving in a burst (a busy bar) refresh the tables once."""
NOT_ON_A_TAP = "Select a keg that is on a tap first."
def _keg_status(status: str, fraction: float) -> str:
    if status == "offline":
        return "Ended"
    return "Kicked" if fraction <= 0 else "On tap"



def _end_keg(keg_id: int) -> bool:
    """End a keg through its tap; False if it has left its tap meanwhile."""
    tap_id = bar_views.tap_of_keg(keg_id)
    if tap_id is None:
        return False
    end_keg(tap_id)
    return True


# The tables' rows: the row's id first, then one value per column.

def _keg_rows(offset: int, limit: int) -> list[tuple]:
    sizes = {size.name: size.volume_ml for size in bar_views.keg_sizes()}
    return [(k.id, k.tap, k.beverage, sizes.get(k.size), k.started, k.finished, k.served_ml,
             k.spilled_ml, k.fraction, _keg_status(k.status, k.fraction))
            for k in bar_views.keg_rows(offset, limit)]


def _drink_rows(keg_id: int | None, offset: int, limit: int) -> list[tuple]:
    return [(d.id, d.pour_time, d.tap, d.beverage, d.volume_ml, d.drinker or "guest", d.is_valid)
            for d in bar_views.drink_rows(keg_id, offset, limit)]


def _session_rows(offset: int, limit: int) -> list[tuple]:
    return [(s.id, s.start, s.end, s.volume_ml, s.drinks, s.drinkers)
            for s in bar_views.session_rows(offset, limit)]


def _drinker_rows(offset: int, limit: int) -> list[tuple]:
    return [(t.drinker or "guest", t.drinker or "guest", t.drinks, t.volume_ml, t.last_pour)
            for t in bar_views.drinker_totals(offset, limit)]


class KegsPage(QWidget):
    def __init__(self, bridge: EventBridge, prefs: Prefs, runner: TaskRunner) -> None:
        super().__init__()
        self.prefs = prefs
        self.runner = runner
        self.dialog: ActionDialog | None = None
        self.keg_id: int | None = None
        self.keg_name = ""
        self._counts = 0
        """How many drink counts were asked for; the title shows the newest."""

        def volume(scale: str, title: str) -> Column:
            return Column(lambda: f"{title} ({volume_unit(scale, prefs.units).symbol})",
                          lambda ml: volume_unit(scale, prefs.units).number(ml), True)

        self.kegs = LazyTableModel([
            Column("Tap"), Column("Beverage"), volume("keg", "Size"), Column("Started", moment),
            Column("Ended", moment), volume("keg", "Served"), volume("keg", "Spilled"),
            Column("Left", lambda f: f"{f * 100:.0f} %", True),
            Column("Status"),
        ], _keg_rows, runner)
        self.drinks = LazyTableModel([
            Column("Time", moment), Column("Tap"), Column("Beverage"), volume("glass", "Volume"),
            Column("Drinker"), Column("Status", lambda v: "" if v else "Cancelled"),
        ], lambda offset, limit: _drink_rows(self.keg_id, offset, limit), runner)
        self.sessions = LazyTableModel([
            Column("Start", moment), Column("End", moment), volume("person", "Volume"),
            Column("Drinks", str, True), Column("Drinkers", str, True),
        ], _session_rows, runner)
        self.drinkers = LazyTableModel([
            Column("Drinker"), Column("Drinks", str, True), volume("person", "Total"),
            Column("Last pour", moment),
        ], _drinker_rows, runner)
        self.models = (self.kegs, self.drinks, self.sessions, self.drinkers)

        self.add_tap_button = QPushButton("Add tap…")
        self.start_keg_button = QPushButton("Start keg…")
        self.end_keg_button = QPushButton("End keg…")
        self.cancel_drink_button = QPushButton("Cancel drink…")
        self.add_tap_button.clicked.connect(self.open_add_tap)
        self.start_keg_button.clicked.connect(lambda: self.open_start_keg())
        self.end_keg_button.clicked.connect(self.end_selected_keg)
        self.cancel_drink_button.clicked.connect(self.cancel_selected_drink)
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel("Kegs & drinks", objectName="pageTitle"))
        buttons.addStretch(1)
        for button in (self.add_tap_button, self.start_keg_button, self.end_keg_button,
                       self.cancel_drink_button):
            buttons.addWidget(button)

        self.keg_view = LiveTableView(self.kegs)
        self.keg_view.selectionModel().selectionChanged.connect(self._keg_selected)
        self.drink_view = LiveTableView(self.drinks)
        self.drink_view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.drinks_title = QLabel(objectName="hint")
        drinks_box = QWidget()
        box = QVBoxLayout(drinks_box)
        box.setContentsMargins(0, 4, 0, 0)
        box.addWidget(self.drinks_title)
        box.addWidget(self.drink_view)
        self.tabs = QTabWidget()
        self.tabs.addTab(drinks_box, "Drinks")
        self.tabs.addTab(LiveTableView(self.sessions), "Sessions")
        self.tabs.addTab(LiveTableView(self.drinkers), "Drinkers")
        kegs_box = QWidget()
        box = QVBoxLayout(kegs_box)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(QLabel("Kegs, newest first: select one to see its drinks", objectName="hint"))
        box.addWidget(self.keg_view)
        self.tables = QSplitter(Qt.Orientation.Vertical)
        self.tables.addWidget(kegs_box)
        self.tables.addWidget(self.tabs)
        self.tables.setChildrenCollapsible(False)

        self.empty = empty_state(
            "No kegs yet",
            "Add the taps of your bar, then start a keg on each: its pours, sessions and "
            "drinkers show here.",
            [("Add a tap", self.open_add_tap), ("Start a keg", self.open_start_keg)])
        self.body = QStackedWidget()
        self.body.addWidget(self.tables)
        self.body.addWidget(self.empty)

        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.body, 1)
        self.message = Banner(self)

        self._refresh = QTimer(self)
        self._refresh.setSingleShot(True)
        self._refresh.setInterval(REFRESH_MS)
        self._refresh.timeout.connect(self.refresh)
        self._stale = False
        self.kegs.refreshed.connect(self._kegs_read)
        self.kegs.dataChanged.connect(self._update_buttons)
        self.drinks.refreshed.connect(self._show_drinks_title)
        bridge.event.connect(self.on_event)
        prefs.changed.connect(self._on_prefs)
        self.reload()

    def reload(self) -> None:
        """Read every table afresh from its first page (the database changed under the window);
        the keg selection goes, so drinks show every keg's."""
        self._stale = False
        self.keg_id = None
        for model in self.models:
            model.reload()
        self._update_buttons()

    def refresh(self) -> None:
        """Bring every table up to date in place, keeping selections, scroll positions and sorts."""
        self._stale = False
        for model in self.models:
            model.refresh()

    def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.DrinkPoured | events.DrinkCancelled | events.KegChanged
                      | events.TapChanged):
            if self.isVisible():
                self._refresh.start()
            else:
                self._stale = True

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self._stale:
            self.refresh()
        super().showEvent(event)

    def _on_prefs(self, key: str) -> None:
        if key == "units":
            for model in self.models:
                model.redisplay()

    def _kegs_read(self) -> None:
        self.body.setCurrentWidget(self.empty if self.kegs.rowCount() == 0 else self.tables)
        self._update_buttons()

    # --- selection -----------------------------------------------------------------------------

    def _selected_keg_row(self) -> int | None:
        return self.keg_view.selected_source_row()

    def selected_keg(self) -> int | None:
        row = self._selected_keg_row()
        return self.kegs.row_id(row) if row is not None else None

    def selected_drink(self) -> int | None:
        row = self.drink_view.selected_source_row()
        return self.drinks.row_id(row) if row is not None else None

    def _keg_selected(self) -> None:
        keg = self.selected_keg()
        if keg != self.keg_id:
            self.keg_id = keg
            row = self._selected_keg_row()
            self.keg_name = self.kegs.row_values(row)[1] if row is not None else ""
            self.drinks.reload()
        self._update_buttons()

    def _show_drinks_title(self) -> None:
        """How many drinks the list holds, counted off the GUI thread; only the newest count asked
        for is shown, since counts can finish out of order."""
        keg, name = self.keg_id, self.keg_name
        self._counts += 1
        asked = self._counts

        def show(total: int) -> None:
            if asked == self._counts:
                which = f"of {name} (keg {keg})" if keg else "of every keg"
                self.drinks_title.setText(f"{plural(total, 'drink')} {which}")

        self.runner.submit(lambda: bar_views.count_drinks(keg), show)

    def _selected_keg_on_tap(self) -> bool:
        """As the table last read it; ending the keg checks again."""
        row = self._selected_keg_row()
        return row is not None and bool(self.kegs.row_values(row)[0])

    def _update_buttons(self) -> None:
        self.end_keg_button.setEnabled(self._selected_keg_on_tap())
        self.cancel_drink_button.setEnabled(self.selected_drink() is not None)

    # --- actions -------------------------------------------------------------------------------

    def show_message(self, text: str, kind: str = "info") -> None:
        self.message.show_message(text, kind)

    def confirm(self, question: str, detail: str, do: str, keep: str) -> bool:
        """Ask before a change that cannot be undone; tests replace this."""
        return ask(self, question, detail, do, keep)

    def _open(self, dialog: ActionDialog, done: str) -> None:
        self.dialog = dialog
        dialog.accepted.connect(lambda: (self.show_message(done), self.refresh()))
        dialog.open()

    def open_add_tap(self) -> None:
        self._open(AddTapDialog(self.runner, self), "Tap added.")

    def open_start_keg(self, tap_id: int | None = None) -> None:
        self._open(StartKegDialog(self.runner, self, tap_id, self.prefs.units), "Keg started.")

    def _refused(self, error: BaseException) -> None:
        self.show_message(refusal(error), "error")

    def end_selected_keg(self) -> None:
        """Ask, naming the keg, its tap, its drinks and what it served, then end it."""
        row = self._selected_keg_row()
        if row is None or not self._selected_keg_on_tap():
            self.show_message(NOT_ON_A_TAP, "error")
            return
        keg = self.kegs.row_id(row)
        tap, beverage = self.kegs.row_values(row)[:2]
        self.runner.submit(lambda: bar_views.keg_detail(keg),
                           lambda detail: self._confirm_end(keg, tap, beverage, detail),
                           self._refused)

    def _confirm_end(self, keg: int, tap: str, beverage: str,
                     detail: bar_views.KegDetail | None) -> None:
        if detail is None:
            self.show_message(NOT_ON_A_TAP, "error")
            return
        served = volume_unit("keg", self.prefs.units).text(detail.keg.served_ml)
        if not self.confirm(f"End the {beverage} keg on {tap}?",
                            f"{plural(len(detail.drinks), 'drink')}, {served} served. The keg "
                            "leaves its tap for good; start a new keg there afterwards.",
                            "End keg", "Keep pouring"):
            return

        def ended(done: bool) -> None:
            if not done:
                self.show_message(NOT_ON_A_TAP, "error")
                return
            self.show_message(f"The {beverage} keg on {tap} is ended.")
            self.refresh()

        self.runner.submit(lambda: _end_keg(keg), ended, self._refused)

    def cancel_selected_drink(self) -> None:
        row = self.drink_view.selected_source_row()
        if row is None:
            self.show_message("Select a drink first.", "error")
            return
        drink = self.drinks.row_id(row)
        when, tap, beverage, volume_ml, drinker, valid = self.drinks.row_values(row)
        if not valid:
            self.show_message("That drink is cancelled already.", "error")
            return
        glass = volume_unit("glass", self.prefs.units).text(volume_ml)
        if not self.confirm(f"Cancel the {glass} of {beverage or 'beer'} poured by {drinker} "
                            f"at {moment(when)} on {tap}?",
                            "Its volume goes back to the keg and it leaves the drinker's totals.",
                            "Cancel drink", "Keep drink"):
            return

        def cancelled(_drink: object) -> None:
            self.show_message(f"The {glass} of {beverage or 'beer'} is cancelled.")
            self.refresh()

        self.runner.submit(lambda: cancel_drink(drink), cancelled, self._refused)
