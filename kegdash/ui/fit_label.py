"""A label whose text is never cut off: wrapped between words onto at most a few lines, made
smaller when allowed, and shortened with an ellipsis only when even that is not enough.

QLabel's own word wrap leaves a word longer than the line to spill past the edge, where it is
clipped mid-letter ("Hefeweize"); this one never breaks inside a word except at an ellipsis.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QLabel, QSizePolicy

SHRINK_STEP = 0.05


def wrap(text: str, metrics: QFontMetrics, width: int, lines: int) -> tuple[list[str], bool]:
    """(lines to draw, whether they are the whole text): words go onto lines no wider than
    ``width``, at most ``lines`` of them; a word wider than a line, or what does not fit on the
    last line, ends in an ellipsis."""
    words = text.split()
    rows: list[str] = []
    current = ""
    for word in words:
        trial = f"{current} {word}" if current else word
        if not current or metrics.horizontalAdvance(trial) <= width:
            current = trial
        else:
            rows.append(current)
            current = word
    if current:
        rows.append(current)
    whole = len(rows) <= lines
    if not whole:
        rows = [*rows[:lines - 1], " ".join(rows[lines - 1:])]
    elide = Qt.TextElideMode.ElideRight
    shown = [metrics.elidedText(row, elide, width) for row in rows]
    return shown, whole and shown == rows


class FitLabel(QLabel):
    """``lines`` lines at most; with ``min_scale`` below 1 the font shrinks, down to that share
    of the stylesheet's size, before anything is shortened. ``text()`` is always the whole text
    (and the tooltip shows it when it is shortened)."""

    def __init__(self, lines: int = 1, *, min_scale: float = 1.0, object_name: str = "") -> None:
        super().__init__(objectName=object_name)
        self.lines = lines
        self.min_scale = min_scale
        self._fit: tuple | None = None  # (key, font, lines, whole)
        # QLabel resets the height-for-width flag of its size policy from its word wrap at every
        # setText; the wrapping itself is this class's own (paintEvent).
        self.setWordWrap(True)
        policy = QSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        if text != self.text():
            super().setText(text)
            self._fit = None
            self.updateGeometry()
            self.update()

    def fitted(self, width: int | None = None) -> tuple[QFont, list[str], bool]:
        """(font, lines, whole) as drawn at ``width`` (the label's own by default)."""
        width = self.contentsRect().width() if width is None else width
        base = self.font()
        key = (self.text(), width, base.toString())
        if self._fit is None or self._fit[0] != key:
            scale = 1.0
            while True:
                font = QFont(base)
                if scale < 1.0 and base.pixelSize() > 0:
                    font.setPixelSize(max(round(base.pixelSize() * scale), 1))
                elif scale < 1.0:
                    font.setPointSizeF(max(base.pointSizeF() * scale, 1.0))
                rows, whole = wrap(self.text(), QFontMetrics(font), max(width, 1), self.lines)
                if whole or scale - SHRINK_STEP < self.min_scale - 1e-9:
                    break
                scale -= SHRINK_STEP
            self._fit = (key, font, rows, whole)
        _, font, rows, whole = self._fit
        return font, rows, whole

    def shown_lines(self) -> list[str]:
        """The lines as drawn now."""
        return self.fitted()[1]

    def heightForWidth(self, width: int) -> int:  # noqa: N802 - Qt's name
        margins = self.contentsMargins()
        font, rows, _ = self.fitted(width - margins.left() - margins.right())
        return QFontMetrics(font).lineSpacing() * max(len(rows), 1) + margins.top() + margins.bottom()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        metrics = self.fontMetrics()
        margins = self.contentsMargins()
        return QSize(metrics.horizontalAdvance(self.text()) + margins.left() + margins.right(),
                     metrics.lineSpacing() + margins.top() + margins.bottom())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        margins = self.contentsMargins()
        return QSize(self.fontMetrics().horizontalAdvance("…") + margins.left() + margins.right(),
                     self.fontMetrics().lineSpacing() + margins.top() + margins.bottom())

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self._fit = None  # a font or style change
        super().changeEvent(event)

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt's name
        font, rows, whole = self.fitted()
        self.setToolTip("" if whole else self.text())
        painter = QPainter(self)
        painter.setFont(font)
        painter.setPen(self.palette().color(self.foregroundRole()))
        area = self.contentsRect()
        spacing = QFontMetrics(font).lineSpacing()
        top = area.top()
        if self.alignment() & Qt.AlignmentFlag.AlignVCenter:
            top += max((area.height() - spacing * len(rows)) // 2, 0)
        horizontal = self.alignment() & Qt.AlignmentFlag.AlignHorizontal_Mask
        for n, row in enumerate(rows):
            painter.drawText(QRect(area.left(), top + n * spacing, area.width(), spacing),
                             int(horizontal | Qt.AlignmentFlag.AlignVCenter), row)
        painter.end()
