"""Pour detection: cumulative meter readings and auth tokens in, pour events out.

Pure and clock-free: every call carries ``now`` (seconds, any clock as long as it is
the same one throughout; pass ``time.time()`` so that ``start``/``end`` can be stored as
the drink's times).  Not thread-safe: the thread that reads the board owns the detector
and calls :meth:`PourDetector.tick` about once a second when nothing arrives.

Use one detector per board and keep it for the life of the process, not of the serial
connection: a meter's baseline and its open pour belong to the meter name
(``decisions.md``, Pour detection), so a port that is unplugged and reopened continues
the same pour.  An auth token applies to every meter of its detector (Kegbot's
``__all_taps__``).

Volume: the detector asks the ``ml_per_tick(meter)`` callable given to it (the caller
maps meter → tap → calibration); ``None`` means the meter feeds no tap, and its ticks
are only counted in ``stats.unmapped_ticks``.  Its baseline is still tracked, so mapping
the meter later does not turn the whole counter into a pour.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

Token = tuple[str, str]
"""``(auth_device, token_value)``, e.g. ``("core.rfid", "0a1b2c3d4e")``."""

ONEWIRE_DEVICE = "core.onewire"


@dataclass(frozen=True, slots=True)
class PourConfig:
    """Guards and timeouts (decision 23 of ``spec/kegbot.md``)."""

    max_delta: int = 1000
    idle_timeout: float = 10.0
    rfid_idle_timeout: float = 20.0
    onewire_idle_timeout: float = 120.0
    min_volume_ml: float = 10.0


@dataclass(frozen=True, slots=True)
class PourProgress:
    """A pour grew (for the live UI); ``last`` is the time of this reading."""

    meter: str
    ticks: int
    volume_ml: float
    start: float
    last: float
    token: Token | None


@dataclass(frozen=True, slots=True)
class PourFinished:
    """A pour ended and should become one drink on the meter's tap.

    ``end`` is the last reading that added ticks (Kegbot's ``pour_time``), ``duration``
    is ``end - start`` in seconds.
    """

    meter: str
    ticks: int
    volume_ml: float
    ml_per_tick: float
    start: float
    end: float
    duration: float
    token: Token | None


@dataclass(frozen=True, slots=True)
class PourDiscarded:
    """A pour ended below the minimum volume; no drink (counted ``pours_discarded``)."""

    meter: str
    ticks: int
    volume_ml: float
    start: float
    end: float
    token: Token | None


PourEvent = PourProgress | PourFinished | PourDiscarded


@dataclass(slots=True)
class DetectorStats:
    """Counters for the UI and the logs."""

    readings: int = 0
    ticks_counted: int = 0
    resets: int = 0
    jumps_ignored: int = 0
    ticks_ignored: int = 0
    unmapped_ticks: int = 0
    pours_finished: int = 0
    pours_discarded: int = 0

    def as_dict(self) -> dict[str, int]:
        """The counters by name."""
        return asdict(self)


@dataclass(slots=True)
class _Pour:
    ticks: int
    ml_per_tick: float
    start: float
    last: float
    token: Token | None


@dataclass(slots=True)
class _Auth:
    token: Token
    captive: bool
    last_activity: float


class PourDetector:
    """Turns one board's meter readings and token events into pours.

    Tick rules: the first reading of a meter is its baseline; a delta counts only if
    ``0 < delta ≤ max_delta``; a reading below the baseline is a board reset, whose
    reading counts if it is ≤ ``max_delta`` (ticks since the reboot); a bigger jump is
    not counted; in every case the baseline becomes the reading.

    A pour ends when no ticks arrive for ``idle_timeout`` (10 s), or 20 s when an RFID
    token is on it, 120 s for an onewire (iButton) token; removing the onewire token ends
    it at once.  A token present during a pour is assigned to it; a different token
    arriving ends the pours of the previous one.  RFID readers report "added" and
    "removed" together, so an RFID token stays current until 20 s pass without ticks on
    its pours; an onewire token stays current until it is removed.
    """

    def __init__(
        self,
        ml_per_tick: Callable[[str], float | None],
        config: PourConfig | None = None,
    ) -> None:
        self._ml_per_tick = ml_per_tick
        self.config = config or PourConfig()
        self.stats = DetectorStats()
        self._baselines: dict[str, int] = {}
        self._pours: dict[str, _Pour] = {}
        self._auth: _Auth | None = None

    @property
    def current_token(self) -> Token | None:
        """The token that new pours would be assigned to (valve logic uses it)."""
        return self._auth.token if self._auth else None

    def baseline(self, meter: str) -> int | None:
        """Last reading seen from *meter*, ``None`` before the first one."""
        return self._baselines.get(meter)

    def open_pours(self) -> list[PourProgress]:
        """The pours in progress, for a UI that starts while beer flows."""
        return [
            PourProgress(m, p.ticks, p.ticks * p.ml_per_tick, p.start, p.last, p.token)
            for m, p in self._pours.items()
        ]

    def feed_reading(self, meter: str, reading: int, now: float) -> list[PourEvent]:
        """Account one cumulative reading of *meter*; returns pours that timed out
        before it and a :class:`PourProgress` if it added ticks."""
        events = self._expire(now)
        stats = self.stats
        stats.readings += 1
        base = self._baselines.get(meter)
        self._baselines[meter] = reading
        if base is None:
            return events
        if reading < base:
            stats.resets += 1
            delta = reading
        else:
            delta = reading - base
        if delta == 0:
            return events
        if delta > self.config.max_delta:
            stats.jumps_ignored += 1
            stats.ticks_ignored += delta
            return events
        ml_per_tick = self._ml_per_tick(meter)
        if ml_per_tick is None:
            stats.unmapped_ticks += delta
            return events
        stats.ticks_counted += delta
        pour = self._pours.get(meter)
        if pour is None:
            pour = _Pour(0, ml_per_tick, now, now, self.current_token)
            self._pours[meter] = pour
        pour.ticks += delta
        pour.ml_per_tick = ml_per_tick
        pour.last = now
        if self._auth is not None and pour.token == self._auth.token:
            self._auth.last_activity = now
        events.append(PourProgress(meter, pour.ticks, pour.ticks * ml_per_tick, pour.start, now, pour.token))
        return events

    def token_added(self, device: str, value: str, now: float) -> list[PourEvent]:
        """A token arrived at the board (``AuthToken.token_id`` with status 1)."""
        events = self._expire(now)
        token = (device, value)
        if self._auth is not None and self._auth.token != token:
            previous = self._auth.token
            events += self._finish_where(lambda p: p.token == previous)
        self._auth = _Auth(token, device == ONEWIRE_DEVICE, now)
        for pour in self._pours.values():
            if pour.token is None:
                pour.token = token
        return events

    def token_removed(self, device: str, value: str, now: float) -> list[PourEvent]:
        """A token left the board; only a captive (onewire) token's leaving ends pours."""
        events = self._expire(now)
        token = (device, value)
        auth = self._auth
        if auth is not None and auth.token == token and auth.captive:
            self._auth = None
            events += self._finish_where(lambda p: p.token == token)
        return events

    def tick(self, now: float) -> list[PourEvent]:
        """Idle check; call about once a second. Returns the pours that ended."""
        return self._expire(now)

    def flush(self, now: float) -> list[PourEvent]:
        """End every open pour now (clean shutdown), keeping baselines."""
        events = self._expire(now)
        events += self._finish_where(lambda p: True)
        return events

    def _timeout(self, token: Token | None) -> float:
        if token is None:
            return self.config.idle_timeout
        if token[0] == ONEWIRE_DEVICE:
            return self.config.onewire_idle_timeout
        return self.config.rfid_idle_timeout

    def _expire(self, now: float) -> list[PourEvent]:
        events = self._finish_where(lambda p: now - p.last >= self._timeout(p.token))
        auth = self._auth
        if auth is not None and not auth.captive and now - auth.last_activity >= self._timeout(auth.token):
            self._auth = None
        return events

    def _finish_where(self, predicate: Callable[[_Pour], bool]) -> list[PourEvent]:
        events: list[PourEvent] = []
        for meter in [m for m, p in self._pours.items() if predicate(p)]:
            pour = self._pours.pop(meter)
            volume = pour.ticks * pour.ml_per_tick
            if volume < self.config.min_volume_ml:
                self.stats.pours_discarded += 1
                events.append(PourDiscarded(meter, pour.ticks, volume, pour.start, pour.last, pour.token))
            else:
                self.stats.pours_finished += 1
                events.append(
                    PourFinished(
                        meter,
                        pour.ticks,
                        volume,
                        pour.ml_per_tick,
                        pour.start,
                        pour.last,
                        pour.last - pour.start,
                        pour.token,
                    )
                )
        return events
