"""The Hives page's first view: a card per hive saying at a glance which hives need attention
and why (its newest brood temperature, humidity, weight and battery with their age, a week's
trend, its alerts as chips), one click to a hive's plots, and the way to set an apiary up when
there is nothing to show yet.

The cards come from :class:`~kegdash.ui.hive_watch.HiveWatch`; card widgets are kept and
updated in place, so a reading every few seconds repaints a card rather than the page.
"""

from __future__ import annotations

import time
from string import Template

import numpy as np
from PySide6.QtCore import QPointF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QMouseEvent, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kegdash import fmt
from kegdash.apiary.overview import TREND_DAYS, HiveCard, Trend
from kegdash.apiary.views import HiveLatest, Latest, SetupCounts
from kegdash.ui import hive_alert_words as words
from kegdash.ui.hive_plots import SERIES_COLOURS
from kegdash.ui.theme import BASE_PT, PALETTES

CARD_WIDTH = 300
CHIPS_SHOWN = 3
STALE_S = 3600
"""A value this much older than the card's newest one says its own age."""
FIELDS = ("temperature", "humidity", "weight", "battery")

_STYLE = Template("""
QFrame#hiveCard { background: $panel; border: 1px solid $border; border-radius: 10px; }
QFrame#hiveCard:hover, QFrame#hiveCard:focus { border: 2px solid $accent; }
QFrame#hiveCard[attention="true"] { border: 2px solid $kicked_fg; }
QFrame#hiveCard QLabel { background: transparent; }
QFrame#hiveCard QLabel#hiveName { font-size: ${large}pt; font-weight: 700; }
QFrame#hiveCard QLabel#apiaryName, QFrame#hiveCard QLabel#caption, QFrame#hiveCard QLabel#age,
QFrame#hiveCard QLabel#allWell { color: $muted; }
QFrame#hiveCard QLabel#value { font-weight: 600; }
QFrame#hiveCard QLabel#chip { border-radius: 8px; padding: 2px 8px; }
QFrame#hiveCard QLabel#chip[urgent="true"] {
    background: $kicked_bg; color: $kicked_fg; border: 1px solid $kicked_fg; font-weight: 600;
}
QFrame#hiveCard QLabel#chip[urgent="false"] { background: $low_bg; color: $fg; border: 1px solid $low_fg; }
QFrame#hiveCard QLabel#count {
    background: $kicked_fg; color: $on_accent; border-radius: 9px; padding: 1px 8px; font-weight: 700;
}
QLabel#emptyTitle { font-size: ${large}pt; font-weight: 600; }
""")


def style_sheet(theme: str) -> str:
    """The cards' look from the window's palette (the app-wide stylesheet has no hive cards)."""
    return _STYLE.substitute(PALETTES[theme], large=round(BASE_PT * 1.3))


def value_texts(latest: HiveLatest, units: str,
                now: float | None = None) -> tuple[dict[str, str], int | None]:
    """Each newest value as shown ("34.9 °C", "58 %", "41.2 kg", "87 %", "—" when none), a value
    much older than the newest one with its own age; and the newest one's time."""
    now = time.time() if now is None else now
    values: dict[str, Latest | None] = {field: getattr(latest, field) for field in FIELDS}
    newest = max((v.ts for v in values.values() if v is not None), default=None)
    shown = {
        "temperature": lambda v: fmt.temperature(v, units),
        "humidity": lambda v: f"{v:.0f} %",
        "weight": lambda v: f"{fmt.weight_value(v, units):.1f} {fmt.weight_unit(units)}",
        "battery": lambda v: f"{v:.0f} %",
    }
    texts = {}
    for field, value in values.items():
        texts[field] = "—" if value is None else shown[field](value.value)
        if value is not None and newest - value.ts > STALE_S:
            texts[field] += f" · {words.age(value.ts, now)}"
    return texts, newest


def _polish(widget: QWidget) -> None:
    widget.style().unpolish(widget)
    widget.style().polish(widget)


