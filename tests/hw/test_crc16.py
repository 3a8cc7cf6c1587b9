"""CRC-16/KERMIT (KBSP) and CRC-16/CCITT-FALSE (HV1) against their published check values
and a bit-by-bit implementation written from the definitions."""

from hypothesis import given, settings
from hypothesis import strategies as st

from kegdash.hw.crc16 import crc16_ccitt_false, crc16_kermit


def kermit_bitwise(data: bytes, crc: int = 0) -> int:
    """Reflected CCITT: poly 0x8408, init 0, no final XOR, LSB first."""
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0x8408 if crc & 1 else crc >> 1
    return crc


def ccitt_false_bitwise(data: bytes) -> int:
    """Poly 0x1021, init 0xFFFF, MSB first, no final XOR."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return crc


def test_check_values():
    assert crc16_kermit(b"123456789") == 0x2189
    assert crc16_ccitt_false(b"123456789") == 0x29B1


def test_kbsp_prefix_seed_matches_firmware_constant():
    assert crc16_kermit(b"KBSP v1:") == 0xE3AF


def test_empty_input_keeps_the_start_value():
    assert crc16_kermit(b"") == 0
    assert crc16_kermit(b"", 0x1234) == 0x1234
    assert crc16_ccitt_false(b"") == 0xFFFF


def test_accepts_bytearray():
    assert crc16_kermit(bytearray(b"123456789")) == 0x2189


@settings(max_examples=200)
@given(st.binary(max_size=300))
def test_kermit_matches_bitwise_definition(data):
    assert crc16_kermit(data) == kermit_bitwise(data)


@settings(max_examples=200)
@given(st.binary(max_size=300))
def test_ccitt_false_matches_bitwise_definition(data):
    assert crc16_ccitt_false(data) == ccitt_false_bitwise(data)


@settings(max_examples=200)
@given(st.binary(max_size=200), st.binary(max_size=200))
def test_kermit_can_continue_and_residue_is_zero(a, b):
    assert crc16_kermit(b, crc16_kermit(a)) == crc16_kermit(a + b)
    crc = crc16_kermit(a + b)
    assert crc16_kermit(a + b + crc.to_bytes(2, "little")) == 0
