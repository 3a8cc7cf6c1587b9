"""The hive plots as a reader meets them: hover readout, date labels, aligned edges, colours,
shaded alerts, a view that follows live readings, and PNG/SVG export."""

from __future__ import annotations

import datetime as dt
import time
from xml.etree import ElementTree

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPointF
from PySide6.QtWidgets import QApplication

from kegdash.accounts.users import create_user
from kegdash.apiary import views
from kegdash.apiary.alerts import hive_alerts
from kegdash.apiary.models import Reading
from kegdash.apiary.registry import add_apiary, add_device, add_hive
from kegdash.db import database as db
from kegdash.ui.hive_plots import OKABE_ITO, RIGHT_MARGIN, HivePlots

STEP = 600
DAY = 86400


@pytest.fixture
def hive(database):
    """Two days of 10-minute readings ending now, a three-hour outage in the middle of the first
    day, and a 2 kg swarm five hours ago."""
    hive = add_hive(add_apiary("Ridge", create_user("beeman")).uuid, "Hive 1")
    device = add_device(hive.uuid, "aa:bb:01")
    end = int(time.time()) // STEP * STEP
    start = end - 2 * DAY
    outage = (start + 10 * 3600, start + 13 * 3600)
    rows = [(device.id, ts, 34.0 + (ts // STEP % 4) * 0.5, 55.0, 40.0 - (2.0 if ts >= end - 5 * 3600 else 0))
            for ts in range(start, end + 1, STEP) if not outage[0] < ts < outage[1]]
    with db.atomic():
        Reading.insert_many(rows, fields=(Reading.device, Reading.ts, Reading.temperature, Reading.humidity,
                                          Reading.weight)).execute()
    return {"id": hive.id, "start": start, "end": end, "outage": outage, "rows": {r[1]: r for r in rows}}


@pytest.fixture
def plots(qtbot, hive):
    plots = HivePlots("light")
    qtbot.addWidget(plots)
    plots.label_axes("metric")
    plots.resize(1000, 700)
    start, end = hive["start"], hive["end"]
    plots.draw(views.hive_view(hive["id"], start, end), hive_alerts(hive["id"], start))
    plots.show_span(hive["start"], hive["end"])
    plots.show()
    qtbot.waitExposed(plots)
    return plots


def widget_pos(plots: HivePlots, field: str, ts: float):
    plot = plots.plots[field]
    y = sum(plot.viewRange()[1]) / 2
    return plots.mapFromScene(plot.vb.mapViewToScene(QPointF(ts, y)))


def test_hovering_shows_the_time_and_each_series_value(qtbot, plots, hive):
    ts = hive["start"] + 6 * 3600
    _, _, temperature, humidity, weight = hive["rows"][ts]
    qtbot.mouseMove(plots.viewport(), widget_pos(plots, "humidity", ts + 60))  # a minute off a reading
    qtbot.waitUntil(plots.readout.isVisible)
    text = plots.readout.text()
    local = dt.datetime.fromtimestamp(ts + 60)
    assert f"{local:%a} {local.day} {local:%b %Y}" in text
    assert f"Temperature: <b>{temperature:.1f} °C</b>" in text and "Humidity: <b>55 %</b>" in text
    assert f"Weight: <b>{weight:.2f} kg</b>" in text
    assert all(line.isVisible() for line in plots.crosshairs.values())
    assert plots.crosshairs["weight"].value() == pytest.approx(ts + 60, abs=STEP / 10)
    x = plots.view.series.x["temperature"]  # 5-minute buckets: the reading is at its bucket's centre
    assert list(plots.hover_dots["temperature"].data["x"]) == [x[np.argmin(abs(x - ts))]] == [ts + 150]

    middle = sum(hive["outage"]) / 2  # nothing was measured here
    qtbot.mouseMove(plots.viewport(), widget_pos(plots, "temperature", middle))
    qtbot.waitUntil(lambda: "Temperature: <b>—</b>" in plots.readout.text())
    assert not plots.hover_dots["temperature"].isVisible()

    QApplication.sendEvent(plots.viewport(), QEvent(QEvent.Type.Leave))
    assert not plots.readout.isVisible() and not plots.crosshairs["humidity"].isVisible()


def test_the_date_axis_names_months_and_years(plots):
    axis = plots.plots["weight"].getAxis("bottom")

    def labels(first: dt.datetime, last: dt.datetime, pixels: int = 900) -> list[str]:
        found = []
        for spacing, values in axis.tickValues(first.timestamp(), last.timestamp(), pixels):
            found += axis.tickStrings(values, 1.0, spacing)
        return found

    week = labels(dt.datetime(2026, 11, 27, 12), dt.datetime(2026, 12, 4, 12))
    assert "Dec 2026" in week and "28 Nov" in week and "2 Dec" in week
    season = labels(dt.datetime(2026, 6, 10), dt.datetime(2027, 2, 10))
    assert season[:3] == ["2027", "Jul 2026", "Aug"] and "Jan 2027" not in season  # the year tick says it
    day = labels(dt.datetime(2026, 11, 27, 12), dt.datetime(2026, 11, 28, 12))
    assert "Sat 28 Nov" in day and "18:00" in day


def test_plots_line_up_without_autorange_buttons_in_distinct_colours(plots):
    lefts = {round(plot.vb.sceneBoundingRect().left()) for plot in plots.plots.values()}
    assert len(lefts) == 1
    assert all(plot.buttonsHidden and not plot.autoBtn.isVisible() for plot in plots.plots.values())
    fields = ("temperature", "humidity", "weight")
    colours = [plots.curves[f].opts["pen"].color().name().upper() for f in fields]
    assert len(set(colours)) == 3 and set(colours) <= set(OKABE_ITO.values())
    dates = [plots.plots[f].getAxis("bottom").style["showValues"] for f in fields]
    assert dates == [False, False, True]  # once, under the bottom plot


def test_alert_periods_are_shaded(plots, hive):
    (silent,) = [region for kind, region in plots.shaded["humidity"] if kind == "silent"]
    assert silent.getRegion() == hive["outage"]  # from the last reading before to the first after
    kinds = {field: [kind for kind, _ in plots.shaded[field]] for field in plots.shaded}
    assert kinds == {"temperature": ["silent"], "humidity": ["silent"], "weight": ["silent", "swarm"]}
    assert len(plots.swarm_marks.data) == 1


def test_the_view_keeps_room_for_live_readings_and_follows_them(plots, hive):
    left, right = plots.plots["temperature"].viewRange()[0]
    span = hive["end"] - hive["start"]
    assert (left, right) == pytest.approx((hive["start"], hive["end"] + span * RIGHT_MARGIN))
    plots.follow(hive["end"], hive["end"] + 3 * span * RIGHT_MARGIN)  # past the room kept
    left2, right2 = plots.plots["temperature"].viewRange()[0]
    assert right2 == pytest.approx(hive["end"] + 3 * span * RIGHT_MARGIN + (right2 - left2) * RIGHT_MARGIN)
    assert right2 - left2 == pytest.approx(right - left)

    back = [hive["start"], hive["start"] + DAY // 2]
    plots.plots["temperature"].setXRange(*back, padding=0)  # the beekeeper looks back
    plots.follow(hive["end"] + 3 * span * RIGHT_MARGIN, hive["end"] + 4 * span * RIGHT_MARGIN)
    assert plots.plots["temperature"].viewRange()[0] == pytest.approx(back)


def test_export_png_and_svg(plots, tmp_path):
    plots.export_image(tmp_path / "hive.png")
    png = (tmp_path / "hive.png").read_bytes()
    assert png.startswith(b"\x89PNG")
    width = int.from_bytes(png[16:20], "big")
    assert width == int(plots.ci.boundingRect().width() * 2)
    plots.export_image(tmp_path / "hive.svg")
    svg = (tmp_path / "hive.svg").read_text()
    root = ElementTree.fromstring(svg)  # well-formed
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert {"Temperature (°C)", "Humidity (%)", "Weight (kg)"} <= set(texts)
    curves = [p for p in root.iter("{http://www.w3.org/2000/svg}path") if p.get("stroke") != "none"]
    assert {p.get("stroke").upper() for p in curves} >= {OKABE_ITO["vermillion"], OKABE_ITO["blue"],
                                                        OKABE_ITO["green"]}
    weight = next(p for p in curves if p.get("stroke").upper() == OKABE_ITO["green"])
    xs = [float(part.lstrip("ML")) for part in weight.get("d").split()[::2]]
    assert len(set(xs)) == len(xs) and xs == sorted(xs)  # a reading a step: no 1000-second stairs
    assert len(list(root.iter("{http://www.w3.org/2000/svg}clipPath"))) == 3
