"""All serial devices of a process: one link each, started and stopped together. Once started,
links are added or removed one by one (the window's Devices page connects a port or a simulator
while everything else keeps running), and a watcher thread looks at the system's ports every few
seconds to read boards plugged in, or moved to another USB socket, while kegdash runs."""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import serial
from serial.tools import list_ports

from kegdash import events
from kegdash.hw import kbsp
from kegdash.hw.hive_reader import HiveGatewayProtocol
from kegdash.hw.kegboard_reader import KegboardProtocol
from kegdash.hw.pour_detector import PourConfig
from kegdash.hw.serial_link import DeviceProtocol, SerialLink
from kegdash.hw.simulators import Pty, SimulatedBar, Simulator

log = logging.getLogger(__name__)

ADAPTER_VIDS = {
    0x2341: "Arduino", 0x2A03: "Arduino", 0x1A86: "CH340", 0x0403: "FTDI", 0x10C4: "Silicon Labs CP210x",
}
"""USB vendors of the boards and serial adapters a Kegboard or hive gateway is built from."""
ADAPTER_PREFIXES = ("/dev/ttyACM", "/dev/ttyUSB")
UART_NAMES = ("serial0", "ttyAMA*")
"""A Raspberry Pi's own UART on the GPIO header: ``serial0`` is Raspberry Pi OS's name for it on
every model, whichever chip is behind it (a PL011 ``ttyAMA0``, or the mini UART ``ttyS0`` that
pyserial does not list, nor the ``serial0`` link itself)."""

PROTOCOLS: dict[str, Callable[[], DeviceProtocol]] = {
    "kegboard": KegboardProtocol, "hive": HiveGatewayProtocol,
}
"""Device kind, as the Devices page and ``connect`` name it → the reader of its bytes."""
MARKERS = {"kegboard": kbsp.PREFIX, "hive": b"$HV1,"}
"""What the first frame of each protocol starts with, to tell a newly plugged board's kind."""
UNIDENTIFIED = "unidentified"
KIND_WORDS = {"kegboard": "Kegboard", "hive-gateway": "hive gateway", UNIDENTIFIED: "new board"}
"""A reader's ``kind`` as people name the board."""

SCAN_INTERVAL_S = 2.0
IDENTIFY_TIMEOUT_S = 300.0
"""A hive gateway may send one reading every 30 s to 5 min; a port silent for longer is not ours."""
IDENTIFY_MAX_BYTES = 4096
"""More than a boot banner: a port that says this much in another language is not ours."""


@dataclass(frozen=True)
class PortInfo:
    """One serial port the system knows, with what it says about itself."""

    device: str
    description: str
    vid: int | None
    pid: int | None
    likely: bool
    """A USB adapter of a kind Kegboards and gateways use: worth offering first."""
    serial_number: str | None = None

    @property
    def usb_id(self) -> str:
        return f"{self.vid:04x}:{self.pid:04x}" if self.vid is not None and self.pid is not None else ""

    @property
    def identity(self) -> str:
        """The same board in any socket when its adapter has a USB serial number; else the port."""
        if self.serial_number:
            return f"usb {self.usb_id} {self.serial_number}"
        return _real(self.device)


def _real(device: str) -> str:
    """The port behind a path, so ``/dev/serial/by-id/…`` and ``/dev/ttyACM0`` compare equal."""
    return device if "://" in device else os.path.realpath(device)


def serial_ports(dev: Path = Path("/dev"), cmdline: Path = Path("/proc/cmdline")) -> list[PortInfo]:
    """Every port pyserial finds and a Raspberry Pi's UART under ``dev``, likely boards first."""
    uarts = uart_ports(dev, cmdline)
    taken = {_real(port.device) for port in uarts}
    found = list(uarts)
    for port in list_ports.comports():
        if _real(port.device) in taken:  # ttyAMA0 listed by pyserial is serial0 here
            continue
        likely = port.vid in ADAPTER_VIDS or port.device.startswith(ADAPTER_PREFIXES)
        description = port.description if port.description not in ("", "n/a") else ""
        if port.vid in ADAPTER_VIDS and ADAPTER_VIDS[port.vid] not in description:
            description = f"{description} ({ADAPTER_VIDS[port.vid]})".strip()
        found.append(PortInfo(port.device, description, port.vid, port.pid, likely,
                              port.serial_number or None))
    return sorted(found, key=lambda p: (not p.likely, p.device))


