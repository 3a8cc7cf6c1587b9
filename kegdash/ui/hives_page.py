"""Hives: temperature, humidity and weight of one hive against a shared, zoomable time axis.

Series come from a bucketed SQL query run on a worker thread (a year stays a few thousand
points), and pyqtgraph peak-downsamples and clips to the view on top (``spec/hives.md`` §5.4).
New readings are fetched incrementally and appended, not reloaded.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QButtonGroup, QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from kegdash import events
from kegdash.ui import fmt, queries
from kegdash.ui.bridge import EventBridge
from kegdash.ui.prefs import Prefs
from kegdash.ui.queries import SERIES_FIELDS, Series
from kegdash.ui.tasks import TaskRunner
from kegdash.ui.theme import PALETTES

SPANS = (("Day", 86400), ("Week", 7 * 86400), ("Month", 30 * 86400), ("Season", 182 * 86400),
         ("All", 0))
BROOD_C = (32.0, 36.0)
SWARM_DROP_KG = 1.0
SWARM_WINDOW_S = 30 * 60
OFFLINE_AFTER_S = 2 * 3600
LIVE_DELAY_MS = 500
CURVE_COLOUR = "#d48806"


def swarm_drops(x: np.ndarray, kg: np.ndarray) -> np.ndarray:
    """Indices where the weight has fallen by at least 1 kg within 30 minutes: a possible swarm
    (``spec/hives.md`` §1.8). A drop is marked once, at its first reading past the threshold."""
    found: list[int] = []
    start = 0
    for end in range(1, len(x)):
        while x[end] - x[start] > SWARM_WINDOW_S:
            start += 1
        window = kg[start:end]
        window = window[np.isfinite(window)]
        if (len(window) and np.isfinite(kg[end]) and window.max() - kg[end] >= SWARM_DROP_KG
                and (not found or x[end] - x[found[-1]] > 3600)):
            found.append(end)
    return np.array(found, dtype=int)


class HivesPage(QWidget):
    def __init__(self, bridge: EventBridge, prefs: Prefs) -> None:
        super().__init__()
        self.prefs = prefs
        self.runner = TaskRunner(self)
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
            plot.setMouseEnabled(x=True, y=False)
            if row:
                plot.setXLink(self.plots["temperature"])
            self.plots[field] = plot
        self.brood_band = pg.LinearRegionItem(orientation="horizontal", movable=False)
        self.plots["temperature"].addItem(self.brood_band)
        self.swarm_marks = pg.ScatterPlotItem(symbol="t", size=14, brush="#b3261e", pen=None)
        self.plots["weight"].addItem(self.swarm_marks)
        self.curves: dict[str, pg.PlotDataItem] = {}
        for field, plot in self.plots.items():
            curve = pg.PlotDataItem(pen=pg.mkPen(CURVE_COLOUR, width=2), connect="finite")
            curve.setDownsampling(auto=True, method="peak")
            curve.setClipToView(True)
            plot.addItem(curve)
            self.curves[field] = curve
        self.series: Series | None = None
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
        self.runner.submit(lambda: queries.hive_series(hive_id, start, end),
                           lambda series: self._show(request, series), self._failed)

    def _failed(self, error: BaseException) -> None:
        self.status.setText(f"Could not read the readings: {error}")

    def _show(self, request: tuple, series: Series) -> None:
        if request != self._request:
            return
        self.hive_id = request[0]
        self.series = series
        self.shown_request = request
        self._draw()
        points = len(series.x["temperature"])
        firsts = [float(x[0]) for x in series.x.values() if len(x)]
        if firsts:
            self.plots["temperature"].setXRange(max(request[1], min(firsts)), request[2], padding=0.01)
        detail = "raw readings" if not series.bucket_s else f"averages over {fmt.duration(series.bucket_s)}"
        self.status.setText(f"{self.hive.currentText()}: {points} points ({detail})")

    def _draw(self) -> None:
        """Put the (unit-converted) series into the curves and refresh the alert markers."""
        series, units = self.series, self.prefs.units
        if series is None:
            return
        convert = {"temperature": lambda v: fmt.temperature_value(v, units),
                   "humidity": lambda v: v, "weight": lambda v: fmt.weight_value(v, units)}
        for field in SERIES_FIELDS:
            self.curves[field].setData(series.x[field], convert[field](series.y[field]))
        drops = swarm_drops(series.x["weight"], series.y["weight"])
        self.swarm_marks.setData(series.x["weight"][drops], convert["weight"](series.y["weight"][drops]))
        self._show_alerts(len(drops))

    def _show_alerts(self, swarms: int) -> None:
        """Say in words what needs a look: swarms, brood out of range now, a silent hive."""
        found = [f"{swarms} sudden weight drop(s) of {SWARM_DROP_KG:g} kg or more — possible swarm"
                 ] if swarms else []
        x, temps = self.series.x["temperature"], self.series.y["temperature"]
        finite = np.nonzero(np.isfinite(temps))[0]
        if len(finite):
            temp = temps[finite[-1]]
            if not BROOD_C[0] <= temp <= BROOD_C[1]:
                found.append(f"brood at {fmt.temperature(temp, self.prefs.units)}, outside "
                             f"{BROOD_C[0]:.0f}–{BROOD_C[1]:.0f} °C")
            silent = time.time() - x[finite[-1]] - self.series.bucket_s / 2
            if silent > OFFLINE_AFTER_S:
                found.append(f"no data for {fmt.duration(silent)}")
        self.alerts.setText("  ·  ".join(found))
        self.alerts.setVisible(bool(found))

    def _label_axes(self) -> None:
        units = self.prefs.units
        self.plots["temperature"].setLabel("left", "Temperature", fmt.temperature_unit(units))
        self.plots["humidity"].setLabel("left", "Humidity", "%")
        self.plots["weight"].setLabel("left", "Weight", fmt.weight_unit(units))
        low, high = (fmt.temperature_value(v, units) for v in BROOD_C)
        self.brood_band.setRegion((low, high))

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

    def on_event(self, name: str, data: dict[str, Any]) -> None:
        if name == events.READING_STORED and self.hive_id is not None:
            if data.get("hive_id") not in (None, self.hive_id):
                return
            if not self._live.isActive():
                self._live.start()

    def _fetch_new(self) -> None:
        if self.series is None or self.hive_id is None:
            return
        hive_id, after, request = self.hive_id, self.series.last_ts, self._request
        self.runner.submit(lambda: queries.readings_after(hive_id, after),
                           lambda new: self._append(request, new), self._failed)

    def _append(self, request: tuple | None, new: Series) -> None:
        """Add new readings to the end of the curves instead of querying the whole range again."""
        if request != self._request or self.series is None:
            return
        for field in SERIES_FIELDS:
            self.series.x[field] = np.concatenate([self.series.x[field], new.x[field]])
            self.series.y[field] = np.concatenate([self.series.y[field], new.y[field]])
        self.series.last_ts = max(self.series.last_ts, new.last_ts)
        self._draw()

    def shutdown(self) -> None:
        self._live.stop()
        self.runner.shutdown()
