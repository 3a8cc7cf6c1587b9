"""Kegboard Serial Protocol v1 (KBSP): messages, encoder and a streaming decoder.

Frame: ``"KBSP v1:"`` · message id uint16 LE · payload length uint16 LE · TLV payload
(0…112 bytes) · CRC-16/KERMIT uint16 LE over header and payload · ``"\\r\\n"``; at most
128 bytes.  The original readers never checked the CRC and could not resynchronise under
Python 3 (``spec/kegbot.md`` §3.1); this decoder checks everything, resynchronises on the
prefix after any bad frame and counts every byte it throws away, so the UI can show why a
board "goes quiet".  Pure: no I/O, no threads.
"""

from __future__ import annotations

import re
import struct
from dataclasses import asdict, dataclass, fields
from typing import ClassVar

from kegdash.hw.crc16 import crc16_kermit

PREFIX = b"KBSP v1:"
TRAILER = b"\r\n"
HEADER_LEN = 12
FOOTER_LEN = 4
MAX_PAYLOAD_LEN = 112

DEFAULT_BOARD_NAME = "kegboard"

_HEADER = struct.Struct("<8sHH")
_LENGTHS = struct.Struct("<HH")
_CRC = struct.Struct("<H")

# Field kinds: unsigned / signed little-endian integer, NUL-stripped ASCII string, raw bytes.
_U, _S, _STR, _BYTES = "u", "s", "str", "bytes"


class KbspError(ValueError):
    """A message that cannot be encoded (value too wide, payload over 112 bytes)."""


class _Malformed(Exception):
    """A frame with a valid CRC whose payload does not fit its message definition."""


@dataclass(frozen=True, slots=True)
class Hello:
    """Board heartbeat (boot, ping answer, every 10 s). Every field is optional."""

    firmware_version: int | None = None
    protocol_version: int | None = None
    serial_number: str | None = None
    uptime_millis: int | None = None
    uptime_days: int | None = None

    MESSAGE_ID: ClassVar[int] = 0x01
    TAGS: ClassVar[tuple] = (
        (0x01, "firmware_version", _U, 2),
        (0x02, "protocol_version", _U, 2),
        (0x03, "serial_number", _STR, 0),
        (0x04, "uptime_millis", _U, 4),
        (0x05, "uptime_days", _U, 4),
    )


@dataclass(frozen=True, slots=True)
class BoardConfiguration:
    """The board's stored settings (documented; firmware v18 does not send it)."""

    board_name: str | None = None
    baud_rate: int | None = None
    update_interval: int | None = None
    watchdog_timeout: int | None = None

    MESSAGE_ID: ClassVar[int] = 0x02
    TAGS: ClassVar[tuple] = (
        (0x01, "board_name", _STR, 0),
        (0x02, "baud_rate", _U, 2),
        (0x03, "update_interval", _U, 2),
        (0x04, "watchdog_timeout", _U, 2),
    )


@dataclass(frozen=True, slots=True)
class MeterStatus:
    """Cumulative tick count of one flow meter since the board powered up."""

    meter_name: str
    meter_reading: int

    MESSAGE_ID: ClassVar[int] = 0x10
    TAGS: ClassVar[tuple] = (
        (0x01, "meter_name", _STR, 0),
        (0x02, "meter_reading", _U, 4),
    )


@dataclass(frozen=True, slots=True)
class TemperatureReading:
    """One 1-wire thermometer reading in micro-degrees Celsius (signed)."""

    sensor_name: str
    sensor_reading: int

    MESSAGE_ID: ClassVar[int] = 0x11
    TAGS: ClassVar[tuple] = (
        (0x01, "sensor_name", _STR, 0),
        (0x02, "sensor_reading", _S, 4),
    )

    @property
    def celsius(self) -> float:
        """The reading in °C."""
        return micro_celsius_to_celsius(self.sensor_reading)


@dataclass(frozen=True, slots=True)
class OutputStatus:
    """State of one relay output (0 off, 1 on), sent when it changes."""

    output_name: str
    output_reading: int

    MESSAGE_ID: ClassVar[int] = 0x12
    TAGS: ClassVar[tuple] = (
        (0x01, "output_name", _STR, 0),
        (0x02, "output_reading", _U, 1),
    )


@dataclass(frozen=True, slots=True)
class OnewirePresence:
    """Deprecated iButton presence report (replaced by :class:`AuthToken`)."""

    device_id: int
    status: int

    MESSAGE_ID: ClassVar[int] = 0x13
    TAGS: ClassVar[tuple] = (
        (0x01, "device_id", _U, 8),
        (0x02, "status", _U, 1),
    )

    @property
    def token_id(self) -> tuple[str, str]:
        """``(device, value)`` as for an onewire :class:`AuthToken` with the same id."""
        return auth_token_id("onewire", self.device_id.to_bytes(8, "little"))


