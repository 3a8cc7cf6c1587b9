"""Taps at a glance: one card per tap, readable from across the room, and the latest pours.

A pour in progress grows on its card from the (coalesced) pour-progress events and, when the
drink is recorded, lands at the top of the recent-drinks list. Cards come from the tap board
(``kegdash.tap_board``, the same one the web tap list shows) and every read runs on the
window's task runner; when reads overlap, the newest one asked for wins, so a slow, older
answer never paints over a newer one.

In kiosk mode (:meth:`TapsPage.set_kiosk`) the cards alone fill the screen: laid out in the grid
whose cards come closest to a landscape card, with type sized from the card's height, names
wrapped between words or shortened with an ellipsis (never cut mid-letter), and no drinker's
name anywhere, since a bar screen is public.
"""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kegdash import events, fmt, tap_board
from kegdash.bar import views as bar_views
from kegdash.site_settings import get_setting
from kegdash.tap_board import BoardTap
from kegdash.ui.banner import Banner
from kegdash.ui.bridge import EventBridge
from kegdash.ui.dialogs import ActionDialog, AddTapDialog, StartKegDialog
from kegdash.ui.fit_label import FitLabel
from kegdash.ui.layouts import empty_state
from kegdash.ui.level_bar import LevelBar
from kegdash.ui.prefs import Prefs
from kegdash.ui.tasks import TaskRunner
from kegdash.ui.words import moment, volume_unit

POUR_IDLE_MS = 15_000
"""A pour that stops reporting without becoming a drink (too small, discarded) clears after this."""
RECENT_DRINKS = 15
CARD_ASPECT = 1.6
"""The width:height a kiosk card is laid out closest to: room for a name on one or two lines."""
KIOSK_GAP = 0.018
"""The space between kiosk cards and around them, as a share of the screen's shorter side."""
LINES_PER_CARD = 15.5
"""A card's height in lines of its base type: name, two lines of beverage, style, level, what is
left, a pour, the last pour, with their spacing and the card's margins."""


def _restyle(widget: QWidget) -> None:
    """Dynamic properties only change the look after the style is re-applied."""
    widget.style().unpolish(widget)
    widget.style().polish(widget)
    for child in widget.findChildren(QWidget):
        child.style().unpolish(child)
        child.style().polish(child)


def grid_shape(count: int, width: float, height: float, aspect: float = CARD_ASPECT) -> tuple[int, int]:
    """(columns, rows) for ``count`` cards filling ``width`` × ``height``: the cards' shape close
    to ``aspect``, but an empty slot (a hole in a bar's screen) weighs more than a card taller
    or wider than ideal."""
    count = max(count, 1)
    best = (-1.0, 1, 1)
    for columns in range(1, count + 1):
        rows = math.ceil(count / columns)
        ratio = (width / columns) / (height / rows)
        shape = min(ratio, aspect) / max(ratio, aspect)
        score = math.sqrt(shape) * (count / (columns * rows)) ** 2
        if score > best[0]:
            best = (score, columns, rows)
    return best[1], best[2]


def kiosk_stylesheet(base_px: int) -> str:
    """The kiosk's type, sized from the cards: the Taps page's own stylesheet, over the theme's."""
    large, huge = round(base_px * 1.3), round(base_px * 1.9)
    return (f"QFrame#tapCard QLabel {{ font-size: {base_px}px; }}\n"
            f"QFrame#tapCard QLabel#tapName {{ font-size: {base_px}px; }}\n"
            f"QFrame#tapCard QLabel#beverage {{ font-size: {huge}px; }}\n"
            f"QFrame#tapCard QLabel#pour {{ font-size: {large}px; }}\n"
            f"QFrame#tapCard LevelBar {{ font-size: {large}px; }}\n"
            f"QFrame#tapCard {{ border-radius: {max(base_px // 2, 8)}px; border-width: "
            f"{max(base_px // 8, 2)}px; }}\n")


