"""CRC-16 variants of the two serial protocols.

KBSP v1 (Kegboard) uses CRC-16/KERMIT: poly 0x1021 reflected (0x8408), init 0, no final
XOR, check value 0x2189.  A reflected CRC is the mirror image of the plain one, so it is
computed as ``reflect16(crc_xmodem(reflect_each_byte(data)))``: ``bytes.translate`` with a
256-entry bit-reversal table plus ``binascii.crc_hqx`` (itself table-driven, in C) run at
C speed, which a per-byte Python loop cannot (the decoder must keep up with ≥ 40,000
frames/s).

HV1 (hive gateways) uses CRC-16/CCITT-FALSE: poly 0x1021, init 0xFFFF, not reflected,
check value 0x29B1 — exactly ``binascii.crc_hqx(data, 0xFFFF)``.
"""

from binascii import crc_hqx

_REVERSED_BYTE = bytes(int(f"{i:08b}"[::-1], 2) for i in range(256))


def _reflect16(value: int) -> int:
    return (_REVERSED_BYTE[value & 0xFF] << 8) | _REVERSED_BYTE[value >> 8]


def crc16_kermit(data: bytes | bytearray, crc: int = 0) -> int:
    """CRC-16/KERMIT of *data*, continuing from *crc* (0 to start a new one).

    Running it over a message followed by its CRC in little-endian order yields 0.
    """
    return _reflect16(crc_hqx(data.translate(_REVERSED_BYTE), _reflect16(crc)))


def crc16_ccitt_false(data: bytes | bytearray | memoryview) -> int:
    """CRC-16/CCITT-FALSE of *data* (the HV1 line checksum)."""
    return crc_hqx(data, 0xFFFF)
