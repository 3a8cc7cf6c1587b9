"""Unit factors: the exact ones, and Brauhaus's rounded ones kept apart for the brewing engine."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kegdash import units
from kegdash.brewing import units as brewing_units


def test_exact_conversions():
    assert units.f_to_c(212.0) == 100.0
    assert units.f_to_c(-40.0) == -40.0
    assert units.f_to_c(95.0) == 35.0
    assert units.c_to_f(35.0) == 95.0
    assert units.lb_to_kg(1.0) == 0.45359237
    assert units.lb_to_kg(100.0) == pytest.approx(45.359237)
    assert units.kg_to_lb(0.45359237) == 1.0
    assert units.ML_PER_US_GALLON / units.ML_PER_US_FL_OZ == 128
    assert round(units.ML_PER_US_PINT, 6) == 473.176473


def test_the_brewing_engine_uses_brauhaus_factors_not_the_exact_ones():
    # Brauhaus's 2.20462 lb/kg differs from the exact pound in the sixth digit; the engine's
    # numbers equal Brauhaus's only with its own factor.
    assert brewing_units.kg_to_lb(1.0) == 2.20462
    assert units.kg_to_lb(1.0) == pytest.approx(2.2046226218)
    assert brewing_units.liters_to_gallons(1.0) == 0.264172
    assert round(1000 / units.ML_PER_US_GALLON, 10) == 0.2641720524


@settings(max_examples=200)
@given(st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
def test_round_trips(x: float) -> None:
    assert units.f_to_c(units.c_to_f(x)) == pytest.approx(x, rel=1e-12, abs=1e-9)
    assert units.lb_to_kg(units.kg_to_lb(x)) == pytest.approx(x, rel=1e-12, abs=1e-9)
