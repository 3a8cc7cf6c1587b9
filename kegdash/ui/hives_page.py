"""Hives: temperature, humidity and weight of one hive against a shared, zoomable time axis.

Series come from a bucketed SQL query run on a worker thread (a year stays a few thousand
points), and pyqtgraph peak-downsamples and clips to the view on top (``spec/hives.md`` §5.4).
New readings are fetched incrementally and appended, not reloaded. A hive with two sensors
(typically one in the brood nest, one outside) gets one temperature curve per sensor, since their
average would mean nothing. The alerts (markers, shading, the line of text) are the apiary's,
computed from the raw readings on the worker, so they are the same at every zoom.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QButtonGroup, QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kegdash import events, fmt
from kegdash.apiary import alerts as apiary_alerts
from kegdash.apiary import views as apiary_views
from kegdash.apiary.alerts import ALERT_SETTINGS, AlertRules, HiveAlert
from kegdash.apiary.views import SERIES_FIELDS, HiveSeries, HiveView, SensorSeries
from kegdash.ui.bridge import EventBridge
from kegdash.ui.prefs import Prefs
from kegdash.ui.tasks import TaskRunner
from kegdash.ui.theme import PALETTES

SPANS = (("Day", 86400), ("Week", 7 * 86400), ("Month", 30 * 86400), ("Season", 182 * 86400),
         ("All", 0))
LIVE_DELAY_MS = 500
CURVE_COLOUR = "#d48806"
DEVICE_COLOURS = ("#d48806", "#2f6db5", "#3f8f4f", "#8e44ad")
MARK_COLOUR = "#b3261e"


def alerts_under_current_rules(hive_id: int, since: int) -> tuple[AlertRules, list[HiveAlert]]:
    """The site's thresholds and the hive's alerts found with them, read together on the worker
    so the text names the thresholds the alerts were found with."""
    rules = AlertRules.current()
    return rules, apiary_alerts.hive_alerts(hive_id, since, rules=rules)


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
        self.spike_marks = pg.ScatterPlotItem(symbol="d", size=12, brush=MARK_COLOUR, pen=None)
        self.plots["temperature"].addItem(self.spike_marks)
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
        self.view: HiveView | None = None
        self.rules: AlertRules | None = None
        """The thresholds :attr:`hive_alerts` were found with."""
        self.hive_alerts: list[HiveAlert] = []
        self._alerts_asked = self._alerts_shown = 0
        """Alert evaluations run on two worker threads and may finish out of order: each is
        numbered, and an answer older than the one shown is dropped."""
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
        for choice in apiary_views.hive_choices():
            self.hive.addItem(choice.label, choice.id)
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

    @property
    def series(self) -> HiveSeries | None:
        return self.view.series if self.view is not None else None

    @property
    def sensors(self) -> tuple[SensorSeries, ...]:
        return self.view.sensors if self.view is not None else ()

    def load(self) -> None:
        """Query the chosen hive and range, and its alerts, off the main thread; an older answer
        is ignored."""
        hive_id = self.hive.currentData()
        if hive_id is None:
            return
        start, end = self.span()
        request = (hive_id, start, end, self.prefs.units)
        self._request = request
        self.status.setText("Loading…")
        asked = self._ask_alerts()
        self.runner.submit(
            lambda: (apiary_views.hive_view(hive_id, start, end),
                     *alerts_under_current_rules(hive_id, start)),
            lambda found: self._show(request, asked, *found), self._failed)

    def _ask_alerts(self) -> int:
        self._alerts_asked += 1
        return self._alerts_asked

    def _take_alerts(self, asked: int, rules: AlertRules, alerts: list[HiveAlert]) -> None:
        if asked > self._alerts_shown:
            self._alerts_shown, self.rules, self.hive_alerts = asked, rules, alerts

    def _reload_alerts(self) -> None:
        """Find the chosen hive's alerts again (the thresholds changed)."""
        if self._request is None:
            return
        request, asked = self._request, self._ask_alerts()
        hive_id, since = request[:2]
        self.runner.submit(lambda: alerts_under_current_rules(hive_id, since),
                           lambda found: self._set_alerts(request, asked, *found), self._failed)

    def _failed(self, error: BaseException) -> None:
        self.status.setText(f"Could not read the readings: {error}")

    def _show(self, request: tuple, asked: int, view: HiveView, rules: AlertRules,
              alerts: list[HiveAlert]) -> None:
        if request != self._request:
            return
        self.hive_id = request[0]
        self.view = view
        self._take_alerts(asked, rules, alerts)
        self.shown_request = request
        self._draw()
        series = view.series
        points = len(series.x["temperature"])
        firsts = [float(x[0]) for x in series.x.values() if len(x)]
        if firsts:
            self.plots["temperature"].setXRange(max(request[1], min(firsts)), request[2], padding=0.01)
        detail = "raw readings" if not series.bucket_s else f"averages over {fmt.duration(series.bucket_s)}"
        self.status.setText(f"{self.hive.currentText()}: {points} points ({detail})")

    def _set_alerts(self, request: tuple | None, asked: int, rules: AlertRules,
                    alerts: list[HiveAlert]) -> None:
        if request != self._request:
            return
        self._take_alerts(asked, rules, alerts)
        self._draw()

    def _draw(self) -> None:
        """Put the (unit-converted) series into the curves, the brood band at the thresholds in
        force now, and the alerts as markers, shading and text."""
        units = self.prefs.units
        band = AlertRules.current()
        self.brood_band.setRegion([fmt.temperature_value(v, units)
                                   for v in (band.brood_min_c, band.brood_max_c)])
        if self.view is None:
            return
        series = self.view.series
        convert = {"temperature": lambda v: fmt.temperature_value(v, units),
                   "humidity": lambda v: v, "weight": lambda v: fmt.weight_value(v, units)}
        for field in SERIES_FIELDS:
            self.curves[field].setData(series.x[field], convert[field](series.y[field]))
        self._draw_sensors(convert["temperature"])
        swarms = self._alerts("swarm")
        self.swarm_marks.setData([a.end_ts for a in swarms],
                                 convert["weight"](np.array([a.values["to_kg"] for a in swarms])))
        spikes = self._alerts("spike")
        self.spike_marks.setData([a.values["to_ts"] for a in spikes],
                                 convert["temperature"](np.array([a.values["to_c"] for a in spikes])))
        self._show_alerts()

    def _alerts(self, kind: str, ongoing: bool = False) -> list[HiveAlert]:
        return [a for a in self.hive_alerts if a.kind == kind and (a.ongoing or not ongoing)]

    def _draw_sensors(self, convert: Any) -> None:
        """One labelled temperature curve per sensor when there are several, and a line where a
        sensor's battery went low. Curves and lines are kept and reused, hidden when not needed:
        pyqtgraph items taken out of a plot still get view updates and fail."""
        several = len(self.sensors) > 1
        self.curves["temperature"].setVisible(not several)
        shown = self.sensors if several else ()
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

        low = self._alerts("battery", ongoing=True)
        while len(self._line_pool) < len(low):
            line = pg.InfiniteLine(angle=90, movable=False, label="",
                                   pen=pg.mkPen(MARK_COLOUR, style=pg.QtCore.Qt.PenStyle.DashLine),
                                   labelOpts={"position": 0.85, "color": MARK_COLOUR})
            self.plots["temperature"].addItem(line, ignoreBounds=True)
            self._line_pool.append(line)
        self.battery_lines = self._line_pool[:len(low)]
        for line, alert in zip(self.battery_lines, low, strict=True):
            line.setValue(alert.start_ts)
            line.label.setFormat(f"battery low: {alert.sensor_name}")
        for index, line in enumerate(self._line_pool):
            line.setVisible(index < len(low))

    def _show_alerts(self) -> None:
        """Say in words what needs a look: swarms and spikes in the span, brood out of the band,
        low batteries and silence now (silence also shaded, from the last reading to now)."""
        units, rules = self.prefs.units, self.rules
        found = []
        swarms = len(self._alerts("swarm"))
        if swarms:
            drop = f"{fmt.weight_value(rules.swarm_drop_kg, units):.3g} {fmt.weight_unit(units)}"
            found.append(f"{swarms} sudden weight drop(s) of {drop} or more within "
                         f"{fmt.duration(rules.swarm_window_s)} — possible swarm")
        spikes = len(self._alerts("spike"))
        if spikes:
            change = fmt.temperature_value(rules.spike_c, units) - fmt.temperature_value(0.0, units)
            found.append(f"{spikes} sudden brood temperature change(s) of {change:.2g} "
                         f"{fmt.temperature_unit(units)} or more")
        low, high = (f"{fmt.temperature_value(v, units):.3g}" for v in (rules.brood_min_c, rules.brood_max_c))
        for alert in self._alerts("brood", ongoing=True):
            where = f" ({alert.sensor_name})" if len(self.sensors) > 1 else ""
            found.append(f"brood at {fmt.temperature(alert.values['last_c'], units)}{where}, "
                         f"outside {low}–{high} {fmt.temperature_unit(units)}")
        for alert in self._alerts("battery", ongoing=True):
            found.append(f"battery low: {alert.sensor_name} at {alert.values['last_pct']:.0f} %")
        silent = self._alerts("silent", ongoing=True)
        now = time.time()
        for region in self.silent_regions:
            region.setVisible(bool(silent))
            if silent:
                region.setRegion((silent[0].start_ts, now))
        if silent:
            found.append(f"no data for {fmt.duration(now - silent[0].start_ts)}")
        self.alerts.setText("  ·  ".join(found))
        self.alerts.setVisible(bool(found))

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
        if isinstance(event, events.SettingChanged) and event.key in ALERT_SETTINGS:
            self._draw()
            self._reload_alerts()
        elif isinstance(event, events.ReadingStored) and self.hive_id is not None:
            if event.hive_id not in (None, self.hive_id):
                return
            if not self._live.isActive():
                self._live.start()

    def _fetch_new(self) -> None:
        if self.view is None or self.hive_id is None:
            return
        hive_id, after, request = self.hive_id, self.view.series.last_ts, self.shown_request
        since, asked = request[1], self._ask_alerts()

        def fetch() -> tuple[HiveView, AlertRules, list[HiveAlert]]:
            return apiary_views.readings_after(hive_id, after), *alerts_under_current_rules(hive_id, since)

        self.runner.submit(fetch, lambda found: self._append(request, asked, *found), self._failed)

    def _append(self, request: tuple | None, asked: int, new: HiveView, rules: AlertRules,
                alerts: list[HiveAlert]) -> None:
        """Add new readings to the end of the curves instead of querying the whole range again,
        with the alerts found on all of them."""
        if request != self._request or self.view is None:
            return
        self.view = self.view.extended(new)
        self._take_alerts(asked, rules, alerts)
        self._draw()

    def shutdown(self) -> None:
        self._live.stop()
        self.runner.shutdown()
