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
