"""Virtual hardware on a pseudo-terminal: a Kegboard and a hive gateway that behave like real ones.

The app opens the pty's slave path exactly like a USB serial port, so demo mode and
``kegdash simulate`` exercise the real readers, not a shortcut around them.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import math
import os
import random
import re
import threading
import time
import tty
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kegdash.bar.taps import end_keg, start_keg
from kegdash.bar.views import TapCard, meter_taps, tap_cards
from kegdash.db import close_thread_connection
from kegdash.hw import hv1, kbsp
from kegdash.resources import resource_path

log = logging.getLogger(__name__)

DEMO_RFID = [bytes.fromhex("0a1b2c3d4e")[::-1], bytes.fromhex("5f6e7d8c9b")[::-1]]
DEMO_THERMO = "thermo-28ff4a1b2c3d4e5f"
SERIAL_NUMBER = "KB-SIM-0001"


def demo_spec() -> dict[str, Any]:
    """``resources/demo/demo.json``, which the demo data set is made from."""
    return json.loads(resource_path("demo", "demo.json").read_text(encoding="utf-8"))


def demo_hive_weights() -> dict[str, float]:
    """Device id → today's weight of the demo hives, so live readings continue the demo month."""
    return {hive["device"]: hive["base_weight_kg"] for hive in demo_spec()["apiary"]["hives"]}


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
        """Close both ends once. A second call (a simulator stopped twice) closes nothing: by
        then the numbers may be another file's, such as a server's wake-up pipe."""
        fds, (self.master, self._slave) = (self.master, self._slave), (-1, -1)
        for fd in fds:
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        if self.link is not None:
            self.link.unlink(missing_ok=True)


POUR_ML = (200.0, 600.0)
"""A pour at the simulated bar: from a taster to a large glass."""
POUR_EVERY_S = 150.0
"""Mean time between two pours on any tap: about 24 an hour, a steady evening."""
FIRST_POUR_S = (5.0, 20.0)
"""The first pour comes soon after the board starts, so a demo looks alive at once."""
TAP_REST_S = 30.0
"""A tap rests this long after a pour: the reader ends a pour after 10 s without ticks (20 s while
a swiped RFID token is current), so a quicker pour on the same tap would become part of it."""
FLOW_ML_PER_S = 60.0
"""How fast a keg tap runs: about a pint in eight seconds."""
FRAME_S = 0.1
"""A board reports a flowing meter ten times a second."""
TEMPERATURE_S = 2.0
SWIPE_ODDS = 0.3
"""How often a drinker swipes an RFID token before pouring."""
BENCH_ML_PER_TICK = 0.367107
"""The calibration assumed for a board that knows no bar (``kegdash simulate``): an FT330 meter."""
KEG_CHANGE_S = 180.0
"""How long a kicked keg stays on its tap before the demo bar's staff change it."""


@dataclass(frozen=True, slots=True)
class BarTap:
    """A tap the simulated drinkers may pour from: its meter's number on the board (``flowN``),
    its calibration, the keg on it (None: a bench board's unknown keg) and what that keg has left."""

    meter: int
    ml_per_tick: float
    keg_id: int | None = None
    remaining_ml: float = math.inf


