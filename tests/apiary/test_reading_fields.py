"""The shared hive-reading validator (spec/hives.md §0, §3; decisions.md Beekeeping)."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kegdash.apiary.reading_fields import (
    KNOWN_FIELDS,
    FieldError,
    Limits,
    normalise_device_id,
    validate_field,
    validate_reading,
)

NOW = 1717243800


@pytest.mark.parametrize(
    ("raw", "value"),
    [("0", 0.0), ("34", 34.0), ("-12.5", -12.5), ("007.250", 7.25), ("34.123456", 34.123456)],
)
def test_strict_numbers_accepted(raw, value):
    assert validate_field("temperature", raw) == value


@pytest.mark.parametrize(
    "raw",
    [
        "nan",
        "NaN",
        "inf",
        "-inf",
        "Infinity",
        "1e3",
        "1E3",
        "1_0",
        " 12 ",
        "12 ",
        "\t12",
        "+12",
        ".5",
        "5.",
        "١٢.5",
        "１２",
        "12.5\n",
        "",
        "-",
        "1.2.3",
        "1,5",
        "0x10",
        "1234567",
        "1.1234567",
        "--1",
    ],
)
def test_strict_numbers_refused(raw):
    with pytest.raises(FieldError) as err:
        validate_field("humidity", raw)
    assert (err.value.field, err.value.kind) == ("humidity", "bad_value")


@pytest.mark.parametrize(
    ("name", "ok", "bad"),
    [
        ("temperature", ["-40", "70", "34.5"], ["-40.000001", "70.000001", "85", "-127"]),
        ("temperature_low", ["-40"], ["-41"]),
        ("humidity", ["0", "100"], ["-0.1", "100.1"]),
        ("humidity_high", ["100"], ["101"]),
        ("weight", ["0", "300", "48.35"], ["-0.001", "300.001", "-555"]),
        ("signal_wifi", ["0", "100"], ["-60", "101"]),
        ("signal_bluetooth", ["55"], ["100.5"]),
        ("battery", ["0", "100"], ["-1", "100.001", "4200"]),
    ],
)
def test_ranges_in_canonical_units(name, ok, bad):
    for raw in ok:
        assert validate_field(name, raw) == float(raw)
    for raw in bad:
        with pytest.raises(FieldError) as err:
            validate_field(name, raw)
        assert err.value.kind == "out_of_range"


def test_weight_limits_per_device():
    assert validate_field("weight", "-5", limits=Limits(weight_min_kg=-5.0)) == -5.0
    with pytest.raises(FieldError):
        validate_field("weight", "-5.1", limits=Limits(weight_min_kg=-5.0))
    with pytest.raises(FieldError):
        validate_field("weight", "301")
    assert validate_field("weight", "350", limits=Limits(weight_max_kg=400.0)) == 350.0


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("1420070399", "out_of_range"),  # 2014-12-31T23:59:59Z
        (str(NOW + 301), "out_of_range"),
        ("0", "out_of_range"),
        ("1717243200000", "bad_value"),  # milliseconds: not guessed
        ("1717243200.5", "bad_value"),
        ("-1717243200", "bad_value"),
        ("", "bad_value"),
    ],
)
def test_timestamps_refused(raw, kind):
    with pytest.raises(FieldError) as err:
        validate_field("timestamp", raw, now=NOW)
    assert (err.value.kind, err.value.whole_reading) == (kind, True)


def test_timestamps_accepted_at_both_ends():
    assert validate_field("timestamp", "1420070400", now=NOW) == 1420070400
    assert validate_field("timestamp", str(NOW + 300), now=NOW) == NOW + 300


def test_timestamp_defaults_to_the_clock():
    assert validate_field("timestamp", "1420070400") == 1420070400


@pytest.mark.parametrize("raw", ["AA:BB:CC", "56:12:A7", "scale-3", "a.b_c-d", "x" * 64])
def test_identifiers_accepted(raw):
    assert validate_field("device_id", raw) == raw


@pytest.mark.parametrize(("raw", "stored"), [
    ("aa:bb:cc", "AA:BB:CC"), ("aa-bb-cc", "AA:BB:CC"), ("Aa-bB:cC", "AA:BB:CC"),
    ("01-23-45-67-89-ab", "01:23:45:67:89:AB"), ("56:12:a7", "56:12:A7"),
    ("ab-cd", "ab-cd"), ("abc-de-f0", "abc-de-f0"), ("dev-10-20", "dev-10-20"), ("aa.bb.cc", "aa.bb.cc"),
])
def test_mac_style_device_ids_have_one_spelling(raw, stored):
    assert normalise_device_id(raw) == stored
    assert validate_field("device_id", raw) == stored
    assert validate_field("model_id", raw) == raw  # only the device's identity


@pytest.mark.parametrize("raw", ["", "x" * 65, "bad id", "a/b", "a&b", "é", "a\n"])
def test_identifiers_refused(raw):
    with pytest.raises(FieldError):
        validate_field("device_id", raw)


def test_vendor_typo_is_normalised():
    assert validate_field("vendor_id", "broodmonder") == "broodminder"
    assert validate_field("vendor_id", "BroodMinder") == "broodminder"
    assert validate_field("vendor_id", "my_company") == "my_company"


def test_unknown_field_name():
    with pytest.raises(FieldError) as err:
        validate_field("license_key", "123")
    assert err.value.kind == "unknown_field"


def test_dialect_units_are_converted_before_the_range_check():
    assert validate_field("temperature", "95", temperature_unit="F") == 35.0
    assert validate_field("temperature", "158", temperature_unit="F") == 70.0
    with pytest.raises(FieldError):
        validate_field("temperature", "158.1", temperature_unit="F")
    with pytest.raises(FieldError):
        validate_field("temperature", "-196.6", temperature_unit="F")
    assert validate_field("weight", "100", weight_unit="lb") == pytest.approx(45.359237)
    with pytest.raises(FieldError):
        validate_field("weight", "662", weight_unit="lb")  # 300.28 kg
    assert validate_field("humidity", "50", temperature_unit="F", weight_unit="lb") == 50.0


def test_reading_clean_with_canonical_names_and_default_time():
    clean, errors = validate_reading(
        {
            "device_id": "AA:BB:CC",
            "vendor_id": "my_company",
            "product_id": "abc-1",
            "temperature": "34",
            "humidity": "65",
            "license_key": "1234567890",
        },
        NOW,
    )
    assert errors == []
    assert clean == {
        "device_id": "AA:BB:CC",
        "vendor_id": "my_company",
        "model_id": "abc-1",
        "temperature": 34.0,
        "humidity": 65.0,
        "timestamp": NOW,
    }


def test_reject_policy_refuses_the_whole_reading():
    clean, errors = validate_reading(
        {"device_id": "d1", "temperature": "nan", "humidity": "50"}, NOW, "reject"
    )
    assert clean == {}
    assert [(e.field, e.kind) for e in errors] == [("temperature", "bad_value")]


def test_drop_policy_keeps_the_good_fields():
    clean, errors = validate_reading(
        {"device_id": "d1", "temperature": "nan", "humidity": "50", "battery": "101"},
        NOW,
        "drop",
    )
    assert clean == {"device_id": "d1", "humidity": 50.0, "timestamp": NOW}
    assert sorted(e.field for e in errors) == ["battery", "temperature"]


@pytest.mark.parametrize(
    "fields",
    [
        {"temperature": "35"},
        {"device_id": "bad id", "temperature": "35"},
        {"device_id": "d1", "timestamp": "1000", "temperature": "35"},
    ],
)
def test_identity_or_time_errors_void_the_reading_even_when_dropping(fields):
    clean, errors = validate_reading(fields, NOW, "drop")
    assert clean == {} and any(e.whole_reading for e in errors)


def test_missing_device_id_is_named():
    _, errors = validate_reading({"temperature": "35"}, NOW)
    assert [(e.field, e.kind) for e in errors] == [("device_id", "missing")]


def test_product_id_and_model_id_together():
    clean, errors = validate_reading({"device_id": "d1", "model_id": "42", "product_id": "43"}, NOW, "drop")
    assert clean["model_id"] == "42"
    assert [(e.field, e.kind) for e in errors] == [("product_id", "duplicate")]


@pytest.mark.parametrize(
    ("triple", "ok"),
    [
        ({"temperature_high": "35.4", "temperature_average": "35.02", "temperature_low": "34.8"}, True),
        ({"temperature_high": "35", "temperature_average": "35", "temperature_low": "35"}, True),
        ({"temperature_high": "34", "temperature_average": "35", "temperature_low": "33"}, False),
        ({"temperature_high": "36", "temperature_average": "35", "temperature_low": "35.5"}, False),
        ({"temperature_high": "30", "temperature_low": "31"}, False),
        ({"humidity_average": "60", "humidity_low": "61"}, False),
        ({"humidity_high": "70", "humidity_low": "40"}, True),
    ],
)
def test_high_average_low_must_be_ordered(triple, ok):
    fields = {"device_id": "d1", "temperature": "35", **triple}
    clean, errors = validate_reading(fields, NOW, "drop")
    if ok:
        assert errors == [] and set(triple) <= set(clean)
    else:
        assert [e.kind for e in errors] == ["inconsistent"]
        assert errors[0].field == ",".join(triple)
        assert not set(triple) & set(clean) and clean["temperature"] == 35.0
        assert validate_reading(fields, NOW, "reject")[0] == {}


def test_known_fields_are_the_seed_list():
    assert {
        "device_id",
        "vendor_id",
        "model_id",
        "product_id",
        "firmware_id",
        "timestamp",
        "temperature",
        "temperature_high",
        "temperature_average",
        "temperature_low",
        "humidity",
        "humidity_high",
        "humidity_average",
        "humidity_low",
        "weight",
        "signal_wifi",
        "signal_bluetooth",
        "battery",
    } == KNOWN_FIELDS


@settings(max_examples=200)
@given(st.text(max_size=12))
def test_any_text_is_a_finite_in_range_number_or_a_field_error(raw):
    try:
        value = validate_field("temperature", raw)
    except FieldError:
        return
    assert isinstance(value, float) and math.isfinite(value) and -40.0 <= value <= 70.0
    assert raw.isascii() and raw.strip() == raw


@settings(max_examples=200)
@given(st.decimals(min_value=-40, max_value=70, places=3, allow_nan=False, allow_infinity=False))
def test_plain_decimals_in_range_are_accepted(number):
    assert validate_field("temperature", str(number)) == float(number)
