"""Hives: temperature, humidity and weight of one hive against a shared, zoomable time axis.

Series come from a bucketed SQL query run on a worker thread (a year stays a few thousand
points), and pyqtgraph peak-downsamples and clips to the view on top (``spec/hives.md`` §5.4).
New readings are fetched incrementally and appended, not reloaded. A hive with two sensors
(typically one in the brood nest, one outside) gets one temperature curve per sensor, since their
average would mean nothing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyqtgraph as pg
from peewee import fn
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QButtonGroup, QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kegdash import events, fmt
from kegdash.apiary import series as apiary_series
from kegdash.apiary.models import Device, Reading
from kegdash.site_settings import get_settings
from kegdash.ui import queries
from kegdash.ui.bridge import EventBridge
from kegdash.ui.prefs import Prefs
from kegdash.ui.queries import SERIES_FIELDS, Series, _break_gaps
from kegdash.ui.tasks import TaskRunner
from kegdash.ui.theme import PALETTES

SPANS = (("Day", 86400), ("Week", 7 * 86400), ("Month", 30 * 86400), ("Season", 182 * 86400),
         ("All", 0))
LIVE_DELAY_MS = 500
CURVE_COLOUR = "#d48806"
DEVICE_COLOURS = ("#d48806", "#2f6db5", "#3f8f4f", "#8e44ad")
MARK_COLOUR = "#b3261e"
ALERT_KEYS = ("hive_brood_min_c", "hive_brood_max_c", "hive_swarm_drop_kg", "hive_swarm_window_minutes",
              "hive_silent_hours", "hive_battery_low_percent")


@dataclass(frozen=True)
class AlertRules:
    """The site's hive alert thresholds, the same for every hive (``spec/hives.md`` §1.8)."""

    brood_min_c: float
    brood_max_c: float
    swarm_drop_kg: float
    swarm_window_s: float
    silent_s: float
    battery_low_pct: float

    @classmethod
    def current(cls) -> AlertRules:
        """Read at every evaluation (site settings are cached a second), so a change made on the
        Settings page or by another process applies without a restart."""
        s = get_settings(*ALERT_KEYS)
        return cls(s["hive_brood_min_c"], s["hive_brood_max_c"], s["hive_swarm_drop_kg"],
                   s["hive_swarm_window_minutes"] * 60, s["hive_silent_hours"] * 3600,
                   s["hive_battery_low_percent"])


@dataclass
class SensorView:
    """What the pooled hive series hides: one sensor's own temperature and battery."""

    name: str
    x: np.ndarray
    y: np.ndarray
    """Temperature; only filled when the hive has more than one sensor."""
    battery: float | None
    battery_low_since: int | None
    """When the charge last fell below the low-battery level, if it is low now (epoch seconds)."""


def _looks_outside(name: str) -> bool:
    return "out" in name.lower()


def sensor_views(hive_id: int, start: int, end: int, bucket: int,
                 battery_low_pct: float) -> list[SensorView]:
    """Each sensor of the hive with its battery state, and its temperature series on the same
    buckets as the pooled series when there are several sensors (inside/outside)."""
    devices = list(Device.select(Device.id, Device.name, Device.api_id)
                   .where(Device.hive == hive_id).order_by(Device.name, Device.id))
    views = []
    for device in devices:
        x = y = np.empty(0)
        if len(devices) > 1:
            points = apiary_series.device_series(device.id, "temperature", start, end + 1, bucket=bucket)
            rows = _break_gaps(np.array([(p.ts + bucket / 2, p.avg) for p in points],
                                        dtype=float).reshape(-1, 2))
            x, y = rows[:, 0], rows[:, 1]
        mine = (Reading.device == device.id) & Reading.battery.is_null(False)
        last = Reading.select(Reading.battery).where(mine).order_by(Reading.ts.desc()).scalar()
        low_since = None
        if last is not None and last < battery_low_pct:
            fine = Reading.select(fn.MAX(Reading.ts)).where(mine & (Reading.battery >= battery_low_pct))
            low_since = (Reading.select(fn.MIN(Reading.ts))
                         .where(mine & (Reading.ts > fn.COALESCE(fine, -1))).scalar())
        views.append(SensorView(device.name or device.api_id, x, y, last, low_since))
    return views