class Sparkline(QWidget):
    """A week's trend as one line, no axes: its shape is the message (a weight that climbs with a
    nectar flow, falls off a cliff with a swarm; a brood nest steady or not)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.x = self.y = np.empty(0)
        self.colour = "#000000"
        self.setMinimumSize(80, 24)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(110, 26)

    def set_trend(self, trend: Trend, values: np.ndarray, colour: str) -> None:
        """``values`` are the trend's y in display units."""
        self.x, self.y, self.colour = trend.x, values, colour
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        finite = np.isfinite(self.y)
        if finite.sum() < 2:
            return
        low, high = float(self.y[finite].min()), float(self.y[finite].max())
        span_y = (high - low) or 1.0
        x0, x1 = float(self.x[0]), float(self.x[-1])
        width, height = self.width() - 2, self.height() - 4
        path, drawing = QPainterPath(), False
        for x, y, ok in zip(self.x, self.y, finite, strict=True):
            if not ok:
                drawing = False
                continue
            point = QPointF(1 + (x - x0) / ((x1 - x0) or 1) * width, 2 + (high - y) / span_y * height)
            if drawing:
                path.lineTo(point)
            else:
                path.moveTo(point)
                drawing = True
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor(self.colour), 1.6))
        painter.drawPath(path)


class Chip(QLabel):
    def __init__(self, chip: words.Chip) -> None:
        super().__init__(chip.text, objectName="chip")
        self.setProperty("urgent", chip.urgent)
        self.setToolTip(chip.tooltip)


