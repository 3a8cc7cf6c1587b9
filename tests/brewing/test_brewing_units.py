"""Unit helpers and the JavaScript number rules the engine imitates."""

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kegdash.brewing import units
from kegdash.brewing.jsmath import (
    div,
    js_round,
    js_str,
    parse_float,
    parse_int,
    pow_,
    to_fixed,
    to_number,
)
from kegdash.units import c_to_f

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@settings(max_examples=200)
@given(finite)
def test_round_trips(x: float) -> None:
    assert units.lb_to_kg(units.kg_to_lb(x)) == pytest.approx(x, rel=1e-12, abs=1e-9)


@settings(max_examples=200)
@given(st.floats(min_value=0, max_value=1e4, allow_nan=False))
def test_lb_oz_round_trip(kg: float) -> None:
    lb, oz = units.kg_to_lb_oz(kg)
    assert lb == math.floor(lb) and 0 <= oz < 16
    assert units.lb_to_kg(lb + oz / 16) == pytest.approx(kg, rel=1e-12, abs=1e-12)


def test_brauhaus_constants() -> None:
    assert c_to_f(68) == 154.4
    assert c_to_f(0) == 32
    assert units.yield_to_ppg(100) == 46.214
    assert units.time_to_heat(10, 77) == 4.19 * 10 * 77 / 9000 * 60
    assert units.time_to_heat(10) == 4.19 * 10 * 80 / 9000 * 60
    assert units.gravity_to_plato(1.0) == (-463.37) + 668.72 - 205.35


@pytest.mark.parametrize(
    ("x", "text"),
    [(20.0, "20"), (0.1 + 0.2, "0.30000000000000004"), (125.60000000000001, "125.60000000000001"),
     (1e21, "1e+21"), (1.5e-7, "1.5e-7"), (1e-6, "0.000001"), (123e18, "123000000000000000000"),
     (-0.0, "0"), (math.nan, "NaN"), (-math.inf, "-Infinity")],
)
def test_js_str(x: float, text: str) -> None:
    assert js_str(x) == text


def test_to_fixed_rounds_the_binary_value_half_up() -> None:
    assert to_fixed(2.25, 1) == "2.3"  # Python's '%.1f' gives 2.2
    assert to_fixed(1.005, 2) == "1.00"  # 1.005 is really 1.00499999…
    assert to_fixed(-0.04, 1) == "-0.0"
    assert to_fixed(-0.0, 1) == "0.0"
    assert to_fixed(math.inf, 1) == "Infinity"


def test_round_parse_and_division() -> None:
    assert (js_round(2.5), js_round(-2.5), js_round(0.49999999999999994)) == (3, -2, 0)
    assert (parse_int(7.5), parse_int(5e-7), parse_int(1e21), parse_int(-3.9)) == (7, 5, 1, -3)
    assert math.isnan(parse_int(math.nan))
    assert (parse_float("20 l"), parse_float("3,5"), parse_float(" 1e3")) == (20, 3, 1000)
    assert math.isnan(parse_float("abc")) and math.isnan(parse_float(""))
    assert (to_number(" 60 "), to_number("0x10"), to_number("")) == (60, 16, 0)
    assert math.isnan(to_number("60hrs"))
    assert div(1, 0) == math.inf and div(-1, 0) == -math.inf and math.isnan(div(0, 0))
    assert math.isnan(pow_(-8, 0.5)) and pow_(10, 400) == math.inf and math.isnan(pow_(1, math.inf))
