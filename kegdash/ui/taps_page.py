"""Taps at a glance: one card per tap, readable from across the room, and the latest pours.

A pour in progress grows on its card from the (coalesced) pour-progress events and, when the
drink is recorded, lands at the top of the recent-drinks list.
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

from kegdash import events, fmt
from kegdash.site_settings import get_setting
from kegdash.ui import queries
from kegdash.ui.bridge import EventBridge
from kegdash.ui.prefs import Prefs
from kegdash.ui.queries import DrinkView, TapView
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


class TapCard(QFrame):
    """One tap: what is on it, how much is left, the last pour, its temperature, a live pour."""

    def __init__(self, view: TapView, units: str, low_fraction: float) -> None:
        super().__init__()
        self.setObjectName("tapCard")
        self.setMinimumWidth(260)
        self.view = view
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
        self.show_view(view, units, low_fraction)

    def show_view(self, view: TapView, units: str, low_fraction: float) -> None:
        self.view = view
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
            self.style_label.setText(" · ".join(part for part in (view.style, abv) if part))
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
        self.cards: dict[int, TapCard] = {}
        self.low_fraction = float(get_setting("low_keg_fraction"))
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

    def reload(self) -> None:
        """Rebuild every card (taps added or removed) and the recent-drinks list."""
        self.low_fraction = float(get_setting("low_keg_fraction"))
        for card in self.cards.values():
            self.grid.removeWidget(card)
            card.deleteLater()
        self.cards.clear()
        views = queries.tap_views()
        columns = 2 if len(views) <= 4 else 3
        for index, view in enumerate(views):
            card = TapCard(view, self.prefs.units, self.low_fraction)
            self.cards[view.tap_id] = card
            self.grid.addWidget(card, index // columns, index % columns)
        self.empty_hint.setVisible(not views)
        self.recent.clear()
        for drink in queries.recent_drinks(RECENT_DRINKS):
            self.recent.addItem(self._drink_item(drink))

    def refresh_cards(self) -> None:
        self.low_fraction = float(get_setting("low_keg_fraction"))
        for tap_id in list(self.cards):
            self.refresh_card(tap_id)

    def refresh_card(self, tap_id: int) -> None:
        card = self.cards.get(tap_id)
        if card is None:
            self.reload()
            return
        card.show_view(queries.tap_view(tap_id), self.prefs.units, self.low_fraction)

    def _drink_item(self, drink: DrinkView) -> QListWidgetItem:
        when = fmt.local_time(drink.pour_time)[-5:]
        text = (f"{when}  {drink.tap} · {drink.beverage or 'no keg'}\n"
                f"        {fmt.volume(drink.volume_ml, self.prefs.units)} · {drink.user}")
        item = QListWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, drink.drink_id)
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
            card = self.cards.get(event.tap_id)
            if card is not None:
                card.pour_done()
                self.refresh_card(card.view.tap_id)
            drink = queries.drink_view(event.drink_id)
            if drink is not None:
                self.recent.insertItem(0, self._drink_item(drink))
                while self.recent.count() > RECENT_DRINKS:
                    self.recent.takeItem(self.recent.count() - 1)
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
