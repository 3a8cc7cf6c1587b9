"""The Hives overview, the page list's alert badge and the notification of new alerts, in the
real window on a real database."""

from __future__ import annotations

import re
import threading
import time

import pytest
from PySide6.QtCore import QRect, QSettings, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QStyleOptionViewItem

from kegdash.accounts.users import create_user
from kegdash.apiary.models import Apiary, Device, Hive, Reading
from kegdash.apiary.readings import store_reading
from kegdash.apiary.registry import add_apiary, add_device, add_hive
from kegdash.db import database as db
from kegdash.site_settings import set_setting
from kegdash.ui import apiary_dialogs, hive_notifications
from kegdash.ui.hive_picker import CHIPS_ROLE
from kegdash.ui.main_window import PAGES
from kegdash.ui.theme import PALETTES

STEP = 15 * 60
HOUR = 3600


@pytest.fixture
def apiary(database):
    """Ridge: Hive 1 swarmed three hours ago, Hive 2 is quiet, Hive 3 has no sensor yet; and a
    sensor nobody put in a hive has sent a reading."""
    owner = create_user("beeman")
    ridge = add_apiary("Ridge", owner)
    hives = [add_hive(ridge.uuid, f"Hive {n}") for n in (1, 2, 3)]
    swarmed, quiet = add_device(hives[0].uuid, "aa:bb:01"), add_device(hives[1].uuid, "aa:bb:02")
    now = int(time.time()) // STEP * STEP
    rows = []
    for ts in range(now - 2 * 86400, now + 1, STEP):
        drop = 2.5 if ts >= now - 3 * HOUR else 0.0
        rows += [(swarmed.id, ts, 35.0, 60.0, 40.0 - drop, 80.0), (quiet.id, ts, 34.5, 55.0, 30.0, 90.0)]
    fields = (Reading.device, Reading.ts, Reading.temperature, Reading.humidity, Reading.weight,
              Reading.battery)
    with db.atomic():
        for offset in range(0, len(rows), 500):
            Reading.insert_many(rows[offset:offset + 500], fields=fields).execute()
    store_reading(owner, {"device_id": "cc:dd:ee", "timestamp": now, "temperature": 20.0})
    return {"owner": owner, "hives": hives, "now": now}


