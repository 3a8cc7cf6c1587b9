"""The JavaScript number printing the timeline relies on, checked against the ECMAScript rules.

The engine takes fast paths (whole numbers, printf with a tie check); these properties hold them
to the definitions: toFixed rounds the exact binary value half away from zero, Number::toString
prints the shortest round-trip digits with exponents outside 1e-6 .. 1e21, parseInt(number)
reads the integer prefix of that string.
"""

import math
import re
from decimal import ROUND_HALF_UP, Context, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kegdash.brewing.jsmath import js_str, parse_int, to_fixed

any_float = st.floats(allow_nan=False, allow_infinity=False)
recipe_like = st.floats(min_value=-1e5, max_value=1e5, allow_nan=False)
places = st.integers(min_value=0, max_value=100)


def spec_to_fixed(x: float, digits: int) -> str:
    """toFixed from the definition: the exact value, rounded half up, in plain decimals."""
    if abs(x) >= 1e21:
        return js_str(x)
    exact = Decimal(abs(x)).quantize(
        Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP, context=Context(prec=200)
    )
    text = f"{exact:f}"
    return "-" + text if x < 0 else text


@settings(max_examples=500)
@given(st.one_of(any_float, recipe_like), places)
def test_to_fixed_is_the_exact_value_rounded_half_up(x: float, digits: int) -> None:
    assert to_fixed(x, digits) == spec_to_fixed(x, digits)


@settings(max_examples=500)
@given(st.integers(min_value=-(10**12), max_value=10**12), st.integers(min_value=0, max_value=6))
def test_to_fixed_rounds_ties_away_from_zero(n: int, digits: int) -> None:
    # Odd multiples of 2**-(digits + 1) sit exactly halfway; printf would round them to even.
    x = (2 * n + 1) / 2 ** (digits + 1)
    assert to_fixed(x, digits) == spec_to_fixed(x, digits)


@settings(max_examples=500)
@given(st.integers(min_value=-(10**12), max_value=10**12), st.integers(min_value=0, max_value=6),
       st.sampled_from([-1, 0, 1]))
def test_to_fixed_near_a_decimal_tie_follows_the_exact_value(n: int, digits: int, step: int) -> None:
    # A decimal literal ending in 5 (0.15, 2.675) is a double just above or below the tie, or
    # on it; scaled by 10**digits it rounds onto the tie, and only the product's exact value
    # decides. Its neighbours too.
    x = float(f"{n}5e-{digits + 1}")
    if step:
        x = math.nextafter(x, step * math.inf)
    assert to_fixed(x, digits) == spec_to_fixed(x, digits)


@pytest.mark.parametrize(
    ("x", "digits", "text"),
    [(0.15, 1, "0.1"), (0.35, 1, "0.3"), (0.45, 1, "0.5"), (1.005, 2, "1.00"), (2.675, 2, "2.67"),
     (1.255, 2, "1.25"), (8.345, 2, "8.35"), (2.5, 0, "3"), (-2.5, 0, "-3"), (0.125, 2, "0.13"),
     (0.375, 2, "0.38"), (4.5, 1, "4.5"),
     (-0.0, 2, "0.00"), (-0.001, 2, "-0.00"), (0.0, 20, "0.00000000000000000000"),
     (1e21, 1, "1e+21"), (-1e21, 1, "-1e+21"), (999999999999999868928.0, 1, "999999999999999868928.0"),
     (math.nan, 1, "NaN"), (math.inf, 2, "Infinity")],
)
def test_to_fixed_edges(x: float, digits: int, text: str) -> None:
    assert to_fixed(x, digits) == text


@settings(max_examples=1000)
@given(st.integers(min_value=-(10**15), max_value=10**15), st.sampled_from([1, 10, 100, 1000]),
       st.sampled_from([-1, 0, 1]))
def test_js_str_of_a_number_with_few_decimals_is_python_s_shortest_repr(n: int, scale: int,
                                                                        step: int) -> None:
    # What recipes print (7.5, 154.4, 0.05) takes a path of its own; repr gives the same
    # shortest digits wherever it writes no exponent. The neighbours have many more digits.
    x = n / scale
    if step:
        x = math.nextafter(x, step * math.inf)
    if x == 0 or not 1e-4 <= abs(x) < 1e16:
        return
    assert js_str(x) == (str(int(x)) if x.is_integer() else repr(x))


@settings(max_examples=1000)
@given(any_float)
def test_js_str_prints_the_shortest_round_trip_digits(x: float) -> None:
    text = js_str(x)
    assert float(text) == x
    exponent = abs(x) >= 1e21 or 0 < abs(x) < 1e-6
    assert ("e" in text) == exponent
    mantissa = text.split("e")[0].lstrip("-").replace(".", "").strip("0")
    assert len(mantissa) == len(repr(abs(x)).split("e")[0].replace(".", "").strip("0"))
    if not exponent and "." in text:
        assert not text.endswith("0")


@pytest.mark.parametrize(
    ("x", "text"),
    [(2.0**53, "9007199254740992"), (2.0**53 + 2, "9007199254740994"), (-(2.0**53), "-9007199254740992"),
     (1e16, "10000000000000000"), (123456789012345680000.0, "123456789012345680000"),
     (0.0001, "0.0001"), (0.00001, "0.00001"), (-0.5, "-0.5"), (68, "68"), (1e-7, "1e-7")],
)
def test_js_str_edges(x: float, text: str) -> None:
    assert js_str(x) == text


@settings(max_examples=1000)
@given(st.one_of(any_float, recipe_like, st.sampled_from([math.nan, math.inf, -math.inf])))
def test_parse_int_reads_the_integer_prefix_of_the_string(x: float) -> None:
    prefix = re.match(r"[+-]?[0-9]+", js_str(x))
    result = parse_int(x)
    if prefix is None:
        assert math.isnan(result)
    else:
        assert result == float(int(prefix.group()))  # parseInt answers a double