@dataclass(frozen=True, slots=True)
class AuthToken:
    """An RFID card or iButton arrived (status 1) or left (status 0)."""

    device: str
    token: bytes
    status: int

    MESSAGE_ID: ClassVar[int] = 0x14
    TAGS: ClassVar[tuple] = (
        (0x01, "device", _STR, 0),
        (0x02, "token", _BYTES, 0),
        (0x03, "status", _U, 1),
    )

    @property
    def token_id(self) -> tuple[str, str]:
        """``(device, value)`` in kegdash's spelling, see :func:`auth_token_id`."""
        return auth_token_id(self.device, self.token)


@dataclass(frozen=True, slots=True)
class Ping:
    """Host command: the board answers with :class:`Hello`."""

    MESSAGE_ID: ClassVar[int] = 0x81
    TAGS: ClassVar[tuple] = ()


@dataclass(frozen=True, slots=True)
class SetOutput:
    """Host command: switch relay *output_id* on (1) or off (0); the board's watchdog
    turns it off again after 10 s unless the command is repeated."""

    output_id: int
    output_mode: int

    MESSAGE_ID: ClassVar[int] = 0x84
    TAGS: ClassVar[tuple] = (
        (0x01, "output_id", _U, 1),
        (0x02, "output_mode", _U, 1),
    )


@dataclass(frozen=True, slots=True)
class SetSerialNumber:
    """Host command: store a serial number (< 30 bytes; ignored if one is already set)."""

    serial_number: str

    MESSAGE_ID: ClassVar[int] = 0x85
    TAGS: ClassVar[tuple] = ((0x01, "serial_number", _STR, 0),)


Message = (
    Hello
    | BoardConfiguration
    | MeterStatus
    | TemperatureReading
    | OutputStatus
    | OnewirePresence
    | AuthToken
    | Ping
    | SetOutput
    | SetSerialNumber
)

MESSAGE_TYPES: dict[int, type] = {
    cls.MESSAGE_ID: cls
    for cls in (
        Hello,
        BoardConfiguration,
        MeterStatus,
        TemperatureReading,
        OutputStatus,
        OnewirePresence,
        AuthToken,
        Ping,
        SetOutput,
        SetSerialNumber,
    )
}

# For each message id: (class, {tag: (name, kind)}, names of required fields).
_SCHEMAS: dict[int, tuple[type, dict[int, tuple[str, str]], tuple[str, ...]]] = {
    mid: (
        cls,
        {tag: (name, kind) for tag, name, kind, _ in cls.TAGS},
        tuple(f.name for f in fields(cls) if f.default is not None),
    )
    for mid, cls in MESSAGE_TYPES.items()
}


def encode(message: Message) -> bytes:
    """The complete frame for *message*; fields that are ``None`` are left out.

    Integers use the widths of the protocol table; raises :class:`KbspError` when a value
    does not fit or the payload would exceed 112 bytes.
    """
    parts = []
    for tag, name, kind, width in message.TAGS:
        value = getattr(message, name)
        if value is None:
            continue
        if kind == _STR:
            try:
                raw = value.encode("ascii")
            except UnicodeEncodeError as exc:
                raise KbspError(f"{name} must be ASCII") from exc
        elif kind == _BYTES:
            raw = bytes(value)
        else:
            try:
                raw = value.to_bytes(width, "little", signed=kind == _S)
            except OverflowError as exc:
                raise KbspError(f"{name}={value} does not fit in {width} bytes") from exc
        if len(raw) > 255:
            raise KbspError(f"{name} is longer than 255 bytes")
        parts.append(bytes((tag, len(raw))) + raw)
    payload = b"".join(parts)
    if len(payload) > MAX_PAYLOAD_LEN:
        raise KbspError(f"payload of {len(payload)} bytes exceeds {MAX_PAYLOAD_LEN}")
    body = _HEADER.pack(PREFIX, message.MESSAGE_ID, len(payload)) + payload
    return body + _CRC.pack(crc16_kermit(body)) + TRAILER


@dataclass(slots=True)
class DecoderStats:
    """What the decoder accepted and what it threw away (for the UI and the logs).

    ``garbage_bytes`` counts every byte that was not part of a frame with a valid CRC,
    including the bytes of frames refused for their length or CRC.
    """

    bytes_in: int = 0
    frames_ok: int = 0
    garbage_bytes: int = 0
    crc_errors: int = 0
    length_errors: int = 0
    malformed: int = 0
    unknown_messages: int = 0
    unknown_tags: int = 0

    def as_dict(self) -> dict[str, int]:
        """The counters by name."""
        return asdict(self)