def sensor_temperatures_after(hive_id: int, after_ts: int) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Raw temperatures newer than ``after_ts`` per sensor name, for the live per-sensor curves."""
    found = {}
    for device in Device.select().where(Device.hive == hive_id):
        points = apiary_series.device_series(device.id, "temperature", after_ts + 1, 2**62, bucket=0)
        found[device.name or device.api_id] = (np.array([p.ts for p in points], dtype=float),
                                               np.array([p.avg for p in points], dtype=float))
    return found


def load_hive(hive_id: int, start: int, end: int, battery_low_pct: float) -> tuple[Series, list[SensorView]]:
    """The worker's whole job for one view: pooled series plus per-sensor detail."""
    pooled = queries.hive_series(hive_id, start, end)
    first = start if start > 0 else (queries.first_reading_ts(hive_id) or end)
    return pooled, sensor_views(hive_id, first, end, pooled.bucket_s, battery_low_pct)


def swarm_drops(x: np.ndarray, kg: np.ndarray, drop_kg: float, window_s: float) -> np.ndarray:
    """Indices where the weight has fallen by at least ``drop_kg`` within ``window_s`` seconds: a
    possible swarm (``spec/hives.md`` §1.8). A drop is marked once, at its first reading past the
    threshold."""
    found: list[int] = []
    start = 0
    for end in range(1, len(x)):
        while x[end] - x[start] > window_s:
            start += 1
        window = kg[start:end]
        window = window[np.isfinite(window)]
        if (len(window) and np.isfinite(kg[end]) and window.max() - kg[end] >= drop_kg
                and (not found or x[end] - x[found[-1]] > 3600)):
            found.append(end)
    return np.array(found, dtype=int)


