"""A keg's level: a bar filled to the share left, and a text ("62 %  ·  11.7 L") readable
wherever it falls. The text is drawn twice, once clipped to the filled part in the fill's own
text colour and once clipped to the rest in the track's, so no letter sits in a colour pair
that fails contrast where it crosses the edge of the fill (QProgressBar draws it in one colour).
The colours come from the stylesheet (``qproperty-fill`` …), so the theme holds them."""

from __future__ import annotations

from PySide6.QtCore import Property, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath
from PySide6.QtWidgets import QSizePolicy, QWidget

RADIUS = 6.0


class LevelBar(QWidget):
    def __init__(self) -> None:
        super().__init__(objectName="gauge")
        self._value = 0
        self._text = ""
        self._colours = {name: QColor("#808080") for name in ("fill", "onFill", "track", "onTrack", "edge")}
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def value(self) -> int:
        return self._value

    def setValue(self, percent: int) -> None:  # noqa: N802 - Qt's style
        self._value = max(0, min(100, percent))
        self.update()

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's style
        self._text = text
        self.update()

    def colour(self, name: str) -> QColor:
        """A colour the stylesheet set: fill, onFill, track, onTrack or edge."""
        return self._colours[name]

    def _setter(name: str):  # noqa: N805 - builds the properties below
        def set_colour(self: LevelBar, colour: QColor) -> None:
            self._colours[name] = QColor(colour)
            self.update()
        return set_colour

    fill = Property(QColor, lambda self: self._colours["fill"], _setter("fill"))
    onFill = Property(QColor, lambda self: self._colours["onFill"], _setter("onFill"))  # noqa: N815
    track = Property(QColor, lambda self: self._colours["track"], _setter("track"))
    onTrack = Property(QColor, lambda self: self._colours["onTrack"], _setter("onTrack"))  # noqa: N815
    edge = Property(QColor, lambda self: self._colours["edge"], _setter("edge"))

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        metrics = self.fontMetrics()
        return QSize(metrics.horizontalAdvance(self._text) + 24, round(metrics.height() * 1.7))

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(60, self.sizeHint().height())

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        whole = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        outline = QPainterPath()
        outline.addRoundedRect(whole, RADIUS, RADIUS)
        painter.fillPath(outline, self._colours["track"])
        filled = QRectF(whole)
        filled.setWidth(whole.width() * self._value / 100)
        painter.save()
        painter.setClipRect(filled)
        painter.fillPath(outline, self._colours["fill"])
        painter.restore()
        painter.setPen(self._colours["edge"])
        painter.drawPath(outline)
        painter.setFont(self.font())
        flags = int(Qt.AlignmentFlag.AlignCenter)
        for clip, colour in ((filled, "onFill"),
                             (QRectF(filled.right(), whole.top(), whole.right() - filled.right(),
                                     whole.height()), "onTrack")):
            painter.save()
            painter.setClipRect(clip)
            painter.setPen(self._colours[colour])
            painter.drawText(whole, flags, self._text)
            painter.restore()
        painter.end()
