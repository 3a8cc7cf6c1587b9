"""Hive Line Protocol v1 (HV1, ``spec/hives.md`` §2.2): one ASCII reading per line.

``$HV1,device_id=AA:BB:CC,timestamp=1717243200,temperature=34.62*A47A\\r\\n`` — keys are
Beekeeping.io ``data_upload`` names plus ``seq``; the checksum is CRC-16/CCITT-FALSE of
the text between ``$`` and ``*`` in 4 upper-case hex digits; units are °C and kg.

:class:`Hv1Decoder` turns the raw byte stream of one port into readings: it cuts lines
(partial first line, overlong, glued and noisy lines), checks each frame, validates the
fields with the same validator as HTTP ``data_upload`` under the serial policy (a bad
value drops only its field; a bad device id, time or checksum drops the line), tracks
``seq`` gaps and duplicates per device, and counts every drop.  Pure: no I/O, no
threads, no database; the caller stores readings and checks stored duplicates.
"""

from __future__ import annotations

import logging
import re
from collections import Counter, deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields

from kegdash.apiary.reading_fields import (
    DEFAULT_LIMITS,
    KNOWN_FIELDS,
    MEASUREMENT_FIELDS,
    TIMESTAMP_RE,
    FieldError,
    Limits,
    validate_field,
    validate_reading,
)
from kegdash.hw.crc16 import crc16_ccitt_false

log = logging.getLogger(__name__)

MAX_LINE_LEN = 255  # excluding CR/LF
SEQ_MODULUS = 65536
RECENT_TIMESTAMPS = 64  # per device, for duplicate detection without the database

_FRAME_RE = re.compile(r"\$([^,*]*),([^*]*)\*([0-9A-F]{4})")
_VERSION_RE = re.compile(r"HV[0-9]+")
_PRINTABLE_RE = re.compile(rb"[\x20-\x7e]*")
_INFO_FIELDS = ("vendor_id", "model_id", "firmware_id")


