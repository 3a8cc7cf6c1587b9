"""Taps at a glance: one card per tap with its beverage and how full its keg is."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QGridLayout, QLabel, QProgressBar, QVBoxLayout, QWidget

from kegdash import events
from kegdash.bar.models import Beverage, Keg, Tap
from kegdash.ui.bridge import EventBridge


class TapCard(QWidget):
    def __init__(self, tap: Tap, keg: Keg | None) -> None:
        super().__init__()
        layout = QVBoxLayout(self)
        self.title = QLabel(f"<b>{tap.name}</b>")
        self.beverage = QLabel()
        self.gauge = QProgressBar()
        self.gauge.setRange(0, 100)
        for widget in (self.title, self.beverage, self.gauge):
            layout.addWidget(widget)
        self.show_keg(keg)

    def show_keg(self, keg: Keg | None) -> None:
        if keg is None:
            self.beverage.setText("No keg")
            self.gauge.setValue(0)
            self.gauge.setFormat("empty")
            return
        beverage: Beverage = keg.beverage
        abv = f" · {beverage.abv:.1f} % ABV" if beverage.abv is not None else ""
        self.beverage.setText(f"{beverage.name}{abv}")
        percent = max(0.0, min(1.0, keg.percent_full)) * 100
        self.gauge.setValue(round(percent))
        self.gauge.setFormat(f"{percent:.0f} % · {max(keg.remaining_ml, 0) / 1000:.1f} L left")


class TapsPage(QWidget):
    def __init__(self, bridge: EventBridge) -> None:
        super().__init__()
        self.grid = QGridLayout(self)
        self.cards: dict[int, TapCard] = {}
        bridge.event.connect(self.on_event)
        self.reload()

    def reload(self) -> None:
        for card in self.cards.values():
            card.deleteLater()
        self.cards.clear()
        query = Tap.select().order_by(Tap.position, Tap.id)
        for index, tap in enumerate(query):
            keg = Keg.get_by_id(tap.current_keg_id) if tap.current_keg_id else None
            card = TapCard(tap, keg)
            self.cards[tap.id] = card
            self.grid.addWidget(card, index // 2, index % 2)

    def on_event(self, name: str, data: dict[str, Any]) -> None:
        if name == events.TAP_CHANGED:
            self.reload()
        elif name == events.KEG_CHANGED:
            card = self.cards.get(data.get("tap_id"))
            if card is None:
                self.reload()
                return
            tap = Tap.get_by_id(data["tap_id"])
            card.show_keg(Keg.get_by_id(tap.current_keg_id) if tap.current_keg_id else None)