class SimulatedBar:
    """What the simulated drinkers see of the bar: the taps on one board's meters with a keg.

    A board plugged into a real bar only reads it. In demo mode (``change_kegs``) the bar's staff
    also change a keg ``KEG_CHANGE_S`` after it kicked, for the next beer of ``on_deck`` in
    ``demo.json``: a demo-only behaviour, kept here beside the simulators it drives, never in the
    bar's own services (a real keg is changed by a person). ``speed`` shortens that wait as it
    quickens the simulators.
    """

    def __init__(self, board: str = kbsp.DEFAULT_BOARD_NAME, *, change_kegs: bool = False,
                 speed: float = 1.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.meter_pattern = re.compile(rf"{re.escape(board)}\.flow(\d+)")
        self.change_kegs = change_kegs
        self.change_after = KEG_CHANGE_S / speed
        self.clock = clock
        self.kicked: dict[int, float] = {}
        """Keg id → when it was first seen kicked."""
        self._on_deck = itertools.cycle(demo_spec()["on_deck"]) if change_kegs else None

    def taps(self) -> list[BarTap]:
        """Taps with a keg on this board's meters; first, in demo mode, kicked kegs changed."""
        calibration = meter_taps()
        cards = tap_cards()
        if self.change_kegs and self._change_kicked(cards):
            cards = tap_cards()
        found = []
        for card in cards:
            meter = self.meter_pattern.fullmatch(card.meter)
            if meter is not None and card.keg_id is not None and card.meter in calibration:
                found.append(BarTap(int(meter.group(1)), calibration[card.meter].ml_per_tick,
                                    card.keg_id, card.remaining_ml))
        return found

    def _change_kicked(self, cards: list[TapCard]) -> bool:
        now = self.clock()
        kicked = {card.keg_id: card for card in cards if card.keg_id is not None and card.fraction <= 0}
        self.kicked = {keg: self.kicked.get(keg, now) for keg in kicked}
        changed = False
        for keg_id, since in list(self.kicked.items()):
            if now - since >= self.change_after:
                beer = next(self._on_deck)
                tap_id = kicked[keg_id].tap_id
                end_keg(tap_id)
                start_keg(tap_id, beer["beverage"], size=beer["size"], abv=beer["abv"],
                          style=beer["style"])
                log.info("demo: the kicked keg on %s was changed for %s", kicked[keg_id].name,
                         beer["beverage"])
                del self.kicked[keg_id]
                changed = True
        return changed


def bench_taps(meters: int = 2) -> Callable[[], list[BarTap]]:
    """A board on a bench (``kegdash simulate``): any of its meters pours, without end."""
    return lambda: [BarTap(meter, BENCH_ML_PER_TICK) for meter in range(meters)]


def kegboard_traffic(rng: random.Random,
                     taps: Callable[[], list[BarTap]] | None = None) -> Iterator[tuple[float, bytes]]:
    """(delay before, frame bytes) forever: a hello, temperatures near 3.5 °C every 2 s, and now
    and then a pour of 0.2-0.6 L (some after an RFID swipe) on a tap that ``taps()`` says has
    beer, never more than its keg holds, never on a tap that poured in the last ``TAP_REST_S``."""
    taps = taps or bench_taps()
    counters: dict[int, int] = {}
    left: dict[tuple[int, int | None], float] = {}
    """(meter, keg) → what the keg has left after this board's own pours, which the bar's
    figures show only once the reader has recorded them."""
    rested: dict[int, float] = {}
    temperature = 3.5
    clock = 0.0
    next_temperature = TEMPERATURE_S
    next_pour = rng.uniform(*FIRST_POUR_S)
    heartbeats = 0
    yield 0.0, kbsp.encode(kbsp.Hello(firmware_version=18, serial_number=SERIAL_NUMBER))
    while True:
        if next_temperature <= next_pour:
            temperature = min(4.2, max(2.8, temperature + rng.gauss(0, 0.05)))
            yield next_temperature - clock, kbsp.encode(
                kbsp.TemperatureReading(DEMO_THERMO, round(temperature * 1e6)))
            clock = next_temperature
            next_temperature += TEMPERATURE_S
            heartbeats += 1
            if heartbeats % 5 == 0:  # a hello every 10 s: the board is alive
                yield 0.0, kbsp.encode(kbsp.Hello(firmware_version=18, serial_number=SERIAL_NUMBER,
                                                  uptime_millis=int(clock * 1000)))
            continue
        waited, clock = next_pour - clock, next_pour
        next_pour = clock + max(5.0, rng.expovariate(1 / POUR_EVERY_S))
        try:
            open_taps = taps()
        except Exception:  # the database is away (shutting down): nobody pours this time
            log.exception("simulated drinkers cannot see the taps")
            open_taps = []
        choices = []
        for tap in open_taps:
            key = (tap.meter, tap.keg_id)
            left[key] = min(tap.remaining_ml, left.get(key, math.inf))
            if left[key] > 0 and rested.get(tap.meter, -math.inf) <= clock:
                choices.append(tap)
        if not choices:
            continue  # nobody can pour: time goes on with the temperatures
        tap = rng.choice(choices)
        key = (tap.meter, tap.keg_id)
        volume = rng.uniform(*POUR_ML)
        if volume < left[key]:
            ticks = math.ceil(volume / tap.ml_per_tick)
        else:  # the last glass: the keg empties, one tick past its last drop and no further
            ticks = math.floor(left[key] / tap.ml_per_tick) + 1
        left[key] -= ticks * tap.ml_per_tick
        delay = waited
        if tap.meter not in counters:  # a board reports a meter before its first pour: the baseline
            counters[tap.meter] = 0
            yield delay, kbsp.encode(kbsp.MeterStatus(f"flow{tap.meter}", 0))
            delay = 0.0
        if rng.random() < SWIPE_ODDS:
            token = rng.choice(DEMO_RFID)
            yield delay, kbsp.encode(kbsp.AuthToken("core.rfid", token, 1))
            yield 0.0, kbsp.encode(kbsp.AuthToken("core.rfid", token, 0))
            delay = 1.0  # then the glass goes under the tap
            clock += delay
        per_frame = FLOW_ML_PER_S * FRAME_S / tap.ml_per_tick
        while ticks > 0:
            step = min(ticks, max(1, round(per_frame * rng.uniform(0.8, 1.2))))
            counters[tap.meter] += step
            ticks -= step
            clock += FRAME_S
            yield delay + FRAME_S, kbsp.encode(kbsp.MeterStatus(f"flow{tap.meter}", counters[tap.meter]))
            delay = 0.0
        rested[tap.meter] = clock + TAP_REST_S
        next_temperature = max(next_temperature, clock)
        next_pour = max(next_pour, clock)


SWARM_ODDS = 1 / 15000
"""Per reading (one per hive every 10 s): a swarm from each hive every two days or so, often enough
for the demo to show one, rare enough that a hive's weight keeps growing over the weeks."""


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
            if rng.random() < SWARM_ODDS:
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
    """Writes a traffic generator to a pty from a daemon thread until stopped. A Kegboard's
    drinkers pour from ``taps()`` (a :class:`SimulatedBar`'s), or from any meter of a bench board."""

    def __init__(self, kind: str, pty: Pty, seed: int | None = None, speed: float = 1.0,
                 taps: Callable[[], list[BarTap]] | None = None) -> None:
        rng = random.Random(seed)
        self.kind = kind
        self.pty = pty
        self.speed = speed
        self._traffic = kegboard_traffic(rng, taps) if kind == "kegboard" else hive_traffic(rng)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"kegdash-sim-{kind}", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.pty.close()

    def _run(self) -> None:
        try:
            for delay, data in self._traffic:
                if self._stop.wait(delay / self.speed):
                    return
                try:
                    self.pty.write(data)
                except OSError:
                    return
        finally:
            close_thread_connection()  # a SimulatedBar read the taps on this thread
