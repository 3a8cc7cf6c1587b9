"""JavaScript number semantics, so results equal Brauhaus.js to the last bit.

Brauhaus ran on V8: division by zero gives Infinity or NaN instead of raising,
numbers print with ECMAScript's Number::toString, `toFixed` rounds the exact
binary value half away from zero and `Math.round` rounds ties up.  Python
differs on each point, so the engine routes those operations through here.
"""

from __future__ import annotations

import math
import re
from typing import Final

INF: Final = math.inf
NAN: Final = math.nan

# ECMAScript WhiteSpace and LineTerminator code points (used by \s, trim, Number()).
JS_SPACE = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006"
    "\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_DECIMAL = r"[+-]?(?:Infinity|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)"
_NUMBER_RE = re.compile(r"(?:" + _DECIMAL + r"|0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+)")
_FLOAT_PREFIX_RE = re.compile(_DECIMAL)
_INT_PREFIX_RE = re.compile(r"[+-]?[0-9]+")
_EXACT_INT: Final = 2.0**53
# toFixed takes 0 to 100 places.
_FIXED: Final = tuple(f".{places}f" for places in range(101))
_POW2: Final = tuple(2.0**power for power in range(102))
# toFixed's fast path scales by a power of ten, exact as a double up to 10**22.
_MAX_SCALED_PLACES: Final = 22
_POW10: Final = tuple(10.0**power for power in range(_MAX_SCALED_PLACES + 1))
_SPLIT: Final = 134217729.0  # 2**27 + 1: splits a double into two halves whose products are exact
_POW10_HIGH: Final = tuple(_SPLIT * p - (_SPLIT * p - p) for p in _POW10)
_POW10_LOW: Final = tuple(p - high for p, high in zip(_POW10, _POW10_HIGH, strict=True))
_TWO_52: Final = 2.0**52
_TWO_40: Final = 2.0**40
# The decimals of a number printed with none, one or two: "", ".0" … ".9", ".00" … ".99".
_DECIMAL_UNITS: Final[tuple[int, ...]] = (1, 10, 100)
_DECIMAL_TEXTS: Final[tuple[tuple[str, ...], ...]] = (
    ("",), tuple(f".{n}" for n in range(10)), tuple(f".{n:02}" for n in range(100)))
# Whole numbers below this print from a table (minutes, degrees, grams, bottles).
_SMALL_INTS: Final = 1024
_INT_TEXTS: Final = tuple(str(n) for n in range(_SMALL_INTS))


def truthy(value: object) -> bool:
    """JavaScript truthiness: 0, NaN, "", null and false are false; "false" is true."""
    if isinstance(value, float):  # first: nearly every value asked about is a number
        return value == value and value != 0.0
    if value is None:
        return False
    if isinstance(value, (int, str)):  # bool is an int
        return bool(value)
    return True


def div(a: float, b: float) -> float:
    """a / b with IEEE results (±Infinity, NaN) instead of ZeroDivisionError."""
    try:
        return a / b
    except ZeroDivisionError:
        if a != a or a == 0:
            return NAN
        return math.copysign(INF, a) * math.copysign(1.0, b)


def pow_(base: float, exp: float) -> float:
    """Math.pow: overflow gives Infinity, a negative base with a fraction NaN."""
    if exp != exp or (abs(base) == 1.0 and math.isinf(exp)):
        return NAN
    try:
        return math.pow(base, exp)
    except OverflowError:
        if base < 0 and exp == int(exp) and int(exp) % 2:
            return -INF
        return INF
    except ValueError:
        return INF if base == 0 else NAN


def exp(x: float) -> float:
    """Math.exp: overflow gives Infinity."""
    try:
        return math.exp(x)
    except OverflowError:
        return INF


def js_max(a: float, b: float) -> float:
    """Math.max of two numbers: NaN wins."""
    if a != a or b != b:
        return NAN
    return a if a >= b else b


def js_min(a: float, b: float) -> float:
    """Math.min of two numbers: NaN wins."""
    if a != a or b != b:
        return NAN
    return a if a <= b else b


def floor(x: float) -> float:
    """Math.floor, defined for NaN and ±Infinity."""
    if x != x or math.isinf(x):
        return x
    return float(math.floor(x))


def js_round(x: float) -> float:
    """Math.round: nearest integer, ties toward +Infinity (not banker's rounding)."""
    if x != x or math.isinf(x):
        return x
    low = math.floor(x)
    return float(low + 1 if x - low >= 0.5 else low)


def fmod(a: float, b: float) -> float:
    """The % operator: remainder with the sign of the dividend, NaN where JS gives NaN."""
    if a != a or b != b or math.isinf(a) or b == 0:
        return NAN
    if math.isinf(b):
        return a
    return math.fmod(a, b)


def js_str(x: float) -> str:
    """ECMAScript Number::toString (shortest round-trip digits, JS exponent rules)."""
    # Fast paths for what recipes print: whole numbers, numbers with one or two decimals (the
    # one such decimal that reads back as x is the shortest: below 2**40 no other is as near),
    # and fractions whose Python repr has no exponent (1e-4 <= |x| < 1e16, inside
    # JavaScript's plain range 1e-6 .. 1e21; both print the shortest digits that round-trip).
    if -_EXACT_INT < x < _EXACT_INT:  # false for NaN and ±Infinity
        whole = int(x)
        if whole == x:
            return _int_text(whole)  # -0 prints "0", as in JavaScript
        if -_TWO_40 < x < _TWO_40:
            tenths = math.floor(x * 10.0 + 0.5)
            if float(tenths) / 10.0 == x:
                return _fixed_digits(x < 0, abs(tenths), 1)
            hundredths = math.floor(x * 100.0 + 0.5)
            if float(hundredths) / 100.0 == x:
                return _fixed_digits(x < 0, abs(hundredths), 2)
        text = repr(x)
        if "e" not in text:
            return text
    return _js_str_any(x)


