"""All configured serial devices of a process: one link each, started and stopped together."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from kegdash.hw.hive_reader import HiveGatewayProtocol
from kegdash.hw.kegboard_reader import KegboardProtocol
from kegdash.hw.serial_link import SerialLink
from kegdash.hw.simulators import Pty, Simulator

log = logging.getLogger(__name__)


class DeviceManager:
    def __init__(self) -> None:
        self.links: list[SerialLink] = []
        self.simulators: list[Simulator] = []

    def add_kegboard(self, device: str) -> SerialLink:
        return self._add(SerialLink(device, KegboardProtocol()))

    def add_hive_gateway(self, device: str) -> SerialLink:
        return self._add(SerialLink(device, HiveGatewayProtocol()))

    def add_simulated(self, kinds: Iterable[str] = ("kegboard", "hive")) -> None:
        """Demo mode: virtual devices on ptys, read through the real readers."""
        for kind in kinds:
            simulator = Simulator(kind, Pty())
            self.simulators.append(simulator)
            if kind == "kegboard":
                self.add_kegboard(simulator.pty.device)
            else:
                self.add_hive_gateway(simulator.pty.device)

    def _add(self, link: SerialLink) -> SerialLink:
        self.links.append(link)
        return link

    def start(self) -> None:
        for simulator in self.simulators:
            simulator.start()
        for link in self.links:
            link.start()
            log.info("reading %s on %s", link.protocol.kind, link.device)

    def stop(self) -> None:
        for link in self.links:
            link.stop()
        for simulator in self.simulators:
            simulator.stop()
