import csv
import threading
import time

import numpy as np
import pytest

from kegdash.accounts.users import create_user
from kegdash.apiary import series
from kegdash.apiary.models import Reading
from kegdash.apiary.readings import store_reading
from kegdash.apiary.registry import add_apiary, add_device, add_hive
from kegdash.db import database as db
from kegdash.site_settings import set_setting
from kegdash.ui.hives_page import SPANS

STEP = 15 * 60


@pytest.fixture
def hive(database):
    """A hive with a month of 15-minute readings ending now, a swarm-like drop 3 days ago."""
    owner = create_user("beeman")
    apiary = add_apiary("Ridge", owner)
    hive = add_hive(apiary.uuid, "Hive 1")
    device = add_device(hive.uuid, "aa:bb:01")
    end = int(time.time()) // STEP * STEP
    start = end - 30 * 86400
    rows = []
    for n, ts in enumerate(range(start, end + 1, STEP)):
        drop = 2.5 if ts >= end - 3 * 86400 else 0.0
        rows.append({"device": device.id, "ts": ts, "temperature": 34.0 + (n % 8) * 0.25,
                     "humidity": 55.0 + n % 5, "weight": 40.0 + n * 0.001 - drop})
    with db.atomic():
        for offset in range(0, len(rows), 500):
            Reading.insert_many(rows[offset:offset + 500]).execute()
    return {"owner": owner, "hive": hive, "device": device, "start": start, "end": end, "rows": rows}


def loaded(page):
    return page.shown_request is not None and page.shown_request == page._request


def open_hive(qtbot, page, hive_id):
    """Read the hives again (the window was built before them), wait for the overview's cards,
    then open the hive's plots as a click on its card does."""
    page.reload_hives()
    qtbot.waitUntil(lambda: page.hive.findData(hive_id) >= 0, timeout=5000)
    page.show_hive(hive_id)
    qtbot.waitUntil(lambda: loaded(page), timeout=5000)


def choose_span(qtbot, page, label):
    page.span_group.button([name for name, _ in SPANS].index(label)).click()
    qtbot.waitUntil(lambda: loaded(page), timeout=5000)


def test_hive_plots_show_the_readings_and_the_down_sampled_series(qtbot, window, hive):
    page = window.hives_page
    window.nav.setCurrentRow(2)
    open_hive(qtbot, page, hive["hive"].id)
    assert page.hive.currentData() == hive["hive"].id and page.stack.currentWidget() is page.detail

    choose_span(qtbot, page, "Day")
    day = [r for r in hive["rows"] if r["ts"] >= page._request[1]]
    curve = page.graphs.curves["temperature"]
    finite = np.isfinite(curve.yData)
    assert list(curve.xData[finite]) == [r["ts"] for r in day]
    assert list(curve.yData[finite]) == pytest.approx([r["temperature"] for r in day])
    assert list(page.graphs.curves["weight"].yData[np.isfinite(page.graphs.curves["weight"].yData)]) == \
        pytest.approx([r["weight"] for r in day])

    choose_span(qtbot, page, "Month")
    _, start, end, _ = page._request
    bucket = series.bucket_seconds(start, end + 1)
    assert bucket == 1800 and page.series.bucket_s == 1800
    expected = series.hive_series(hive["hive"].id, "humidity", start, end + 1, bucket=bucket)
    curve = page.graphs.curves["humidity"]
    finite = np.isfinite(curve.yData)
    assert list(curve.xData[finite]) == [p.ts + bucket / 2 for p in expected]
    assert list(curve.yData[finite]) == pytest.approx([p.avg for p in expected])
    assert len(page.graphs.swarm_marks.data) == 1
    assert "possible swarm" in page.alerts.text()
    low, high = page.graphs.brood_band.getRegion()
    assert (low, high) == (32.0, 36.0)