def _js_str_any(x: float) -> str:
    if x != x:
        return "NaN"
    if math.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "0"
    if x < 0:
        return "-" + _js_str_any(-x)
    mantissa, _, exponent = repr(float(x)).partition("e")
    digits_int, _, digits_frac = mantissa.partition(".")
    digits = digits_int + digits_frac
    point = len(digits_int) + (int(exponent) if exponent else 0)
    stripped = digits.lstrip("0")
    point -= len(digits) - len(stripped)
    digits = stripped.rstrip("0")
    k, n = len(digits), point
    if k <= n <= 21:
        return digits + "0" * (n - k)
    if 0 < n <= 21:
        return digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return "0." + "0" * (-n) + digits
    sign = "+" if n - 1 >= 0 else "-"
    head = digits[0] + ("." + digits[1:] if k > 1 else "")
    return f"{head}e{sign}{abs(n - 1)}"


def to_fixed(x: float, places: int) -> str:
    """Number.prototype.toFixed: exact binary value rounded half away from zero.

    What recipes print (a magnitude times 10**places below 2**52) is rounded in floats, exactly,
    and its digits written once: twice as fast as printf and its tie check when compiled.
    """
    if x != x:
        return "NaN"
    if not -1e21 < x < 1e21:
        return js_str(x)
    magnitude = -x if x < 0 else x
    if places <= _MAX_SCALED_PLACES:
        # Below 2**52 the rounded product's fraction is exact and a multiple of its last bit,
        # and the product's rounding error is at most half that bit: only a fraction of
        # exactly one half needs the error's sign.
        scaled = magnitude * _POW10[places]
        if scaled < _TWO_52:
            whole = math.floor(scaled)
            fraction = scaled - whole
            if fraction > 0.5 or (fraction == 0.5 and _product_error(magnitude, places, scaled) >= 0):
                whole += 1
            return _fixed_digits(x < 0, whole, places)
    # printf rounds the exact binary value too, but ties to even. Only an odd multiple of
    # 2**-(places + 1) is a tie (the products are exact: powers of two).
    if (x * _POW2[places + 1]).is_integer() and not (x * _POW2[places]).is_integer():
        return _to_fixed_tie(x, places)
    return format(x + 0.0, _FIXED[places])  # + 0.0 turns -0 into 0: JavaScript prints "0.0"


def _product_error(magnitude: float, places: int, scaled: float) -> float:
    """magnitude × 10**places − scaled, exactly (Dekker's product: Python 3.11 has no fma)."""
    split = _SPLIT * magnitude
    high = split - (split - magnitude)
    low = magnitude - high
    scale_high, scale_low = _POW10_HIGH[places], _POW10_LOW[places]
    return ((high * scale_high - scaled) + high * scale_low + low * scale_high) + low * scale_low


def _fixed_digits(negative: bool, digits: int, places: int) -> str:
    """``digits`` / 10**places written with ``places`` decimals."""
    if places <= 2:  # what recipes print: a whole number and its decimals, joined once
        unit = _DECIMAL_UNITS[places]
        whole = digits // unit
        text = _int_text(whole) + _DECIMAL_TEXTS[places][digits - whole * unit]
        return "-" + text if negative else text
    text = str(digits)
    if places:
        if len(text) <= places:
            text = "0" * (places + 1 - len(text)) + text
        text = text[:-places] + "." + text[-places:]
    return "-" + text if negative else text


def _int_text(n: int) -> str:
    """str(n), without building the text of a number recipes print all the time."""
    if 0 <= n < _SMALL_INTS:
        return _INT_TEXTS[n]
    return str(n)


def _to_fixed_tie(x: float, places: int) -> str:
    # Exactly halfway between two results: the larger magnitude wins, in exact integers.
    numerator, denominator = abs(x).as_integer_ratio()
    digits = str(numerator * 10**places // denominator + 1).rjust(places + 1, "0")
    text = f"{digits[:-places]}.{digits[-places:]}" if places else digits
    return "-" + text if x < 0 else text


def parse_int(x: float) -> float:
    """parseInt(number): the integer prefix of the number's JS string form."""
    if 1e-6 <= abs(x) < 1e21 or x == 0:
        # Plain decimal notation: the prefix is the number truncated (-0.5 gives 0, not -0,
        # which prints the same).
        return float(int(x))
    match = _INT_PREFIX_RE.match(js_str(x))
    return float(int(match.group())) if match else NAN


def parse_float(text: str) -> float:
    """parseFloat(text): longest numeric prefix after leading whitespace, else NaN."""
    match = _FLOAT_PREFIX_RE.match(text.lstrip(JS_SPACE))
    return to_number(match.group()) if match else NAN


def to_number(text: str) -> float:
    """Number(text): the whole trimmed string must be numeric ("" is 0), else NaN."""
    body = text.strip(JS_SPACE)
    if not body:
        return 0.0
    if not _NUMBER_RE.fullmatch(body):
        return NAN
    try:
        if body[:2].lower() in ("0x", "0o", "0b"):
            return float(int(body, 0))
        return float(body.replace("Infinity", "inf"))
    except OverflowError:
        return INF


def json_number(x: float) -> float | int | None:
    """A number as JSON.stringify writes it: null for NaN/±Infinity, integral values as int."""
    if x != x or math.isinf(x):
        return None
    if x == int(x) and abs(x) < 2**53:
        return int(x)
    return x