class TapCardWidget(QFrame):
    """One tap: what is on it, how much is left, the last pour, its temperature, a live pour."""

    def __init__(self, entry: BoardTap, units: str, low_fraction: float, asked: int,
                 public: bool = False) -> None:
        super().__init__()
        self.setObjectName("tapCard")
        self.setMinimumWidth(260)
        self.view = entry.card
        self.asked = asked  # the number of the read this card shows (TapsPage._ask)
        self.public = public  # on a public screen: no drinker's name
        self.state = ""
        self.pouring_ml: float | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        header = QHBoxLayout()
        self.title = FitLabel(object_name="tapName")
        self.badge = QLabel(objectName="badge")
        header.addWidget(self.title, 1)
        header.addWidget(self.badge)
        self.beverage = FitLabel(2, min_scale=0.6, object_name="beverage")
        self.style_label = FitLabel(object_name="style")
        self.gauge = LevelBar()
        self.left = FitLabel(object_name="left")
        self.pour = FitLabel(min_scale=0.7, object_name="pour")
        self.last_pour = FitLabel(object_name="style")
        self.start_button = QPushButton("Start a keg…")
        layout.addLayout(header)
        for widget in (self.beverage, self.style_label, self.gauge, self.left, self.pour,
                       self.last_pour):
            layout.addWidget(widget)
        layout.addWidget(self.start_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        self._idle = QTimer(self)
        self._idle.setSingleShot(True)
        self._idle.setInterval(POUR_IDLE_MS)
        self._idle.timeout.connect(self.pour_done)
        self.show_entry(entry, units, low_fraction)

    def labels(self) -> list[FitLabel]:
        """Every label that shows text of the bar's (for checks that none is cut off)."""
        return [self.title, self.beverage, self.style_label, self.left, self.pour, self.last_pour]

    def set_public(self, public: bool) -> None:
        """On a public screen the card names no drinker and offers no operator's button."""
        self.public = public
        self.start_button.setVisible(not public and self.view.keg_id is None)
        self._show_last_pour()

    def show_entry(self, entry: BoardTap, units: str, low_fraction: float) -> None:
        view = self.view = entry.card
        self.units = units
        temp = f"  ·  {fmt.temperature(view.temp_c, units)}" if view.temp_c is not None else ""
        self.title.setText(f"{view.name.upper()}{temp}")
        if view.keg_id is None:
            state = "empty"
            self.beverage.setText("No keg on tap")
            self.style_label.setText(view.meter)
        else:
            state = "kicked" if view.fraction <= 0 else "low" if view.fraction < low_fraction else "ok"
            self.beverage.setText(view.beverage)
            abv = f"{view.abv:.1f} % ABV" if view.abv is not None else "ABV unknown"
            ibu = entry.recipe.ibu if entry.recipe is not None else None
            self.style_label.setText(" · ".join(
                part for part in (view.style, abv, f"{ibu:.0f} IBU" if ibu is not None else "") if part))
        self._show_last_pour()
        self.start_button.setVisible(not self.public and view.keg_id is None)
        self.badge.setText({"low": "LOW", "kicked": "KICKED"}.get(state, ""))
        self.badge.setVisible(state in ("low", "kicked"))
        if state != self.state:
            self.state = state
            self.setProperty("state", state)
            _restyle(self)
        self._show_level()

    def _show_last_pour(self) -> None:
        view = self.view
        if view.keg_id is None:
            self.last_pour.setText("")
        elif view.last_pour_time is None:
            self.last_pour.setText("No pours yet")
        else:
            who = f" by {view.last_pour_user}" if view.last_pour_user and not self.public else ""
            glass = volume_unit("glass", self.units).text(view.last_pour_ml or 0)
            self.last_pour.setText(f"Last pour {glass}{who}, {fmt.ago(view.last_pour_time)}")

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
        left = volume_unit("keg", self.units).text(max(remaining, 0.0))
        self.gauge.setText(f"{percent:.0f} %  ·  {left}")
        self.left.setText("Empty" if remaining <= 0 else fmt.pints_label(remaining, self.units))

    @property
    def pouring(self) -> bool:
        return self.pouring_ml is not None

    def pour_progress(self, volume_ml: float) -> None:
        started = self.pouring_ml is None
        self.pouring_ml = volume_ml
        self.pour.setText(f"Pouring…  {volume_unit('glass', self.units).text(volume_ml)}")
        if started:
            self.setProperty("pouring", True)
            _restyle(self)
        self._show_level()
        self._idle.start()

    def pour_done(self) -> None:
        self._idle.stop()
        self.pour.setText("")
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
        self.order: list[int] = []
        self.low_fraction = 0.0  # a site setting, so read with the cards, off the GUI thread
        self.kiosk = False
        self.dialog: ActionDialog | None = None
        self._kiosk_px = 0
        self._asked = 0
        self._board_shown = 0
        self._recent_shown = 0
        self.loaded = False

        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setSpacing(14)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(self.grid_host)
        self.recent_title = QLabel("Recent drinks", objectName="pageTitle")
        self.recent = QListWidget(objectName="recentDrinks")
        self.recent.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.recent.setWordWrap(True)  # long beverage names wrap within the column
        self.recent.setResizeMode(QListView.ResizeMode.Adjust)
        self.recent.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.side = QWidget()
        side = QVBoxLayout(self.side)
        side.setContentsMargins(0, 0, 0, 0)
        side.addWidget(self.recent_title)
        side.addWidget(self.recent)
        board = QWidget()
        row = QHBoxLayout(board)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.scroll, 3)
        row.addWidget(self.side, 1)
        self.empty = empty_state(
            "No taps yet",
            "Add each tap of your bar with the flow meter that feeds it, then start a keg on it: "
            "its level, pours and temperature show here.",
            [("Add a tap", self.open_add_tap), ("Start a keg", self.open_start_keg)])
        self.body = QStackedWidget()
        self.body.addWidget(board)
        self.body.addWidget(self.empty)
        self.board = board
        outer = QVBoxLayout(self)
        self.outer = outer
        outer.addWidget(self.body)
        self.message = Banner(self)

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
        shown = {entry.card.tap_id for entry in board}
        for tap_id in [t for t in self.cards if t not in shown]:
            card = self.cards.pop(tap_id)
            self.grid.removeWidget(card)
            card.deleteLater()
        for entry in board:
            card = self.cards.get(entry.card.tap_id)
            if card is None:
                card = self.cards[entry.card.tap_id] = TapCardWidget(entry, units, low_fraction, asked)
                card.start_button.clicked.connect(
                    lambda _checked=False, tap=entry.card.tap_id: self.open_start_keg(tap))
                self._dress(card)
            elif asked > card.asked:
                card.asked = asked
                card.show_entry(entry, units, low_fraction)
        self.order = [entry.card.tap_id for entry in board]
        self.loaded = True
        self.body.setCurrentWidget(self.empty if not board else self.board)
        self._lay_out()

    def _lay_out(self) -> None:
        """Place the cards: two or three columns to scroll through, or the kiosk's full grid."""
        for card in self.cards.values():
            self.grid.removeWidget(card)
        for n in range(self.grid.rowCount()):
            self.grid.setRowStretch(n, 0)
        for n in range(self.grid.columnCount()):
            self.grid.setColumnStretch(n, 0)
        if self.kiosk:
            area = self.scroll.viewport().size()
            columns, rows = grid_shape(len(self.order), area.width(), area.height())
        else:
            columns = 2 if len(self.order) <= 4 else 3
            rows = math.ceil(len(self.order) / columns)
        for index, tap_id in enumerate(self.order):
            self.grid.addWidget(self.cards[tap_id], index // columns, index % columns)
        for n in range(columns):
            self.grid.setColumnStretch(n, 1)
        if self.kiosk:
            for n in range(rows):
                self.grid.setRowStretch(n, 1)
            self._size_kiosk_type(rows)

    def _size_kiosk_type(self, rows: int) -> None:
        """Type as large as a card's height allows; the labels shrink or shorten what is still
        too wide."""
        short = min(self.width(), self.height())
        gap = max(round(short * KIOSK_GAP), 8)
        height = (self.scroll.viewport().height() - gap * (rows + 1)) / max(rows, 1)
        base = max(11, min(96, round(height / LINES_PER_CARD)))
        self.grid.setSpacing(gap)
        self.grid.setContentsMargins(gap, gap, gap, gap)
        margin = max(base // 2, 8)
        for card in self.cards.values():
            card.layout().setContentsMargins(margin, margin // 2, margin, margin // 2)
            card.layout().setSpacing(max(base // 4, 2))
        if base != self._kiosk_px:
            self._kiosk_px = base
            self.setStyleSheet(kiosk_stylesheet(base))

    def set_kiosk(self, kiosk: bool) -> None:
        """The cards alone, filling the page, with type sized to them; no names, no buttons."""
        if kiosk == self.kiosk:
            return
        self.kiosk = kiosk
        self.side.setVisible(not kiosk)
        self.outer.setContentsMargins(*((0, 0, 0, 0) if kiosk else (9, 9, 9, 9)))
        policy = Qt.ScrollBarPolicy.ScrollBarAlwaysOff if kiosk else Qt.ScrollBarPolicy.ScrollBarAsNeeded
        self.scroll.setVerticalScrollBarPolicy(policy)
        self.scroll.setHorizontalScrollBarPolicy(policy)
        for card in self.cards.values():
            self._dress(card)
        if not kiosk:
            self._kiosk_px = 0
            self.setStyleSheet("")
            self.grid.setSpacing(14)
            self.grid.setContentsMargins(9, 9, 9, 9)
        self._lay_out()

    def _dress(self, card: TapCardWidget) -> None:
        """A card as the mode wants it: in the kiosk, sized by the grid alone and public."""
        policy = QSizePolicy.Policy.Ignored if self.kiosk else QSizePolicy.Policy.Preferred
        card.setSizePolicy(policy, policy)
        card.setMinimumWidth(0 if self.kiosk else 260)
        card.set_public(self.kiosk)
        if not self.kiosk:
            card.layout().setContentsMargins(16, 12, 16, 12)
            card.layout().setSpacing(6)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if self.kiosk:
            QTimer.singleShot(0, self, self._lay_out)  # once the scroll area has its new size

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
        glass = volume_unit("glass", self.prefs.units).text(drink.volume_ml)
        text = (f"{moment(drink.pour_time)}  {drink.tap} · {drink.beverage or 'no keg'}\n"
                f"{glass} · {drink.drinker or 'guest'}")
        item = QListWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, drink.id)
        return item

    # --- the operator's first steps ------------------------------------------------------------

    def _open(self, dialog: ActionDialog, done: str) -> None:
        self.dialog = dialog
        dialog.accepted.connect(lambda: (self.message.show_message(done), self.reload()))
        dialog.open()

    def open_add_tap(self) -> None:
        self._open(AddTapDialog(self.runner, self), "Tap added.")

    def open_start_keg(self, tap_id: int | None = None) -> None:
        self._open(StartKegDialog(self.runner, self, tap_id, self.prefs.units), "Keg started.")

    # --- live updates --------------------------------------------------------------------------

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