def test_new_readings_are_appended_live(qtbot, window, hive):
    page = window.hives_page
    open_hive(qtbot, page, hive["hive"].id)
    before = len(page.graphs.curves["temperature"].xData)
    ts = int(time.time()) + 5
    clean = {"device_id": "aa:bb:01", "timestamp": ts, "temperature": 30.5, "humidity": 61.0, "weight": 39.0}
    thread = threading.Thread(target=store_reading, args=(hive["owner"], clean))
    thread.start()
    thread.join(10)
    qtbot.waitUntil(lambda: len(page.graphs.curves["temperature"].xData) == before + 1, timeout=5000)
    curve = page.graphs.curves["temperature"]
    assert curve.xData[-1] == ts and curve.yData[-1] == 30.5
    # One reading is a sudden cold spike, not yet a brood out of its band for an hour (sustained).
    qtbot.waitUntil(lambda: "1 sudden brood temperature change of 3 °C or more" in page.alerts.text(),
                    timeout=5000)
    assert "brood at" not in page.alerts.text()
    marks = page.graphs.spike_marks.data
    assert list(marks["x"]) == [ts] and list(marks["y"]) == [30.5]
    set_setting("hive_brood_sustained_minutes", 0)  # one reading out of the band is enough
    qtbot.waitUntil(lambda: "brood at 30.5 °C" in page.alerts.text(), timeout=5000)


def test_units_convert_the_plots(qtbot, window, hive):
    page = window.hives_page
    open_hive(qtbot, page, hive["hive"].id)
    window.prefs.set_units("us")
    temps = page.graphs.curves["temperature"].yData
    assert np.nanmax(temps) > 90 and page.graphs.plots["weight"].getAxis("left").labelUnits == "lb"
    assert page.graphs.brood_band.getRegion()[0] == pytest.approx(89.6)


def test_inside_and_outside_sensors_get_a_curve_each(qtbot, window, hive):
    outside = add_device(hive["hive"].uuid, "aa:bb:99", name="Outside")
    rows = [{"device": outside.id, "ts": r["ts"], "temperature": 12.0, "battery": 90.0}
            for r in hive["rows"][-200:]]
    with db.atomic():
        Reading.insert_many(rows).execute()
    page = window.hives_page
    open_hive(qtbot, page, hive["hive"].id)
    choose_span(qtbot, page, "Week")
    assert [c.name() for c in page.graphs.sensor_curves] == ["Outside", "aa:bb:01"]
    assert not page.graphs.curves["temperature"].isVisible() and page.graphs.legend.isVisible()
    outside_curve = page.graphs.sensor_curves[0]
    assert set(outside_curve.yData[np.isfinite(outside_curve.yData)]) == {12.0}
    assert "brood at 12" not in page.alerts.text()  # the outside sensor is not the brood nest
    assert not page.graphs.battery_lines and "battery" not in page.alerts.text()


def test_low_battery_and_silence_are_marked(qtbot, window, hive):
    old = hive["end"] - 3 * 3600
    Reading.delete().where(Reading.ts > old).execute()
    Reading.update(battery=50.0).execute()
    Reading.update(battery=15.0).where(Reading.ts >= old - 6 * STEP).execute()
    page = window.hives_page
    open_hive(qtbot, page, hive["hive"].id)
    choose_span(qtbot, page, "Day")
    assert "battery low: aa:bb:01 at 15 %" in page.alerts.text()
    (line,) = page.graphs.battery_lines
    assert line.value() == old - 6 * STEP
    assert "no data for 3 h" in page.alerts.text()
    for field in ("temperature", "humidity", "weight"):  # silence is shaded on every plot
        ((kind, region),) = page.graphs.shaded[field]
        assert kind == "silent" and region.isVisible() and region.getRegion()[0] == pytest.approx(old)


