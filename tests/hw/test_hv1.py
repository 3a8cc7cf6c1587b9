"""HV1 hive line protocol (spec/hives.md §2.2): frames, line assembly, every kind of drop."""

import binascii

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kegdash.apiary.reading_fields import Limits
from kegdash.hw.hv1 import Hv1Decoder, Hv1Reading, LineError, encode_line, parse_frame

NOW = 1717243800  # 2024-06-01T12:10:00Z

# The three example frames of §2.2, checksums as printed there.
EX1 = (
    "$HV1,device_id=AA:BB:CC,timestamp=1717243200,temperature=34.62,humidity=61.2,"
    "weight=48.350,battery=87*A47A"
)
EX2 = (
    "$HV1,device_id=56:12:A7,seq=4711,temperature=35.10,temperature_high=35.40,"
    "temperature_average=35.02,temperature_low=34.81,humidity=58*73F5"
)
EX3 = "$HV1,device_id=scale-3,timestamp=1717243500,weight=51.205,signal_wifi=72,battery=64*0239"


def line(body: str) -> bytes:
    """A frame with the §2.2 checksum (binascii.crc_hqx(payload, 0xFFFF), as the spec says)."""
    return f"${body}*{binascii.crc_hqx(body.encode(), 0xFFFF):04X}\r\n".encode()


def decode(*chunks: bytes, now: int = NOW, decoder: Hv1Decoder | None = None):
    decoder = decoder or Hv1Decoder()
    out = []
    for chunk in chunks:
        out += decoder.feed(chunk, now)
    return out, decoder.stats


def test_spec_examples():
    out, stats = decode(f"{EX1}\r\n{EX2}\r\n{EX3}\r\n".encode())
    assert out == [
        Hv1Reading(
            "AA:BB:CC",
            1717243200,
            False,
            {"temperature": 34.62, "humidity": 61.2, "weight": 48.35, "battery": 87.0},
            {},
            None,
            0,
        ),
        Hv1Reading(
            "56:12:A7",
            NOW,
            True,
            {
                "temperature": 35.1,
                "temperature_high": 35.4,
                "temperature_average": 35.02,
                "temperature_low": 34.81,
                "humidity": 58.0,
            },
            {},
            4711,
            0,
        ),
        Hv1Reading(
            "scale-3",
            1717243500,
            False,
            {"weight": 51.205, "signal_wifi": 72.0, "battery": 64.0},
            {},
            None,
            0,
        ),
    ]
    assert (stats.lines, stats.readings, stats.partial_discarded) == (3, 3, 0)


def test_encode_line_reproduces_spec_examples():
    assert (
        encode_line(
            {
                "device_id": "scale-3",
                "timestamp": 1717243500,
                "weight": 51.205,
                "signal_wifi": 72,
                "battery": 64,
            }
        )
        == EX3 + "\r\n"
    )
    assert (
        encode_line(
            {
                "device_id": "AA:BB:CC",
                "timestamp": 1717243200,
                "temperature": "34.62",
                "humidity": 61.2,
                "weight": "48.350",
                "battery": 87,
            }
        )
        == EX1 + "\r\n"
    )


def test_info_fields_are_kept_and_product_id_is_model_id():
    out, _ = decode(line("HV1,device_id=d1,vendor_id=BroodMonder,product_id=42v1,firmware_id=1.4"))
    assert out[0].info == {"vendor_id": "broodminder", "model_id": "42v1", "firmware_id": "1.4"}


def test_bare_lf_and_crlf_both_end_a_line():
    out, _ = decode(f"{EX1}\n{EX3}\r\n".encode())
    assert [r.device_id for r in out] == ["AA:BB:CC", "scale-3"]


def test_line_without_newline_waits_for_more_data():
    data = f"{EX1}\r\n".encode()
    out, stats = decode(data[:40], data[40:])
    assert len(out) == 1
    decoder = Hv1Decoder()
    assert decoder.feed(data[:-2], NOW) == []
    assert len(decoder.feed(b"\r\n", NOW)) == 1


