"""Devices: the serial boards kegdash talks to (their state comes only from DEVICE_STATUS events,
so the window never touches a port itself) and the hive sensors known to the database."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from kegdash import events
from kegdash.ui import fmt, queries
from kegdash.ui.bridge import EventBridge

SERIAL_COLUMNS = ("Device", "Kind", "State", "Reconnects", "Counters", "Error")
SENSOR_COLUMNS = ("Sensor", "Vendor", "Hive", "Last reading")


def _table(columns: tuple[str, ...]) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(columns)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class DevicesPage(QWidget):
    states_changed = Signal(dict)
    """Device name → state, for the status bar."""

    def __init__(self, bridge: EventBridge) -> None:
        super().__init__()
        self.states: dict[str, dict[str, Any]] = {}
        self.serial = _table(SERIAL_COLUMNS)
        self.sensors = _table(SENSOR_COLUMNS)
        hint = QLabel("Serial boards appear here when their reader reports (Kegboard, hive gateway). "
                      "Ports are chosen at start for now: [serial] kegboard / hive_gateway in the config "
                      "file or KEGDASH_KEGBOARD / KEGDASH_HIVE_GATEWAY; kegdash run --demo adds "
                      "simulated boards.",
                      objectName="hint")
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Devices", objectName="pageTitle"))
        layout.addWidget(hint)
        layout.addWidget(QLabel("Serial devices"))
        layout.addWidget(self.serial, 1)
        layout.addWidget(QLabel("Hive sensors"))
        layout.addWidget(self.sensors, 1)
        bridge.event.connect(self.on_event)
        self.reload_sensors()

    def on_event(self, name: str, data: dict[str, Any]) -> None:
        if name == events.DEVICE_STATUS:
            self.states[str(data.get("device", "?"))] = dict(data, state=data.get("state", "unknown"))
            self._show_serial()
            self.states_changed.emit({key: value["state"] for key, value in self.states.items()})
        elif name == events.READING_STORED and self.isVisible():
            self.reload_sensors()

    def _show_serial(self) -> None:
        self.serial.setRowCount(len(self.states))
        for row, (device, info) in enumerate(sorted(self.states.items())):
            counters = info.get("counters") or {}
            shown = ", ".join(f"{key} {value}" for key, value in counters.items() if value)
            values = (device, info.get("kind", ""), info["state"], info.get("reconnects", 0),
                      shown, info.get("error", ""))
            for column, value in enumerate(values):
                self.serial.setItem(row, column, QTableWidgetItem(str(value)))

    def reload_sensors(self) -> None:
        rows = queries.sensor_rows()
        self.sensors.setRowCount(len(rows))
        for row, (_, api_id, vendor, hive, last_ts) in enumerate(rows):
            last = dt.datetime.fromtimestamp(last_ts, dt.UTC).replace(tzinfo=None) if last_ts else None
            for column, value in enumerate((api_id, vendor, hive, fmt.ago(last))):
                self.sensors.setItem(row, column, QTableWidgetItem(value))

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.reload_sensors()
        super().showEvent(event)