class LineError(ValueError):
    """A frame refused whole; ``kind`` names its counter in :class:`Hv1Stats`."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def encode_line(values: Mapping[str, str | int | float]) -> str:
    """A complete HV1 line with checksum and ``\\r\\n`` (simulators, tests, gateways).

    Floats are written with up to 6 decimals, trailing zeros removed.
    """
    body = "HV1," + ",".join(f"{key}={_format(value)}" for key, value in values.items())
    return f"${body}*{crc16_ccitt_false(body.encode('ascii')):04X}\r\n"


def _format(value: str | int | float) -> str:
    if isinstance(value, float):
        return f"{value:.6f}".rstrip("0").rstrip(".")
    return str(value)


def parse_frame(text: str) -> dict[str, str]:
    """Split one ``$HV1,…*XXXX`` frame (no CR/LF) into its raw ``key → value`` text.

    Raises :class:`LineError` with kind ``malformed`` (shape, a pair without ``=``,
    a repeated key), ``bad_checksum`` or ``unsupported_version`` — checked in that order
    after the shape, as §2.2 prescribes.
    """
    match = _FRAME_RE.fullmatch(text)
    if match is None:
        raise LineError("malformed", "not $<version>,<fields>*<CRC>")
    header, body, crc = match.groups()
    if crc16_ccitt_false(text[1 : match.start(3) - 1].encode("ascii")) != int(crc, 16):
        raise LineError("bad_checksum", "checksum mismatch")
    if header != "HV1":
        if _VERSION_RE.fullmatch(header):
            raise LineError("unsupported_version", f"version {header}")
        raise LineError("malformed", f"bad header {header!r}")
    pairs: dict[str, str] = {}
    for item in body.split(","):
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise LineError("malformed", f"not key=value: {item!r}")
        if key in pairs:
            raise LineError("malformed", f"repeated key {key!r}")
        pairs[key] = value
    return pairs


@dataclass(frozen=True, slots=True)
class Hv1Reading:
    """One accepted line.

    ``values``: measurements in °C / %RH / kg / % (may be empty: the device is alive but
    every value was bad — update its last-seen time, store no reading).
    ``host_timestamp`` is true when the line had no ``timestamp`` and ``now`` was used.
    ``missed`` is how many ``seq`` numbers were skipped just before this line.
    """

    device_id: str
    """In the apiary's one spelling: ``aa-bb-cc`` and ``AA:BB:CC`` are one device, here too for
    ``seq`` and duplicate tracking."""
    timestamp: int
    host_timestamp: bool
    values: dict[str, float]
    info: dict[str, str]
    seq: int | None
    missed: int


@dataclass(slots=True)
class Hv1Stats:
    """Per-port counters (§2.2 names); ``unknown_field`` counts per key."""

    lines: int = 0
    readings: int = 0
    comments: int = 0
    partial_discarded: int = 0
    overlong: int = 0
    corrupt: int = 0
    noise: int = 0
    malformed: int = 0
    bad_checksum: int = 0
    unsupported_version: int = 0
    bad_timestamp: int = 0
    bad_value: int = 0
    out_of_range: int = 0
    inconsistent: int = 0
    empty: int = 0
    duplicate: int = 0
    seq_gaps: int = 0
    seq_missed: int = 0
    seq_restarts: int = 0
    unknown_field: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, int | dict[str, int]]:
        """The counters by name (``unknown_field`` as a dict per key)."""
        out: dict[str, int | dict[str, int]] = {
            f.name: getattr(self, f.name) for f in fields(self) if f.name != "unknown_field"
        }
        out["unknown_field"] = dict(self.unknown_field)
        return out


@dataclass(slots=True)
class _DeviceState:
    last_seq: int | None = None
    recent: deque[int] = field(default_factory=lambda: deque(maxlen=RECENT_TIMESTAMPS))


class LineAssembler:
    """Cuts a byte stream into lines (without CR/LF), bounded to 256 bytes of buffer.

    After a (re)open the first fragment is discarded up to the first LF unless it starts
    with ``$`` or ``#`` (then it is a whole line), counted ``partial_discarded``.  A line
    longer than 255 bytes is dropped up to its LF, counted ``overlong``.
    """

    def __init__(self, stats: Hv1Stats) -> None:
        self.stats = stats
        self._buf = bytearray()
        self._fresh = True
        self._discarding = False

    def reset(self) -> None:
        """Call when the port is reopened: the next bytes start mid-line."""
        self._buf.clear()
        self._fresh = True
        self._discarding = False

    def feed(self, data: bytes) -> list[bytes]:
        """Add *data*; return the complete lines it finished."""
        buf = self._buf
        buf += data
        lines: list[bytes] = []
        pos = 0
        end = len(buf)
        while pos < end:
            if self._fresh:
                self._fresh = False
                if buf[pos] not in b"$#":
                    self.stats.partial_discarded += 1
                    self._discarding = True
            nl = buf.find(b"\n", pos)
            if nl < 0:
                if self._discarding:
                    pos = end
                elif end - pos > MAX_LINE_LEN + 1:
                    self.stats.overlong += 1
                    self._discarding = True
                    pos = end
                break
            line = bytes(buf[pos:nl])
            pos = nl + 1
            if self._discarding:
                self._discarding = False
                continue
            if line.endswith(b"\r"):
                line = line[:-1]
            if len(line) > MAX_LINE_LEN:
                self.stats.overlong += 1
                continue
            lines.append(line)
        del buf[:pos]
        return lines


class Hv1Decoder:
    """One port's HV1 reader state: line assembly, checks, ``seq`` and duplicate tracking.

    *limits_for* (optional) gives per-device limits (a scale allowed to read −5 kg);
    it is called with a syntactically valid device id.  Duplicates are recognised in
    memory — same device and explicit timestamp among its last 64, or the same ``seq``
    as its previous line; the database's (device, timestamp) check still applies.
    A ``seq`` that goes back by more than half the range is a device restart
    (``seq_restarts``), not a gap.
    """

    def __init__(self, limits_for: Callable[[str], Limits] | None = None) -> None:
        self.stats = Hv1Stats()
        self._assembler = LineAssembler(self.stats)
        self._limits_for = limits_for
        self._devices: dict[str, _DeviceState] = {}

    def reset(self) -> None:
        """Call when the port is reopened (keeps counters and per-device ``seq`` state)."""
        self._assembler.reset()

    def feed(self, data: bytes, now: int) -> list[Hv1Reading]:
        """Add bytes read from the port; *now* (UTC epoch seconds) is the receive time."""
        readings = []
        for line in self._assembler.feed(data):
            reading = self.process_line(line, now)
            if reading is not None:
                readings.append(reading)
        return readings

    def process_line(self, line: bytes, now: int) -> Hv1Reading | None:
        """Check one complete line (without CR/LF); ``None`` if it yields no reading."""
        stats = self.stats
        stats.lines += 1
        if not line:
            return None
        if line[0] == 0x23:  # '#'
            stats.comments += 1
            return None
        dollar = line.rfind(b"$")
        if dollar < 0:
            stats.noise += 1
            return None
        if dollar > 0:
            stats.corrupt += 1
            line = line[dollar:]
        if _PRINTABLE_RE.fullmatch(line) is None:
            stats.noise += 1
            return None
        try:
            pairs = parse_frame(line.decode("ascii"))
        except LineError as exc:
            setattr(stats, exc.kind, getattr(stats, exc.kind) + 1)
            return None
        return self._reading(pairs, now)

    def _reading(self, pairs: dict[str, str], now: int) -> Hv1Reading | None:
        stats = self.stats
        seq_raw = pairs.pop("seq", None)
        for key in pairs:
            if key not in KNOWN_FIELDS:
                stats.unknown_field[key] += 1
                if stats.unknown_field[key] == 1:
                    log.warning("HV1: ignoring unknown field %r", key)
        try:
            device_id = str(validate_field("device_id", pairs.get("device_id", "")))
        except FieldError:
            stats.malformed += 1
            return None
        limits = self._limits_for(device_id) if self._limits_for else DEFAULT_LIMITS
        clean, errors = validate_reading(pairs, now, "drop", limits=limits)
        if any(e.field == "timestamp" for e in errors):
            stats.bad_timestamp += 1
            return None
        seq = self._seq(seq_raw)
        device = self._devices.setdefault(device_id, _DeviceState())
        timestamp = int(clean["timestamp"])
        host_timestamp = "timestamp" not in pairs
        if (not host_timestamp and timestamp in device.recent) or (
            seq is not None and seq == device.last_seq
        ):
            stats.duplicate += 1
            return None
        for error in errors:
            kind = "bad_value" if error.kind == "duplicate" else error.kind
            setattr(stats, kind, getattr(stats, kind) + 1)
        missed = 0
        if seq is not None:
            if device.last_seq is not None:
                step = (seq - device.last_seq) % SEQ_MODULUS
                if step > SEQ_MODULUS // 2:
                    stats.seq_restarts += 1
                elif step > 1:
                    missed = step - 1
                    stats.seq_gaps += 1
                    stats.seq_missed += missed
            device.last_seq = seq
        if not host_timestamp:
            device.recent.append(timestamp)
        values = {name: float(clean[name]) for name in MEASUREMENT_FIELDS if name in clean}
        if not values:
            stats.empty += 1
        stats.readings += 1
        return Hv1Reading(
            device_id=device_id,
            timestamp=timestamp,
            host_timestamp=host_timestamp,
            values=values,
            info={name: str(clean[name]) for name in _INFO_FIELDS if name in clean},
            seq=seq,
            missed=missed,
        )

    def _seq(self, raw: str | None) -> int | None:
        if raw is None:
            return None
        if TIMESTAMP_RE.fullmatch(raw) is None:
            self.stats.bad_value += 1
            return None
        if int(raw) >= SEQ_MODULUS:
            self.stats.out_of_range += 1
            return None
        return int(raw)
