"""Numbers as people at the bar read them: litres or US pints, °C or °F, "12 min ago".

Everything stored is metric (ml, °C, kg, naive UTC); conversion happens only here, at display,
for the window and the web pages alike (no Qt). ``units`` is ``"metric"`` or ``"us"``.
"""

from __future__ import annotations

import datetime as dt

from kegdash.units import (
    ML_PER_US_FL_OZ,
    ML_PER_US_GALLON,
    ML_PER_US_PINT,
    c_to_f,
    f_to_c,
    kg_to_lb,
    lb_to_kg,
)

ML_PER_METRIC_PINT = 500.0
"""A "pint" at a metric bar: the half-litre glass."""


def volume(ml: float, units: str) -> str:
    """A volume in the unit that fits its size: ml / L in metric, fl oz / gal in US units."""
    if units == "us":
        if abs(ml) < ML_PER_US_GALLON:
            return f"{ml / ML_PER_US_FL_OZ:.1f} fl oz"
        return f"{ml / ML_PER_US_GALLON:.1f} gal"
    if abs(ml) < 1000:
        return f"{ml:.0f} ml"
    return f"{ml / 1000:.1f} L"


def keg_volume(ml: float, units: str) -> str:
    """How much a keg holds or has left, read from across a room: always litres or US gallons
    with one decimal ("18.6 L", "0.5 gal"; a last drop is "< 0.1 L"), never "1981 ml"."""
    amount, unit = (ml / ML_PER_US_GALLON, "gal") if units == "us" else (ml / 1000, "L")
    if amount <= 0:
        return f"0 {unit}"
    if amount < 0.05:
        return f"< 0.1 {unit}"
    return f"{amount:.1f} {unit}"


def pints(ml: float, units: str) -> float:
    """How many glasses are left: US pints in US units, half-litres in metric."""
    return ml / (ML_PER_US_PINT if units == "us" else ML_PER_METRIC_PINT)


def glasses(ml: float, units: str) -> str:
    """About how many glasses a volume pours: "≈ 22 pints" or "≈ 22 × 0.5 L"."""
    count = max(pints(ml, units), 0.0)
    glass = "pints" if units == "us" else "× 0.5 L"
    return f"≈ {count:.0f} {glass}"


def pints_label(ml: float, units: str) -> str:
    return f"{glasses(ml, units)} left"


def temperature(celsius: float, units: str) -> str:
    return f"{temperature_value(celsius, units):.1f} {temperature_unit(units)}"


def temperature_value(celsius: float, units: str) -> float:
    return c_to_f(celsius) if units == "us" else celsius


def celsius_from(value: float, units: str) -> float:
    """A temperature typed in ``units`` back in °C, the stored unit."""
    return f_to_c(value) if units == "us" else value


def temperature_unit(units: str) -> str:
    return "°F" if units == "us" else "°C"


def weight_value(kg: float, units: str) -> float:
    return kg_to_lb(kg) if units == "us" else kg


def kg_from(value: float, units: str) -> float:
    """A weight typed in ``units`` back in kg, the stored unit."""
    return lb_to_kg(value) if units == "us" else value


def weight_unit(units: str) -> str:
    return "lb" if units == "us" else "kg"


def ago(when: dt.datetime | None, now: dt.datetime | None = None) -> str:
    """How long ago a naive-UTC time was, coarse enough to read from a few metres away."""
    if when is None:
        return "never"
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    seconds = max((now - when).total_seconds(), 0)
    return "just now" if seconds < 60 else f"{duration(seconds)} ago"


def duration(seconds: float) -> str:
    """A length of time in its largest sensible unit."""
    if seconds < 3600:
        return f"{seconds // 60:.0f} min"
    if seconds < 2 * 86400:
        return f"{seconds // 3600:.0f} h"
    return f"{seconds // 86400:.0f} days"


def local_time(when: dt.datetime | None) -> str:
    """A stored naive-UTC time shown in the machine's local time zone."""
    if when is None:
        return ""
    return when.replace(tzinfo=dt.UTC).astimezone().strftime("%Y-%m-%d %H:%M")