def uart_ports(dev: Path, cmdline: Path) -> list[PortInfo]:
    """The Pi's UART by its stable name (``serial0`` before the ``ttyAMA`` it may point to). It is
    likely a board, unless the kernel's console is on it (``console=serial0`` in cmdline.txt):
    then a login prompt answers there, and it is listed but never pinged by hot-plug."""
    consoles = set()
    with contextlib.suppress(OSError):
        for word in cmdline.read_text().split():
            if word.startswith("console="):
                consoles.add(_real(str(dev / word.removeprefix("console=").split(",")[0])))
    found: dict[str, PortInfo] = {}
    for pattern in UART_NAMES:
        for path in sorted(dev.glob(pattern)):
            real = _real(str(path))
            if real in found or not os.path.exists(real):
                continue
            behind = f" ({os.path.basename(real)})" if real != str(path) else ""
            console = real in consoles
            description = f"Raspberry Pi UART{behind}" + (", the kernel console" if console else "")
            found[real] = PortInfo(str(path), description, None, None, not console)
    return list(found.values())


def discover() -> list[PortInfo]:
    """The ports that look like a Kegboard or a hive gateway (Arduino-class USB serial)."""
    return [port for port in serial_ports() if port.likely]


class IdentifyingProtocol:
    """Reads a newly plugged board whose kind is not known: pings it as a Kegboard reader does and
    becomes a Kegboard or hive gateway reader at the first frame of either, replaying what this
    connection brought so far. A port that says something else, or nothing for
    ``IDENTIFY_TIMEOUT_S``, is given up (``gave_up`` says why): it is someone else's board."""

    def __init__(self) -> None:
        self.kind = UNIDENTIFIED
        self.reader: DeviceProtocol | None = None
        self.gave_up = ""
        self._port: serial.SerialBase | None = None
        self._heard = bytearray()
        self._deadline: float | None = None

    @property
    def heard(self) -> tuple[float, object] | None:
        return self.reader.heard if self.reader is not None else None

    def on_connect(self, port: serial.SerialBase) -> None:
        if self.reader is not None:
            self.reader.on_connect(port)
            return
        self._port = port
        self._heard.clear()
        if self._deadline is None:
            self._deadline = time.monotonic() + IDENTIFY_TIMEOUT_S
        port.write(kbsp.encode(kbsp.Ping()))  # a Kegboard answers with a hello; a gateway ignores it

    def on_data(self, data: bytes, now: float) -> None:
        if self.reader is not None:
            self.reader.on_data(data, now)
            return
        if self.gave_up:
            return
        self._heard += data
        kind = next((kind for kind, marker in MARKERS.items() if marker in self._heard), None)
        if kind is not None:
            self.reader = PROTOCOLS[kind]()
            self.reader.on_connect(self._port)
            self.reader.on_data(bytes(self._heard), now)
            self._heard.clear()
            self.kind = self.reader.kind
        elif len(self._heard) > IDENTIFY_MAX_BYTES:
            self._give_up(f"{len(self._heard)} bytes of neither KBSP nor HV1")

    def on_idle(self, now: float) -> None:
        if self.reader is not None:
            self.reader.on_idle(now)
        elif not self.gave_up and time.monotonic() > self._deadline:
            self._give_up(f"no KBSP or HV1 frame in {IDENTIFY_TIMEOUT_S:.0f} s")

    def on_disconnect(self) -> None:
        if self.reader is not None:
            self.reader.on_disconnect()
        self._port = None

    def counters(self) -> dict[str, object]:
        return self.reader.counters() if self.reader is not None else {"unrecognised_bytes": len(self._heard)}

    def _give_up(self, reason: str) -> None:
        self.gave_up = reason
        self._heard.clear()


