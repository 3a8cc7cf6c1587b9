"""One hive's temperature, humidity and weight plots, made to be read: a colour per series that
colour-blind people tell apart (Okabe–Ito), a date axis that names months and years, left edges
aligned, a crosshair with the time and every series' value under the cursor, alert periods
shaded, the newest reading kept clear of the right edge, and PNG/SVG export.

Curves peak-downsample and clip to the view (``spec/hives.md`` §5.4); axes draw two tick levels
only (``benchmarks/ui_panning.py``: the third level's faint grid took half a pan's frame time).
"""

from __future__ import annotations

import datetime as dt
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from string import Template

import numpy as np
import pyqtgraph as pg
import pyqtgraph.exporters
from pyqtgraph.graphicsItems.DateAxisItem import (
    DAY_SPACING,
    HOUR_SPACING,
    MINUTE_SPACING,
    MONTH_SPACING,
    YEAR_SPACING,
    TickSpec,
    ZoomLevel,
    makeMStepper,
    makeSStepper,
    makeYStepper,
)
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QLabel, QWidget

from kegdash import fmt
from kegdash.apiary.alerts import AlertRules, HiveAlert
from kegdash.apiary.views import SERIES_FIELDS, HiveView
from kegdash.ui.hive_svg import plots_svg
from kegdash.ui.theme import PALETTES

OKABE_ITO = {"orange": "#E69F00", "sky_blue": "#56B4E9", "green": "#009E73", "yellow": "#F0E442",
             "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7"}
"""Okabe & Ito's palette: distinct for the common colour-vision deficiencies, and in grey."""

SERIES_COLOURS = {
    "light": {"temperature": OKABE_ITO["vermillion"], "humidity": OKABE_ITO["blue"],
              "weight": OKABE_ITO["green"]},
    "dark": {"temperature": OKABE_ITO["vermillion"], "humidity": OKABE_ITO["sky_blue"],
             "weight": OKABE_ITO["green"]},
}
"""The dark theme swaps Okabe–Ito's blue for its sky blue, which stands out on a dark plot."""
SENSOR_COLOURS = (OKABE_ITO["vermillion"], OKABE_ITO["purple"], OKABE_ITO["orange"], OKABE_ITO["sky_blue"])
FIELD_NAMES = {"temperature": "Temperature", "humidity": "Humidity", "weight": "Weight"}
SHADED_ON = {"swarm": ("weight",), "brood": ("temperature",), "spike": ("temperature",),
             "silent": SERIES_FIELDS}
"""Which plots shade an alert's period; a low battery is a dashed line instead (it has no end
worth shading until the battery is changed)."""
RIGHT_MARGIN = 0.04
"""Room kept right of the newest reading, as a share of the visible span, so live readings
never pile up against the edge."""


# --- a date axis that names months and years -----------------------------------------------------


