"""Setting an apiary up from the window: add and edit apiaries (name, location, country), hives
and sensors, and put the sensors that reported but sit in no hive into one.

Each form runs its change through the apiary's registry on the window's task runner; a refusal
(``ApiaryError``) is shown in the dialog, which stays open with the input kept. The setup
dialog lists the whole tree from ``apiary.views.apiary_setups`` and opens the forms.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kegdash.accounts import views as accounts
from kegdash.apiary import registry
from kegdash.apiary import views as apiary_views
from kegdash.apiary.registry import ApiaryError
from kegdash.apiary.views import ApiarySetup, ApiarySetups, DeviceSetup, HiveSetup
from kegdash.site_settings import get_setting
from kegdash.ui import recipe_store
from kegdash.ui.dialogs import ActionDialog
from kegdash.ui.tasks import TaskRunner

OkButton = QDialogButtonBox.StandardButton.Ok


@cache
def countries() -> list[tuple[str, str]]:
    """(name, two-letter code) of every country Qt knows, by name."""
    found = {(QLocale.territoryToString(c), QLocale.territoryToCode(c).lower()) for c in QLocale.Country}
    return sorted((name, code) for name, code in found if len(code) == 2)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")


class _RegistryDialog(ActionDialog):
    """A form whose refusals are the apiary's (ApiaryError), said as sentences."""

    def _refused(self, error: BaseException) -> None:
        if not isinstance(error, ApiaryError):
            super()._refused(error)
            return
        self.buttons.button(OkButton).setEnabled(True)
        self.error.setText(_sentence(str(error)))
        self.error.show()

    def refuse(self, text: str) -> None:
        """Refuse before asking the registry (the input is not even a number)."""
        self._refused(ApiaryError(text))


@dataclass(frozen=True, slots=True)
class SetupData:
    """What the forms offer, read on a worker."""

    setups: ApiarySetups
    owners: list[str]
    operator: str
    """The account the window acts as (site setting ``operator``): a new apiary's default owner."""

    def hives(self, owner: str | None = None) -> list[tuple[str, str]]:
        """(label, uuid) of every hive, or of one owner's."""
        return [(f"{apiary.name} / {hive.name}", hive.uuid) for apiary in self.setups.apiaries
                if owner is None or apiary.owner == owner for hive in apiary.hives]


def load_setup() -> SetupData:
    return SetupData(apiary_views.apiary_setups(), accounts.active_usernames(), get_setting("operator"))