class HivesPage(QWidget):
    def __init__(self, bridge: EventBridge, prefs: Prefs, runner: TaskRunner) -> None:
        super().__init__()
        self.prefs = prefs
        self.runner = runner
        self.hive = QComboBox()
        self.hive.currentIndexChanged.connect(lambda _: self.load())
        self.span_group = QButtonGroup(self)
        top = QHBoxLayout()
        top.addWidget(QLabel("Hives", objectName="pageTitle"))
        top.addWidget(self.hive, 1)
        for index, (label, _) in enumerate(SPANS):
            button = QPushButton(label, checkable=True)
            self.span_group.addButton(button, index)
            top.addWidget(button)
        self.span_group.button(1).setChecked(True)
        self.span_group.idClicked.connect(lambda _: self.load())
        self.status = QLabel(objectName="hint")
        self.alerts = QLabel(objectName="message")
        self.alerts.setProperty("kind", "error")
        self.alerts.setWordWrap(True)
        self.alerts.hide()

        self.graphs = pg.GraphicsLayoutWidget()
        self.plots: dict[str, pg.PlotItem] = {}
        for row, field in enumerate(SERIES_FIELDS):
            plot = self.graphs.addPlot(row=row, col=0, axisItems={"bottom": pg.DateAxisItem()})
            plot.showGrid(x=True, y=True, alpha=0.2)
            for side in ("bottom", "left"):
                # Major and minor ticks only: each axis replays its grid on every frame, and the
                # third level's faint lines took half of a pan's frame time for no label
                # (benchmarks/ui_panning.py: 30 -> 16 ms a frame).
                plot.getAxis(side).setStyle(maxTickLevel=1)
            plot.setMouseEnabled(x=True, y=False)
            if row:
                plot.setXLink(self.plots["temperature"])
            self.plots[field] = plot
        self.brood_band = pg.LinearRegionItem(orientation="horizontal", movable=False)
        self.plots["temperature"].addItem(self.brood_band)
        self.swarm_marks = pg.ScatterPlotItem(symbol="t", size=14, brush=MARK_COLOUR, pen=None)
        self.plots["weight"].addItem(self.swarm_marks)
        self.legend = self.plots["temperature"].addLegend(offset=(-10, 10))
        self.silent_regions: list[pg.LinearRegionItem] = []
        for plot in self.plots.values():
            region = pg.LinearRegionItem(movable=False, brush=pg.mkBrush(128, 128, 128, 60),
                                         pen=pg.mkPen(None))
            region.setZValue(-20)
            region.hide()
            plot.addItem(region)
            self.silent_regions.append(region)
        self._curve_pool: list[pg.PlotDataItem] = []
        self._line_pool: list[pg.InfiniteLine] = []
        self.sensor_curves: list[pg.PlotDataItem] = []
        self.battery_lines: list[pg.InfiniteLine] = []
        self.curves: dict[str, pg.PlotDataItem] = {}
        for field, plot in self.plots.items():
            curve = pg.PlotDataItem(pen=pg.mkPen(CURVE_COLOUR, width=2), connect="finite")
            curve.setDownsampling(auto=True, method="peak")
            curve.setClipToView(True)
            plot.addItem(curve)
            self.curves[field] = curve
        self.series: Series | None = None
        self.sensors: list[SensorView] = []
        self.hive_id: int | None = None

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.alerts)
        layout.addWidget(self.graphs, 1)

        self._live = QTimer(self)
        self._live.setSingleShot(True)
        self._live.setInterval(LIVE_DELAY_MS)
        self._live.timeout.connect(self._fetch_new)
        self._request: tuple | None = None
        self.shown_request: tuple | None = None
        bridge.event.connect(self.on_event)
        prefs.changed.connect(self._on_prefs)
        self._label_axes()
        self._draw()
        self.apply_theme(prefs.theme)
        self.reload_hives()

    def reload_hives(self) -> None:
        current = self.hive.currentData()
        self.hive.blockSignals(True)
        self.hive.clear()
        for ident, name in queries.hive_choices():
            self.hive.addItem(name, ident)
        if current is not None and self.hive.findData(current) >= 0:
            self.hive.setCurrentIndex(self.hive.findData(current))
        self.hive.blockSignals(False)
        if self.hive.count() == 0:
            self.status.setText("No hive has a sensor yet.")
        self.load()

    def span(self) -> tuple[int, int]:
        """(start, end) epoch seconds of the chosen range; "All" starts at the epoch."""
        seconds = SPANS[self.span_group.checkedId()][1]
        now = int(time.time())
        return (now - seconds if seconds else 0), now

    def load(self) -> None:
        """Query the chosen hive and range off the main thread; an older answer is ignored."""
        hive_id = self.hive.currentData()
        if hive_id is None:
            return
        start, end = self.span()
        request = (hive_id, start, end, self.prefs.units)
        self._request = request
        self.status.setText("Loading…")
        battery_low = AlertRules.current().battery_low_pct
        self.runner.submit(lambda: load_hive(hive_id, start, end, battery_low),
                           lambda found: self._show(request, *found), self._failed)

    def _failed(self, error: BaseException) -> None:
        self.status.setText(f"Could not read the readings: {error}")

    def _show(self, request: tuple, series: Series, sensors: list[SensorView]) -> None:
        if request != self._request:
            return
        self.hive_id = request[0]
        self.series = series
        self.sensors = sensors
        self.shown_request = request
        self._draw()
        points = len(series.x["temperature"])
        firsts = [float(x[0]) for x in series.x.values() if len(x)]
        if firsts:
            self.plots["temperature"].setXRange(max(request[1], min(firsts)), request[2], padding=0.01)
        detail = "raw readings" if not series.bucket_s else f"averages over {fmt.duration(series.bucket_s)}"
        self.status.setText(f"{self.hive.currentText()}: {points} points ({detail})")

    def _draw(self) -> None:
        """Put the (unit-converted) series into the curves and refresh the brood band and the
        alert markers with the thresholds in force now."""
        series, units, rules = self.series, self.prefs.units, AlertRules.current()
        self.brood_band.setRegion([fmt.temperature_value(v, units)
                                   for v in (rules.brood_min_c, rules.brood_max_c)])
        if series is None:
            return
        convert = {"temperature": lambda v: fmt.temperature_value(v, units),
                   "humidity": lambda v: v, "weight": lambda v: fmt.weight_value(v, units)}
        for field in SERIES_FIELDS:
            self.curves[field].setData(series.x[field], convert[field](series.y[field]))
        self._draw_sensors(convert["temperature"])
        drops = swarm_drops(series.x["weight"], series.y["weight"], rules.swarm_drop_kg,
                            rules.swarm_window_s)
        self.swarm_marks.setData(series.x["weight"][drops], convert["weight"](series.y["weight"][drops]))
        self._show_alerts(len(drops), rules)

    def _draw_sensors(self, convert: Any) -> None:
        """One labelled temperature curve per sensor when there are several, and a line where a
        sensor's battery went low. Curves and lines are kept and reused, hidden when not needed:
        pyqtgraph items taken out of a plot still get view updates and fail."""
        several = len(self.sensors) > 1
        self.curves["temperature"].setVisible(not several)
        shown = self.sensors if several else []
        while len(self._curve_pool) < len(shown):
            colour = DEVICE_COLOURS[len(self._curve_pool) % len(DEVICE_COLOURS)]
            curve = pg.PlotDataItem(pen=pg.mkPen(colour, width=2), connect="finite")
            curve.setDownsampling(auto=True, method="peak")
            curve.setClipToView(True)
            self.plots["temperature"].addItem(curve)
            self._curve_pool.append(curve)
        self.legend.clear()
        self.sensor_curves = self._curve_pool[:len(shown)]
        for curve, sensor in zip(self.sensor_curves, shown, strict=True):
            curve.setData(sensor.x, convert(sensor.y), name=sensor.name)
            self.legend.addItem(curve, sensor.name)
        for index, curve in enumerate(self._curve_pool):
            if index >= len(shown):
                curve.setData([], [])
            curve.setVisible(index < len(shown))
        self.legend.setVisible(several)

        low = [s for s in self.sensors if s.battery_low_since is not None]
        while len(self._line_pool) < len(low):
            line = pg.InfiniteLine(angle=90, movable=False, label="",
                                   pen=pg.mkPen(MARK_COLOUR, style=pg.QtCore.Qt.PenStyle.DashLine),
                                   labelOpts={"position": 0.85, "color": MARK_COLOUR})
            self.plots["temperature"].addItem(line, ignoreBounds=True)
            self._line_pool.append(line)
        self.battery_lines = self._line_pool[:len(low)]
        for line, sensor in zip(self.battery_lines, low, strict=True):
            line.setValue(sensor.battery_low_since)
            line.label.setFormat(f"battery low: {sensor.name}")
        for index, line in enumerate(self._line_pool):
            line.setVisible(index < len(low))

    def _show_alerts(self, swarms: int, rules: AlertRules) -> None:
        """Say in words what needs a look: swarms, brood out of range now, low batteries, a silent
        hive (also shaded, from its last reading to now)."""
        units = self.prefs.units
        drop = f"{fmt.weight_value(rules.swarm_drop_kg, units):.3g} {fmt.weight_unit(units)}"
        found = [f"{swarms} sudden weight drop(s) of {drop} or more within "
                 f"{fmt.duration(rules.swarm_window_s)} — possible swarm"] if swarms else []
        low, high = (f"{fmt.temperature_value(v, units):.3g}" for v in (rules.brood_min_c, rules.brood_max_c))
        for name, temps in self._brood_temperatures():
            finite = np.nonzero(np.isfinite(temps))[0]
            if len(finite) and not rules.brood_min_c <= temps[finite[-1]] <= rules.brood_max_c:
                where = f" ({name})" if name else ""
                found.append(f"brood at {fmt.temperature(temps[finite[-1]], units)}{where}, "
                             f"outside {low}–{high} {fmt.temperature_unit(units)}")
        for sensor in self.sensors:
            if sensor.battery is not None and sensor.battery < rules.battery_low_pct:
                found.append(f"battery low: {sensor.name} at {sensor.battery:.0f} %")
        last = self._last_data_ts()
        silent = time.time() - last if last is not None else 0
        for region in self.silent_regions:
            region.setVisible(silent > rules.silent_s)
            if silent > rules.silent_s:
                region.setRegion((last, time.time()))
        if silent > rules.silent_s:
            found.append(f"no data for {fmt.duration(silent)}")
        self.alerts.setText("  ·  ".join(found))
        self.alerts.setVisible(bool(found))

    def _brood_temperatures(self) -> list[tuple[str, np.ndarray]]:
        """(sensor name, °C) per sensor that is not outside the hive; unnamed for a lone sensor."""
        if len(self.sensors) > 1:
            return [(s.name, s.y) for s in self.sensors if not _looks_outside(s.name)]
        return [("", self.series.y["temperature"])]

    def _last_data_ts(self) -> float | None:
        """The time of the newest reading shown (a bucket's centre less half its width)."""
        ends = [float(x[np.isfinite(y)][-1]) for x, y in
                ((self.series.x[f], self.series.y[f]) for f in SERIES_FIELDS) if np.isfinite(y).any()]
        return max(ends) - self.series.bucket_s / 2 if ends else None

    def _label_axes(self) -> None:
        units = self.prefs.units
        self.plots["temperature"].setLabel("left", "Temperature", fmt.temperature_unit(units))
        self.plots["humidity"].setLabel("left", "Humidity", "%")
        self.plots["weight"].setLabel("left", "Weight", fmt.weight_unit(units))

    def apply_theme(self, theme: str) -> None:
        colours = PALETTES[theme]
        self.graphs.setBackground(colours["plot_bg"])
        for plot in self.plots.values():
            for name in ("left", "bottom"):
                axis = plot.getAxis(name)
                axis.setPen(colours["plot_fg"])
                axis.setTextPen(colours["plot_fg"])
        self.brood_band.setBrush(pg.mkBrush(colours["ok"] + "33"))

    def _on_prefs(self, key: str) -> None:
        if key == "units":
            self._label_axes()
            self._draw()
        elif key == "theme":
            self.apply_theme(self.prefs.theme)

    # --- live readings -------------------------------------------------------------------------

    def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.SettingChanged) and event.key in ALERT_KEYS:
            self._draw()
            if event.key == "hive_battery_low_percent":
                self.load()  # when each battery went low is found by the query
        elif isinstance(event, events.ReadingStored) and self.hive_id is not None:
            if event.hive_id not in (None, self.hive_id):
                return
            if not self._live.isActive():
                self._live.start()

    def _fetch_new(self) -> None:
        if self.series is None or self.hive_id is None:
            return
        hive_id, after, request = self.hive_id, self.series.last_ts, self._request
        several = len(self.sensors) > 1

        def fetch() -> tuple[Series, dict[str, tuple[np.ndarray, np.ndarray]]]:
            return (queries.readings_after(hive_id, after),
                    sensor_temperatures_after(hive_id, after) if several else {})

        self.runner.submit(fetch, lambda found: self._append(request, *found), self._failed)

    def _append(self, request: tuple | None, new: Series,
                per_sensor: dict[str, tuple[np.ndarray, np.ndarray]]) -> None:
        """Add new readings to the end of the curves instead of querying the whole range again."""
        if request != self._request or self.series is None:
            return
        for field in SERIES_FIELDS:
            self.series.x[field] = np.concatenate([self.series.x[field], new.x[field]])
            self.series.y[field] = np.concatenate([self.series.y[field], new.y[field]])
        for sensor in self.sensors:
            x, y = per_sensor.get(sensor.name, (np.empty(0), np.empty(0)))
            sensor.x, sensor.y = np.concatenate([sensor.x, x]), np.concatenate([sensor.y, y])
        self.series.last_ts = max(self.series.last_ts, new.last_ts)
        self._draw()

    def shutdown(self) -> None:
        self._live.stop()
        self.runner.shutdown()
