"""The live results beside the recipe editor: the engine's numbers, each drawn on its style's range
as BeerSmith and Brewfather draw them, and the beer's colour. It only displays; the editor
decides when to recompute.

The panel has a fixed width and every label inside it ignores its text's width, so typing never
moves anything sideways. The swatch paints the published SRM→sRGB table
(``colors.srm_to_display_rgb``), so 4 SRM "yellow" looks yellow; the API keeps Brauhaus's RGB.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QPolygonF
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from kegdash.brewing import Recipe, RecipeResults, Style
from kegdash.brewing.colors import srm_to_display_rgb, srm_to_ebc
from kegdash.ui.ingredient_library import style_label
from kegdash.ui.theme import PALETTES

PANEL_WIDTH = 300

# (key, title, style range attribute, scale shown without a style)
BARS = (("og", "OG", "og", (1.000, 1.120)), ("fg", "FG", "fg", (0.995, 1.035)),
        ("abv", "ABV", "abv", (0.0, 12.0)), ("ibu", "IBU", "ibu", (0.0, 120.0)),
        ("color", "Colour", "color", (0.0, 40.0)))
LINES = (("bu_gu", "BU:GU"), ("calories", "Calories"))


def _finite(value: float) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)


def beer_rgb(srm: float) -> tuple[int, int, int]:
    """The colour a beer of this SRM is painted in; a degenerate recipe (NaN SRM) as the palest."""
    return srm_to_display_rgb(srm if _finite(srm) else 0.0)


def _number(key: str, results: RecipeResults) -> float:
    return {"og": results.og, "fg": results.fg, "abv": results.abv, "ibu": results.ibu,
            "color": results.color, "bu_gu": results.bu_to_gu, "calories": results.calories}[key]


def _fmt(key: str, results: RecipeResults, recipe: Recipe, units: str) -> str:
    value = _number(key, results)
    if not _finite(value):
        return "—"
    if key in ("og", "fg"):
        plato = results.og_plato if key == "og" else results.fg_plato
        return f"{value:.3f}  ({plato:.1f} °P)"
    if key == "abv":
        return f"{value:.1f} %"
    if key == "ibu":
        return f"{value:.0f}"
    if key == "color":
        second = f" ({srm_to_ebc(value):.0f} EBC)" if units == "metric" else ""
        return f"{value:.1f} SRM{second}"
    if key == "bu_gu":
        return f"{value:.2f}"
    serving = (f"{recipe.serving_size * 1000:.0f} ml" if units == "metric"
               else f"{recipe.serving_size * 33.814:.0f} fl oz")
    return f"{value:.0f} kcal per {serving}"


def _range_text(key: str, low: float, high: float) -> str:
    if key in ("og", "fg"):
        return f"{low:.3f} – {high:.3f}"
    if key == "abv":
        return f"{low:.1f} – {high:.1f} %"
    return f"{low:g} – {high:g}"


def fit(value: float, low: float, high: float) -> str:
    """Where a value sits against a style range: "low", "in" or "high"."""
    if not _finite(value) or value < low:
        return "low"
    return "high" if value > high else "in"


class Swatch(QFrame):
    """A glass-sized square painted in the beer's colour."""

    def __init__(self) -> None:
        super().__init__(objectName="beerSwatch")
        self.setFrameShape(QFrame.Shape.Box)
        self.setFixedSize(56, 56)
        self._color = QColor(*beer_rgb(0.0))

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(56, 56)

    def color(self) -> QColor:
        return QColor(self._color)

    def set_color(self, color: QColor) -> None:
        if color != self._color:
            self._color = color
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        painter = QPainter(self)
        painter.fillRect(self.rect(), self._color)
        painter.end()
        super().paintEvent(event)


class RangeBar(QWidget):
    """A track with the style's range as a band in its middle half and the value as a marker.

    Without a style the track spans ``scale`` and has no band. A value off the track is drawn as
    an arrowhead at the end it fell off.
    """

    def __init__(self, scale: tuple[float, float], theme: str) -> None:
        super().__init__()
        self.scale = scale
        self.theme = theme
        self.span: tuple[float, float] | None = None
        self.value = math.nan
        self.setFixedHeight(12)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

    def set_values(self, value: float, span: tuple[float, float] | None) -> None:
        if (value, span) != (self.value, self.span) and not (
                span == self.span and not _finite(value) and not _finite(self.value)):
            self.value, self.span = value, span
            self.update()

    def track(self) -> tuple[float, float]:
        """The values at the track's two ends."""
        if self.span is None:
            return self.scale
        low, high = self.span
        width = high - low if high > low else max(abs(high) * 0.1, 1.0)
        return low - width / 2, high + width / 2

    def position(self, value: float) -> float:
        """Where ``value`` sits along the track, 0 (left end) to 1 (right end), not clamped."""
        start, end = self.track()
        return (value - start) / (end - start)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        colours = PALETTES[self.theme]
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        w, h = self.width(), self.height()
        bar = QRectF(4, 3, w - 8, h - 6)
        painter.setBrush(QColor(colours["border"]))
        painter.drawRoundedRect(bar, 3, 3)
        inside = True
        if self.span is not None:
            left, right = self.position(self.span[0]), self.position(self.span[1])
            band = QRectF(bar.left() + left * bar.width(), bar.top(),
                          (right - left) * bar.width(), bar.height())
            painter.setBrush(QColor(colours["ok"]))
            painter.drawRoundedRect(band, 3, 3)
            inside = _finite(self.value) and fit(self.value, *self.span) == "in"
        if _finite(self.value):
            where = self.position(self.value)
            marker = QColor(colours["fg"] if inside else colours["kicked_fg"])
            painter.setBrush(marker)
            x = bar.left() + min(max(where, 0.0), 1.0) * bar.width()
            if 0 <= where <= 1:
                painter.drawRect(QRectF(x - 1.5, 0, 3, h))
            else:
                tip = 0.0 if where < 0 else float(w)
                back = tip + (8 if where < 0 else -8)
                painter.drawPolygon(QPolygonF([QPointF(tip, h / 2), QPointF(back, 0),
                                               QPointF(back, h)]))
        painter.end()