def _degrees(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


def _number(text: str) -> float | None:
    """A coordinate as typed ("52.52" or "52,52"), None when empty; ValueError otherwise."""
    text = text.strip().replace(",", ".")
    return float(text) if text else None


class ApiaryDialog(_RegistryDialog):
    """A new apiary (``apiary`` None) or an edit of one."""

    def __init__(self, runner: TaskRunner, data: SetupData, apiary: ApiarySetup | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__("Edit the apiary" if apiary else "Add an apiary",
                         "Save" if apiary else "Add apiary", runner, parent)
        self.apiary = apiary
        self.name = QLineEdit(apiary.name if apiary else "")
        self.name.setPlaceholderText("e.g. Orchard Apiary")
        self.zipcode = QLineEdit(apiary.zipcode if apiary else "")
        self.zipcode.setPlaceholderText("optional")
        self.country = QComboBox()
        self.country.addItem("—", "")
        for name, code in countries():
            self.country.addItem(f"{name} ({code.upper()})", code)
        here = QLocale.territoryToCode(QLocale.system().territory()).lower()
        code = apiary.country_code if apiary else here
        self.country.setCurrentIndex(max(self.country.findData(code), 0))
        self.latitude = QLineEdit(_degrees(apiary.latitude if apiary else None))
        self.latitude.setPlaceholderText("optional, e.g. 52.5200")
        self.longitude = QLineEdit(_degrees(apiary.longitude if apiary else None))
        self.longitude.setPlaceholderText("optional, e.g. 13.4050")
        self.public = QCheckBox("Anyone with a Beekeeping.io licence key may read it")
        self.public.setChecked(bool(apiary and apiary.public))
        self.owner = QComboBox()
        owners = data.owners or [data.operator]
        self.owner.addItems(owners)
        self.owner.setCurrentIndex(owners.index(data.operator) if data.operator in owners else 0)
        self.owner.setToolTip("Whose licence keys and gateways file this apiary's readings")
        self.form.addRow("Name", self.name)
        self.form.addRow("Postcode", self.zipcode)
        self.form.addRow("Country", self.country)
        self.form.addRow("Latitude", self.latitude)
        self.form.addRow("Longitude", self.longitude)
        self.form.addRow("", self.public)
        if apiary is None:
            self.form.addRow("Beekeeper", self.owner)
        else:
            self.form.addRow("Beekeeper", QLabel(apiary.owner))

    def accept(self) -> None:
        try:
            self.coordinates = (_number(self.latitude.text()), _number(self.longitude.text()))
        except ValueError:
            self.refuse("latitude and longitude are numbers in degrees, such as 52.52 and 13.405")
            return
        super().accept()

    def change(self) -> Callable[[], object]:
        name, zipcode, country = self.name.text(), self.zipcode.text(), self.country.currentData()
        latitude, longitude = self.coordinates
        public = self.public.isChecked()
        fields = {"zipcode": zipcode, "country_code": country, "latitude": latitude,
                  "longitude": longitude, "public": public}
        if self.apiary is not None:
            uuid = self.apiary.uuid
            return lambda: registry.edit_apiary(uuid, name, **fields)
        owner_name = self.owner.currentText()

        def add() -> object:
            owner = accounts.by_username(owner_name) or recipe_store.operator(create=True)
            return registry.add_apiary(name, owner, **fields).uuid
        return add


class HiveDialog(_RegistryDialog):
    """A new hive in an apiary, or a hive renamed or moved to another apiary of its beekeeper."""

    def __init__(self, runner: TaskRunner, data: SetupData, hive: HiveSetup | None = None,
                 apiary_uuid: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__("Edit the hive" if hive else "Add a hive", "Save" if hive else "Add hive",
                         runner, parent)
        self.hive = hive
        apiaries = data.setups.apiaries
        if hive is not None:
            home = next(a for a in apiaries if any(h.uuid == hive.uuid for h in a.hives))
            apiary_uuid = home.uuid
            apiaries = tuple(a for a in apiaries if a.owner == home.owner)
        self.apiary = QComboBox()
        for apiary in apiaries:
            self.apiary.addItem(apiary.name, apiary.uuid)
        self.apiary.setCurrentIndex(max(self.apiary.findData(apiary_uuid), 0))
        chosen = next((a for a in apiaries if a.uuid == self.apiary.currentData()), None)
        self.name = QLineEdit(hive.name if hive else f"Hive {len(chosen.hives) + 1 if chosen else 1}")
        self.form.addRow("Apiary", self.apiary)
        self.form.addRow("Name", self.name)

    def change(self) -> Callable[[], object]:
        name, apiary_uuid = self.name.text(), self.apiary.currentData()
        if self.hive is not None:
            uuid = self.hive.uuid
            return lambda: registry.edit_hive(uuid, name, apiary_uuid=apiary_uuid)
        return lambda: registry.add_hive(apiary_uuid, name).uuid


class SensorDialog(_RegistryDialog):
    """A new sensor in a hive, or a sensor renamed, put in a hive or taken out of one. A sensor
    goes only into hives of its own beekeeper (whose key or gateway files its readings)."""

    NO_HIVE = "In no hive"

    def __init__(self, runner: TaskRunner, data: SetupData, device: DeviceSetup | None = None,
                 hive_uuid: str | None = None, parent: QWidget | None = None) -> None:
        title = "Add a sensor" if device is None else "Put the sensor in a hive" if hive_uuid is None \
            else "Edit the sensor"
        verb = "Add sensor" if device is None else "Put in hive" if hive_uuid is None else "Save"
        super().__init__(title, verb, runner, parent)
        self.device = device
        self.api_id = QLineEdit()
        self.api_id.setPlaceholderText("as the sensor or its gateway sends it, e.g. 56:12:A7")
        self.name = QLineEdit(device.name if device else "")
        self.name.setPlaceholderText("e.g. Brood frame 5 (the device id if empty)")
        self.vendor = QLineEdit(device.vendor if device else "")
        self.model = QLineEdit(device.model if device else "")
        self.hive = QComboBox()
        if device is not None:
            self.hive.addItem(self.NO_HIVE, None)
        hives = data.hives(device.owner if device else None)
        for label, uuid in hives:
            self.hive.addItem(label, uuid)
        if hive_uuid is not None:
            self.hive.setCurrentIndex(max(self.hive.findData(hive_uuid), 0))
        elif device is not None and self.hive.count() > 1:
            self.hive.setCurrentIndex(1)  # an unassigned sensor is opened to be put somewhere
        self.form.addRow("Hive", self.hive)
        if device is None:
            self.form.addRow("Device id", self.api_id)
        else:
            seen = "never" if device.last_reading_ts is None else \
                dt.datetime.fromtimestamp(device.last_reading_ts).strftime("%d %b %Y %H:%M")
            self.form.addRow("Device id", QLabel(f"{device.api_id}  (last reading: {seen})"))
        self.form.addRow("Name", self.name)
        self.form.addRow("Vendor", self.vendor)
        self.form.addRow("Model", self.model)
        if not hives:
            self.error.setText("Add a hive first." if device is None else
                               f"{device.owner} has no hive yet: add one to an apiary of theirs first.")
            self.error.show()
            self.buttons.button(OkButton).setEnabled(False)

    def change(self) -> Callable[[], object]:
        hive_uuid, name = self.hive.currentData(), self.name.text()
        vendor, model = self.vendor.text(), self.model.text()
        if self.device is None:
            api_id = self.api_id.text()
            return lambda: registry.add_device(hive_uuid, api_id, vendor=vendor, model=model, name=name).uuid
        uuid = self.device.uuid

        def edit() -> object:
            registry.edit_device(uuid, name=name, vendor=vendor, model=model)
            registry.assign_device(uuid, hive_uuid)
            return uuid
        return edit


_KIND = Qt.ItemDataRole.UserRole
_OBJECT = Qt.ItemDataRole.UserRole + 1


class SetupDialog(QDialog):
    """The apiaries, their hives and sensors as a tree, and the sensors in no hive at the top;
    buttons (or a double click) open the forms. ``changed`` after every change made."""

    changed = Signal()

    def __init__(self, runner: TaskRunner, parent: QWidget | None = None, focus: str = "") -> None:
        """``focus="assign"`` selects the first sensor in no hive once the tree is read."""
        super().__init__(parent)
        self.runner = runner
        self.focus = focus
        self.data: SetupData | None = None
        self.open_form: QDialog | None = None
        """The form opened last."""
        self.setWindowTitle("Apiaries, hives and sensors")
        self.resize(640, 480)
        self.tree = QTreeWidget()
        self.tree.setHeaderLabels(["Name", "Details"])
        self.tree.setColumnWidth(0, 280)
        self.tree.itemSelectionChanged.connect(self._selection_changed)
        self.tree.itemDoubleClicked.connect(lambda *_: self.edit())
        self.status = QLabel("Reading…", objectName="hint")
        self.status.setWordWrap(True)
        self.add_apiary = QPushButton("Add an apiary…")
        self.add_apiary.clicked.connect(lambda: self._open(ApiaryDialog(self.runner, self.data, parent=self)))
        self.add_hive = QPushButton("Add a hive…")
        self.add_hive.clicked.connect(self._add_hive)
        self.add_sensor = QPushButton("Add a sensor…")
        self.add_sensor.clicked.connect(self._add_sensor)
        self.edit_button = QPushButton("Edit…")
        self.edit_button.clicked.connect(self.edit)
        buttons = QHBoxLayout()
        for button in (self.add_apiary, self.add_hive, self.add_sensor):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.edit_button)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        layout.addWidget(close)
        self._selection_changed()
        self.reload()

    def reload(self) -> None:
        for button in (self.add_apiary, self.add_hive, self.add_sensor, self.edit_button):
            button.setEnabled(False)
        self.runner.submit(load_setup, self._fill)

    def _fill(self, data: SetupData) -> None:
        selected = self._selected()
        self.data = data
        self.tree.clear()
        setups = data.setups
        if setups.unassigned:
            count = len(setups.unassigned)
            waiting = QTreeWidgetItem(self.tree, ["Sensors in no hive",
                                                  f"{count} waiting: select one and put it in a hive"])
            waiting.setExpanded(True)
            for device in setups.unassigned:
                self._device_item(waiting, device)
        for apiary in setups.apiaries:
            where = ", ".join(part for part in (apiary.zipcode, apiary.country_code.upper()) if part)
            details = (where, apiary.owner, "public" if apiary.public else "")
            item = self._item(self.tree, "apiary", apiary, apiary.name, " · ".join(p for p in details if p))
            for hive in apiary.hives:
                hive_item = self._item(item, "hive", hive, hive.name,
                                       "no sensor yet" if not hive.devices else "")
                for device in hive.devices:
                    self._device_item(hive_item, device)
                hive_item.setExpanded(True)
            item.setExpanded(True)
        self.add_apiary.setEnabled(True)
        self.status.setText("" if setups.apiaries else "No apiary yet: add one.")
        if selected is not None:
            self._select(*selected)
        elif self.focus == "assign" and setups.unassigned:
            self._select("device", setups.unassigned[0].uuid)
        self._selection_changed()

    def _item(self, parent, kind: str, obj: object, name: str, details: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem(parent, [name, details])
        item.setData(0, _KIND, kind)
        item.setData(0, _OBJECT, obj)
        return item

    def _device_item(self, parent, device: DeviceSetup) -> None:
        seen = "never reported" if device.last_reading_ts is None else \
            "last reading " + dt.datetime.fromtimestamp(device.last_reading_ts).strftime("%d %b %H:%M")
        details = " · ".join(p for p in (device.api_id if device.name != device.api_id else "",
                                          device.vendor, seen) if p)
        self._item(parent, "device", device, device.name, details)

    def _selected(self) -> tuple[str, str] | None:
        item = self.tree.currentItem()
        if item is None or item.data(0, _KIND) is None:
            return None
        return item.data(0, _KIND), item.data(0, _OBJECT).uuid

    def _select(self, kind: str, uuid: str) -> None:
        for item in self._items():
            if item.data(0, _KIND) == kind and item.data(0, _OBJECT).uuid == uuid:
                self.tree.setCurrentItem(item)
                return

    def _items(self) -> list[QTreeWidgetItem]:
        found, stack = [], [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())]
        while stack:
            item = stack.pop(0)
            found.append(item)
            stack += [item.child(i) for i in range(item.childCount())]
        return found

    def _selection_changed(self) -> None:
        selected = self._selected()
        ready = self.data is not None
        has_apiary = ready and bool(self.data.setups.apiaries)
        self.add_hive.setEnabled(has_apiary)
        self.add_sensor.setEnabled(ready and bool(self.data.hives()))
        self.edit_button.setEnabled(ready and selected is not None)
        unassigned = selected is not None and selected[0] == "device" and self._around("hive") is None
        self.edit_button.setText("Put in a hive…" if unassigned else "Edit…")

    def _around(self, kind: str) -> str | None:
        """The uuid of the selected item's ``kind`` (itself or an ancestor), if any."""
        item = self.tree.currentItem()
        while item is not None:
            if item.data(0, _KIND) == kind:
                return item.data(0, _OBJECT).uuid
            item = item.parent()
        return None

    def _add_hive(self) -> None:
        self._open(HiveDialog(self.runner, self.data, apiary_uuid=self._around("apiary"), parent=self))

    def _add_sensor(self) -> None:
        self._open(SensorDialog(self.runner, self.data, hive_uuid=self._around("hive"), parent=self))

    def edit(self) -> None:
        item = self.tree.currentItem()
        if item is None or self.data is None or item.data(0, _KIND) is None:
            return
        kind, obj = item.data(0, _KIND), item.data(0, _OBJECT)
        if kind == "apiary":
            self._open(ApiaryDialog(self.runner, self.data, obj, parent=self))
        elif kind == "hive":
            self._open(HiveDialog(self.runner, self.data, obj, parent=self))
        else:
            self._open(SensorDialog(self.runner, self.data, obj, hive_uuid=self._around("hive"), parent=self))

    def _open(self, form: QDialog) -> None:
        self.open_form = form
        form.accepted.connect(self._made)
        form.open()

    def _made(self) -> None:
        self.changed.emit()
        self.reload()
