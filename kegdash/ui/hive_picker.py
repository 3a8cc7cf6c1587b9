"""The hive picker above the plots: every hive with a sensor, each with chips naming its alerts
("Swarm?", "Battery"), in the open list and on the closed box, so switching hives never hides
that another one needs a look."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QComboBox,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionComboBox,
    QStyleOptionViewItem,
    QStylePainter,
    QWidget,
)

from kegdash.apiary.overview import HiveCard
from kegdash.ui import hive_alert_words as words
from kegdash.ui.theme import PALETTES

CHIPS_ROLE = Qt.ItemDataRole.UserRole + 1
"""An item's chips: a list of (text, urgent)."""
CHIP_GAP = 4
CHIP_PAD = 6


def picker_chips(card: HiveCard) -> list[tuple[str, bool]]:
    """One short chip per kind of alert, urgent ones first."""
    seen: dict[str, bool] = {}
    for alert in card.alerts:
        seen[alert.kind] = seen.get(alert.kind, False) or words.urgent(alert)
    return sorted(((words.SHORT_WORDS[kind], urgent) for kind, urgent in seen.items()),
                  key=lambda chip: not chip[1])


def chips_width(chips: list[tuple[str, bool]], metrics: QFontMetrics) -> int:
    return sum(metrics.horizontalAdvance(text) + 2 * CHIP_PAD + CHIP_GAP for text, _ in chips)


def paint_chips(painter: QPainter, rect: QRect, chips: list[tuple[str, bool]], theme: str) -> int:
    """Draw the chips right-aligned in ``rect``; returns the x where the first one starts."""
    colours = PALETTES[theme]
    metrics = painter.fontMetrics()
    right = rect.right() - CHIP_GAP
    height = min(rect.height() - 4, metrics.height() + 4)
    top = rect.top() + (rect.height() - height) // 2
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    for text, urgent in reversed(chips):
        width = metrics.horizontalAdvance(text) + 2 * CHIP_PAD
        box = QRect(right - width, top, width, height)
        painter.setPen(QColor(colours["kicked_fg"] if urgent else colours["low_fg"]))
        painter.setBrush(QColor(colours["kicked_bg"] if urgent else colours["low_bg"]))
        painter.drawRoundedRect(box, height / 2, height / 2)
        painter.setPen(QColor(colours["kicked_fg"] if urgent else colours["fg"]))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
        right = box.left() - CHIP_GAP
    painter.restore()
    return right


class _ChipDelegate(QStyledItemDelegate):
    def __init__(self, picker: HivePicker) -> None:
        super().__init__(picker)
        self.picker = picker

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        chips = index.data(CHIPS_ROLE) or []
        option = QStyleOptionViewItem(option)
        self.initStyleOption(option, index)
        room = chips_width(chips, option.fontMetrics)
        option.text = option.fontMetrics.elidedText(option.text, Qt.TextElideMode.ElideRight,
                                                    max(option.rect.width() - room - 12, 40))
        style = option.widget.style() if option.widget else self.picker.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        paint_chips(painter, option.rect, chips, self.picker.theme)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802 - Qt's name
        size = super().sizeHint(option, index)
        chips = index.data(CHIPS_ROLE) or []
        return QSize(size.width() + chips_width(chips, option.fontMetrics) + 12, max(size.height(), 26))


class HivePicker(QComboBox):
    """Item data: the hive id; :data:`CHIPS_ROLE`: its chips."""

    def __init__(self, theme: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme = theme
        self.setItemDelegate(_ChipDelegate(self))
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(14)

    def set_cards(self, cards: list[HiveCard], units: str) -> None:
        """List the hives that have a sensor, keeping the chosen one (no signal when it stays)."""
        current = self.currentData()
        hives = [card for card in cards if card.sensors]
        self.blockSignals(True)
        same = [self.itemData(i) for i in range(self.count())] == [card.hive.id for card in hives]
        if not same:
            self.clear()
        for index, card in enumerate(hives):
            if not same:
                self.addItem(card.hive.label, card.hive.id)
            self.setItemData(index, picker_chips(card), CHIPS_ROLE)
            tips = [chip.tooltip for chip in words.chips(card.alerts, units)]
            tip = "\n".join(tips) or "No alerts in the last day"
            self.setItemData(index, tip, Qt.ItemDataRole.ToolTipRole)
        if current is not None and self.findData(current) >= 0:
            self.setCurrentIndex(self.findData(current))
        self.blockSignals(False)
        self.setToolTip(self.currentData(Qt.ItemDataRole.ToolTipRole) or "")
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QStylePainter(self)
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        field = self.style().subControlRect(QStyle.ComplexControl.CC_ComboBox, option,
                                            QStyle.SubControl.SC_ComboBoxEditField, self)
        chips = self.currentData(CHIPS_ROLE) or []
        left = paint_chips(painter, field, chips, self.theme) if chips else field.right()
        option.currentText = self.fontMetrics().elidedText(option.currentText, Qt.TextElideMode.ElideRight,
                                                           max(left - field.left() - 6, 20))
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)