def _label(name: str = "", *, elide: bool = True) -> QLabel:
    label = QLabel(objectName=name)
    if elide:
        # The text never widens the panel: the label takes the width the layout gives it.
        label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
    return label


class ResultsPanel(QWidget):
    """The numbers, each with its style-range bar, BU:GU and calories, and the colour swatch."""

    def __init__(self, theme: str = "light") -> None:
        super().__init__(objectName="recipeResults")
        self.setFixedWidth(PANEL_WIDTH)
        self.theme = theme
        self.values: dict[str, QLabel] = {}
        self.ranges: dict[str, QLabel] = {}
        self.bars: dict[str, RangeBar] = {}
        title = QLabel("Results")
        title.setStyleSheet("font-weight: 600")
        self.style_label = _label("hint")
        self.swatch = Swatch()
        self.color_name = _label("hint")
        self.color_name.setAlignment(Qt.AlignmentFlag.AlignCenter)
        head = QGridLayout()
        head.addWidget(title, 0, 0)
        head.addWidget(self.style_label, 1, 0)
        head.addWidget(self.swatch, 0, 1, 2, 1, Qt.AlignmentFlag.AlignRight)
        head.addWidget(self.color_name, 2, 1)
        head.setColumnStretch(0, 1)
        head.setColumnMinimumWidth(1, 80)
        grid = QGridLayout()
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(2)
        grid.setColumnMinimumWidth(0, 52)
        grid.setColumnStretch(1, 1)
        # The range column fits the widest range text, so the value column's share never changes.
        grid.setColumnMinimumWidth(2, self.fontMetrics().horizontalAdvance("0.995 – 1.035 ▲") + 6)
        row = 0
        for key, name, _, scale in BARS:
            grid.addWidget(QLabel(name), row, 0)
            self.values[key] = _label(f"result_{key}")
            self.ranges[key] = _label(f"range_{key}")
            self.ranges[key].setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.bars[key] = RangeBar(scale, theme)
            grid.addWidget(self.values[key], row, 1)
            grid.addWidget(self.ranges[key], row, 2)
            grid.addWidget(self.bars[key], row + 1, 0, 1, 3)
            grid.setRowMinimumHeight(row + 1, 18)
            row += 2
        for key, name in LINES:
            grid.addWidget(QLabel(name), row, 0)
            self.values[key] = _label(f"result_{key}")
            grid.addWidget(self.values[key], row, 1, 1, 2)
            row += 1
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(head)
        layout.addSpacing(6)
        layout.addLayout(grid)
        layout.addStretch(1)

    def set_theme(self, theme: str) -> None:
        """Repaint the bars and range marks in another theme's colours."""
        self.theme = theme
        for bar in self.bars.values():
            bar.theme = theme
            bar.update()

    def show_results(self, recipe: Recipe, results: RecipeResults, units: str) -> None:
        """Put the engine's numbers on screen, exactly as computed (only formatting is applied)."""
        for key, label in self.values.items():
            label.setText(_fmt(key, results, recipe, units))
        self.swatch.set_color(QColor(*beer_rgb(results.color)))
        self.color_name.setText(results.color_name if _finite(results.color) else "")
        self._show_style(recipe.style, results)

    def _show_style(self, style: Style | None, results: RecipeResults) -> None:
        colours = PALETTES[self.theme]
        self.style_label.setText(style_label(style) if style and style.name else "No style chosen")
        for key, _, attr, _ in BARS:
            label = self.ranges[key]
            span = getattr(style, attr) if style is not None else None
            value = _number(key, results)
            self.bars[key].set_values(value, span)
            if span is None:
                label.setText("")
                continue
            where = fit(value, span[0], span[1])
            mark = {"low": "▼", "in": "✓", "high": "▲"}[where]
            label.setText(f"{_range_text(key, span[0], span[1])} {mark}")
            label.setToolTip({"low": "below the style", "in": "in the style",
                              "high": "above the style"}[where])
            label.setProperty("fit", where)
            palette = label.palette()
            palette.setColor(QPalette.ColorRole.WindowText,
                             QColor(colours["ok"] if where == "in" else colours["kicked_fg"]))
            label.setPalette(palette)