def _local(ts: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(ts)


def _day_month(d: dt.datetime) -> str:
    return f"{d.day} {d:%b}"


def _month(with_year: bool) -> Callable[[dt.datetime, bool], str]:
    def label(d: dt.datetime, first: bool) -> str:
        return f"{d:%b %Y}" if with_year or first or d.month == 1 else f"{d:%b}"
    return label


def _zoom_levels() -> OrderedDict[float, ZoomLevel]:
    """pyqtgraph's zoom levels with labels people read without counting: a day is "28 Nov", a
    month "Dec 2026" (the year on the first month shown and on every January), a day seen by
    the hour "Sat 28 Nov". The key is the widest tick spacing (seconds) a level may use."""
    def spec(spacing: int, stepper, label, skip=None) -> TickSpec:
        return TickSpec(spacing, stepper, label, autoSkip=skip)

    return OrderedDict([
        (np.inf, ZoomLevel([spec(YEAR_SPACING, makeYStepper(1), lambda d, first: f"{d:%Y}", [1, 5, 10, 25]),
                            spec(MONTH_SPACING, makeMStepper(1), _month(False), [1, 3, 6])], "Dec 2026")),
        (5 * DAY_SPACING, ZoomLevel([spec(MONTH_SPACING, makeMStepper(1), _month(True)),
                                     spec(DAY_SPACING, makeSStepper(DAY_SPACING),
                                          lambda d, first: _day_month(d), [1, 2, 5, 10])], "28 Nov")),
        (6 * HOUR_SPACING, ZoomLevel([spec(DAY_SPACING, makeSStepper(DAY_SPACING),
                                           lambda d, first: f"{d:%a} {_day_month(d)}"),
                                      spec(HOUR_SPACING, makeSStepper(HOUR_SPACING),
                                           lambda d, first: f"{d:%H:%M}", [1, 3, 6])], "Sat 28 Nov")),
        (15 * MINUTE_SPACING, ZoomLevel([spec(DAY_SPACING, makeSStepper(DAY_SPACING),
                                              lambda d, first: f"{d:%a} {_day_month(d)}"),
                                         spec(MINUTE_SPACING, makeSStepper(MINUTE_SPACING),
                                              lambda d, first: f"{d:%H:%M}", [1, 5, 15, 30])], "Sat 28 Nov")),
    ])


class HiveDateAxis(pg.DateAxisItem):
    """Local time; see :func:`_zoom_levels` for the labels."""

    def __init__(self) -> None:
        super().__init__(orientation="bottom")
        self.zoomLevels = _zoom_levels()

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:  # noqa: N802
        spec = next((s for s in self.zoomLevel.tickSpecs if s.spacing == spacing), None)
        if spec is None or not callable(spec.format):
            return super().tickStrings(values, scale, spacing)
        return [spec.format(_local(value), index == 0) for index, value in enumerate(values)]


# --- the plots -------------------------------------------------------------------------------------


def _when(ts: float) -> str:
    d = _local(ts)
    return f"{d:%a} {d.day} {d:%b %Y, %H:%M}"


_READOUT_STYLE = Template("QLabel { background: $panel; color: $fg; border: 1px solid $border; "
                          "border-radius: 6px; padding: 6px 8px; }")


class HivePlots(pg.GraphicsLayoutWidget):
    """Three plots on one time axis (temperature, humidity, weight), in the window's units."""

    def __init__(self, theme: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.theme = theme
        self.units = "metric"
        self.plots: dict[str, pg.PlotItem] = {}
        for row, field in enumerate(SERIES_FIELDS):
            plot = self.addPlot(row=row, col=0, axisItems={"bottom": HiveDateAxis()})
            plot.showGrid(x=True, y=True, alpha=0.2)
            for side in ("bottom", "left"):
                plot.getAxis(side).setStyle(maxTickLevel=1)
            plot.setMouseEnabled(x=True, y=False)
            plot.setAutoVisible(y=True)  # the y range fits what is in view, not the whole series
            plot.hideButtons()  # no pyqtgraph "A": the span buttons choose what is shown
            if row:
                plot.setXLink(self.plots["temperature"])
            if row < len(SERIES_FIELDS) - 1:
                plot.getAxis("bottom").setStyle(showValues=False)  # the dates once, at the bottom
            self.plots[field] = plot
        self._align_left_axes()
        self.brood_band = pg.LinearRegionItem(orientation="horizontal", movable=False)
        self.plots["temperature"].addItem(self.brood_band)
        self.swarm_marks = pg.ScatterPlotItem(symbol="t", size=14)
        self.plots["weight"].addItem(self.swarm_marks)
        self.spike_marks = pg.ScatterPlotItem(symbol="d", size=12)
        self.plots["temperature"].addItem(self.spike_marks)
        self.legend = self.plots["temperature"].addLegend(offset=(-10, 10))
        self.curves: dict[str, pg.PlotDataItem] = {}
        for field, plot in self.plots.items():
            self.curves[field] = self._new_curve(plot)
        self._curve_pool: list[pg.PlotDataItem] = []
        self.sensor_curves: list[pg.PlotDataItem] = []
        self._line_pool: list[pg.InfiniteLine] = []
        self.battery_lines: list[pg.InfiniteLine] = []
        self._region_pool: dict[str, list[pg.LinearRegionItem]] = {f: [] for f in SERIES_FIELDS}
        self.shaded: dict[str, list[tuple[str, pg.LinearRegionItem]]] = {f: [] for f in SERIES_FIELDS}
        """Per plot, the alert periods shaded now: (alert kind, region)."""
        self.crosshairs = {field: pg.InfiniteLine(angle=90, movable=False) for field in SERIES_FIELDS}
        self.hover_dots = {field: pg.ScatterPlotItem(size=8) for field in SERIES_FIELDS}
        for field in SERIES_FIELDS:
            for item in (self.crosshairs[field], self.hover_dots[field]):
                item.hide()
                item.setZValue(30)
                self.plots[field].addItem(item, ignoreBounds=True)
        self.readout = QLabel(self, objectName="hoverReadout")
        self.readout.setTextFormat(Qt.TextFormat.RichText)
        self.readout.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.readout.hide()
        self.scene().sigMouseMoved.connect(self._mouse_moved)
        self.view: HiveView | None = None
        self.alerts: list[HiveAlert] = []
        self.apply_theme(theme)

    def _new_curve(self, plot: pg.PlotItem) -> pg.PlotDataItem:
        curve = pg.PlotDataItem(connect="finite")
        curve.setDownsampling(auto=True, method="peak")
        curve.setClipToView(True)
        plot.addItem(curve)
        return curve

    def _align_left_axes(self) -> None:
        """One width for the three left axes (room for "-000.0" and the axis title), so the
        plots' left edges line up whatever their tick labels."""
        metrics = QFontMetrics(self.font())
        width = metrics.horizontalAdvance("-000.00") + metrics.height() + 18
        for plot in self.plots.values():
            plot.getAxis("left").setWidth(width)

    # --- what is drawn ---------------------------------------------------------------------------

    def colour(self, field: str) -> str:
        return SERIES_COLOURS[self.theme][field]

    def _convert(self, field: str) -> Callable[[np.ndarray], np.ndarray]:
        units = self.units
        return {"temperature": lambda v: fmt.temperature_value(v, units), "humidity": lambda v: v,
                "weight": lambda v: fmt.weight_value(v, units)}[field]

    def label_axes(self, units: str) -> None:
        self.units = units
        self.plots["temperature"].setLabel("left", "Temperature", fmt.temperature_unit(units))
        self.plots["humidity"].setLabel("left", "Humidity", "%")
        self.plots["weight"].setLabel("left", "Weight", fmt.weight_unit(units))

    def show_band(self, rules: AlertRules) -> None:
        """The brood band at the thresholds in force now."""
        self.brood_band.setRegion([fmt.temperature_value(v, self.units)
                                   for v in (rules.brood_min_c, rules.brood_max_c)])

    def draw(self, view: HiveView | None, alerts: list[HiveAlert]) -> None:
        """Draw the series and the alerts (markers, shading, battery lines)."""
        self.view, self.alerts = view, alerts
        if view is None:
            return
        series = view.series
        for field in SERIES_FIELDS:
            self.curves[field].setData(series.x[field], self._convert(field)(series.y[field]))
        self._draw_sensors()
        swarms = self._of("swarm")
        self.swarm_marks.setData([a.end_ts for a in swarms],
                                 self._convert("weight")(np.array([a.values["to_kg"] for a in swarms])))
        spikes = self._of("spike")
        self.spike_marks.setData([a.values["to_ts"] for a in spikes],
                                 self._convert("temperature")(np.array([a.values["to_c"] for a in spikes])))
        self._draw_battery_lines()
        self._shade()

    def _of(self, kind: str, ongoing: bool = False) -> list[HiveAlert]:
        return [a for a in self.alerts if a.kind == kind and (a.ongoing or not ongoing)]

    def _draw_sensors(self) -> None:
        """One labelled temperature curve per sensor when there are several. Curves and lines are
        kept and reused, hidden when not needed: pyqtgraph items taken out of a plot still get
        view updates and fail."""
        sensors = self.view.sensors if self.view is not None else ()
        several = len(sensors) > 1
        self.curves["temperature"].setVisible(not several)
        shown = sensors if several else ()
        while len(self._curve_pool) < len(shown):
            self._curve_pool.append(self._new_curve(self.plots["temperature"]))
        self.legend.clear()
        self.sensor_curves = self._curve_pool[:len(shown)]
        convert = self._convert("temperature")
        for index, (curve, sensor) in enumerate(zip(self.sensor_curves, shown, strict=True)):
            curve.setPen(pg.mkPen(SENSOR_COLOURS[index % len(SENSOR_COLOURS)], width=2))
            curve.setData(sensor.x, convert(sensor.y), name=sensor.name)
            self.legend.addItem(curve, sensor.name)
        for index, curve in enumerate(self._curve_pool):
            if index >= len(shown):
                curve.setData([], [])
            curve.setVisible(index < len(shown))
        self.legend.setVisible(several)

    def _draw_battery_lines(self) -> None:
        low = self._of("battery", ongoing=True)
        colours = PALETTES[self.theme]
        while len(self._line_pool) < len(low):
            line = pg.InfiniteLine(angle=90, movable=False, label="",
                                   labelOpts={"position": 0.85, "color": colours["kicked_fg"]})
            self.plots["temperature"].addItem(line, ignoreBounds=True)
            self._line_pool.append(line)
        self.battery_lines = self._line_pool[:len(low)]
        for line, alert in zip(self.battery_lines, low, strict=True):
            line.setPen(pg.mkPen(colours["kicked_fg"], style=Qt.PenStyle.DashLine))
            line.setValue(alert.start_ts)
            line.label.setFormat(f"battery low: {alert.sensor_name}")
        for index, line in enumerate(self._line_pool):
            line.setVisible(index < len(low))

    def _shade(self) -> None:
        """Shade each alert's period on the plots it concerns; an ongoing one up to now."""
        now = time.time()
        colours = PALETTES[self.theme]
        for field, plot in self.plots.items():
            periods = [(a.kind, a.start_ts, a.end_ts or now) for a in self.alerts
                       if field in SHADED_ON.get(a.kind, ())]
            pool = self._region_pool[field]
            while len(pool) < len(periods):
                region = pg.LinearRegionItem(movable=False, pen=pg.mkPen(None))
                region.setZValue(-20)
                plot.addItem(region, ignoreBounds=True)
                pool.append(region)
            self.shaded[field] = []
            for region, (kind, start, end) in zip(pool, periods, strict=False):
                colour = colours["muted"] if kind == "silent" else colours["kicked_fg"]
                region.setBrush(pg.mkBrush(colour + "40"))
                region.setRegion((start, end))
                region.show()
                self.shaded[field].append((kind, region))
            for region in pool[len(periods):]:
                region.hide()

    def apply_theme(self, theme: str) -> None:
        self.theme = theme
        colours = PALETTES[theme]
        self.setBackground(colours["plot_bg"])
        for field, plot in self.plots.items():
            for name in ("left", "bottom"):
                axis = plot.getAxis(name)
                axis.setPen(colours["plot_fg"])
                axis.setTextPen(colours["plot_fg"])
            self.curves[field].setPen(pg.mkPen(self.colour(field), width=2))
            self.crosshairs[field].setPen(pg.mkPen(colours["muted"], style=Qt.PenStyle.DashLine))
            self.hover_dots[field].setPen(pg.mkPen(colours["plot_bg"], width=1.5))
        self.brood_band.setBrush(pg.mkBrush(colours["ok"] + "33"))
        for marks in (self.swarm_marks, self.spike_marks):
            marks.setBrush(pg.mkBrush(colours["kicked_fg"]))
            marks.setPen(pg.mkPen(colours["plot_bg"], width=1))
        self.readout.setStyleSheet(_READOUT_STYLE.substitute(colours))
        if self.view is not None:
            self.draw(self.view, self.alerts)

    # --- the visible span ---------------------------------------------------------------------------

    def show_span(self, start: float, end: float) -> None:
        """Show ``[start, end]`` with room after ``end`` for the readings still to come."""
        self.plots["temperature"].setXRange(start, end + (end - start) * RIGHT_MARGIN, padding=0)

    def follow(self, before: float, newest: float) -> None:
        """New readings up to ``newest`` arrived after ``before``: if the view was showing the
        newest reading, slide it along so the new ones stay in view with the same room after
        them; a view the user panned into the past stays where it is."""
        (left, right) = self.plots["temperature"].viewRange()[0]
        room = (right - left) * RIGHT_MARGIN
        if newest <= right - room or not (left <= before <= right):
            return
        shift = newest + room - right
        self.plots["temperature"].setXRange(left + shift, right + shift, padding=0)

    # --- hover ----------------------------------------------------------------------------------------

    def _series(self) -> list[tuple[str, str, str, np.ndarray, np.ndarray, str]]:
        """(plot, name, colour, x, y as shown, value format) of every curve drawn now."""
        if self.view is None:
            return []
        units, found = self.units, []
        shown = {"temperature": f"{{:.1f}} {fmt.temperature_unit(units)}", "humidity": "{:.0f} %",
                 "weight": f"{{:.2f}} {fmt.weight_unit(units)}"}
        for field in SERIES_FIELDS:
            if field == "temperature" and self.sensor_curves:
                for curve, sensor in zip(self.sensor_curves, self.view.sensors, strict=False):
                    found.append((field, f"Temperature ({sensor.name})", curve.opts["pen"].color().name(),
                                  sensor.x, self._convert(field)(sensor.y), shown[field]))
                continue
            found.append((field, FIELD_NAMES[field], self.colour(field), self.view.series.x[field],
                          self._convert(field)(self.view.series.y[field]), shown[field]))
        return found

    def values_at(self, ts: float) -> list[tuple[str, str, str, tuple[float, float] | None]]:
        """(plot, name, colour, value as shown, the reading's (x, y) or None) of each series at
        the reading nearest ``ts``; "—" and None where the series has no reading within one
        sample step of it (a gap, or past the end)."""
        out = []
        for field, name, colour, x, y, shown in self._series():
            value, point = "—", None
            if len(x):
                after = int(np.searchsorted(x, ts))
                near = [i for i in (after - 1, after) if 0 <= i < len(x)]
                nearest = min(near, key=lambda i: abs(x[i] - ts))
                if abs(x[nearest] - ts) <= self._step(x) and np.isfinite(y[nearest]):
                    value, point = shown.format(float(y[nearest])), (float(x[nearest]), float(y[nearest]))
            out.append((field, name, colour, value, point))
        return out

    def _step(self, x: np.ndarray) -> float:
        """How far from a reading the cursor may be and still read it: a bucket, or the usual
        gap between raw readings."""
        if self.view is not None and self.view.series.bucket_s:
            return float(self.view.series.bucket_s)
        finite = x[np.isfinite(x)]
        return float(np.median(np.diff(finite))) if len(finite) > 1 else 3600.0

    def readout_text(self, found: list[tuple[str, str, str, str, tuple[float, float] | None]],
                     ts: float) -> str:
        rows = [f"<b>{_when(ts)}</b>"]
        for _, name, colour, value, _ in found:
            rows.append(f"<span style='color:{colour}'>■</span> {name}: <b>{value}</b>")
        return "<br>".join(rows)

    def hover_at(self, scene_pos: QPointF) -> float | None:
        """Put the crosshair and the readout at a scene position; returns the time under it, or
        None (readout hidden) when the position is outside the plots."""
        for plot in self.plots.values():
            if plot.vb.sceneBoundingRect().contains(scene_pos):
                ts = float(plot.vb.mapSceneToView(scene_pos).x())
                break
        else:
            self.hide_hover()
            return None
        if self.view is None:
            return None
        found = self.values_at(ts)
        for line in self.crosshairs.values():
            line.setValue(ts)
            line.show()
        for field, dots in self.hover_dots.items():
            points = [(point, colour) for plot, _, colour, _, point in found if plot == field and point]
            dots.setData([p[0] for p, _ in points], [p[1] for p, _ in points],
                         brush=[pg.mkBrush(colour) for _, colour in points])
            dots.setVisible(bool(points))
        self.readout.setText(self.readout_text(found, ts))
        self.readout.adjustSize()
        at = self.mapFromScene(scene_pos)
        x = at.x() + 16  # right of the cursor, or left of it near the right edge
        if x + self.readout.width() > self.width():
            x = at.x() - 16 - self.readout.width()
        y = min(max(at.y() - self.readout.height() // 2, 0), self.height() - self.readout.height())
        self.readout.move(int(x), int(y))
        self.readout.show()
        self.readout.raise_()
        return ts

    def hide_hover(self) -> None:
        self.readout.hide()
        for item in (*self.crosshairs.values(), *self.hover_dots.values()):
            item.hide()

    def _mouse_moved(self, scene_pos: QPointF) -> None:
        self.hover_at(scene_pos)

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Leave and not self.closed:  # closed: the items are gone
            self.hide_hover()
        return super().viewportEvent(event)

    # --- export ---------------------------------------------------------------------------------------

    def export_image(self, path: str | Path) -> None:
        """The three plots as they are shown, to PNG (or another image type by its suffix) or
        SVG (see :mod:`kegdash.ui.hive_svg`); the crosshair is left out. PNG is rendered at twice
        the screen size, to stay crisp when printed."""
        self.hide_hover()
        path = Path(path)
        if path.suffix.lower() == ".svg":
            path.write_text(plots_svg(self), encoding="utf-8")
            return
        exporter = pg.exporters.ImageExporter(self.ci)
        exporter.parameters()["width"] = int(self.ci.boundingRect().width() * 2)
        if not exporter.export(str(path)):
            raise OSError(f"cannot write {path}")
