"""The brewing engine's conversions, with Brauhaus's rounded factors from ``kegdash.units``.

Brauhaus uses 2.20462 lb/kg, 0.264172 gal/l and friends; the exact factors would move results
in the last digits, so the engine converts only through these. Gravity, yield and heating
formulas that Brauhaus shares between its functions live here too.
"""

from __future__ import annotations

from kegdash.brewing.jsmath import floor
from kegdash.units import (
    BRAUHAUS_GAL_PER_L,
    BRAUHAUS_LB_PER_KG,
    BRAUHAUS_QT_PER_LB_PER_L_PER_KG,
)


def kg_to_lb(kg: float) -> float:
    """Kilograms to pounds."""
    return kg * BRAUHAUS_LB_PER_KG


def lb_to_kg(lb: float) -> float:
    """Pounds to kilograms."""
    return lb / BRAUHAUS_LB_PER_KG


def kg_to_lb_oz(kg: float) -> tuple[float, float]:
    """Kilograms to (whole pounds, remaining ounces)."""
    lb = kg_to_lb(kg)
    whole = floor(lb)
    return whole, (lb - whole) * 16.0


def liters_to_gallons(liters: float) -> float:
    """Litres to US gallons."""
    return liters * BRAUHAUS_GAL_PER_L


def liters_per_kg_to_quarts_per_lb(liters_per_kg: float) -> float:
    """Mash thickness l/kg to qt/lb."""
    return liters_per_kg * BRAUHAUS_QT_PER_LB_PER_L_PER_KG


def yield_to_ppg(yield_percent: float) -> float:
    """Yield (% of sucrose) to gravity points per pound per gallon."""
    return yield_percent * 0.46214


def gravity_to_plato(gravity: float) -> float:
    """Specific gravity to degrees Plato (the polynomial calculate() uses)."""
    return (-463.37) + (668.72 * gravity) - (205.35 * (gravity * gravity))


def time_to_heat(liters: float, degrees: float = 80) -> float:
    """Minutes for the 9000 kJ/h reference burner to heat `liters` by `degrees` °C."""
    kj = 4.19 * liters * degrees
    return kj / 9000 * 60
