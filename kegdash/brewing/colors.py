"""Beer colour: SRM, EBC and Lovibond, names and display colours (Brauhaus formulas).

All conversions go through SRM, the unit recipes are computed in.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from kegdash.brewing.errors import ConversionError
from kegdash.brewing.jsmath import js_max, js_min, js_round, js_str, json_number, pow_

COLOR_NAMES = (
    (2, "pale straw"),
    (3, "straw"),
    (4, "yellow"),
    (6, "gold"),
    (9, "amber"),
    (14, "deep amber"),
    (17, "copper"),
    (18, "deep copper"),
    (22, "brown"),
    (30, "dark brown"),
    (35, "very dark brown"),
    (40, "black"),
)

INPUT_FORMATS = ("srm", "ebc", "lovibond")
OUTPUT_FORMATS = ("srm", "ebc", "lovibond", "name", "rgb", "css")


def srm_to_ebc(srm: float) -> float:
    """SRM to EBC."""
    return srm * 1.97


def ebc_to_srm(ebc: float) -> float:
    """EBC to SRM."""
    return ebc * 0.508


def srm_to_lovibond(srm: float) -> float:
    """SRM to degrees Lovibond."""
    return (srm + 0.76) / 1.3546


def lovibond_to_srm(lovibond: float) -> float:
    """Degrees Lovibond to SRM."""
    return 1.3546 * lovibond - 0.76


def _channel(scale: float, base: float, srm: float) -> float:
    return js_round(js_min(255, js_max(0, scale * pow_(base, srm))))


def _channels(srm: float) -> tuple[float, float, float]:
    return _channel(255, 0.975, srm), _channel(245, 0.88, srm), _channel(220, 0.7, srm)


def srm_to_rgb(srm: float) -> list[int | float]:
    """Approximate [r, g, b] (integers 0–255) of a beer of this colour; NaN stays NaN."""
    return [int(c) if c == c else c for c in _channels(srm)]


def srm_to_css(srm: float) -> str:
    """CSS colour string "rgb(r, g, b)" (with the spaces Brauhaus writes)."""
    r, g, b = (js_str(c) for c in _channels(srm))
    return f"rgb({r}, {g}, {b})"


def srm_to_name(srm: float) -> str:
    """Friendly name: the last threshold not above `srm` (below 2 and NaN: pale straw)."""
    color = COLOR_NAMES[0][1]
    for threshold, name in COLOR_NAMES:
        if threshold <= srm:
            color = name
    return color


# What a beer of 1–30 SRM (and 35, 40) looks like on an sRGB screen: the SRM colour table
# published with Wikipedia's "Standard Reference Method" article and the Homebrew Talk wiki.
# Brauhaus's exponential formula (srm_to_rgb, kept for the API) paints 4 SRM, "yellow", orange.
_SRM_SRGB = {
    1: 0xF3F993, 2: 0xF5F75C, 3: 0xF6F513, 4: 0xEAE615, 5: 0xE0D01B, 6: 0xD5BC26, 7: 0xCDAA37,
    8: 0xC1963C, 9: 0xBE8C3A, 10: 0xBE823A, 11: 0xC17A37, 12: 0xBF7138, 13: 0xBC6733,
    14: 0xB26033, 15: 0xA85839, 16: 0x985336, 17: 0x8D4C32, 18: 0x7C452D, 19: 0x6B3A1E,
    20: 0x5D341A, 21: 0x4E2A0C, 22: 0x4A2727, 23: 0x361F1B, 24: 0x261716, 25: 0x231716,
    26: 0x19100F, 27: 0x16100F, 28: 0x120D0C, 29: 0x100B0A, 30: 0x050B0A, 35: 0x080707,
    40: 0x030403,
}
_SRM_POINTS = sorted(_SRM_SRGB)


def _channels_of(hex_rgb: int) -> tuple[int, int, int]:
    return (hex_rgb >> 16) & 0xFF, (hex_rgb >> 8) & 0xFF, hex_rgb & 0xFF


def srm_to_display_rgb(srm: float) -> tuple[int, int, int]:
    """The sRGB colour to paint a beer of this SRM (the published table, interpolated between its
    entries; below 1 SRM as 1, above 40 as 40, NaN as 1). For screens only: the API keeps
    Brauhaus's ``srm_to_rgb``."""
    if not srm >= _SRM_POINTS[0]:
        return _channels_of(_SRM_SRGB[_SRM_POINTS[0]])
    if srm >= _SRM_POINTS[-1]:
        return _channels_of(_SRM_SRGB[_SRM_POINTS[-1]])
    upper = next(point for point in _SRM_POINTS if point >= srm)
    lower = max(point for point in _SRM_POINTS if point <= srm)
    low, high = _channels_of(_SRM_SRGB[lower]), _channels_of(_SRM_SRGB[upper])
    share = 0.0 if upper == lower else (srm - lower) / (upper - lower)
    return tuple(round(a + (b - a) * share) for a, b in zip(low, high, strict=True))  # type: ignore[return-value]


def srm_to_display_css(srm: float) -> str:
    """``srm_to_display_rgb`` as a CSS colour, "rgb(r, g, b)"."""
    r, g, b = srm_to_display_rgb(srm)
    return f"rgb({r}, {g}, {b})"


_TO_SRM = {"srm": None, "ebc": ebc_to_srm, "lovibond": lovibond_to_srm}
_FROM_SRM = {
    "ebc": srm_to_ebc,
    "lovibond": srm_to_lovibond,
    "name": srm_to_name,
    "rgb": srm_to_rgb,
    "css": srm_to_css,
}


def convert_colors(fmt: str, values: Sequence[float], output_format: str = "ebc") -> list:
    """Convert colour values between formats as Tapline's /v1/convert/color does.

    Values must be numbers ≥ 0.  SRM input is passed through untouched for SRM output.
    """
    if fmt not in INPUT_FORMATS:
        raise ConversionError("format must be one of srm, ebc, lovibond")
    if output_format not in OUTPUT_FORMATS:
        raise ConversionError("outputFormat must be one of srm, ebc, lovibond, name, rgb, css")
    for i, value in enumerate(values):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
            raise ConversionError(f"values[{i}] must be a number")
        if value < 0:
            raise ConversionError(f"values[{i}] must be at least 0")
    to_srm = _TO_SRM[fmt]
    srm = list(values) if to_srm is None else [to_srm(value) for value in values]
    converted = srm if output_format == "srm" else [_FROM_SRM[output_format](value) for value in srm]
    # A value near 1e308 overflows to Infinity, which JSON.stringify writes as null.
    return [json_number(v) if isinstance(v, float) and not math.isfinite(v) else v for v in converted]
