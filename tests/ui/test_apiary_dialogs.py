"""Setting an apiary up from the window: the setup tree, the forms, their refusals."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from kegdash.accounts.users import create_user
from kegdash.apiary.models import Apiary, Device, Hive
from kegdash.apiary.readings import store_reading
from kegdash.apiary.registry import add_apiary, add_device, add_hive
from kegdash.ui import apiary_dialogs
from kegdash.ui.apiary_dialogs import ApiaryDialog, HiveDialog, SensorDialog, SetupDialog
from kegdash.ui.tasks import TaskRunner

T0 = 1_704_067_200


@pytest.fixture
def runner(qtbot, database):
    runner = TaskRunner()
    yield runner
    runner.shutdown()


@pytest.fixture
def ridge(database):
    """beeman's Ridge with Hive 1 and a sensor; a sensor of his that reported but is in no hive;
    another beekeeper's apiary and hive."""
    owner = create_user("beeman")
    ridge = add_apiary("Ridge", owner, zipcode="02118", country_code="us")
    hive = add_hive(ridge.uuid, "Hive 1")
    add_device(hive.uuid, "aa:bb:01", name="Brood")
    waiting = store_reading(owner, {"device_id": "56-12-a7", "timestamp": T0, "weight": 41.0})
    theirs = add_hive(add_apiary("Theirs", create_user("other")).uuid, "Their hive")
    return {"apiary": ridge, "hive": hive, "waiting": waiting, "theirs": theirs}


def setup_dialog(qtbot, runner, focus="") -> SetupDialog:
    dialog = SetupDialog(runner, focus=focus)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.data is not None)
    return dialog


def ok(qtbot, form) -> None:
    with qtbot.waitSignal(form.accepted):
        form.buttons.button(apiary_dialogs.OkButton).click()


def test_a_sensor_that_reported_is_put_in_a_hive(qtbot, runner, ridge):
    dialog = setup_dialog(qtbot, runner, focus="assign")
    waiting = dialog.tree.topLevelItem(0)
    assert waiting.text(0) == "Sensors in no hive"
    assert waiting.text(1) == "1 waiting: select one and put it in a hive"
    assert dialog.tree.currentItem() is waiting.child(0) and waiting.child(0).text(0) == "56:12:A7"
    assert dialog.edit_button.text() == "Put in a hive…"
    dialog.edit_button.click()
    form = dialog.open_form
    assert isinstance(form, SensorDialog) and form.windowTitle() == "Put the sensor in a hive"
    # Only beeman's hives: the sensor's readings are filed under him.
    assert [form.hive.itemText(i) for i in range(form.hive.count())] == ["In no hive", "Ridge / Hive 1"]
    assert form.hive.currentText() == "Ridge / Hive 1"
    form.name.setText("Scale")
    with qtbot.waitSignal(dialog.changed):
        ok(qtbot, form)
    device = Device.get(Device.uuid == ridge["waiting"].device_uuid)
    assert (device.hive_id, device.name) == (ridge["hive"].id, "Scale")
    qtbot.waitUntil(lambda: dialog.data is not None and not dialog.data.setups.unassigned)
    (apiary_item,) = [dialog.tree.topLevelItem(i) for i in range(dialog.tree.topLevelItemCount())
                      if dialog.tree.topLevelItem(i).text(0) == "Ridge"]
    hive_item = apiary_item.child(0)
    assert [hive_item.child(i).text(0) for i in range(hive_item.childCount())] == ["Brood", "Scale"]
    assert dialog.tree.currentItem().text(0) == "Scale"  # the selection follows the sensor