class KbspDecoder:
    """Turns a byte stream from a board into messages, one :meth:`feed` at a time.

    A frame is refused (and the search for the prefix resumes one byte after its start)
    when its payload length is over 112, its trailer is not where the length says, or its
    CRC is wrong.  Frames with a good CRC but an unknown message id are counted
    ``unknown_messages``; known messages whose TLV payload is cut short or lacks a
    required field are counted ``malformed``; unknown tags are skipped and counted.
    The buffer never holds more than one frame's worth of bytes after :meth:`feed`.
    """

    def __init__(self) -> None:
        self._buf = bytearray()
        self.stats = DecoderStats()

    def reset(self) -> None:
        """Forget a partial frame (call after reopening a port); counts it as garbage."""
        self.stats.garbage_bytes += len(self._buf)
        self._buf.clear()

    def feed(self, data: bytes) -> list[Message]:
        """Add *data* and return the messages completed by it, in order."""
        stats = self.stats
        stats.bytes_in += len(data)
        buf = self._buf
        buf += data
        n = len(buf)
        out: list[Message] = []
        pos = 0
        while True:
            start = buf.find(PREFIX, pos)
            if start < 0:
                keep = _partial_prefix_len(buf, pos)
                stats.garbage_bytes += n - keep - pos
                pos = n - keep
                break
            stats.garbage_bytes += start - pos
            pos = start
            if n - pos < HEADER_LEN:
                break
            message_id, length = _LENGTHS.unpack_from(buf, pos + 8)
            if length > MAX_PAYLOAD_LEN:
                stats.length_errors += 1
                stats.garbage_bytes += 1
                pos += 1
                continue
            end = pos + HEADER_LEN + length + FOOTER_LEN
            if n < end:
                break
            if buf[end - 2] != 0x0D or buf[end - 1] != 0x0A:
                stats.length_errors += 1
                stats.garbage_bytes += 1
                pos += 1
                continue
            if crc16_kermit(buf[pos : end - 2]) != 0:
                stats.crc_errors += 1
                stats.garbage_bytes += 1
                pos += 1
                continue
            stats.frames_ok += 1
            schema = _SCHEMAS.get(message_id)
            if schema is None:
                stats.unknown_messages += 1
            else:
                try:
                    out.append(self._decode(schema, bytes(buf[pos + HEADER_LEN : end - 4])))
                except _Malformed:
                    stats.malformed += 1
            pos = end
        del buf[:pos]
        return out

    def _decode(
        self, schema: tuple[type, dict[int, tuple[str, str]], tuple[str, ...]], payload: bytes
    ) -> Message:
        cls, tags, required = schema
        values: dict[str, object] = {}
        i = 0
        size = len(payload)
        while i < size:
            if i + 2 > size:
                raise _Malformed
            tag = payload[i]
            j = i + 2 + payload[i + 1]
            if j > size:
                raise _Malformed
            spec = tags.get(tag)
            if spec is None:
                self.stats.unknown_tags += 1
            else:
                name, kind = spec
                raw = payload[i + 2 : j]
                if kind == _STR:
                    try:
                        values[name] = raw.split(b"\0", 1)[0].decode("ascii")
                    except UnicodeDecodeError:
                        raise _Malformed from None
                elif kind == _BYTES:
                    values[name] = raw
                elif 0 < len(raw) <= 8:
                    values[name] = int.from_bytes(raw, "little", signed=kind == _S)
                else:
                    raise _Malformed
            i = j
        for name in required:
            if name not in values:
                raise _Malformed
        return cls(**values)


def _partial_prefix_len(buf: bytearray, pos: int) -> int:
    """Length of the longest tail of ``buf[pos:]`` that could start a prefix."""
    for k in range(min(len(PREFIX) - 1, len(buf) - pos), 0, -1):
        if buf.endswith(PREFIX[:k]):
            return k
    return 0


def qualified_name(local_name: str, board: str = DEFAULT_BOARD_NAME) -> str:
    """Host-wide name of a board's meter, sensor or relay: ``kegboard.flow0``,
    ``kegboard.thermo-28…``, ``kegboard.relay0`` (decision 22; board name per port)."""
    return f"{board}.{local_name}"


_RELAY_RE = re.compile(r"relay([0-9]{1,2})")


def relay_output_id(relay_name: str) -> int:
    """Output id for :class:`SetOutput` from a relay name (``kegboard.relay1`` → 1)."""
    match = _RELAY_RE.fullmatch(relay_name.rsplit(".", 1)[-1])
    if match is None or int(match.group(1)) > 15:
        raise ValueError(f"not a relay name: {relay_name!r}")
    return int(match.group(1))


def micro_celsius_to_celsius(micro: int) -> float:
    """Kegboard ``temp_t`` (°C × 10⁶) to °C."""
    return micro / 1_000_000


def auth_token_id(device: str, token: bytes) -> tuple[str, str]:
    """``(auth_device, token_value)`` as kegdash stores tokens.

    The device gets pycore's ``core.`` prefix (``onewire`` → ``core.onewire``;
    ``core.rfid`` stays), the value is the lower-case hex of the token bytes in reverse
    order of arrival, as Kegbot did (``decisions.md``, Kegbot wire details).
    """
    if not device.startswith("core."):
        device = "core." + device
    return device, bytes(reversed(token)).hex()
