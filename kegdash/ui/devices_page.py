"""Devices: the serial ports of this machine, the boards kegdash reads (their state comes only
from DeviceStatus events, so the window never touches a port itself), and the hive sensors
known to the database. With the process's DeviceManager the page also connects a port as a
Kegboard or hive gateway, disconnects one, and starts a simulator with one click; boards plugged
in or out while it runs show up live (the manager's watcher publishes PORTS_CHANGED)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kegdash import events, fmt
from kegdash.apiary import views as apiary_views
from kegdash.hw.devices import PortInfo, serial_ports
from kegdash.ui.bridge import EventBridge
from kegdash.ui.layouts import hint, left_row
from kegdash.ui.table_model import read_only_table

if TYPE_CHECKING:
    from kegdash.hw.devices import DeviceManager
    from kegdash.hw.serial_link import SerialLink

PORT_COLUMNS = ("Port", "Description", "USB id", "Board adapter")
SERIAL_COLUMNS = ("Device", "Kind", "State", "Reconnects", "Counters", "Error")
SENSOR_COLUMNS = ("Sensor", "Vendor", "Hive", "Last reading")
KIND_NAMES = {"kegboard": "Kegboard", "hive": "hive gateway"}
COUNTERS_MS = 1000
"""Links publish only state changes; their message and error counters are polled while shown."""


class DevicesPage(QWidget):
    states_changed = Signal(dict)
    """Device name → state, for the status bar."""

    def __init__(self, bridge: EventBridge, devices: DeviceManager | None = None) -> None:
        super().__init__()
        self.devices = devices
        self.states: dict[str, dict[str, Any]] = {}
        self.ports: list[PortInfo] = []
        self.port_table = read_only_table(PORT_COLUMNS)
        self.port = QLineEdit(placeholderText="/dev/ttyACM0, or a pyserial URL such as socket://host:port")
        self.refresh_button = QPushButton("Refresh")
        self.kegboard_button = QPushButton("Connect as Kegboard")
        self.gateway_button = QPushButton("Connect as hive gateway")
        self.serial = read_only_table(SERIAL_COLUMNS)
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
                 "Boards plugged in later are not looked for ([serial] hotplug = false): connect "
                 "them here.")
        self.hint = hint("Boards listed in the config file ([serial] kegboard / hive_gateway) or "
                         "KEGDASH_KEGBOARD / KEGDASH_HIVE_GATEWAY are read from the start. " + found)
        for button in (self.kegboard_button, self.gateway_button, self.disconnect_button,
                       self.sim_kegboard_button, self.sim_hive_button):
            button.setEnabled(devices is not None)

        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Devices", objectName="pageTitle"))
        layout.addWidget(self.hint)
        layout.addWidget(self.message)
        layout.addWidget(QLabel("Serial ports of this machine"))
        layout.addWidget(self.port_table, 1)
        layout.addLayout(left_row(self.port, self.kegboard_button, self.gateway_button, self.refresh_button))
        layout.addWidget(QLabel("Serial devices read"))
        layout.addWidget(self.serial, 1)
        layout.addLayout(left_row(self.disconnect_button, self.sim_kegboard_button, self.sim_hive_button))
        layout.addWidget(QLabel("Hive sensors"))
        layout.addWidget(self.sensors, 1)
        self.port.setMinimumWidth(320)

        self.refresh_button.clicked.connect(self.reload_ports)
        self.port_table.itemSelectionChanged.connect(self._port_chosen)
        self.kegboard_button.clicked.connect(lambda: self.connect_port("kegboard"))
        self.gateway_button.clicked.connect(lambda: self.connect_port("hive"))
        self.disconnect_button.clicked.connect(self.disconnect_selected)
        self.sim_kegboard_button.clicked.connect(lambda: self.start_simulator("kegboard"))
        self.sim_hive_button.clicked.connect(lambda: self.start_simulator("hive"))
        self._poll = QTimer(self)
        self._poll.setInterval(COUNTERS_MS)
        self._poll.timeout.connect(self.refresh_counters)
        bridge.event.connect(self.on_event)
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

    def refresh_counters(self) -> None:
        """Copy each link's latest counters into the table (the reader thread keeps them fresh)."""
        for link in self.devices.links if self.devices else ():
            if link.device in self.states:
                self.states[link.device].update(counters=dict(link.status.counters),
                                                reconnects=link.status.reconnects)
        self._show_serial()

    def _read_devices(self) -> set[str]:
        return {link.device for link in self.devices.links}

    def _show_serial(self) -> None:
        self.serial.setRowCount(len(self.states))
        for row, (device, info) in enumerate(sorted(self.states.items())):
            counters = info.get("counters") or {}
            shown = ", ".join(f"{key} {value}" for key, value in counters.items() if value)
            values = (device, info.get("kind", ""), info["state"], info.get("reconnects", 0),
                      shown, info.get("error", ""))
            for column, value in enumerate(values):
                self.serial.setItem(row, column, QTableWidgetItem(str(value)))
        self.states_changed.emit(self.state_names())

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
        rows = apiary_views.sensor_rows()
        self.sensors.setRowCount(len(rows))
        for row, sensor in enumerate(rows):
            last_ts = sensor.last_reading_ts
            last = dt.datetime.fromtimestamp(last_ts, dt.UTC).replace(tzinfo=None) if last_ts else None
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
        device = self.serial.item(rows[0].row(), 0).text() if rows else None
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