class DeviceManager:
    """The links of this process. ``enumerate_ports`` is how the system's serial ports are listed
    (pyserial's by default; tests present pseudo-terminals as plugged-in USB ports)."""

    def __init__(self, enumerate_ports: Callable[[], list[PortInfo]] = serial_ports,
                 scan_interval: float = SCAN_INTERVAL_S, *, hotplug: bool = True) -> None:
        self.links: list[SerialLink] = []
        """Replaced, never changed in place, so other threads may iterate it without the lock."""
        self.simulators: list[Simulator] = []
        self._simulator_of: dict[SerialLink, Simulator] = {}
        self.started = False
        self.enumerate_ports = enumerate_ports
        self.scan_interval = scan_interval
        self.hotplug = hotplug
        """Whether ``start`` runs the watcher; without it only ports connected by hand are read."""
        self._lock = threading.RLock()
        self._present: dict[str, PortInfo] = {}
        self._identity: dict[SerialLink, str] = {}
        """Link → identity of its board, from when the watcher last saw its port."""
        self._held: set[str] = set()
        """Identities of ports disconnected by hand: not read again until connected by hand or
        plugged in again."""
        self._stop = threading.Event()
        self._watcher: threading.Thread | None = None

    def add_kegboard(self, device: str) -> SerialLink:
        return self._add(SerialLink(device, KegboardProtocol()))

    def add_hive_gateway(self, device: str) -> SerialLink:
        return self._add(SerialLink(device, HiveGatewayProtocol()))

    def add_simulated(self, kinds: Iterable[str] = ("kegboard", "hive"), speed: float = 1.0,
                      bar: SimulatedBar | None = None) -> list[SerialLink]:
        """Virtual devices on ptys, read through the real readers; a Kegboard's drinkers pour
        from ``bar`` (the demo's changes kicked kegs; by default, one that only reads the taps).
        After ``start()`` they run at once. ``speed`` > 1 plays their traffic faster (tests,
        benchmarks), and the Kegboard reader's pour timeouts shrink with it, so a pour stays
        one drink however fast the drinkers come."""
        links = []
        for kind in kinds:
            taps = (bar or SimulatedBar(speed=speed)).taps if kind == "kegboard" else None
            simulator = Simulator(kind, Pty(), speed=speed, taps=taps)
            self.simulators.append(simulator)
            if self.started:
                simulator.start()
            if kind == "kegboard":
                usual = PourConfig()
                config = replace(usual, idle_timeout=usual.idle_timeout / speed,
                                 rfid_idle_timeout=usual.rfid_idle_timeout / speed,
                                 onewire_idle_timeout=usual.onewire_idle_timeout / speed)
                link = self._add(SerialLink(simulator.pty.device, KegboardProtocol(config=config)))
            else:
                link = self.add_hive_gateway(simulator.pty.device)
            self._simulator_of[link] = simulator
            links.append(link)
        return links

    def connect(self, device: str, kind: str) -> SerialLink:
        """Read one more port as ``kind`` ("kegboard" or "hive"), refusing one already read: a
        second reader of a port would only fight the first for it."""
        device = device.strip()
        if kind not in PROTOCOLS:
            raise ValueError(f"unknown device kind {kind!r}; expected kegboard or hive")
        if not device:
            raise ValueError("choose a serial port first")
        with self._lock:
            if any(_real(link.device) == _real(device) for link in self.links):
                raise ValueError(f"{device} is already connected")
            self._held.discard(self._identity_of(device))
            return self._add(SerialLink(device, PROTOCOLS[kind]()))

    def _add(self, link: SerialLink) -> SerialLink:
        with self._lock:
            self.links = [*self.links, link]
            if self.started:
                self._start_link(link)
        return link

    def is_simulated(self, link: SerialLink) -> bool:
        """Whether ``link`` reads one of this manager's simulators."""
        return link in self._simulator_of

    def remove(self, link: SerialLink) -> None:
        """Stop reading one device and forget it (its simulator too, if it has one). The watcher
        leaves its port alone until it is connected by hand or plugged in again."""
        with self._lock:
            self._held.add(self._identity_of(link.device))
            self._drop(link)

    def _drop(self, link: SerialLink) -> None:
        self.links = [other for other in self.links if other is not link]
        self._identity.pop(link, None)
        link.stop()
        simulator = self._simulator_of.pop(link, None)
        if simulator is not None:
            self.simulators.remove(simulator)
            simulator.stop()

    def _identity_of(self, device: str) -> str:
        real = _real(device)
        return next((port.identity for port in self._present.values() if _real(port.device) == real), real)

    def start(self) -> None:
        self.started = True
        for simulator in self.simulators:
            simulator.start()
        for link in self.links:
            self._start_link(link)
        if self.hotplug:
            self._stop.clear()
            self._watcher = threading.Thread(target=self._watch, name="kegdash-hotplug", daemon=True)
            self._watcher.start()

    @staticmethod
    def _start_link(link: SerialLink) -> None:
        log.info("%s: opening it as a %s", link.device, KIND_WORDS[link.protocol.kind])
        link.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._watcher is not None:
            self._watcher.join(timeout)
        for link in self.links:
            link.stop()
        for simulator in self.simulators:
            simulator.stop()
        self.started = False

    @property
    def watching(self) -> bool:
        return self._watcher is not None and self._watcher.is_alive()

    def _watch(self) -> None:
        while True:
            try:
                self.scan()
            except Exception:  # a failing scan must not end hot-plug for the rest of the run
                log.exception("looking for plugged-in serial boards failed")
            if self._stop.wait(self.scan_interval):
                return

    def scan(self) -> None:
        """One look at the system's ports: read boards that appeared, move the link of a board
        that came back in another socket, drop boards given up, and say what was plugged in or out.
        A board that comes back in the same socket needs nothing: its link reopens it."""
        ports = {port.device: port for port in self.enumerate_ports()}
        with self._lock:
            appeared = sorted(ports.keys() - self._present.keys())
            vanished = sorted(self._present.keys() - ports.keys())
            self._present = ports
            present = {_real(device) for device in ports}
            self._held &= {port.identity for port in ports.values()}
            for link in self.links:
                self._check_identifying(link, present)
            for port in ports.values():
                if port.likely:
                    self._adopt(port, present)
        if appeared or vanished:
            log.info("serial ports plugged in: %s; unplugged: %s", appeared or "none", vanished or "none")
            events.bus.publish(events.PortsChanged(appeared=tuple(appeared), vanished=tuple(vanished)))

    def _check_identifying(self, link: SerialLink, present: set[str]) -> None:
        protocol = link.protocol
        if not isinstance(protocol, IdentifyingProtocol):
            return
        if protocol.gave_up:
            log.warning("%s: %s; left alone until it is plugged in again", link.device, protocol.gave_up)
            self._held.add(self._identity_of(link.device))
            self._drop(link)
        elif protocol.kind == UNIDENTIFIED and _real(link.device) not in present:
            self._drop(link)  # unplugged before it said what it is
        elif link.status.kind != protocol.kind:
            link.status.kind = protocol.kind
            log.info("%s: identified as a %s", link.device, protocol.kind)
            events.bus.publish(link.status.event())

    def _adopt(self, port: PortInfo, present: set[str]) -> None:
        real = _real(port.device)
        reader = next((link for link in self.links if _real(link.device) == real), None)
        if reader is not None:
            self._identity[reader] = port.identity
            return
        if port.identity in self._held:
            return
        moved = next((link for link, identity in self._identity.items()
                      if identity == port.identity and _real(link.device) not in present), None)
        if moved is not None:  # the same board in another socket: its reader keeps an open pour
            log.info("%s moved to %s", moved.device, port.device)
            self._drop(moved)
            link = SerialLink(port.device, moved.protocol)
        else:
            link = SerialLink(port.device, IdentifyingProtocol())
        self._identity[link] = port.identity
        self._add(link)