class HiveCardWidget(QFrame):
    """One hive; a click (or Enter) opens its plots, or the setup when it has no sensor yet."""

    clicked = Signal(int)

    ROWS = (("temperature", "Brood"), ("humidity", "Humidity"), ("weight", "Weight"), ("battery", "Battery"))
    """The card's rows, in the order of :data:`FIELDS`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="hiveCard")
        self.card: HiveCard | None = None
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFixedWidth(CARD_WIDTH)
        self.name = QLabel(objectName="hiveName")
        self.name.setWordWrap(True)
        self.count = QLabel(objectName="count")
        self.apiary = QLabel(objectName="apiaryName")
        self.apiary.setWordWrap(True)
        head = QHBoxLayout()
        head.addWidget(self.name, 1)
        head.addWidget(self.count, 0, Qt.AlignmentFlag.AlignTop)
        self.values: dict[str, QLabel] = {}
        self.captions: dict[str, QLabel] = {}
        self.sparks = {"temperature": Sparkline(), "weight": Sparkline()}
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(2)
        for row, (field, caption) in enumerate(self.ROWS):
            self.captions[field] = QLabel(caption, objectName="caption")
            self.values[field] = QLabel(objectName="value")
            grid.addWidget(self.captions[field], row, 0)
            grid.addWidget(self.values[field], row, 1)
            if field in self.sparks:
                grid.addWidget(self.sparks[field], row, 2)
        grid.setColumnStretch(2, 1)
        self.readings = QWidget()
        self.readings.setLayout(grid)
        self.no_sensor = QLabel("No sensor yet: click to put one in this hive.", objectName="age")
        self.no_sensor.setWordWrap(True)
        self.chips = QVBoxLayout()
        self.chips.setSpacing(4)
        self.all_well = QLabel("✓ No alerts in the last day", objectName="allWell")
        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)  # chips come and go: never squeezed
        layout.setContentsMargins(14, 12, 14, 12)
        layout.addLayout(head)
        layout.addWidget(self.apiary)
        layout.addWidget(self.readings)
        layout.addWidget(self.no_sensor)
        layout.addLayout(self.chips)
        layout.addWidget(self.all_well)
        layout.addStretch(1)

    def set_card(self, card: HiveCard, units: str, theme: str, now: float | None = None) -> None:
        now = time.time() if now is None else now
        self.card = card
        hive = card.hive
        self.name.setText(hive.name)
        self.setAccessibleName(f"{hive.label}: {len(card.alerts)} alerts")
        self.setToolTip(f"Show the plots of {hive.name}" if card.sensors else f"Set up {hive.name}")
        texts, newest = value_texts(card.latest, units, now)
        when = f" · {words.age(newest, now)}" if newest is not None else ""
        self.apiary.setText(f"{hive.apiary}{when}")
        self.readings.setVisible(bool(card.sensors))
        self.no_sensor.setVisible(not card.sensors)
        for field, text in texts.items():
            self.values[field].setText(text)
        colours = SERIES_COLOURS[theme]
        temperature, weight = card.temperature, card.weight
        self.sparks["temperature"].set_trend(temperature, fmt.temperature_value(temperature.y, units),
                                             colours["temperature"])
        self.sparks["weight"].set_trend(weight, fmt.weight_value(weight.y, units), colours["weight"])
        for field, spark in self.sparks.items():
            spark.setToolTip(f"{dict(self.ROWS)[field]}, last {TREND_DAYS} days")
        self._set_chips(card, units)
        self.count.setText(str(len(card.alerts)))
        self.count.setVisible(bool(card.alerts))
        self.count.setToolTip(words.plural(len(card.alerts), "alert") + " in the last day")
        attention = bool(card.alerts)
        if self.property("attention") != attention:
            self.setProperty("attention", attention)
            _polish(self)

    def _set_chips(self, card: HiveCard, units: str) -> None:
        while self.chips.count():
            self.chips.takeAt(0).widget().deleteLater()
        chips = words.chips(card.alerts, units)
        for chip in chips[:CHIPS_SHOWN]:
            self.chips.addWidget(Chip(chip), 0, Qt.AlignmentFlag.AlignLeft)
        if len(chips) > CHIPS_SHOWN:
            more = QLabel(f"and {len(chips) - CHIPS_SHOWN} more", objectName="age")
            more.setToolTip("\n".join(chip.tooltip for chip in chips[CHIPS_SHOWN:]))
            self.chips.addWidget(more)
        self.all_well.setVisible(not chips and bool(card.sensors))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt's name
        if event.button() == Qt.MouseButton.LeftButton and self.card is not None \
                and self.rect().contains(event.position().toPoint()):
            self.clicked.emit(self.card.hive.id)
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space) and self.card is not None:
            self.clicked.emit(self.card.hive.id)
            return
        super().keyPressEvent(event)


class HiveOverview(QWidget):
    """Every hive's card, the sensors waiting for a hive, and what to do when there is nothing."""

    hive_chosen = Signal(int)
    """A card of a hive with sensors was clicked: show its plots."""
    setup_asked = Signal(str)
    """Open the setup: ``"apiary"`` to add an apiary, ``"hive"`` to add a hive, ``"assign"`` for
    the sensors in no hive, or ``""`` to browse."""

    def __init__(self, theme: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme = theme
        self.units = "metric"
        self.cards: list[HiveCard] = []
        self.counts: SetupCounts | None = None
        self.card_widgets: dict[int, HiveCardWidget] = {}
        self._columns = 0

        self.notify = QCheckBox("Desktop notifications")
        self.setup_button = QPushButton("Set up apiaries…")
        self.setup_button.clicked.connect(lambda: self.setup_asked.emit(""))
        top = QHBoxLayout()
        top.addWidget(QLabel("Hives", objectName="pageTitle"))
        top.addStretch(1)
        top.addWidget(self.notify)
        top.addWidget(self.setup_button)

        self.unassigned = QLabel(objectName="message")
        self.unassigned.setProperty("kind", "info")
        self.unassigned.setWordWrap(True)
        self.assign_button = QPushButton("Put them in hives…")
        self.assign_button.clicked.connect(lambda: self.setup_asked.emit("assign"))
        self.banner = QWidget()
        banner = QHBoxLayout(self.banner)
        banner.setContentsMargins(0, 0, 0, 0)
        banner.addWidget(self.unassigned, 1)
        banner.addWidget(self.assign_button)
        self.banner.hide()

        self.grid = QGridLayout()
        self.grid.setSpacing(12)
        self.grid.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        holder = QWidget(objectName="hiveCards")
        holder.setLayout(self.grid)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(holder)

        self.empty_title = QLabel(objectName="emptyTitle")
        self.empty_text = QLabel(objectName="hint")
        self.empty_text.setWordWrap(True)
        self.empty_action = QPushButton()
        self.empty_action.clicked.connect(lambda: self.setup_asked.emit(self.empty_action.property("asks")))
        self.empty = QWidget()
        empty = QVBoxLayout(self.empty)
        empty.addStretch(1)
        for widget in (self.empty_title, self.empty_text, self.empty_action):
            empty.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)
        empty.addStretch(2)
        self.empty.hide()
        self.loading = QLabel("Reading the hives…", objectName="hint")

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addWidget(self.loading)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.empty, 1)
        self.apply_theme(theme)

    def apply_theme(self, theme: str) -> None:
        self.theme = theme
        self.setStyleSheet(style_sheet(theme))
        self._fill()

    def set_units(self, units: str) -> None:
        self.units = units
        self._fill()

    def show_cards(self, cards: list[HiveCard], counts: SetupCounts) -> None:
        self.cards, self.counts = cards, counts
        self._fill()

    def _fill(self) -> None:
        if self.counts is None:
            return
        self.loading.hide()
        now = time.time()
        wanted = [card.hive.id for card in self.cards]
        for hive_id in list(self.card_widgets):
            if hive_id not in wanted:
                self.card_widgets.pop(hive_id).deleteLater()
        for card in self.cards:
            widget = self.card_widgets.get(card.hive.id)
            if widget is None:
                widget = self.card_widgets[card.hive.id] = HiveCardWidget()
                widget.clicked.connect(self._card_clicked)
            widget.set_card(card, self.units, self.theme, now)
        self._lay_out(force=True)
        unassigned = self.counts.unassigned
        self.banner.setVisible(bool(unassigned) and bool(self.counts.hives))
        self.unassigned.setText(
            f"{words.plural(unassigned, 'sensor')} {'is' if unassigned == 1 else 'are'} in no hive: "
            "readings are kept, but no plot or alert shows them.")
        self._show_empty_state()

    def _show_empty_state(self) -> None:
        counts = self.counts
        if counts.apiaries == 0:
            title, text, action, asks = (
                "No apiary yet",
                "Add your apiary, then its hives, then put each hive's sensors in it. Sensors "
                "that already send readings wait for you in the setup.",
                "Add an apiary…", "apiary")
        elif counts.hives == 0:
            title, text, action, asks = (
                "No hive yet", "Add the hives of your apiary, then put their sensors in them.",
                "Add a hive…", "hive")
        else:
            title = ""
        self.empty.setVisible(bool(title))
        self.scroll.setVisible(not title)
        if title:
            self.empty_title.setText(title)
            self.empty_text.setText(text)
            self.empty_action.setText(action)
            self.empty_action.setProperty("asks", asks)

    def _card_clicked(self, hive_id: int) -> None:
        card = next((c for c in self.cards if c.hive.id == hive_id), None)
        if card is not None and card.sensors:
            self.hive_chosen.emit(hive_id)
        else:
            self.setup_asked.emit("assign")

    def _lay_out(self, force: bool = False) -> None:
        """As many columns as fit the width."""
        spacing = self.grid.horizontalSpacing()
        columns = max(1, (self.scroll.viewport().width() - spacing) // (CARD_WIDTH + spacing))
        if columns == self._columns and not force:
            return
        self._columns = columns
        while self.grid.count():
            self.grid.takeAt(0)
        for index, card in enumerate(self.cards):
            self.grid.addWidget(self.card_widgets[card.hive.id], index // columns, index % columns,
                                Qt.AlignmentFlag.AlignTop)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._lay_out()
