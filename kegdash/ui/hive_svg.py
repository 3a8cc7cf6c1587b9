"""The hive plots as an SVG drawing, built from what the plots show: their axes' ticks, grid and
labels as the axes themselves lay them out, the curves, bands, shaded alert periods and marks.

Neither ready-made way works with the versions kegdash pins: pyqtgraph 0.14.0's SVG exporter
stops on the "Z" path commands Qt 6.11 writes, and Qt's own SVG engine writes coordinates with
six significant digits (epoch seconds, 1.8e9, turn into 1000-second stairs) and ignores the
plots' clipping. pyqtgraph fixed both after 0.14.0; until a release has them, this module draws
the SVG itself, in double precision.
"""

from __future__ import annotations

from html import escape

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontInfo, QImage, QPainter, QPen, QTransform

from kegdash.ui.theme import PALETTES


def _n(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _opacity(colour: QColor, attribute: str) -> str:
    return f' {attribute}="{_n(colour.alphaF())}"' if colour.alphaF() < 1 else ""


def _paint(colour: QColor) -> str:
    return f'"{colour.name()}"' + _opacity(colour, "stroke-opacity")


def _fill(colour: QColor) -> str:
    return f'fill="{colour.name()}"' + _opacity(colour, "fill-opacity")


def _line(pen: QPen, a: QPointF, b: QPointF, dashed: bool = False) -> str:
    dash = ' stroke-dasharray="4 3"' if dashed or pen.style() == Qt.PenStyle.DashLine else ""
    return (f'<line x1="{_n(a.x())}" y1="{_n(a.y())}" x2="{_n(b.x())}" y2="{_n(b.y())}" '
            f'stroke={_paint(pen.color())} stroke-width="{_n(max(pen.widthF(), 1.0))}"{dash}/>')


def _text(text: str, at: QPointF, colour: str, size: int, anchor: str = "middle", baseline: str = "middle",
          rotate: bool = False) -> str:
    turn = f' transform="rotate(-90 {_n(at.x())} {_n(at.y())})"' if rotate else ""
    return (f'<text x="{_n(at.x())}" y="{_n(at.y())}" fill="{colour}" font-size="{size}" '
            f'font-family="sans-serif" text-anchor="{anchor}" dominant-baseline="{baseline}"{turn}>'
            f"{escape(text)}</text>")


def _path(x: np.ndarray, y: np.ndarray, width: float) -> str:
    """An SVG path through the finite points, broken at NaN, thinned to a minimum and a maximum
    per pixel column (as the screen's peak down-sampling draws it)."""
    keep = np.isfinite(x)
    x, y = x[keep], y[keep]
    if len(x) > 4 * width:
        column = np.floor((x - x.min()) / max(x.max() - x.min(), 1e-9) * width).astype(int)
        starts = np.flatnonzero(np.r_[True, np.diff(column) != 0])
        picks = []
        for first, end in zip(starts, np.r_[starts[1:], len(x)], strict=True):
            part = y[first:end]
            if np.isnan(part).all():
                picks.append(first)
                continue
            low, high = first + int(np.nanargmin(part)), first + int(np.nanargmax(part))
            picks += sorted({low, high})
        x, y = x[picks], y[picks]
    parts, drawing = [], False
    for px, py in zip(x, y, strict=True):
        if not np.isfinite(py):
            drawing = False
            continue
        parts.append(f"{'L' if drawing else 'M'}{_n(px)} {_n(py)}")
        drawing = True
    return " ".join(parts)


class _Sheet:
    """The drawing, in the plots' scene pixels shifted so the layout's corner is (0, 0)."""

    def __init__(self, plots: pg.GraphicsLayoutWidget) -> None:
        self.plots = plots
        self.bounds = plots.ci.sceneBoundingRect()
        self.out: list[str] = []
        self.colours = PALETTES[plots.theme]
        self.font_px = QFontInfo(plots.font()).pixelSize()

    def point(self, item: pg.GraphicsObject, at: QPointF) -> QPointF:
        return item.mapToScene(at) - self.bounds.topLeft()

    def axis(self, axis: pg.AxisItem, painter: QPainter) -> None:
        specs = axis.generateDrawSpecs(painter)
        if specs is None:
            return
        (pen, a, b), ticks, texts = specs
        self.out.append(_line(pen, self.point(axis, a), self.point(axis, b)))
        for tick_pen, p1, p2 in ticks:
            self.out.append(_line(tick_pen, self.point(axis, p1), self.point(axis, p2)))
        left = axis.orientation == "left"
        for rect, _flags, text in texts:
            at = self.point(axis, QPointF(rect.right(), rect.center().y()) if left else
                            QPointF(rect.center().x(), rect.top()))
            self.out.append(_text(text, at, self.colours["plot_fg"], self.font_px,
                                  "end" if left else "middle", "middle" if left else "hanging"))
        if axis.label.isVisible():
            centre = axis.label.sceneBoundingRect().center() - self.bounds.topLeft()
            self.out.append(_text(axis.label.toPlainText(), centre, self.colours["plot_fg"], self.font_px,
                                  rotate=left))

    def data(self, plot: pg.PlotItem, clip: str) -> None:
        """Everything inside a plot's view box, clipped to it."""
        view = plot.vb
        to_scene = view.childGroup.sceneTransform() * QTransform.fromTranslate(-self.bounds.left(),
                                                                                -self.bounds.top())
        (x0, x1), (y0, y1) = view.viewRange()
        self.out.append(f'<g clip-path="url(#{clip})">')
        for item in view.addedItems:
            if not item.isVisible():
                continue
            if isinstance(item, pg.LinearRegionItem):
                low, high = item.getRegion()
                corners = (QPointF(low, y0), QPointF(high, y1)) if item.orientation == "vertical" else \
                    (QPointF(x0, low), QPointF(x1, high))
                box = QRectF(to_scene.map(corners[0]), to_scene.map(corners[1])).normalized()
                self.out.append(f'<rect x="{_n(box.x())}" y="{_n(box.y())}" width="{_n(box.width())}" '
                                f'height="{_n(box.height())}" {_fill(item.brush.color())}/>')
            elif isinstance(item, pg.PlotDataItem) and item.xData is not None and len(item.xData):
                inside = (item.xData >= x0) & (item.xData <= x1)
                inside |= np.r_[inside[1:], False] | np.r_[False, inside[:-1]]  # to the edges
                sx = to_scene.m11() * item.xData[inside] + to_scene.m31()
                sy = to_scene.m22() * item.yData[inside] + to_scene.m32()
                pen = item.opts["pen"]
                self.out.append(f'<path d="{_path(sx, sy, view.width())}" fill="none" '
                                f'stroke={_paint(pen.color())} stroke-width="{_n(pen.widthF())}" '
                                'stroke-linejoin="round"/>')
            elif isinstance(item, pg.ScatterPlotItem) and len(item.data):
                self._marks(item, to_scene)
            elif isinstance(item, pg.InfiniteLine) and item.angle == 90:
                top, bottom = to_scene.map(QPointF(item.value(), y1)), to_scene.map(QPointF(item.value(), y0))
                self.out.append(_line(item.pen, top, bottom))
                if item.label is not None and item.label.isVisible():
                    self.out.append(_text(item.label.toPlainText(), top + QPointF(4, 4 + self.font_px),
                                          item.pen.color().name(), self.font_px, "start"))
        self.out.append("</g>")

    def _marks(self, marks: pg.ScatterPlotItem, to_scene: QTransform) -> None:
        size = marks.opts["size"] / 2
        shape = {"t": ((-1, -0.6), (1, -0.6), (0, 1)), "d": ((0, -1), (0.7, 0), (0, 1), (-0.7, 0))}
        corners = shape.get(marks.opts["symbol"], shape["d"])
        for x, y, brush in zip(marks.data["x"], marks.data["y"], marks.data["brush"], strict=True):
            at = to_scene.map(QPointF(x, y))
            colour = (brush if brush is not None else marks.opts["brush"]).color()
            points = " ".join(f"{_n(at.x() + cx * size)},{_n(at.y() + cy * size)}" for cx, cy in corners)
            self.out.append(f'<polygon points="{points}" {_fill(colour)}/>')

    def legend(self, legend: pg.LegendItem) -> None:
        if not legend.isVisible():
            return
        for sample, label in legend.items:
            rect = label.sceneBoundingRect().translated(-self.bounds.topLeft())
            colour = sample.item.opts["pen"].color().name()
            middle = rect.center().y()
            self.out.append(f'<line x1="{_n(rect.left() - 24)}" y1="{_n(middle)}" x2="{_n(rect.left() - 4)}" '
                            f'y2="{_n(middle)}" stroke="{colour}" stroke-width="2"/>')
            self.out.append(_text(label.text, QPointF(rect.left(), middle), self.colours["plot_fg"],
                                  self.font_px, "start"))


def plots_svg(plots: pg.GraphicsLayoutWidget) -> str:
    """The SVG text of a :class:`~kegdash.ui.hive_plots.HivePlots` as it is shown now."""
    sheet = _Sheet(plots)
    width, height = sheet.bounds.width(), sheet.bounds.height()
    clips = []
    scratch = QImage(1, 1, QImage.Format.Format_ARGB32)
    painter = QPainter(scratch)  # the axes measure their labels with it
    try:
        for index, plot in enumerate(plots.plots.values()):
            box = plot.vb.sceneBoundingRect().translated(-sheet.bounds.topLeft())
            clips.append(f'<clipPath id="plot{index}"><rect x="{_n(box.x())}" y="{_n(box.y())}" '
                         f'width="{_n(box.width())}" height="{_n(box.height())}"/></clipPath>')
            sheet.data(plot, f"plot{index}")
            for side in ("left", "bottom"):
                sheet.axis(plot.getAxis(side), painter)
        sheet.legend(plots.legend)
    finally:
        painter.end()
    return "\n".join([
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(width)}" height="{_n(height)}" '
        f'viewBox="0 0 {_n(width)} {_n(height)}">',
        "<title>kegdash hive plots</title>",
        f"<defs>{''.join(clips)}</defs>",
        f'<rect width="100%" height="100%" fill="{sheet.colours["plot_bg"]}"/>',
        *sheet.out,
        "</svg>",
    ]) + "\n"
