"""Every unit factor kegdash uses, and the conversions between stored and shown units.

Stored values are metric (ml, °C, kg). Two sets of factors exist on purpose:

- the exact ones (international pound, US gallon) for the bar, the hives and the
  Beekeeping.io dialect;
- Brauhaus.js's rounded ones (2.20462 lb/kg, 0.264172 gal/l, …) for the brewing engine,
  whose numbers must equal Brauhaus's to the last digit (``docs/brewing-notes.md``).

No other module writes these numbers by hand. No Qt, no database.
"""

from __future__ import annotations

from typing import Final

KG_PER_LB: Final = 0.45359237
"""The international pound, exactly."""
ML_PER_US_GALLON: Final = 3785.411784
"""The US liquid gallon, exactly."""
ML_PER_US_QUART: Final = ML_PER_US_GALLON / 4
ML_PER_US_PINT: Final = ML_PER_US_GALLON / 8
ML_PER_US_FL_OZ: Final = ML_PER_US_GALLON / 128

BRAUHAUS_LB_PER_KG: Final = 2.20462
BRAUHAUS_GAL_PER_L: Final = 0.264172
BRAUHAUS_QT_PER_LB_PER_L_PER_KG: Final = 0.479305709
"""Mash thickness: quarts per pound for one litre per kilogram."""


def c_to_f(celsius: float) -> float:
    """Degrees Celsius to Fahrenheit (``× 1.8 + 32``, the form Brauhaus computes)."""
    return celsius * 1.8 + 32


def f_to_c(fahrenheit: float) -> float:
    """Degrees Fahrenheit to Celsius."""
    return (fahrenheit - 32) / 1.8


def kg_to_lb(kg: float) -> float:
    """Kilograms to international pounds."""
    return kg / KG_PER_LB


def lb_to_kg(lb: float) -> float:
    """International pounds to kilograms."""
    return lb * KG_PER_LB
