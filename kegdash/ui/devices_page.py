"""Devices: the serial ports of this machine, the boards kegdash reads (their state comes only
from DeviceStatus events, so the window never touches a port itself), and the hive sensors
known to the database. With the process's DeviceManager the page also connects a port as a
Kegboard or hive gateway, disconnects one, and starts a simulator with one click; boards plugged
in or out while it runs show up live (the manager's watcher publishes PORTS_CHANGED).

Boards are described in people's words (which board, whether it is read, what it said last and
when, a gateway's lowest sensor battery); the readers' raw counters sit behind "Show details"."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kegdash import events, fmt
from kegdash.apiary import views as apiary_views
from kegdash.hw import kbsp
from kegdash.hw.devices import KIND_WORDS, PortInfo, serial_ports
from kegdash.hw.hv1 import Hv1Reading
from kegdash.ui.bridge import EventBridge
from kegdash.ui.layouts import hint, left_row
from kegdash.ui.prefs import Prefs
from kegdash.ui.table_model import read_only_table
from kegdash.ui.tasks import TaskRunner

if TYPE_CHECKING:
    from kegdash.hw.devices import DeviceManager
    from kegdash.hw.serial_link import SerialLink

PORT_COLUMNS = ("Port", "Description", "USB id", "Board adapter")
SERIAL_COLUMNS = ("Board", "Port", "State", "Last message", "Battery", "Reconnects", "Counters")
DETAIL_COLUMNS = (5, 6)
"""The readers' own figures, shown with "Show details"."""
SENSOR_COLUMNS = ("Sensor", "Vendor", "Hive", "Last reading")
KIND_NAMES = {"kegboard": "Kegboard", "hive": "hive gateway"}
COUNTERS_MS = 1000
"""Links publish only state changes; what they last heard and their counters are polled while shown."""


def _utc(epoch: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, dt.UTC).replace(tzinfo=None)


def board_words(kind: str, protocol: object | None, simulated: bool) -> str:
    """"Kegboard KB-0001" (the serial number its hellos give), "Hive gateway (simulated)"."""
    reader = getattr(protocol, "reader", None) or protocol
    words = KIND_WORDS.get(kind, kind)
    words = words[:1].upper() + words[1:]
    number = getattr(reader, "serial_number", None)
    words = f"{words} {number}" if number else words
    return f"{words} (simulated)" if simulated else words


def state_words(state: str, error: str, kind: str) -> str:
    """A link's state as its owner says it: "Connected", "Looking for it: no such device (…)"."""
    if state == "connected":
        return "Connected, finding out what it is" if kind == "unidentified" else "Connected"
    if state == "disconnected":
        return f"Looking for it: {error}" if error else "Looking for it"
    if state == "error":
        return f"Error: {error}" if error else "Error"
    return {"starting": "Opening…", "stopped": "Stopped"}.get(state, state)


def _message_name(message: object) -> str:
    """``OnewirePresence`` → "onewire presence"."""
    return re.sub(r"(?<!^)(?=[A-Z])", " ", type(message).__name__).lower()


def message_words(message: object, units: str) -> str:
    """What a board said, in words: "Temperature 3.5 °C", "aa:bb:01: 34.9 °C, 58 %, 42.0 kg"."""
    if isinstance(message, kbsp.TemperatureReading):
        return f"Temperature {fmt.temperature(message.celsius, units)}"
    if isinstance(message, kbsp.MeterStatus):
        return f"Flow meter {message.meter_name} at {message.meter_reading:,} ticks"
    if isinstance(message, kbsp.AuthToken):
        return "Token presented" if message.status else "Token taken away"
    if isinstance(message, kbsp.Hello):
        return "Hello" + (f" (firmware {message.firmware_version})" if message.firmware_version else "")
    if isinstance(message, Hv1Reading):
        values = message.values
        parts = []
        if "temperature" in values:
            parts.append(fmt.temperature(values["temperature"], units))
        if "humidity" in values:
            parts.append(f"{values['humidity']:.0f} % humidity")
        if "weight" in values:
            parts.append(f"{fmt.weight_value(values['weight'], units):.1f} {fmt.weight_unit(units)}")
        if "battery" in values:
            parts.append(f"battery {values['battery']:.0f} %")
        return f"{message.device_id}: {', '.join(parts) or 'no values'}"
    return _message_name(message).capitalize()


def battery_words(protocol: object | None) -> str:
    """A gateway's lowest sensor battery, "87 %" or "23 % (lowest of 3)"; "" for a Kegboard (USB)."""
    reader = getattr(protocol, "reader", None) or protocol
    batteries = getattr(reader, "batteries", None) or {}
    if not batteries:
        return ""
    lowest = min(batteries.values())
    return f"{lowest:.0f} %" + (f" (lowest of {len(batteries)})" if len(batteries) > 1 else "")


