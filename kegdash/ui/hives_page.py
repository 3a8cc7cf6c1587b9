"""Hives: first an overview of every hive (which need attention and why), then, one click
away, a hive's temperature, humidity and weight against a shared, zoomable time axis.

Series come from a bucketed SQL query run on a worker thread (a year stays a few thousand
points), and pyqtgraph peak-downsamples and clips to the view on top (``spec/hives.md`` §5.4).
New readings are fetched incrementally and appended, not reloaded. The alerts (markers,
shading, chips, the line of text) are the apiary's, computed from the raw readings on the
worker, so they are the same at every zoom. The page's :class:`HiveWatch` keeps every hive's
card current for the overview, the alert count on the page list and desktop notifications.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QApplication,
    QButtonGroup,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kegdash import events, fmt
from kegdash.apiary import alerts as apiary_alerts
from kegdash.apiary import views as apiary_views
from kegdash.apiary.alerts import ALERT_SETTINGS, AlertRules, HiveAlert
from kegdash.apiary.export import export_readings_csv
from kegdash.apiary.views import HiveLatest, HiveSeries, HiveView, SensorSeries
from kegdash.ui import apiary_dialogs
from kegdash.ui import hive_alert_words as words
from kegdash.ui.bridge import EventBridge
from kegdash.ui.hive_notifications import AlertNotifier
from kegdash.ui.hive_overview import HiveOverview, value_texts
from kegdash.ui.hive_picker import HivePicker
from kegdash.ui.hive_plots import HivePlots
from kegdash.ui.hive_watch import HiveWatch
from kegdash.ui.prefs import Prefs
from kegdash.ui.tasks import TaskRunner

SPANS = (("Day", 86400), ("Week", 7 * 86400), ("Month", 30 * 86400), ("Season", 182 * 86400),
         ("All", 0))
LIVE_DELAY_MS = 500


def alerts_under_current_rules(hive_id: int, since: int) -> tuple[AlertRules, list[HiveAlert]]:
    """The site's thresholds and the hive's alerts found with them, read together on the worker
    so the text names the thresholds the alerts were found with."""
    rules = AlertRules.current()
    return rules, apiary_alerts.hive_alerts(hive_id, since, rules=rules)


def export_hive_csv(path: str, hive_uuid: str, since: int, until: int) -> int:
    """One hive's readings of a span to a CSV file (the same columns as ``kegdash admin
    export-readings``); how many rows were written."""
    with open(path, "w", newline="", encoding="utf-8") as out:
        return export_readings_csv(out, hive=hive_uuid, since=since or None, until=until)


def _file_name(label: str, suffix: str) -> str:
    safe = "".join(c if c.isalnum() or c in " -_()" else "-" for c in label).strip()
    return f"{safe} {dt.date.today():%Y-%m-%d}.{suffix}"


class HivesPage(QWidget):
    alert_count_changed = Signal(int)
    """How many hive alerts want a look (for the page list's badge)."""
    attention_requested = Signal()
    """A notification was clicked: the window should show this page."""

    def __init__(self, bridge: EventBridge, prefs: Prefs, runner: TaskRunner) -> None:
        super().__init__()
        self.prefs = prefs
        self.runner = runner
        self.watch = HiveWatch(bridge, runner, self)
        self.notifier = AlertNotifier(QApplication.windowIcon(), self)
        self.overview = HiveOverview(prefs.theme)
        self.overview.units = prefs.units

        back = QPushButton("← All hives")
        back.clicked.connect(self.show_overview)
        self.hive = HivePicker(prefs.theme)
        self.hive.currentIndexChanged.connect(lambda _: self.load())
        self.span_group = QButtonGroup(self)
        top = QHBoxLayout()
        top.addWidget(back)
        top.addWidget(self.hive, 1)
        for index, (label, _) in enumerate(SPANS):
            button = QPushButton(label, checkable=True)
            self.span_group.addButton(button, index)
            top.addWidget(button)
        self.span_group.button(1).setChecked(True)
        self.span_group.idClicked.connect(lambda _: self.load())
        self.export_button = QPushButton("Export")
        menu = QMenu(self.export_button)
        for text, kind in (("Readings as CSV…", "csv"), ("Plots as PNG…", "png"), ("Plots as SVG…", "svg")):
            action = QAction(text, menu)
            action.triggered.connect(lambda _=False, kind=kind: self._ask_export(kind))
            menu.addAction(action)
        self.export_button.setMenu(menu)
        top.addWidget(self.export_button)
        self.latest = QLabel(objectName="latestValues")
        self.latest.setTextFormat(Qt.TextFormat.RichText)
        self.status = QLabel(objectName="hint")
        self.alerts = QLabel(objectName="message")
        self.alerts.setProperty("kind", "error")
        self.alerts.setWordWrap(True)
        self.alerts.hide()
        self.graphs = HivePlots(prefs.theme)
        self.graphs.label_axes(prefs.units)

        self.detail = QWidget()
        detail = QVBoxLayout(self.detail)
        detail.addLayout(top)
        detail.addWidget(self.latest)
        detail.addWidget(self.status)
        detail.addWidget(self.alerts)
        detail.addWidget(self.graphs, 1)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.overview)
        self.stack.addWidget(self.detail)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.stack)

        self.view: HiveView | None = None
        self.rules: AlertRules | None = None
        """The thresholds :attr:`hive_alerts` were found with."""
        self.hive_alerts: list[HiveAlert] = []
        self._alerts_asked = self._alerts_shown = 0
        """Alert evaluations run on two worker threads and may finish out of order: each is
        numbered, and an answer older than the one shown is dropped."""
        self.hive_id: int | None = None
        self._live = QTimer(self, singleShot=True, interval=LIVE_DELAY_MS)
        self._live.timeout.connect(self._fetch_new)
        self._request: tuple | None = None
        self.shown_request: tuple | None = None
        self.setup_dialog: apiary_dialogs.SetupDialog | None = None
        self.form: QDialog | None = None

        self.watch.changed.connect(self._cards_changed)
        self.watch.alert_count_changed.connect(self.alert_count_changed)
        self.watch.alerts_started.connect(lambda found: self.notifier.notify(found, self.prefs.units))
        self.notifier.hive_clicked.connect(self._notification_clicked)
        self.overview.hive_chosen.connect(self.show_hive)
        self.overview.setup_asked.connect(self.open_setup)
        self.overview.notify.setChecked(self.notifier.enabled)
        self.overview.notify.toggled.connect(self.notifier.set_enabled)
        self.overview.notify.setToolTip(
            "Tell this desktop when a hive alert starts while kegdash runs" if self.notifier.available()
            else "This desktop has no system tray, so kegdash cannot show notifications here")
        bridge.event.connect(self.on_event)
        prefs.changed.connect(self._on_prefs)
        self._draw()
        self.reload_hives()

    def reload_hives(self) -> None:
        """Read every hive again (after the database changed under the window, or a setup)."""
        self.watch.refresh()

    # --- overview and detail ---------------------------------------------------------------------

    def show_overview(self) -> None:
        self.stack.setCurrentWidget(self.overview)

    def show_hive(self, hive_id: int) -> None:
        """The plots of one hive (from a card, or a notification)."""
        self.stack.setCurrentWidget(self.detail)
        index = self.hive.findData(hive_id)
        if index >= 0 and index != self.hive.currentIndex():
            self.hive.setCurrentIndex(index)  # loads
        elif self.shown_request is None or self.shown_request[0] != hive_id:
            self.load()

    def _cards_changed(self) -> None:
        cards = self.watch.cards
        self.overview.show_cards(cards, self.watch.counts)
        before = self.hive.currentData()
        self.hive.set_cards(cards, self.prefs.units)
        self._show_latest()
        if self.hive.currentData() != before and self.stack.currentWidget() is self.detail:
            self.load()

    def _show_latest(self) -> None:
        """The newest value of each series above the plots, in the plots' colours."""
        card = self.watch.card(self.hive.currentData()) if self.hive.currentData() is not None else None
        if card is None:
            self.latest.setText("")
            return
        self.latest.setText(latest_strip(card.latest, self.prefs.units, self.graphs))

    def _notification_clicked(self, hive_id: int) -> None:
        self.attention_requested.emit()
        window = self.window()
        if window.isMinimized():
            window.showNormal()
        window.raise_()
        window.activateWindow()
        self.show_hive(hive_id)

    # --- setting up ----------------------------------------------------------------------------------

    def open_setup(self, focus: str = "") -> None:
        """The setup dialog, or straight to the form an empty page asks for ("apiary", "hive")."""
        if focus in ("apiary", "hive"):
            self.runner.submit(apiary_dialogs.load_setup, lambda data: self._open_form(focus, data))
            return
        self.setup_dialog = apiary_dialogs.SetupDialog(self.runner, self, focus)
        self.setup_dialog.changed.connect(self.reload_hives)
        self.setup_dialog.open()

    def _open_form(self, kind: str, data: apiary_dialogs.SetupData) -> None:
        form_type = apiary_dialogs.ApiaryDialog if kind == "apiary" else apiary_dialogs.HiveDialog
        self.form = form_type(self.runner, data, parent=self)
        self.form.accepted.connect(self.reload_hives)
        self.form.open()

    # --- the plots ---------------------------------------------------------------------------------

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
        self._show_latest()
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
            self.graphs.show_span(max(request[1], min(firsts)), request[2])
        detail = "raw readings" if not series.bucket_s else f"averages over {fmt.duration(series.bucket_s)}"
        self.status.setText(f"{self.hive.currentText()}: {points} points ({detail})")

    def _set_alerts(self, request: tuple | None, asked: int, rules: AlertRules,
                    alerts: list[HiveAlert]) -> None:
        if request != self._request:
            return
        self._take_alerts(asked, rules, alerts)
        self._draw()

    def _draw(self) -> None:
        """The brood band at the thresholds in force now, the (unit-converted) series, and the
        alerts as markers, shading and text."""
        self.graphs.show_band(AlertRules.current())
        if self.view is None:
            return
        self.graphs.draw(self.view, self.hive_alerts)
        text = words.summary(self.hive_alerts, self.rules, self.prefs.units, len(self.sensors) > 1)
        self.alerts.setText(text)
        self.alerts.setVisible(bool(text))

    def _on_prefs(self, key: str) -> None:
        if key == "units":
            self.graphs.label_axes(self.prefs.units)
            self.overview.set_units(self.prefs.units)
            self.hive.set_cards(self.watch.cards, self.prefs.units)
            self._show_latest()
            self._draw()
        elif key == "theme":
            self.graphs.apply_theme(self.prefs.theme)
            self.overview.apply_theme(self.prefs.theme)
            self.hive.theme = self.prefs.theme
            self._show_latest()

    # --- export ------------------------------------------------------------------------------------

    def _ask_export(self, kind: str) -> None:
        if self.hive.currentData() is None:
            return
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        suggested = str(Path(folder) / _file_name(self.hive.currentText(), kind))
        filters = {"csv": "CSV files (*.csv)", "png": "PNG images (*.png)", "svg": "SVG drawings (*.svg)"}
        path, _ = QFileDialog.getSaveFileName(self, "Export", suggested, filters[kind])
        if not path:
            return
        if kind == "csv":
            self.export_csv(path)
        else:
            self.export_plots(path)

    def export_csv(self, path: str) -> None:
        """The chosen hive's readings of the chosen span, written on a worker."""
        card = self.watch.card(self.hive.currentData())
        if card is None or self.shown_request is None:
            return
        _, start, end, _ = self.shown_request
        self.status.setText("Exporting…")
        self.runner.submit(lambda: export_hive_csv(path, card.hive.uuid, start, end),
                           lambda rows: self.status.setText(f"Saved {rows} readings to {path}"),
                           lambda error: self.status.setText(f"Could not export the readings: {error}"))

    def export_plots(self, path: str) -> None:
        """The plots as shown, as PNG or SVG (by the file's suffix)."""
        try:
            self.graphs.export_image(path)
        except OSError as error:
            self.status.setText(f"Could not save the plots: {error}")
            return
        self.status.setText(f"Saved the plots to {path}")

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
        with the alerts found on all of them, and keep the newest in view."""
        if request != self._request or self.view is None:
            return
        before = self.view.series.last_ts
        self.view = self.view.extended(new)
        self._take_alerts(asked, rules, alerts)
        self._draw()
        self.graphs.follow(before, self.view.series.last_ts)

    def shutdown(self) -> None:
        self._live.stop()
        self.watch.stop()
        self.runner.shutdown()


def latest_strip(latest: HiveLatest, units: str, graphs: HivePlots, now: float | None = None) -> str:
    """"■ Brood 34.9 °C  ■ Humidity 58 %  ■ Weight 41.20 kg  Battery 87 %  · 2 min ago" as rich
    text, each square in its plot's colour."""
    texts, newest = value_texts(latest, units, now)
    names = {"temperature": "Brood", "humidity": "Humidity", "weight": "Weight", "battery": "Battery"}
    parts = []
    for field, text in texts.items():
        square = f"<span style='color:{graphs.colour(field)}'>■</span> " if field != "battery" else ""
        parts.append(f"{square}{names[field]} <b>{text}</b>")
    when = "no readings yet" if newest is None else words.age(newest, now)
    return "&nbsp;&nbsp;&nbsp;".join(parts) + f"&nbsp;&nbsp;·&nbsp;&nbsp;{when}"
