"""Taps at a glance: one card per tap, readable from across the room, and the latest pours.

A pour in progress grows on its card from the (coalesced) pour-progress events and, when the
drink is recorded, lands at the top of the recent-drinks list. Cards come from the tap board
(``kegdash.tap_board``, the same one the web tap list shows) and every read runs on the
window's task runner; when reads overlap, the newest one asked for wins, so a slow, older
answer never paints over a newer one.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from kegdash import events, fmt, tap_board
from kegdash.bar import views as bar_views
from kegdash.site_settings import get_setting
from kegdash.tap_board import BoardTap
from kegdash.ui.bridge import EventBridge
from kegdash.ui.prefs import Prefs
from kegdash.ui.tasks import TaskRunner

POUR_IDLE_MS = 15_000
"""A pour that stops reporting without becoming a drink (too small, discarded) clears after this."""
RECENT_DRINKS = 15


def _restyle(widget: QWidget) -> None:
    """Dynamic properties only change the look after the style is re-applied."""
    widget.style().unpolish(widget)
    widget.style().polish(widget)
    for child in widget.findChildren(QWidget):
        child.style().unpolish(child)
        child.style().polish(child)


class TapCardWidget(QFrame):
    """One tap: what is on it, how much is left, the last pour, its temperature, a live pour."""

    def __init__(self, entry: BoardTap, units: str, low_fraction: float, asked: int) -> None:
        super().__init__()
        self.setObjectName("tapCard")
        self.setMinimumWidth(260)
        self.view = entry.card
        self.asked = asked  # the number of the read this card shows (TapsPage._ask)
        self.state = ""
        self.pouring_ml: float | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        header = QHBoxLayout()
        self.title = QLabel(objectName="tapName")
        self.badge = QLabel(objectName="badge")
        header.addWidget(self.title, 1)
        header.addWidget(self.badge)
        self.beverage = QLabel(objectName="beverage")
        self.beverage.setWordWrap(True)
        self.style_label = QLabel(objectName="style")
        self.gauge = QProgressBar(objectName="gauge")
        self.gauge.setRange(0, 100)
        self.left = QLabel()
        self.pour = QLabel(objectName="pour")
        self.last_pour = QLabel(objectName="style")
        layout.addLayout(header)
        for widget in (self.beverage, self.style_label, self.gauge, self.left, self.pour, self.last_pour):
            layout.addWidget(widget)
        layout.addStretch(1)
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(POUR_IDLE_MS)
        self._idle.timeout.connect(self.pour_done)
        self.show_entry(entry, units, low_fraction)

    def show_entry(self, entry: BoardTap, units: str, low_fraction: float) -> None:
        view = self.view = entry.card
        self.units = units
        temp = f"  ·  {fmt.temperature(view.temp_c, units)}" if view.temp_c is not None else ""
        self.title.setText(f"{view.name.upper()}{temp}")
        if view.keg_id is None:
            state = "empty"
            self.beverage.setText("No keg on tap")
            self.style_label.setText(view.meter)
            self.last_pour.setText("")
        else:
            state = "kicked" if view.fraction <= 0 else "low" if view.fraction < low_fraction else "ok"
            self.beverage.setText(view.beverage)
            abv = f"{view.abv:.1f} % ABV" if view.abv is not None else "ABV unknown"
            ibu = entry.recipe.ibu if entry.recipe is not None else None
            self.style_label.setText(" · ".join(
                part for part in (view.style, abv, f"{ibu:.0f} IBU" if ibu is not None else "") if part))
            if view.last_pour_time is None:
                self.last_pour.setText("No pours yet")
            else:
                who = f" by {view.last_pour_user}" if view.last_pour_user else ""
                self.last_pour.setText(f"Last pour {fmt.volume(view.last_pour_ml or 0, units)}"
                                       f"{who}, {fmt.ago(view.last_pour_time)}")
        self.badge.setText({"low": "LOW", "kicked": "KICKED"}.get(state, ""))
        self.badge.setVisible(state in ("low", "kicked"))
        if state != self.state:
            self.state = state
            self.setProperty("state", state)
            _restyle(self)
        self._show_level()

    def _show_level(self) -> None:
        """The gauge; while a pour runs it already counts the beer in the glass."""
        view = self.view
        self.gauge.setVisible(view.keg_id is not None)
        self.left.setVisible(view.keg_id is not None)
        if view.keg_id is None:
            self.gauge.setValue(0)
            return
        remaining = view.remaining_ml - (self.pouring_ml or 0.0)
        fraction = remaining / view.full_ml if view.full_ml else 0.0
        percent = max(0.0, min(1.0, fraction)) * 100
        self.gauge.setValue(round(percent))
        self.gauge.setFormat(f"{percent:.0f} %  ·  {fmt.volume(max(remaining, 0.0), self.units)}")
        self.left.setText("Empty" if remaining <= 0 else fmt.pints_label(remaining, self.units))

    @property
    def pouring(self) -> bool:
        return self.pouring_ml is not None

    def pour_progress(self, volume_ml: float) -> None:
        started = self.pouring_ml is None
        self.pouring_ml = volume_ml
        self.pour.setText(f"Pouring…  {fmt.volume(volume_ml, self.units)}")
        self.pour.show()
        if started:
            self.setProperty("pouring", True)
            _restyle(self)
        self._show_level()
        self._idle.start()

    def pour_done(self) -> None:
        self._idle.stop()
        self.pour.clear()
        if self.pouring_ml is not None:
            self.pouring_ml = None
            self.setProperty("pouring", False)
            _restyle(self)
            self._show_level()


class TapsPage(QWidget):
    def __init__(self, bridge: EventBridge, prefs: Prefs, runner: TaskRunner) -> None:
        super().__init__()
        self.prefs = prefs
        self.runner = runner
        self.cards: dict[int, TapCardWidget] = {}
        self.low_fraction = 0.0  # a site setting, so read with the cards, off the GUI thread
        self._asked = 0
        self._board_shown = 0
        self._recent_shown = 0
        outer = QHBoxLayout(self)
        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setSpacing(14)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.grid_host)
        self.empty_hint = QLabel("No taps yet. Add one on the Kegs & drinks page.", objectName="hint")
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_hint.hide()
        side = QVBoxLayout()
        side.addWidget(QLabel("Recent drinks", objectName="pageTitle"))
        self.recent = QListWidget(objectName="recentDrinks")
        self.recent.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        side.addWidget(self.recent)
        main = QVBoxLayout()
        main.addWidget(self.empty_hint)
        main.addWidget(scroll, 1)
        outer.addLayout(main, 3)
        outer.addLayout(side, 1)
        self._clock = QTimer(self)
        self._clock.setInterval(60_000)
        self._clock.timeout.connect(self.refresh_cards)
        bridge.event.connect(self.on_event)
        prefs.changed.connect(self._on_prefs)
        self.reload()

    def _ask(self) -> int:
        """Number a read; an answer is shown only if nothing newer has been shown instead."""
        self._asked += 1
        return self._asked

    def reload(self) -> None:
        """Re-read every card (taps added or removed) and the recent-drinks list."""
        self.refresh_cards()
        self.refresh_recent()

    def refresh_cards(self) -> None:
        asked = self._ask()
        self.runner.submit(lambda: (tap_board.board(), float(get_setting("low_keg_fraction"))),
                           lambda found: self._show_board(asked, *found))

    def refresh_card(self, tap_id: int, *, end_pour: bool = False) -> None:
        """Re-read one card; ``end_pour`` clears its pour in progress once the read shows the
        recorded drink, so the gauge never springs back in between."""
        if tap_id not in self.cards:
            self.refresh_cards()
            return
        asked = self._ask()
        self.runner.submit(lambda: tap_board.board_tap(tap_id),
                           lambda entry: self._show_card(asked, tap_id, entry, end_pour))

    def refresh_recent(self) -> None:
        asked = self._ask()
        self.runner.submit(lambda: bar_views.recent_drinks(RECENT_DRINKS),
                           lambda drinks: self._show_recent(asked, drinks))

    def _show_board(self, asked: int, board: list[BoardTap], low_fraction: float) -> None:
        """Cards for every tap in board order; a card keeps its pour in progress, and one that
        already shows a newer read of its own keeps that."""
        if asked < self._board_shown:
            return
        self._board_shown = asked
        self.low_fraction = low_fraction
        units = self.prefs.units
        for card in self.cards.values():
            self.grid.removeWidget(card)
        shown = {entry.card.tap_id for entry in board}
        for tap_id in [t for t in self.cards if t not in shown]:
            self.cards.pop(tap_id).deleteLater()
        columns = 2 if len(board) <= 4 else 3
        for index, entry in enumerate(board):
            card = self.cards.get(entry.card.tap_id)
            if card is None:
                card = self.cards[entry.card.tap_id] = TapCardWidget(entry, units, low_fraction, asked)
            elif asked > card.asked:
                card.asked = asked
                card.show_entry(entry, units, low_fraction)
            self.grid.addWidget(card, index // columns, index % columns)
        self.empty_hint.setVisible(not board)

    def _show_card(self, asked: int, tap_id: int, entry: BoardTap | None, end_pour: bool) -> None:
        card = self.cards.get(tap_id)
        if entry is None or card is None:
            self.refresh_cards()  # the tap went, or its card did while it was read
            return
        if asked > card.asked:
            card.asked = asked
            card.show_entry(entry, self.prefs.units, self.low_fraction)
        if end_pour:
            card.pour_done()

    def _show_recent(self, asked: int, drinks: list[bar_views.DrinkRow]) -> None:
        if asked < self._recent_shown:
            return
        self._recent_shown = asked
        self.recent.clear()
        for drink in drinks:
            self.recent.addItem(self._drink_item(drink))

    def _drink_item(self, drink: bar_views.DrinkRow) -> QListWidgetItem:
        when = fmt.local_time(drink.pour_time)[-5:]
        text = (f"{when}  {drink.tap} · {drink.beverage or 'no keg'}\n"
                f"        {fmt.volume(drink.volume_ml, self.prefs.units)} · {drink.drinker or 'guest'}")
        item = QListWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, drink.id)
        return item

    def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.TapChanged | events.DrinkCancelled):
            self.reload()
        elif isinstance(event, events.SettingChanged) and event.key == "low_keg_fraction":
            self.refresh_cards()
        elif isinstance(event, events.KegChanged) and event.tap_id is not None:
            self.refresh_card(event.tap_id)
        elif isinstance(event, events.PourProgress):
            card = self.cards.get(event.tap_id)
            if card is not None:
                card.pour_progress(event.volume_ml)
        elif isinstance(event, events.DrinkPoured):
            if event.tap_id in self.cards:
                self.refresh_card(event.tap_id, end_pour=True)
            self.refresh_recent()
        elif isinstance(event, events.TemperatureRecorded):
            self.refresh_cards()

    def _on_prefs(self, key: str) -> None:
        if key == "units":
            self.reload()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self._clock.start()
        self.refresh_cards()
        super().showEvent(event)

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self._clock.stop()
        super().hideEvent(event)
