"""Durations: "1 day 23 hours 2min" ⇄ minutes, the way Brauhaus parses and prints them.

Quirks kept on purpose (users compare with Tapline): each unit is matched once,
"m" means minutes (so "1 month" is 1 minute), "1.5 hours" reads the "5 h", and
numeric strings come back unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from kegdash.brewing.errors import ConversionError
from kegdash.brewing.jsmath import JS_SPACE, floor, fmod, js_round, js_str, to_number

_UNITS = tuple(
    (re.compile(rf"([0-9]+)[{JS_SPACE}]*[{letter}{letter.upper()}]"), factor)
    for letter, factor in (("w", 10080), ("d", 1440), ("h", 60), ("m", 1), ("s", 1.0 / 60))
)
_DISPLAY_FACTORS = (
    ("month", 43200),
    ("week", 10080),
    ("day", 1440),
    ("hour", 60),
    ("minute", 1),
)
OUTPUT_FORMATS = ("minutes", "display")


def _is_number(value: object) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, float))


def parse_duration(value: str | float) -> str | float:
    """Minutes in `value`.  Numbers, and strings JavaScript reads as numbers, are returned as given."""
    if not isinstance(value, str):  # a number (convert_durations refuses anything else)
        return value
    if to_number(value) == to_number(value):
        return value
    duration = 0.0
    for pattern, factor in _UNITS:
        match = pattern.search(value)
        if match:
            duration += float(int(match.group(1))) * factor
    return duration


def display_duration(minutes: str | float, approximate: float | None = None) -> str:
    """Human text such as "4 days 1 hour 3 minutes"; `approximate` keeps that many units."""
    if isinstance(minutes, str):
        minutes = to_number(minutes)
    parts = []
    count = 0
    for label, factor in _DISPLAY_FACTORS:
        if factor == 1 or (approximate is not None and count == approximate - 1):
            amount = js_round(minutes / factor)
        else:
            amount = floor(minutes / factor)
        minutes = fmod(minutes, factor)
        if amount > 0 or count > 0:
            count += 1
        if approximate is not None and count > approximate:
            break
        if amount > 0:
            parts.append(f"{js_str(amount)} {label}{'' if amount == 1 else 's'}")
    return " ".join(parts) if parts else "start"


def _plain(value: str | float) -> str | float:
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def convert_durations(
    values: Sequence[str | float],
    output_format: str = "minutes",
    approximate: float | None = None,
) -> list:
    """What /v1/convert/duration answers: minutes (raw parse results) or display texts."""
    if output_format not in OUTPUT_FORMATS:
        raise ConversionError("outputFormat must be one of minutes, display")
    if approximate is not None and not _is_number(approximate):
        raise ConversionError("approximate must be a number or null")
    for i, value in enumerate(values):
        if not (_is_number(value) or isinstance(value, str)) or value != value:
            raise ConversionError(f"values[{i}] must be a string or a number")
    parsed = [parse_duration(value) for value in values]
    if output_format == "minutes":
        return [_plain(value) for value in parsed]
    return [display_duration(value, approximate) for value in parsed]
