"""How the window words counts, times and table volumes, so every page says them one way.

Tables give each volume column one unit, named in its heading ("Served (L)"), never "408" beside
"1.0" in one column; which unit depends on what the column measures (:data:`SCALES`) and on the
window's units. Times carry a date unless they are today's. No Qt, no database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kegdash.units import ML_PER_US_FL_OZ, ML_PER_US_GALLON, ML_PER_US_PINT


def plural(count: int, one: str, many: str | None = None) -> str:
    """``1 drink``, ``2 drinks``; ``many`` for the irregular ones."""
    return f"{count} {one if count == 1 else many or one + 's'}"


@dataclass(frozen=True)
class VolumeUnit:
    """A column's unit: its symbol, how many ml one is, and the decimals it is shown with."""

    symbol: str
    ml: float
    decimals: int

    def number(self, ml: float) -> str:
        """``ml`` in this unit, without the symbol (the column heading names it)."""
        return f"{ml / self.ml:.{self.decimals}f}"

    def text(self, ml: float) -> str:
        """``ml`` in this unit, with the symbol, for a sentence."""
        return f"{self.number(ml)} {self.symbol}"


SCALES: dict[str, dict[str, VolumeUnit]] = {
    # A glass: one pour.
    "glass": {"metric": VolumeUnit("ml", 1.0, 0), "us": VolumeUnit("fl oz", ML_PER_US_FL_OZ, 1)},
    # A drinker's evening or total: a handful of glasses.
    "person": {"metric": VolumeUnit("L", 1000.0, 1), "us": VolumeUnit("pints", ML_PER_US_PINT, 1)},
    # A keg: its size, what it served.
    "keg": {"metric": VolumeUnit("L", 1000.0, 1), "us": VolumeUnit("gal", ML_PER_US_GALLON, 1)},
}


def volume_unit(scale: str, units: str) -> VolumeUnit:
    """The unit of a ``scale`` column (``glass``, ``person`` or ``keg``) in ``units``."""
    return SCALES[scale]["us" if units == "us" else "metric"]


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
"""The window's words are English; ``%b`` would follow the locale Qt sets at start-up."""


def moment(when: dt.datetime | None, now: dt.datetime | None = None) -> str:
    """A stored naive-UTC time in local time: ``14:05`` today, ``3 Dec 14:05`` earlier this
    year, ``3 Dec 2025 14:05`` before that; "" for None."""
    if when is None:
        return ""
    local = when.replace(tzinfo=dt.UTC).astimezone()
    today = (now.replace(tzinfo=dt.UTC).astimezone() if now else dt.datetime.now().astimezone()).date()
    clock = f"{local:%H:%M}"
    if local.date() == today:
        return clock
    day = f"{local.day} {MONTHS[local.month - 1]}"
    return f"{day} {clock}" if local.year == today.year else f"{day} {local.year} {clock}"
