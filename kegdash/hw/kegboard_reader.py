"""A Kegboard on a serial port: frames in, pours, temperatures and valve commands out.

The decoder and the pour detector are owned by this object, not by the connection, so an
unplugged board that comes back continues the same pour (``decisions.md``, Pour detection).
Finished pours become drinks through the same domain call the Kegbot API uses.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import Counter

from kegdash import events
from kegdash.bar.drinks import record_drink, resolve_token_user
from kegdash.bar.taps import BarError
from kegdash.bar.thermo import record_temperature
from kegdash.bar.views import MeterTap, meter_taps
from kegdash.hw import kbsp
from kegdash.hw.pour_detector import PourConfig, PourDetector, PourFinished, PourProgress

log = logging.getLogger(__name__)

TAP_CACHE_S = 5.0
VALVE_REFRESH_S = 1.0  # the board's watchdog closes a relay after 10 s without a command


class KegboardProtocol:
    kind = "kegboard"

    def __init__(self, board_name: str = kbsp.DEFAULT_BOARD_NAME,
                 config: PourConfig | None = None) -> None:
        self.board = board_name
        self.decoder = kbsp.KbspDecoder()
        self.detector = PourDetector(self._ml_per_tick, config or PourConfig())
        self.errors: Counter[str] = Counter()
        self._taps: dict[str, MeterTap] = {}
        self._taps_loaded = 0.0
        self._port = None
        self._open_relays: set[str] = set()
        self._last_valve = 0.0
        self.heard: tuple[float, object] | None = None
        """The latest message from the board and when (epoch s), for the Devices page."""
        self.serial_number: str | None = None
        """The board's own name, from its hellos."""

    # -- tap lookup (meter name → tap), re-read every few seconds ------------------------------
    def _tap_table(self) -> dict[str, MeterTap]:
        if time.monotonic() - self._taps_loaded > TAP_CACHE_S:
            self._taps = meter_taps()
            self._taps_loaded = time.monotonic()
        return self._taps

    def _ml_per_tick(self, meter: str) -> float | None:
        entry = self._tap_table().get(meter)
        return entry.ml_per_tick if entry else None

    # -- DeviceProtocol -----------------------------------------------------------------------
    def on_connect(self, port) -> None:
        self._port = port
        self.decoder.reset()
        self._taps_loaded = 0.0
        port.write(kbsp.encode(kbsp.Ping()))

    def on_disconnect(self) -> None:
        self._port = None
        self._open_relays.clear()

    def on_data(self, data: bytes, now: float) -> None:
        for message in self.decoder.feed(data):
            self.heard = (now, message)
            if isinstance(message, kbsp.Hello):
                self.serial_number = message.serial_number or self.serial_number
            self._handle(message, now)

    def on_idle(self, now: float) -> None:
        self._dispatch(self.detector.tick(now))
        self._drive_valves(now)

    def counters(self) -> dict[str, object]:
        return {**self.decoder.stats.as_dict(), **self.detector.stats.as_dict(), **self.errors}

    # -- messages -----------------------------------------------------------------------------
    def _handle(self, message: object, now: float) -> None:
        if isinstance(message, kbsp.MeterStatus):
            meter = kbsp.qualified_name(message.meter_name, self.board)
            self._dispatch(self.detector.feed_reading(meter, message.meter_reading, now))
        elif isinstance(message, kbsp.AuthToken):
            device, value = message.token_id
            if message.status:
                self._dispatch(self.detector.token_added(device, value, now))
            else:
                self._dispatch(self.detector.token_removed(device, value, now))
            self._drive_valves(now, force=True)
        elif isinstance(message, kbsp.TemperatureReading):
            self._temperature(message)

    def _temperature(self, message: kbsp.TemperatureReading) -> None:
        name = kbsp.qualified_name(message.sensor_name, self.board)
        try:
            record_temperature(name, message.celsius)
        except BarError as exc:
            self.errors["temperatures_refused"] += 1
            log.info("%s: temperature refused: %s", name, exc)

    def _dispatch(self, pour_events: list) -> None:
        for event in pour_events:
            if isinstance(event, PourProgress):
                entry = self._tap_table().get(event.meter)
                if entry is not None:  # a meter without a tap pours nothing anyone can see
                    events.bus.publish(events.PourProgress(
                        tap_id=entry.tap_id, meter=event.meter, ticks=event.ticks,
                        volume_ml=event.volume_ml))
            elif isinstance(event, PourFinished):
                self._record(event)

    def _record(self, pour: PourFinished) -> None:
        token = f"{pour.token[0]}|{pour.token[1]}" if pour.token else None
        try:
            record_drink(
                pour.meter, ticks=pour.ticks, volume_ml=pour.volume_ml, auth_token=token,
                pour_time=dt.datetime.fromtimestamp(pour.end, dt.UTC).replace(tzinfo=None,
                                                                             microsecond=0),
                duration=round(pour.duration),
            )
        except BarError as exc:
            self.errors["drinks_refused"] += 1
            log.warning("%s: pour of %d ticks not recorded: %s", pour.meter, pour.ticks, exc)

    # -- valves -------------------------------------------------------------------------------
    def _drive_valves(self, now: float, force: bool = False) -> None:
        """Open the relays of taps that require auth while an authorised token is present."""
        if self._port is None or (not force and now - self._last_valve < VALVE_REFRESH_S):
            return
        self._last_valve = now
        token = self.detector.current_token
        authorised = token is not None and resolve_token_user(f"{token[0]}|{token[1]}") is not None
        for tap in self._tap_table().values():
            relay = tap.relay_name
            if not relay or not tap.requires_auth:
                continue
            if authorised or relay in self._open_relays:
                command = kbsp.SetOutput(kbsp.relay_output_id(relay), int(authorised))
                self._port.write(kbsp.encode(command))
                if authorised:
                    self._open_relays.add(relay)
                else:
                    self._open_relays.discard(relay)
