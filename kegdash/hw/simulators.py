"""Virtual hardware on a pseudo-terminal: a Kegboard and a hive gateway that behave like real ones.

The app opens the pty's slave path exactly like a USB serial port, so demo mode and
``kegdash simulate`` exercise the real readers, not a shortcut around them.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import random
import threading
import time
import tty
from collections.abc import Iterator
from pathlib import Path

from kegdash.hw import hv1, kbsp
from kegdash.resources import resource_path

DEMO_RFID = [bytes.fromhex("0a1b2c3d4e")[::-1], bytes.fromhex("5f6e7d8c9b")[::-1]]
DEMO_THERMO = "thermo-28ff4a1b2c3d4e5f"

def demo_hive_weights() -> dict[str, float]:
    """Device id → today's weight of the demo hives, so live readings continue the demo month."""
    spec = json.loads(resource_path("demo", "demo.json").read_text(encoding="utf-8"))
    return {hive["device"]: hive["base_weight_kg"] for hive in spec["apiary"]["hives"]}


class Pty:
    """A pseudo-terminal pair; ``path`` is what a serial reader opens, optionally via a symlink."""

    def __init__(self, link: Path | None = None) -> None:
        self.master, self._slave = os.openpty()
        tty.setraw(self.master)
        tty.setraw(self._slave)
        self.path = os.ttyname(self._slave)
        self.link = link
        if link is not None:
            link.unlink(missing_ok=True)
            link.symlink_to(self.path)

    @property
    def device(self) -> str:
        return str(self.link) if self.link is not None else self.path

    def write(self, data: bytes) -> None:
        os.write(self.master, data)

    def close(self) -> None:
        for fd in (self.master, self._slave):
            with contextlib.suppress(OSError):
                os.close(fd)
        if self.link is not None:
            self.link.unlink(missing_ok=True)


def kegboard_traffic(rng: random.Random, meters: int = 2) -> Iterator[tuple[float, bytes]]:
    """(delay before, frame bytes) forever: heartbeats, temperatures near 3.5 °C, pours, swipes."""
    counters = [0] * meters
    temperature = 3.5
    yield 0.0, kbsp.encode(kbsp.Hello(firmware_version=18, serial_number="KB-SIM-0001"))
    while True:
        for _ in range(rng.randint(2, 4)):
            temperature = min(4.2, max(2.8, temperature + rng.gauss(0, 0.05)))
            yield 2.0, kbsp.encode(kbsp.TemperatureReading(DEMO_THERMO, round(temperature * 1e6)))
        yield 0.0, kbsp.encode(kbsp.Hello(firmware_version=18, uptime_millis=int(time.monotonic() * 1000)))
        if rng.random() < 0.3:
            token = rng.choice(DEMO_RFID)
            yield 0.5, kbsp.encode(kbsp.AuthToken("core.rfid", token, 1))
            yield 0.0, kbsp.encode(kbsp.AuthToken("core.rfid", token, 0))
        meter = rng.randrange(meters)
        ticks = rng.randint(550, 1400)  # about 200-500 ml on an FT330 meter
        while ticks > 0:
            step = min(ticks, rng.randint(20, 40))
            counters[meter] += step
            ticks -= step
            yield 0.1, kbsp.encode(kbsp.MeterStatus(f"flow{meter}", counters[meter]))


def hive_traffic(rng: random.Random, interval: float = 10.0) -> Iterator[tuple[float, bytes]]:
    """One HV1 line per hive every ``interval`` s: brood near 35 °C with a day/night swing,
    humidity, weight that grows with a nectar flow and now and then drops with a swarm."""
    weights = demo_hive_weights()
    seq = {device: 0 for device in weights}
    while True:
        for device in weights:
            now = int(time.time())
            hour = (now % 86400) / 3600
            daily = math.sin((hour - 9) / 24 * 2 * math.pi)
            weights[device] += 0.002 * max(daily, 0) - 0.0005
            if rng.random() < 0.002:
                weights[device] -= rng.uniform(1.5, 2.5)  # a swarm leaves
            seq[device] = (seq[device] + 1) % 65536
            line = hv1.encode_line({
                "device_id": device, "timestamp": now, "seq": seq[device],
                "temperature": round(34.8 + 0.6 * daily + rng.gauss(0, 0.1), 2),
                "humidity": round(58 - 6 * daily + rng.gauss(0, 0.8), 1),
                "weight": round(weights[device], 3), "battery": 87,
            })
            yield interval / len(weights), line.encode("ascii")


class Simulator:
    """Writes a traffic generator to a pty from a daemon thread until stopped."""

    def __init__(self, kind: str, pty: Pty, seed: int | None = None, speed: float = 1.0) -> None:
        rng = random.Random(seed)
        self.kind = kind
        self.pty = pty
        self.speed = speed
        self._traffic = kegboard_traffic(rng) if kind == "kegboard" else hive_traffic(rng)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"kegdash-sim-{kind}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.pty.close()

    def _run(self) -> None:
        for delay, data in self._traffic:
            if self._stop.wait(delay / self.speed):
                return
            try:
                self.pty.write(data)
            except OSError:
                return
