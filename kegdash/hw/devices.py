"""All serial devices of a process: one link each, started and stopped together, and — once
started — links added or removed one by one (the window's Devices page connects a port or a
simulator while everything else keeps running)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass

from serial.tools import list_ports

from kegdash.hw.hive_reader import HiveGatewayProtocol
from kegdash.hw.kegboard_reader import KegboardProtocol
from kegdash.hw.serial_link import SerialLink
from kegdash.hw.simulators import Pty, Simulator

log = logging.getLogger(__name__)

ADAPTER_VIDS = {
    0x2341: "Arduino", 0x2A03: "Arduino", 0x1A86: "CH340", 0x0403: "FTDI", 0x10C4: "Silicon Labs CP210x",
}
"""USB vendors of the boards and serial adapters a Kegboard or hive gateway is built from."""
ADAPTER_PREFIXES = ("/dev/ttyACM", "/dev/ttyUSB")


@dataclass(frozen=True)
class PortInfo:
    """One serial port the system knows, with what it says about itself."""

    device: str
    description: str
    vid: int | None
    pid: int | None
    likely: bool
    """A USB adapter of a kind Kegboards and gateways use: worth offering first."""

    @property
    def usb_id(self) -> str:
        return f"{self.vid:04x}:{self.pid:04x}" if self.vid is not None and self.pid is not None else ""


def serial_ports() -> list[PortInfo]:
    """Every port pyserial finds, likely board adapters first."""
    found = []
    for port in list_ports.comports():
        likely = port.vid in ADAPTER_VIDS or port.device.startswith(ADAPTER_PREFIXES)
        description = port.description if port.description not in ("", "n/a") else ""
        if port.vid in ADAPTER_VIDS and ADAPTER_VIDS[port.vid] not in description:
            description = f"{description} ({ADAPTER_VIDS[port.vid]})".strip()
        found.append(PortInfo(port.device, description, port.vid, port.pid, likely))
    return sorted(found, key=lambda p: (not p.likely, p.device))


def discover() -> list[PortInfo]:
    """The ports that look like a Kegboard or a hive gateway (Arduino-class USB serial)."""
    return [port for port in serial_ports() if port.likely]


class DeviceManager:
    def __init__(self) -> None:
        self.links: list[SerialLink] = []
        self.simulators: list[Simulator] = []
        self._simulator_of: dict[SerialLink, Simulator] = {}
        self.started = False

    def add_kegboard(self, device: str) -> SerialLink:
        return self._add(SerialLink(device, KegboardProtocol()))

    def add_hive_gateway(self, device: str) -> SerialLink:
        return self._add(SerialLink(device, HiveGatewayProtocol()))

    def add_simulated(self, kinds: Iterable[str] = ("kegboard", "hive"),
                      speed: float = 1.0) -> list[SerialLink]:
        """Demo mode: virtual devices on ptys, read through the real readers. After ``start()``
        they run at once; ``speed`` > 1 plays their traffic faster (benchmarks)."""
        links = []
        for kind in kinds:
            simulator = Simulator(kind, Pty(), speed=speed)
            self.simulators.append(simulator)
            if self.started:
                simulator.start()
            link = (self.add_kegboard if kind == "kegboard" else self.add_hive_gateway)(simulator.pty.device)
            self._simulator_of[link] = simulator
            links.append(link)
        return links

    def connect(self, device: str, kind: str) -> SerialLink:
        """Read one more port as ``kind`` ("kegboard" or "hive"), refusing one already read: a
        second reader of a port would only fight the first for it."""
        device = device.strip()
        if kind not in ("kegboard", "hive"):
            raise ValueError(f"unknown device kind {kind!r}; expected kegboard or hive")
        if not device:
            raise ValueError("choose a serial port first")
        if any(link.device == device for link in self.links):
            raise ValueError(f"{device} is already connected")
        return (self.add_kegboard if kind == "kegboard" else self.add_hive_gateway)(device)

    def _add(self, link: SerialLink) -> SerialLink:
        self.links.append(link)
        if self.started:
            self._start_link(link)
        return link

    def remove(self, link: SerialLink) -> None:
        """Stop reading one device and forget it (its simulator too, if it has one)."""
        self.links.remove(link)
        link.stop()
        simulator = self._simulator_of.pop(link, None)
        if simulator is not None:
            self.simulators.remove(simulator)
            simulator.stop()

    def start(self) -> None:
        self.started = True
        for simulator in self.simulators:
            simulator.start()
        for link in self.links:
            self._start_link(link)

    @staticmethod
    def _start_link(link: SerialLink) -> None:
        link.start()
        log.info("reading %s on %s", link.protocol.kind, link.device)

    def stop(self) -> None:
        for link in self.links:
            link.stop()
        for simulator in self.simulators:
            simulator.stop()
        self.started = False