def test_checksum_off_by_one_bit():
    bad = bytearray(f"{EX1}\r\n".encode())
    bad[30] ^= 0x01
    out, stats = decode(bytes(bad))
    assert out == [] and stats.bad_checksum == 1


def test_transposed_digits_are_caught():
    swapped = EX1.replace("temperature=34.62", "temperature=43.62")
    out, stats = decode(f"{swapped}\r\n".encode())
    assert out == [] and stats.bad_checksum == 1


def test_lower_case_checksum_is_malformed():
    out, stats = decode(f"{EX1[:-4]}a47a\r\n".encode())
    assert out == [] and stats.malformed == 1


def test_overlong_line_is_dropped_and_next_line_read():
    long_line = line("HV1,device_id=d1,firmware_id=" + "x" * 64 + ",x=" + "9" * 250)
    assert len(long_line) > 256
    out, stats = decode(long_line + f"{EX3}\r\n".encode())
    assert [r.device_id for r in out] == ["scale-3"]
    assert stats.overlong == 1


def test_overlong_without_any_newline_keeps_the_buffer_bounded():
    decoder = Hv1Decoder()
    decoder.feed(b"$" + b"A" * 1000, NOW)
    assert decoder.stats.overlong == 1
    assert len(decoder._assembler._buf) == 0
    assert decoder.feed(b"tail of the long line\r\n" + f"{EX3}\r\n".encode(), NOW)[0].device_id
    assert decoder.stats.overlong == 1


def test_longest_allowed_line_is_255_bytes():
    body = "HV1,device_id=d1,firmware_id=a,zz=" + "1" * (255 - 6 - 34)
    frame = line(body)
    assert len(frame) == 255 + 2
    out, stats = decode(frame)
    assert len(out) == 1 and stats.overlong == 0
    out, stats = decode(line(body + "1"))
    assert out == [] and stats.overlong == 1


def test_two_frames_glued_without_lf():
    glued = EX1.encode() + f"{EX3}\r\n".encode()
    out, stats = decode(glued)
    assert [r.device_id for r in out] == ["scale-3"]
    assert stats.corrupt == 1


def test_partial_line_at_open_is_discarded_not_an_error():
    data = f"{EX1}\r\n{EX3}\r\n".encode()
    out, stats = decode(data[20:])
    assert [r.device_id for r in out] == ["scale-3"]
    assert stats.partial_discarded == 1
    assert stats.bad_checksum + stats.noise + stats.malformed == 0


def test_reset_after_reconnect_discards_the_next_partial_line():
    decoder = Hv1Decoder()
    decoder.feed(f"{EX1}\r\n".encode(), NOW)
    decoder.feed(EX3[:30].encode(), NOW)  # port lost mid-line
    decoder.reset()
    out = decoder.feed(f"ice_id=late\r\n{EX3}\r\n".encode(), NOW + 60)
    assert len(out) == 1
    assert decoder.stats.partial_discarded == 1


def test_comment_lines_and_blank_lines():
    out, stats = decode(b"# boot: firmware 1.4, tare offset 84213\r\n\r\n" + f"{EX3}\r\n".encode())
    assert len(out) == 1 and stats.comments == 1


def test_binary_noise_at_wrong_baud_rate():
    noise = bytes([0xF0, 0x0F, 0x80, 0xFE, 0x41, 0x0A, 0xE0, 0x24, 0x99, 0x0A])
    out, stats = decode(f"{EX3}\r\n".encode() + noise + f"{EX3[:-1]}\r\n".encode())
    assert len(out) == 1
    assert stats.noise == 2
    assert stats.malformed == 1  # the truncated copy of EX3


def test_non_ascii_digits_make_the_line_noise():
    out, stats = decode(line("HV1,device_id=d1").replace(b"d1", "d١".encode()))
    assert out == [] and stats.noise == 1


def test_other_versions_are_counted():
    out, stats = decode(line("HV2,device_id=d1,temperature=35"))
    assert out == [] and stats.unsupported_version == 1
    out, stats = decode(line("XY1,device_id=d1"))
    assert out == [] and stats.malformed == 1


