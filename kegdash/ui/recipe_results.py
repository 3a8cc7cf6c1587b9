"""The live results beside the recipe editor: the engine's numbers, the beer's colour, the style's
target ranges and the brew-day timeline. It only displays; the editor decides when to recompute.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QListWidget, QVBoxLayout, QWidget

from kegdash.brewing import Recipe, RecipeResults, Style
from kegdash.brewing.colors import srm_to_ebc, srm_to_rgb
from kegdash.ui.theme import PALETTES

# (row key, title, style range attribute)
ROWS = (("og", "OG", "og"), ("fg", "FG", "fg"), ("abv", "ABV", "abv"), ("ibu", "IBU", "ibu"),
        ("color", "Colour", "color"), ("bu_gu", "BU:GU", None), ("calories", "Calories", None))


def _finite(value: float) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value)


def beer_rgb(srm: float) -> tuple[int, int, int]:
    """The engine's RGB for a colour; a degenerate recipe (NaN SRM) shows as water-white."""
    channels = srm_to_rgb(srm if _finite(srm) else 0.0)
    return int(channels[0]), int(channels[1]), int(channels[2])


class Swatch(QFrame):
    """A glass-sized rectangle painted in the beer's colour."""

    def __init__(self) -> None:
        super().__init__(objectName="beerSwatch")
        self.setFrameShape(QFrame.Shape.Box)
        self.setMinimumSize(48, 64)
        self._color = QColor(*beer_rgb(0.0))

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(72, 96)

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


def _fmt(key: str, results: RecipeResults, recipe: Recipe, units: str) -> str:
    value = {"og": results.og, "fg": results.fg, "abv": results.abv, "ibu": results.ibu,
             "color": results.color, "bu_gu": results.bu_to_gu, "calories": results.calories}[key]
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
        second = f"{srm_to_ebc(value):.0f} EBC, " if units == "metric" else ""
        return f"{value:.1f} SRM ({second}{results.color_name})"
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


def minutes_text(minutes: float) -> str:
    """Timeline start as h:mm, with whole days in front once fermentation takes over."""
    whole = int(minutes) if _finite(minutes) else 0
    days, rest = divmod(whole, 1440)
    clock = f"{rest // 60}:{rest % 60:02d}"
    return f"day {days + 1}, {clock}" if days else clock


class ResultsPanel(QWidget):
    """Labels for each number, a swatch, style ranges and the timeline list."""

    def __init__(self, theme: str = "light") -> None:
        super().__init__()
        self.theme = theme
        self.values: dict[str, QLabel] = {}
        self.ranges: dict[str, QLabel] = {}
        grid = QGridLayout()
        grid.addWidget(QLabel("Style target", objectName="hint"), 0, 2)
        for row, (key, title, _) in enumerate(ROWS, 1):
            grid.addWidget(QLabel(title), row, 0)
            self.values[key] = QLabel(objectName=f"result_{key}")
            self.ranges[key] = QLabel(objectName=f"range_{key}")
            grid.addWidget(self.values[key], row, 1)
            grid.addWidget(self.ranges[key], row, 2)
        grid.setColumnStretch(1, 1)
        self.swatch = Swatch()
        self.style_label = QLabel(objectName="hint")
        self.style_label.setWordWrap(True)
        self.timeline = QListWidget(objectName="timeline")
        self.timeline.setWordWrap(True)
        self.timeline.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        top = QGridLayout()
        top.addLayout(grid, 0, 0)
        top.addWidget(self.swatch, 0, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel("Results")
        title.setStyleSheet("font-weight: 600")
        layout.addWidget(title)
        layout.addLayout(top)
        layout.addWidget(self.style_label)
        layout.addWidget(QLabel("Brew day"))
        layout.addWidget(self.timeline, 1)

    def show_results(self, recipe: Recipe, results: RecipeResults, steps: list[list], units: str) -> None:
        """Put the engine's numbers on screen, exactly as computed (only formatting is applied)."""
        for key, _, _ in ROWS:
            self.values[key].setText(_fmt(key, results, recipe, units))
        self.swatch.set_color(QColor(*beer_rgb(results.color)))
        self._show_style(recipe.style, results)
        texts = [f"{minutes_text(minutes)}  {text}" for minutes, text in steps]
        if texts != [self.timeline.item(i).text() for i in range(self.timeline.count())]:
            self.timeline.clear()
            self.timeline.addItems(texts)

    def _show_style(self, style: Style | None, results: RecipeResults) -> None:
        numbers = {"og": results.og, "fg": results.fg, "abv": results.abv, "ibu": results.ibu,
                   "color": results.color}
        colours = PALETTES[self.theme]
        self.style_label.setText(f"Style: {style.name}" if style and style.name else "No style chosen")
        for key, _, attr in ROWS:
            label = self.ranges[key]
            span = getattr(style, attr) if style is not None and attr else None
            if span is None:
                label.setText("")
                continue
            where = fit(numbers[key], span[0], span[1])
            mark = {"low": "▼ low", "in": "✓", "high": "▲ high"}[where]
            label.setText(f"{_range_text(key, span[0], span[1])}  {mark}")
            label.setProperty("fit", where)
            palette = label.palette()
            palette.setColor(QPalette.ColorRole.WindowText,
                             QColor(colours["ok"] if where == "in" else colours["kicked_fg"]))
            label.setPalette(palette)
