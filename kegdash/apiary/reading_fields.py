"""The one validator for hive sensor readings, shared by HTTP ``data_upload`` and HV1 serial.

Field names are Beekeeping.io's ``data_upload`` names; values arrive as text and leave in
canonical units (°C, %RH, kg, %, UTC epoch seconds) — ``spec/hives.md`` §3.1.  Numbers
must match a strict pattern because Python's ``float()`` also takes ``nan``, ``inf``,
``1e3``, ``1_0``, ``" 12 "`` and non-ASCII digits, none of which a sensor means.

Both callers differ only in policy: ``data_upload`` refuses the whole reading on any bad
field (the client can resend), the HV1 reader drops just the bad field (nobody can
resend a serial line) unless the error is in the reading's identity or time.
The HTTP dialect passes its unit settings (°F / lb by default); the serial reader never
converts.  Pure: no database, no I/O.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from kegdash.units import f_to_c, lb_to_kg

NUMBER_RE = re.compile(r"-?[0-9]{1,6}(?:\.[0-9]{1,6})?")
TIMESTAMP_RE = re.compile(r"[0-9]{1,10}")
IDENT_RE = re.compile(r"[A-Za-z0-9:._-]{1,64}")
MAC_STYLE_RE = re.compile(r"[0-9A-Fa-f]{2}(?:[:-][0-9A-Fa-f]{2}){2,}")

EARLIEST_TIMESTAMP = 1420070400  # 2015-01-01T00:00:00Z
FUTURE_SLACK_S = 300

IDENT_FIELDS = ("device_id", "vendor_id", "model_id", "firmware_id", "product_id")
TEMPERATURE_FIELDS = (
    "temperature",
    "temperature_high",
    "temperature_average",
    "temperature_low",
)
HUMIDITY_FIELDS = ("humidity", "humidity_high", "humidity_average", "humidity_low")
PERCENT_FIELDS = ("signal_wifi", "signal_bluetooth", "battery")
MEASUREMENT_FIELDS = (*TEMPERATURE_FIELDS, *HUMIDITY_FIELDS, "weight", *PERCENT_FIELDS)
KNOWN_FIELDS = frozenset((*IDENT_FIELDS, "timestamp", *MEASUREMENT_FIELDS))
"""Every field the validator knows; ``product_id`` is stored as ``model_id``."""

_TRIPLES = (TEMPERATURE_FIELDS[1:], HUMIDITY_FIELDS[1:])
_WHOLE_READING_FIELDS = frozenset(("device_id", "timestamp"))

TEMPERATURE_RANGE_C = (-40.0, 70.0)
PERCENT_RANGE = (0.0, 100.0)

Value = float | int | str
Policy = Literal["reject", "drop"]


class FieldError(ValueError):
    """One refused field; ``kind`` is the counter it belongs to.

    Kinds: ``missing``, ``bad_value`` (syntax), ``out_of_range``, ``inconsistent``
    (a high/average/low triple out of order; ``field`` then lists the triple's present
    members, comma-separated), ``duplicate`` (``product_id`` and ``model_id`` both
    given), ``unknown_field``.
    """

    def __init__(self, field: str, message: str, kind: str = "bad_value") -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        self.kind = kind

    @property
    def whole_reading(self) -> bool:
        """True when the error voids the reading itself (its device or its time)."""
        return self.field in _WHOLE_READING_FIELDS


@dataclass(frozen=True, slots=True)
class Limits:
    """Per-device limits; only weight varies (a scale with tare drift may allow −5 kg)."""

    weight_min_kg: float = 0.0
    weight_max_kg: float = 300.0


DEFAULT_LIMITS = Limits()


def normalise_device_id(device_id: str) -> str:
    """The one spelling of a MAC-style device id: upper-case hex pairs joined by colons.

    A sensor, its gateway and its owner may write the same id as ``AA:BB:CC``, ``aa:bb:cc`` or
    ``aa-bb-cc``; they are one device. MAC-style means three or more pairs of hex digits
    joined by ``:`` or ``-`` (BroodMinder's ``56:12:A7``, a full MAC); any other id is kept
    as written and matched exactly.
    """
    if MAC_STYLE_RE.fullmatch(device_id):
        return device_id.upper().replace("-", ":")
    return device_id


def validate_field(
    name: str,
    raw: str,
    *,
    now: int | None = None,
    limits: Limits = DEFAULT_LIMITS,
    temperature_unit: Literal["C", "F"] = "C",
    weight_unit: Literal["kg", "lb"] = "kg",
) -> Value:
    """Check one field's text and return its canonical value, or raise :class:`FieldError`.

    Identifiers come back as ``str`` (``vendor_id`` ``broodmonder`` is the seed's typo for
    ``broodminder``, both stored as the latter; a MAC-style ``device_id`` in the spelling of
    :func:`normalise_device_id`), ``timestamp`` as ``int`` (checked
    against ``now``, default the current time), measurements as ``float`` in °C / kg / %.
    """
    if name not in KNOWN_FIELDS:
        raise FieldError(name, "unknown field", "unknown_field")
    if name in IDENT_FIELDS:
        if IDENT_RE.fullmatch(raw) is None:
            raise FieldError(name, "expected 1-64 of A-Z a-z 0-9 : . _ -")
        if name == "vendor_id" and raw.lower() in ("broodminder", "broodmonder"):
            return "broodminder"
        if name == "device_id":
            return normalise_device_id(raw)
        return raw
    if name == "timestamp":
        if TIMESTAMP_RE.fullmatch(raw) is None:
            raise FieldError(name, "expected Unix seconds (up to 10 digits)")
        ts = int(raw)
        latest = (int(time.time()) if now is None else now) + FUTURE_SLACK_S
        if not EARLIEST_TIMESTAMP <= ts <= latest:
            raise FieldError(name, "outside 2015-01-01 .. now + 5 min", "out_of_range")
        return ts
    if NUMBER_RE.fullmatch(raw) is None:
        raise FieldError(name, "expected a decimal number like -12.5")
    value = float(raw)
    if name in TEMPERATURE_FIELDS:
        if temperature_unit == "F":
            value = f_to_c(value)
        low, high = TEMPERATURE_RANGE_C
    elif name == "weight":
        if weight_unit == "lb":
            value = lb_to_kg(value)
        low, high = limits.weight_min_kg, limits.weight_max_kg
    else:
        low, high = PERCENT_RANGE
    if not low <= value <= high:
        raise FieldError(name, f"outside {low:g} .. {high:g}", "out_of_range")
    return value


def validate_reading(
    fields: Mapping[str, str],
    now: int,
    policy: Policy = "reject",
    *,
    limits: Limits = DEFAULT_LIMITS,
    temperature_unit: Literal["C", "F"] = "C",
    weight_unit: Literal["kg", "lb"] = "kg",
) -> tuple[dict[str, Value], list[FieldError]]:
    """Validate a whole reading; returns ``(clean, errors)``.

    Keys outside :data:`KNOWN_FIELDS` are ignored (the caller counts or refuses them).
    ``clean`` has canonical names (``product_id`` → ``model_id``) and always a
    ``timestamp`` (``now`` when absent).  Policy ``reject``: any error → ``clean`` is
    empty.  Policy ``drop``: bad fields are left out (an inconsistent triple drops its
    valid high/average/low members), but an error in ``device_id`` or ``timestamp``
    still empties ``clean``.
    """
    clean: dict[str, Value] = {}
    errors: list[FieldError] = []
    if "device_id" not in fields:
        errors.append(FieldError("device_id", "required", "missing"))
    if "product_id" in fields and "model_id" in fields:
        errors.append(FieldError("product_id", "given together with model_id", "duplicate"))
    for name, raw in fields.items():
        if name not in KNOWN_FIELDS or (name == "product_id" and "model_id" in fields):
            continue
        try:
            value = validate_field(
                name,
                raw,
                now=now,
                limits=limits,
                temperature_unit=temperature_unit,
                weight_unit=weight_unit,
            )
        except FieldError as exc:
            errors.append(exc)
            continue
        clean["model_id" if name == "product_id" else name] = value
    for triple in _TRIPLES:
        present = [name for name in triple if name in clean]
        values = [clean[name] for name in present]
        if values != sorted(values, reverse=True):
            errors.append(FieldError(",".join(present), "must be high >= average >= low", "inconsistent"))
            for name in present:
                del clean[name]
    clean.setdefault("timestamp", now)
    if errors and (policy == "reject" or any(e.whole_reading for e in errors)):
        return {}, errors
    return clean, errors