@pytest.mark.parametrize(
    "body",
    [
        "HV1,device_id=d1,temperature=35,temperature=36",  # duplicate key
        "HV1,device_id=d1,temperature",  # no '='
        "HV1,device_id=d1,=5",  # empty key
        "HV1,temperature=35",  # no device_id
        "HV1,device_id=bad id,temperature=35",  # device_id syntax
        "HV1,device_id=" + "x" * 65,  # device_id too long
    ],
)
def test_malformed_frames_are_dropped_whole(body):
    out, stats = decode(line(body))
    assert out == [] and stats.malformed == 1


@pytest.mark.parametrize(
    ("value", "counter"),
    [
        ("nan", "bad_value"),
        ("inf", "bad_value"),
        ("1e3", "bad_value"),
        ("1_0", "bad_value"),
        (" 12", "bad_value"),
        ("+12", "bad_value"),
        (".5", "bad_value"),
        ("", "bad_value"),
        ("85.00", "out_of_range"),  # DS18B20 power-on value
        ("-127", "out_of_range"),  # DallasTemperature "disconnected"
        ("127.94", "out_of_range"),
    ],
)
def test_bad_value_drops_only_that_field(value, counter):
    out, stats = decode(line(f"HV1,device_id=d1,temperature={value},weight=48.5"))
    assert out[0].values == {"weight": 48.5}
    assert getattr(stats, counter) == 1


def test_every_value_bad_is_counted_empty_but_device_is_alive():
    out, stats = decode(line("HV1,device_id=d1,timestamp=1717243000,temperature=nan,battery=101"))
    assert out[0].values == {} and out[0].device_id == "d1"
    assert (stats.empty, stats.bad_value, stats.out_of_range) == (1, 1, 1)


def test_inconsistent_triple_is_dropped_as_a_whole():
    out, stats = decode(
        line(
            "HV1,device_id=d1,temperature=35,temperature_high=34,temperature_average=35,"
            "temperature_low=33,humidity=50"
        )
    )
    assert out[0].values == {"temperature": 35.0, "humidity": 50.0}
    assert stats.inconsistent == 1


def test_unknown_keys_are_counted_per_key_and_ignored(caplog):
    out, stats = decode(
        line("HV1,device_id=d1,lux=300,weight=40"),
        line("HV1,device_id=d1,lux=310,co2=400,weight=41"),
    )
    assert [r.values for r in out] == [{"weight": 40.0}, {"weight": 41.0}]
    assert stats.unknown_field == {"lux": 2, "co2": 1}
    assert [r.getMessage() for r in caplog.records].count("HV1: ignoring unknown field 'lux'") == 1


@pytest.mark.parametrize(
    "timestamp",
    ["0", "946684800", "1420070399", str(NOW + 301), "1717243200000", "17172432OO", "-5"],
)
def test_bad_timestamp_drops_the_frame(timestamp):
    out, stats = decode(line(f"HV1,device_id=d1,timestamp={timestamp},weight=40"))
    assert out == [] and stats.bad_timestamp == 1


def test_timestamp_limits_are_inclusive():
    out, _ = decode(
        line("HV1,device_id=d1,timestamp=1420070400,weight=40"),
        line(f"HV1,device_id=d1,timestamp={NOW + 300},weight=40"),
    )
    assert [r.timestamp for r in out] == [1420070400, NOW + 300]


def test_same_reading_twice_is_a_duplicate():
    out, stats = decode(f"{EX1}\r\n{EX1}\r\n{EX3}\r\n".encode())
    assert len(out) == 2 and stats.duplicate == 1


def test_a_mac_style_id_is_one_device_in_any_spelling():
    out, stats = decode(
        line("HV1,device_id=aa-bb-cc,timestamp=1717243200,seq=1,weight=40"),
        line("HV1,device_id=AA:BB:CC,timestamp=1717243200,seq=2,weight=40"),  # the same reading
        line("HV1,device_id=aa:bb:cc,timestamp=1717243500,seq=4,weight=41"),
    )
    assert [(r.device_id, r.missed) for r in out] == [("AA:BB:CC", 0), ("AA:BB:CC", 2)]
    assert stats.duplicate == 1 and stats.seq_gaps == 1


