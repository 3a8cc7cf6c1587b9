"""Colour conversions (Brauhaus formulas, Tapline /v1/convert/color)."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kegdash.brewing import ConversionError, convert_colors
from kegdash.brewing.colors import (
    ebc_to_srm,
    lovibond_to_srm,
    srm_to_css,
    srm_to_display_css,
    srm_to_display_rgb,
    srm_to_ebc,
    srm_to_lovibond,
    srm_to_name,
    srm_to_rgb,
)


def test_seed_example() -> None:
    assert convert_colors("srm", [4, 9, 15, 20, 28], "ebc") == [7.88, 17.73, 29.55, 39.4, 55.16]


def test_ebc_through_srm() -> None:
    assert convert_colors("ebc", [39], "srm") == [39 * 0.508]
    assert convert_colors("ebc", [39], "ebc")[0] == pytest.approx(39.02964)  # factors are not inverse
    assert convert_colors("srm", [7], "srm") == [7]
    assert convert_colors("lovibond", [10], "srm") == [1.3546 * 10 - 0.76]


@pytest.mark.parametrize(
    ("srm", "name"),
    [(0, "pale straw"), (1.99, "pale straw"), (2, "pale straw"), (3, "straw"), (5.9, "yellow"),
     (8, "gold"), (9, "amber"), (14, "deep amber"), (17.5, "copper"), (18, "deep copper"),
     (25, "brown"), (30, "dark brown"), (35, "very dark brown"), (40, "black"), (500, "black"),
     (math.nan, "pale straw")],
)
def test_names(srm: float, name: str) -> None:
    assert srm_to_name(srm) == name


def test_rgb_and_css_by_hand() -> None:
    assert srm_to_rgb(0) == [255, 245, 220]
    # srm 1: 255*0.975 = 248.625 → 249, 245*0.88 = 215.6 → 216, 220*0.7 = 154
    assert srm_to_rgb(1) == [249, 216, 154]
    assert srm_to_css(1) == "rgb(249, 216, 154)"
    assert convert_colors("srm", [0, 1], "rgb") == [[255, 245, 220], [249, 216, 154]]
    assert convert_colors("srm", [0], "css") == ["rgb(255, 245, 220)"]
    assert convert_colors("srm", [10], "name") == ["amber"]


def test_bad_input_names_the_property() -> None:
    with pytest.raises(ConversionError, match="outputFormat"):
        convert_colors("srm", [1], "hex")
    with pytest.raises(ConversionError, match="format"):
        convert_colors("plato", [1])
    with pytest.raises(ConversionError, match=r"values\[0\] must be a number"):
        convert_colors("srm", ["4"])
    with pytest.raises(ConversionError, match=r"values\[1\] must be at least 0"):
        convert_colors("srm", [1, -1])


finite = st.floats(min_value=0, max_value=1000, allow_nan=False)


@settings(max_examples=200)
@given(finite)
def test_lovibond_round_trip(srm: float) -> None:
    assert lovibond_to_srm(srm_to_lovibond(srm)) == pytest.approx(srm, rel=1e-12, abs=1e-12)


@settings(max_examples=200)
@given(finite)
def test_ebc_round_trip_is_off_by_brauhaus_factors(srm: float) -> None:
    assert ebc_to_srm(srm_to_ebc(srm)) == pytest.approx(srm * 1.97 * 0.508, rel=1e-12)


@settings(max_examples=200)
@given(finite)
def test_rgb_channels_in_range(srm: float) -> None:
    assert all(0 <= channel <= 255 for channel in srm_to_rgb(srm))


def test_display_colours_follow_the_published_table() -> None:
    # Table entries exactly; between entries a straight blend; outside 1–40 the nearest end.
    assert srm_to_display_rgb(4) == (0xEA, 0xE6, 0x15)
    assert srm_to_display_rgb(20) == (0x5D, 0x34, 0x1A)
    assert srm_to_display_rgb(4.5) == (0xE5, 0xDB, 0x18)
    assert srm_to_display_rgb(32.5) == (6, 9, 8)  # halfway from 30 to the 35 entry
    assert srm_to_display_rgb(0) == srm_to_display_rgb(math.nan) == (0xF3, 0xF9, 0x93)
    assert srm_to_display_rgb(300) == (0x03, 0x04, 0x03)
    assert srm_to_display_css(4) == "rgb(234, 230, 21)"


def test_display_colour_matches_the_colour_name() -> None:
    # 4.1 SRM is "yellow": Brauhaus's formula paints it orange, the table yellow.
    assert srm_to_name(4.1) == "yellow"
    assert srm_to_rgb(4.1) == [230, 145, 51]
    r, g, b = srm_to_display_rgb(4.1)
    assert r > 200 and g > 200 and b < 40
    # Darker as SRM rises (luminance; the table's blacks above 30 differ by a unit or so).
    luminance = [0.2126 * r + 0.7152 * g + 0.0722 * b
                 for r, g, b in (srm_to_display_rgb(srm) for srm in range(1, 31))]
    assert luminance == sorted(luminance, reverse=True)