def test_thresholds_set_on_the_settings_page_apply_to_the_hives_page_at_once(qtbot, window, hive):
    page, settings = window.hives_page, window.settings_page
    open_hive(qtbot, page, hive["hive"].id)
    choose_span(qtbot, page, "Month")
    assert len(page.graphs.swarm_marks.data) == 1
    assert "1 sudden weight drop of 1 kg or more within 30 min — possible swarm" in page.alerts.text()

    qtbot.waitUntil(lambda: bool(settings.stored))
    settings.swarm_drop.setValue(3.0)  # the 2.5 kg drop is scale noise for this beekeeper
    settings.apply()
    marks = page.graphs.swarm_marks
    qtbot.waitUntil(lambda: len(marks.data) == 0 and "possible swarm" not in page.alerts.text())
    settings.swarm_drop.setValue(2.4)  # found on the raw readings: half-hour averages split the drop
    settings.apply()
    qtbot.waitUntil(lambda: len(marks.data) == 1 and "of 2.4 kg or more" in page.alerts.text())

    assert "brood" not in page.alerts.text()
    settings.brood_max.setValue(33.0)  # every reading is 34-35.75 °C
    settings.apply()
    qtbot.waitUntil(lambda: page.graphs.brood_band.getRegion() == (32.0, 33.0))
    qtbot.waitUntil(lambda: "outside 32–33 °C" in page.alerts.text())
    settings.brood_min.setValue(33.0)  # refused: the band would be empty
    settings.apply()
    assert settings.message.property("kind") == "error" and page.graphs.brood_band.getRegion() == (32.0, 33.0)
    settings.revert()

    window.prefs.set_units("us")
    assert page.graphs.brood_band.getRegion() == pytest.approx((89.6, 91.4))
    assert "outside 89.6–91.4 °F" in page.alerts.text() and "of 5.29 lb or more" in page.alerts.text()
    settings.brood_max.setValue(100.4)  # 38 °C
    settings.apply()
    qtbot.waitUntil(lambda: page.graphs.brood_band.getRegion() == pytest.approx((89.6, 100.4)))
    qtbot.waitUntil(lambda: "brood" not in page.alerts.text())


def test_silence_and_battery_thresholds_follow_the_settings(qtbot, window, hive):
    old = hive["end"] - 3 * 3600
    Reading.delete().where(Reading.ts > old).execute()
    Reading.update(battery=50.0).execute()
    Reading.update(battery=15.0).where(Reading.ts >= old - 6 * STEP).execute()
    page, settings = window.hives_page, window.settings_page
    open_hive(qtbot, page, hive["hive"].id)
    choose_span(qtbot, page, "Day")
    assert "no data for 3 h" in page.alerts.text() and page.graphs.shaded["humidity"]

    qtbot.waitUntil(lambda: bool(settings.stored))
    settings.silent_hours.setValue(4)
    settings.apply()
    qtbot.waitUntil(lambda: "no data" not in page.alerts.text() and not page.graphs.shaded["humidity"])

    settings.battery_low.setValue(10)
    settings.apply()
    qtbot.waitUntil(lambda: "battery low" not in page.alerts.text())
    qtbot.waitUntil(lambda: loaded(page) and not page.graphs.battery_lines, timeout=5000)
    settings.battery_low.setValue(60)  # 50 % counts as low now: low since the first reading
    settings.apply()
    qtbot.waitUntil(lambda: loaded(page) and len(page.graphs.battery_lines) == 1, timeout=5000)
    assert page.graphs.battery_lines[0].value() == hive["start"]
    assert "battery low: aa:bb:01 at 15 %" in page.alerts.text()


def test_the_shown_span_exports_as_csv_and_the_plots_as_png(qtbot, window, hive, tmp_path):
    page = window.hives_page
    open_hive(qtbot, page, hive["hive"].id)
    choose_span(qtbot, page, "Day")
    start = page.shown_request[1]
    page.export_csv(str(tmp_path / "hive.csv"))
    qtbot.waitUntil(lambda: page.status.text().startswith("Saved"), timeout=5000)
    with open(tmp_path / "hive.csv", newline="") as exported:
        rows = list(csv.DictReader(exported))
    day = [r for r in hive["rows"] if r["ts"] >= start]
    assert page.status.text() == f"Saved {len(day)} readings to {tmp_path / 'hive.csv'}"
    assert [int(r["timestamp"]) for r in rows] == [r["ts"] for r in day]
    assert {r["device_id"] for r in rows} == {"AA:BB:01"} and rows[0]["weight_kg"] == f"{day[0]['weight']:g}"

    page.export_plots(str(tmp_path / "hive.png"))
    assert (tmp_path / "hive.png").read_bytes().startswith(b"\x89PNG")
    page.export_plots(str(tmp_path / "missing" / "hive.png"))
    assert page.status.text().startswith("Could not save the plots")