def test_readings_without_timestamp_are_not_duplicates_by_time():
    frame = line("HV1,device_id=d1,weight=40")
    out, stats = decode(frame, frame)
    assert len(out) == 2 and stats.duplicate == 0


def test_seq_gap_duplicate_wrap_and_restart():
    decoder = Hv1Decoder()
    seqs = [65533, 65534, 65535, 0, 3, 3, 4, 0]
    out = []
    for seq in seqs:
        out += decoder.feed(line(f"HV1,device_id=d1,seq={seq},weight=40"), NOW)
    assert [(r.seq, r.missed) for r in out] == [
        (65533, 0),
        (65534, 0),
        (65535, 0),
        (0, 0),  # wraps
        (3, 2),  # 1 and 2 missed
        (4, 0),  # after the duplicate 3
        (0, 0),  # went back: device restart
    ]
    stats = decoder.stats
    assert (stats.seq_gaps, stats.seq_missed, stats.duplicate, stats.seq_restarts) == (1, 2, 1, 1)


def test_seq_tracking_is_per_device():
    out, stats = decode(
        line("HV1,device_id=a,seq=1,weight=40"),
        line("HV1,device_id=b,seq=7,weight=40"),
        line("HV1,device_id=a,seq=2,weight=40"),
    )
    assert len(out) == 3 and stats.seq_gaps == 0


@pytest.mark.parametrize(("seq", "counter"), [("65536", "out_of_range"), ("x1", "bad_value")])
def test_bad_seq_drops_only_seq(seq, counter):
    out, stats = decode(line(f"HV1,device_id=d1,seq={seq},weight=40"))
    assert out[0].seq is None and getattr(stats, counter) == 1


def test_per_device_weight_limits():
    decoder = Hv1Decoder(
        limits_for=lambda device: Limits(weight_min_kg=-5.0) if device == "tare" else Limits()
    )
    out, _ = decode(
        line("HV1,device_id=tare,weight=-2.5"),
        line("HV1,device_id=other,weight=-2.5"),
        decoder=decoder,
    )
    assert [r.values for r in out] == [{"weight": -2.5}, {}]


def test_serial_never_converts_units():
    out, _ = decode(line("HV1,device_id=d1,temperature=35,weight=50"))
    assert out[0].values == {"temperature": 35.0, "weight": 50.0}


def test_parse_frame_errors_name_their_counter():
    with pytest.raises(LineError) as err:
        parse_frame("$HV1,device_id=d1*0000")
    assert err.value.kind == "bad_checksum"
    assert parse_frame(EX3) == {
        "device_id": "scale-3",
        "timestamp": "1717243500",
        "weight": "51.205",
        "signal_wifi": "72",
        "battery": "64",
    }


def test_stats_as_dict():
    decoder = Hv1Decoder()
    decoder.feed(line("HV1,device_id=d1,lux=3"), NOW)
    assert decoder.stats.as_dict()["unknown_field"] == {"lux": 1}
    assert decoder.stats.as_dict()["readings"] == 1
    decoder.feed(b"junk\n", NOW)
    assert decoder.stats.readings == 1 and decoder.stats.noise == 1


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(1, 40), max_size=40))
def test_any_chunking_gives_the_same_readings(sizes):
    data = f"{EX1}\r\n# note\r\n{EX2}\n{EX3}\r\n".encode()
    decoder = Hv1Decoder()
    out, pos = [], 0
    for size in sizes:
        out += decoder.feed(data[pos : pos + size], NOW)
        pos += size
    out += decoder.feed(data[pos:], NOW)
    assert [r.device_id for r in out] == ["AA:BB:CC", "56:12:A7", "scale-3"]


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=800))
def test_random_bytes_never_raise_nor_yield_readings(noise):
    decoder = Hv1Decoder()
    assert decoder.feed(noise, NOW) == []
    assert len(decoder._assembler._buf) <= 257