def test_apiaries_are_added_and_edited_and_refusals_stay_in_the_form(qtbot, runner, ridge):
    dialog = setup_dialog(qtbot, runner)
    dialog.add_apiary.click()
    form = dialog.open_form
    assert isinstance(form, ApiaryDialog) and form.owner.currentText() == "beeman"  # no "admin": the first
    form.buttons.button(apiary_dialogs.OkButton).click()
    qtbot.waitUntil(form.error.isVisible)
    assert form.error.text() == "An apiary needs a name." and form.isVisible()
    form.name.setText("Acres")
    form.latitude.setText("north")
    form.buttons.button(apiary_dialogs.OkButton).click()
    assert form.error.text().startswith("Latitude and longitude are numbers") and form.isVisible()
    form.latitude.setText("42.5")
    form.longitude.setText("-181")
    form.buttons.button(apiary_dialogs.OkButton).click()
    qtbot.waitUntil(lambda: form.error.text() == "Longitude must be between -180 and 180, not -181.0.")
    form.longitude.setText("-71.25")
    form.owner.setCurrentText("other")
    ok(qtbot, form)
    acres = Apiary.get(Apiary.name == "Acres")
    assert (acres.latitude, acres.longitude, acres.owner.username, acres.country_code) == (
        42.5, -71.25, "other", form.country.currentData())

    qtbot.waitUntil(lambda: any(a.name == "Acres" for a in dialog.data.setups.apiaries))
    ridge_item = next(item for item in dialog._items() if item.text(0) == "Ridge")
    assert ridge_item.text(1) == "02118, US · beeman"
    dialog.tree.setCurrentItem(ridge_item)
    dialog.edit()
    form = dialog.open_form
    assert (form.name.text(), form.zipcode.text(), form.country.currentData()) == ("Ridge", "02118", "us")
    form.country.setCurrentIndex(form.country.findData("de"))
    form.public.setChecked(True)
    ok(qtbot, form)
    row = Apiary.get_by_id(ridge["apiary"].id)
    assert (row.name, row.zipcode, row.country_code, row.is_read_public) == ("Ridge", "02118", "de", True)


def test_hives_and_sensors_are_added_where_the_selection_is(qtbot, runner, ridge):
    dialog = setup_dialog(qtbot, runner)
    hive_item = next(item for item in dialog._items() if item.text(0) == "Hive 1")
    dialog.tree.setCurrentItem(hive_item.child(0))  # a sensor of Hive 1
    dialog.add_hive.click()
    form = dialog.open_form
    assert isinstance(form, HiveDialog) and form.apiary.currentText() == "Ridge"
    assert form.name.text() == "Hive 2"  # Ridge's second
    form.name.setText("Swarm box")
    ok(qtbot, form)
    assert Hive.get(Hive.name == "Swarm box").apiary_id == ridge["apiary"].id

    qtbot.waitUntil(lambda: any(h.name == "Swarm box" for a in dialog.data.setups.apiaries for h in a.hives))
    dialog.tree.setCurrentItem(next(item for item in dialog._items() if item.text(0) == "Swarm box"))
    dialog.add_sensor.click()
    form = dialog.open_form
    assert form.hive.currentText() == "Ridge / Swarm box"
    form.api_id.setText("aa:bb:01")  # Hive 1's sensor: beeman has it already
    form.buttons.button(apiary_dialogs.OkButton).click()
    qtbot.waitUntil(form.error.isVisible)
    assert form.error.text() == "Device 'aa:bb:01' is already registered to this owner."
    form.api_id.setText("aa-bb-02")
    form.vendor.setText("BroodMinder")
    ok(qtbot, form)
    device = Device.get(Device.api_id == "AA:BB:02")
    assert (device.hive.name, device.vendor, device.name) == ("Swarm box", "BroodMinder", "aa-bb-02")

    qtbot.waitUntil(lambda: any(item.text(0) == "aa-bb-02" for item in dialog._items()))
    sensor_item = next(item for item in dialog._items() if item.text(0) == "aa-bb-02")
    dialog.tree.setCurrentItem(sensor_item)
    assert dialog.edit_button.text() == "Edit…"
    dialog.tree.itemDoubleClicked.emit(sensor_item, 0)
    form = dialog.open_form
    assert form.windowTitle() == "Edit the sensor" and form.hive.currentText() == "Ridge / Swarm box"
    form.hive.setCurrentIndex(form.hive.findText("In no hive"))
    ok(qtbot, form)
    assert Device.get_by_id(device.id).hive_id is None


def test_a_beekeeper_without_hives_is_told_so(qtbot, runner, ridge):
    other = Device.create(owner=Hive.get_by_id(ridge["theirs"].id).apiary.owner, api_id="ff:ff:ff", name="ff")
    Hive.delete_by_id(ridge["theirs"].id)
    dialog = setup_dialog(qtbot, runner, focus="assign")
    waiting = dialog.tree.topLevelItem(0)
    (item,) = [waiting.child(i) for i in range(waiting.childCount()) if waiting.child(i).text(0) == "ff"]
    dialog.tree.setCurrentItem(item)
    dialog.edit()
    form = dialog.open_form
    assert [form.hive.itemText(i) for i in range(form.hive.count())] == ["In no hive"]
    assert form.error.text() == "other has no hive yet: add one to an apiary of theirs first."
    assert not form.buttons.button(apiary_dialogs.OkButton).isEnabled()
    form.reject()
    assert Device.get_by_id(other.id).hive_id is None
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