def chip_colours(delegate, index) -> set[str]:
    """The colours a list item of the picker paints (its chips' among them)."""
    image = QImage(420, 30, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    option = QStyleOptionViewItem()
    option.rect = QRect(0, 0, 420, 30)
    painter = QPainter(image)
    delegate.paint(painter, option, index)
    painter.end()
    return {image.pixelColor(x, 15).name() for x in range(0, 420, 2)}


def cards_shown(qtbot, page, count):
    page.reload_hives()
    qtbot.waitUntil(lambda: len(page.overview.card_widgets) == count, timeout=5000)


def test_the_overview_comes_first_with_a_card_per_hive(qtbot, window, apiary):
    window.nav.setCurrentRow(PAGES.index("Hives"))
    page = window.hives_page
    cards_shown(qtbot, page, 3)
    assert page.stack.currentWidget() is page.overview
    first, second, third = (page.overview.card_widgets[h.id] for h in apiary["hives"])
    assert first.name.text() == "Hive 1"
    assert re.fullmatch(r"Ridge · (just now|\d+ min ago)", first.apiary.text())
    assert [first.values[f].text() for f in ("temperature", "humidity", "weight", "battery")] == [
        "35.0 °C", "60 %", "37.5 kg", "80 %"]
    (chip,) = [first.chips.itemAt(i).widget() for i in range(first.chips.count())]
    assert chip.text().startswith("Swarm? −2.5 kg · ") and chip.property("urgent") is True  # bees gone
    assert first.property("attention") is True and first.count.text() == "1"
    badge = first.grab().toImage()  # the count is a red badge, not text lost on the card
    centre = first.count.geometry().center()
    colours = {badge.pixelColor(centre.x() + dx, centre.y()).name() for dx in range(-12, 13)}
    assert PALETTES["light"]["kicked_fg"] in colours
    assert second.property("attention") is False and second.all_well.isVisibleTo(second)
    assert third.no_sensor.isVisibleTo(third) and not third.readings.isVisibleTo(third)
    assert page.overview.banner.isVisibleTo(page.overview)
    assert page.overview.unassigned.text().startswith("1 sensor is in no hive")

    # The picker lists the hives with a sensor, with a chip for the swarm.
    assert [page.hive.itemText(i) for i in range(page.hive.count())] == ["Ridge / Hive 1", "Ridge / Hive 2"]
    assert [page.hive.itemData(i, CHIPS_ROLE) for i in (0, 1)] == [[("Swarm?", True)], []]
    assert page.hive.itemData(0, Qt.ItemDataRole.ToolTipRole).startswith("Possible swarm (aa:bb:01): −2.5 kg")
    delegate, model, chip = page.hive.itemDelegate(), page.hive.model(), PALETTES["light"]["kicked_bg"]
    assert chip in chip_colours(delegate, model.index(0, 0))  # the swarm's chip
    assert chip not in chip_colours(delegate, model.index(1, 0))

    qtbot.mouseClick(second, Qt.MouseButton.LeftButton)  # one click to its plots
    qtbot.waitUntil(lambda: page.shown_request is not None and page.shown_request[0] == apiary["hives"][1].id)
    assert page.stack.currentWidget() is page.detail and page.hive.currentText() == "Ridge / Hive 2"
    assert "Brood <b>34.5 °C</b>" in page.latest.text() and "Weight <b>30.0 kg</b>" in page.latest.text()
    page.show_overview()

    qtbot.mouseClick(third, Qt.MouseButton.LeftButton)  # no sensor: to the setup, to put one in
    qtbot.waitUntil(lambda: page.setup_dialog is not None and page.setup_dialog.data is not None)
    assert page.setup_dialog.isVisible() and page.setup_dialog.edit_button.text() == "Put in a hive…"
    page.setup_dialog.reject()


def test_the_page_list_counts_alerts_and_a_new_one_is_announced(qtbot, window, apiary):
    page = window.hives_page
    hives_item = window.nav.item(PAGES.index("Hives"))
    page.reload_hives()
    qtbot.waitUntil(lambda: hives_item.text() == "Hives  ⚠ 1", timeout=5000)
    assert hives_item.toolTip() == "1 hive alert in the last day"
    started = []
    page.watch.alerts_started.connect(started.append)

    def store(ts: int, **values: float) -> None:
        reading = {"device_id": "aa:bb:02", "timestamp": ts, **values}
        thread = threading.Thread(target=store_reading, args=(apiary["owner"], reading))
        thread.start()
        thread.join(10)

    store(apiary["now"] + 60, temperature=39.5)  # a heat spike in Hive 2, while the window runs
    qtbot.waitUntil(lambda: hives_item.text() == "Hives  ⚠ 2", timeout=10_000)
    ((alert,),) = started
    assert (alert.hive_name, alert.kind) == ("Hive 2", "spike")
    title, text = page.notifier.last
    assert title == "Hive 2: temperature spike"
    assert text.startswith("Temperature spike (aa:bb:02): +5.0 °C since ")
    assert page.overview.card_widgets[apiary["hives"][1].id].count.text() == "1"

    page.overview.notify.setChecked(False)  # the beekeeper does not want them on this desktop
    assert QSettings().value(hive_notifications.SETTING, type=bool) is False
    store(apiary["now"] + 120, temperature=33.0, battery=10.0)  # the spike goes on; the battery is new
    qtbot.waitUntil(lambda: hives_item.text() == "Hives  ⚠ 3", timeout=10_000)
    assert [[a.kind for a in found] for found in started] == [["spike"], ["battery"]]
    assert page.notifier.last[0] == "Hive 2: temperature spike"  # not shown: notifications are off

    set_setting("hive_battery_low_percent", 85)  # Hive 1's 80 % is low now: found, not announced
    qtbot.waitUntil(lambda: hives_item.text() == "Hives  ⚠ 4", timeout=10_000)
    assert len(started) == 2


def test_an_empty_page_offers_an_apiary_then_a_hive(qtbot, window):
    page = window.hives_page
    overview = page.overview
    qtbot.waitUntil(lambda: overview.counts is not None)
    assert overview.empty.isVisibleTo(overview) and not overview.scroll.isVisibleTo(overview)
    assert (overview.empty_title.text(), overview.empty_action.text()) == ("No apiary yet", "Add an apiary…")

    qtbot.mouseClick(overview.empty_action, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(page.form, apiary_dialogs.ApiaryDialog) and page.form.isVisible())
    form = page.form
    form.name.setText("Linden Row")
    form.country.setCurrentIndex(form.country.findData("de"))
    form.latitude.setText("52,53")  # a comma is a decimal point too
    with qtbot.waitSignal(form.accepted):
        form.buttons.button(apiary_dialogs.OkButton).click()
    row = Apiary.get()
    assert (row.name, row.country_code, row.latitude) == ("Linden Row", "de", 52.53)
    assert row.owner.username == "admin"  # no account yet: the window's operator, created for it

    qtbot.waitUntil(lambda: overview.empty_action.text() == "Add a hive…")
    qtbot.mouseClick(overview.empty_action, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: isinstance(page.form, apiary_dialogs.HiveDialog) and page.form.isVisible())
    assert page.form.name.text() == "Hive 1"
    with qtbot.waitSignal(page.form.accepted):
        page.form.buttons.button(apiary_dialogs.OkButton).click()
    hive = Hive.get()
    qtbot.waitUntil(lambda: hive.id in overview.card_widgets)
    assert not overview.empty.isVisibleTo(overview) and overview.card_widgets[hive.id].no_sensor.isVisibleTo(
        overview.card_widgets[hive.id])
    assert not Device.select().exists()