class DevicesPage(QWidget):
    states_changed = Signal(dict)
    """Device name → state, for the status bar."""

    def __init__(self, bridge: EventBridge, runner: TaskRunner, prefs: Prefs,
                 devices: DeviceManager | None = None) -> None:
        super().__init__()
        self.runner = runner
        self.prefs = prefs
        self.devices = devices
        self.states: dict[str, dict[str, Any]] = {}
        self.ports: list[PortInfo] = []
        self._sensors_asked = 0
        self.port_table = read_only_table(PORT_COLUMNS)
        self.port = QLineEdit(placeholderText="/dev/ttyACM0, or a pyserial URL such as socket://host:port")
        self.refresh_button = QPushButton("Refresh")
        self.kegboard_button = QPushButton("Connect as Kegboard")
        self.gateway_button = QPushButton("Connect as hive gateway")
        self.serial = read_only_table(SERIAL_COLUMNS)
        header = self.serial.horizontalHeader()  # the message takes the room; the rest fit their words
        header.setStretchLastSection(False)
        header.setSectionResizeMode(SERIAL_COLUMNS.index("Last message"), QHeaderView.ResizeMode.Stretch)
        counters = SERIAL_COLUMNS.index("Counters")  # long: cut to a width, whole in the tooltip
        header.setSectionResizeMode(counters, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(counters, 280)
        self.details = QCheckBox("Show details")
        self.disconnect_button = QPushButton("Disconnect selected")
        self.sim_kegboard_button = QPushButton("Start simulated Kegboard")
        self.sim_hive_button = QPushButton("Start simulated hive gateway")
        self.sensors = read_only_table(SENSOR_COLUMNS)
        self.message = QLabel(objectName="message")
        self.message.setWordWrap(True)
        self.message.hide()
        found = ("A Kegboard or hive gateway plugged into any USB socket while kegdash runs is found "
                 "by itself (a gateway at its first reading); one disconnected here is left alone "
                 "until you connect it again or plug it in again."
                 if devices is None or devices.hotplug else
                 "Boards plugged in later are not looked for (hot-plug is off in kegdash's "
                 "settings): connect them here.")
        self.hint = hint("Boards named in kegdash's settings are read from the start. " + found)
        for button in (self.kegboard_button, self.gateway_button, self.disconnect_button,
                       self.sim_kegboard_button, self.sim_hive_button):
            button.setEnabled(devices is not None)

        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Devices", objectName="pageTitle"))
        layout.addWidget(self.hint)
        layout.addWidget(self.message)
        layout.addWidget(QLabel("Boards kegdash reads"))
        layout.addWidget(self.serial, 1)
        layout.addLayout(left_row(self.disconnect_button, self.sim_kegboard_button, self.sim_hive_button,
                                  self.details))
        layout.addWidget(QLabel("Serial ports of this machine"))
        layout.addWidget(self.port_table, 1)
        layout.addLayout(left_row(self.port, self.kegboard_button, self.gateway_button, self.refresh_button))
        layout.addWidget(QLabel("Hive sensors"))
        layout.addWidget(self.sensors, 1)
        self.port.setMinimumWidth(320)
        self._show_details(False)

        self.refresh_button.clicked.connect(self.reload_ports)
        self.port_table.itemSelectionChanged.connect(self._port_chosen)
        self.kegboard_button.clicked.connect(lambda: self.connect_port("kegboard"))
        self.gateway_button.clicked.connect(lambda: self.connect_port("hive"))
        self.disconnect_button.clicked.connect(self.disconnect_selected)
        self.sim_kegboard_button.clicked.connect(lambda: self.start_simulator("kegboard"))
        self.sim_hive_button.clicked.connect(lambda: self.start_simulator("hive"))
        self.details.toggled.connect(self._show_details)
        self._poll = QTimer(self)
        self._poll.setInterval(COUNTERS_MS)
        self._poll.timeout.connect(self.refresh_links)
        bridge.event.connect(self.on_event)
        prefs.changed.connect(lambda key: self._show_serial() if key == "units" else None)
        for link in devices.links if devices else ():
            self.on_event(link.status.event())
        self.reload_ports()
        self.reload_sensors()

    # --- state from events ---------------------------------------------------------------------

    def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.DeviceStatus):
            device = event.device
            if self.devices is not None and device not in self._read_devices():
                # a late report from a link disconnected here, or the last of one the watcher dropped
                if self.states.pop(device, None) is not None:
                    self._show_serial()
                return
            self.states[device] = dataclasses.asdict(event)
            self._show_serial()
        elif isinstance(event, events.PortsChanged):
            self.reload_ports()
        elif isinstance(event, events.ReadingStored) and self.isVisible():
            self.reload_sensors()

    def refresh_links(self) -> None:
        """Copy each link's latest counters into the table and say again what each board said
        last and how long ago (the reader thread keeps them fresh)."""
        for link in self.devices.links if self.devices else ():
            if link.device in self.states:
                self.states[link.device].update(counters=dict(link.status.counters),
                                                reconnects=link.status.reconnects,
                                                last_data=link.status.last_data)
        self._show_serial()

    def _read_devices(self) -> set[str]:
        return {link.device for link in self.devices.links}

    def _link(self, device: str) -> SerialLink | None:
        return next((link for link in self.devices.links if link.device == device), None) \
            if self.devices is not None else None

    def _row(self, device: str, info: dict[str, Any]) -> tuple[str, ...]:
        link = self._link(device)
        protocol = link.protocol if link is not None else None
        kind = info.get("kind", "")
        heard = getattr(protocol, "heard", None)
        if heard is not None:
            when, said = heard
            last = f"{message_words(said, self.prefs.units)} · {fmt.ago(_utc(when))}"
        elif info.get("last_data"):
            last = f"Data {fmt.ago(_utc(info['last_data']))}"
        else:
            last = "Nothing yet"
        counters = info.get("counters") or {}
        shown = ", ".join(f"{key} {value}" for key, value in counters.items() if value)
        simulated = link is not None and self.devices.is_simulated(link)
        return (board_words(kind, protocol, simulated), device,
                state_words(info["state"], info.get("error", ""), kind), last,
                battery_words(protocol), str(info.get("reconnects", 0)), shown)

    def _show_serial(self) -> None:
        self.serial.setRowCount(len(self.states))
        for row, (device, info) in enumerate(sorted(self.states.items())):
            for column, value in enumerate(self._row(device, info)):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                self.serial.setItem(row, column, item)
        self.states_changed.emit(self.state_names())

    def _show_details(self, shown: bool) -> None:
        for column in DETAIL_COLUMNS:
            self.serial.setColumnHidden(column, not shown)

    def state_names(self) -> dict[str, str]:
        """Device → state, what the status bar shows."""
        return {key: value["state"] for key, value in self.states.items()}

    # --- ports and sensors ---------------------------------------------------------------------

    def reload_ports(self) -> None:
        self.ports = self.devices.enumerate_ports() if self.devices is not None else serial_ports()
        self.port_table.setRowCount(len(self.ports))
        for row, port in enumerate(self.ports):
            for column, value in enumerate((port.device, port.description, port.usb_id,
                                            "yes" if port.likely else "")):
                self.port_table.setItem(row, column, QTableWidgetItem(value))

    def _port_chosen(self) -> None:
        rows = self.port_table.selectionModel().selectedRows()
        if rows:
            self.port.setText(self.ports[rows[0].row()].device)

    def reload_sensors(self) -> None:
        """Read the sensor rows on the window's task runner; the newest read asked for wins."""
        self._sensors_asked += 1
        asked = self._sensors_asked
        self.runner.submit(apiary_views.sensor_rows, lambda rows: self._show_sensors(asked, rows))

    def _show_sensors(self, asked: int, rows: list[apiary_views.SensorRow]) -> None:
        if asked != self._sensors_asked:
            return
        self.sensors.setRowCount(len(rows))
        for row, sensor in enumerate(rows):
            last_ts = sensor.last_reading_ts
            last = _utc(last_ts) if last_ts else None
            hive = sensor.hive if sensor.hive is not None else "(unassigned)"
            for column, value in enumerate((sensor.api_id, sensor.vendor, hive, fmt.ago(last))):
                self.sensors.setItem(row, column, QTableWidgetItem(value))

    # --- actions -------------------------------------------------------------------------------

    def connect_port(self, kind: str) -> SerialLink | None:
        """Start reading the port in the field as a Kegboard or hive gateway."""
        try:
            link = self.devices.connect(self.port.text(), kind)
        except ValueError as exc:
            self.show_message(str(exc), "error")
            return None
        self._track(link)
        self.show_message(f"Reading {link.device} as a {KIND_NAMES[kind]}.")
        return link

    def start_simulator(self, kind: str) -> SerialLink:
        """A virtual board on a pseudo-terminal, read through the real reader, like demo mode."""
        (link,) = self.devices.add_simulated((kind,))
        self._track(link)
        self.show_message(f"Simulated {KIND_NAMES[kind]} started on {link.device}.")
        return link

    def disconnect_selected(self) -> None:
        rows = self.serial.selectionModel().selectedRows()
        device = self.serial.item(rows[0].row(), SERIAL_COLUMNS.index("Port")).text() if rows else None
        link = next((link for link in self.devices.links if link.device == device), None)
        if link is None:
            self.show_message("Select a connected device first.", "error")
            return
        self.devices.remove(link)
        self.states.pop(device, None)
        self._show_serial()
        self.show_message(f"Disconnected {device}; it is left alone until you connect it again "
                          "or plug it in again.")

    def _track(self, link: SerialLink) -> None:
        self.on_event(link.status.event())

    def show_message(self, text: str, kind: str = "info") -> None:
        self.message.setProperty("kind", kind)
        self.message.setText(text)
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.show()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.reload_sensors()
        self.reload_ports()
        if self.devices is not None:
            self._poll.start()
        super().showEvent(event)

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self._poll.stop()
        super().hideEvent(event)
