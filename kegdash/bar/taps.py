"""Setting up the bar: taps, kegs on taps, thermo sensors and drinkers' auth tokens, and
finding a tap or a sensor by what a URL or a board names it."""

from __future__ import annotations

from typing import Any, NamedTuple

import peewee

from kegdash import events
from kegdash.accounts.models import User
from kegdash.bar.keg_sizes import resolve_size
from kegdash.bar.models import AuthToken, Beverage, Keg, Tap, ThermoSensor
from kegdash.db import database, parse_id, utcnow
from kegdash.prepared import PreparedQuery, slot


class BarError(ValueError):
    """An operator or client asked for something the bar cannot do; the message says what."""


class NotFound(BarError):
    """The tap, keg, drink, sensor or token named does not exist."""


def find_tap(ident: str | int) -> Tap:
    """A tap by numeric id or by meter name (``kegboard.flow0``), as the Kegbot URLs allow."""
    return tap_row(ident, _TAP_BY_ID, _TAP_BY_NAME)


def tap_row(ident: str | int, by_id: PreparedQuery, by_name: PreparedQuery) -> Any:
    """The row of the tap a Kegbot URL names, read by ``by_id`` (slot ``id``) when the text is a
    number and else by ``by_name`` (slot ``name``: meter name or name); NotFound if neither."""
    text = str(ident)
    number = parse_id(text)
    row = by_id.one(id=number) if number is not None else None
    if row is None:
        row = by_name.one(name=text)
    if row is None:
        raise NotFound(f"no tap {text!r}")
    return row


_TAP_BY_ID = PreparedQuery(lambda: Tap.select().where(Tap.id == slot("id")))
_TAP_BY_NAME = PreparedQuery(lambda: (
    Tap.select().where((Tap.meter_name == slot("name")) | (Tap.name == slot("name"))).limit(1)
))


class TapRef(NamedTuple):
    """What a pour needs of its tap, read as one row of plain values (no model object: this
    is on every drink post)."""

    id: int
    ml_per_tick: float
    current_keg_id: int | None


def tap_ref(ident: str | int) -> TapRef:
    """``find_tap`` for the pour path: the same lookup rule, the few columns a pour uses."""
    return TapRef(*tap_row(ident, _TAP_REF_BY_ID, _TAP_REF_BY_NAME))


_TAP_REF_COLUMNS = (Tap.id, Tap.ml_per_tick, Tap.current_keg)
_TAP_REF_BY_ID = PreparedQuery(lambda: (
    Tap.select(*_TAP_REF_COLUMNS).where(Tap.id == slot("id")).tuples()
))
_TAP_REF_BY_NAME = PreparedQuery(lambda: (
    Tap.select(*_TAP_REF_COLUMNS)
    .where((Tap.meter_name == slot("name")) | (Tap.name == slot("name"))).limit(1).tuples()
))


def find_sensor(ident: str | int) -> ThermoSensor:
    """A sensor by numeric id, raw name (``kegboard.thermo-28…``) or nice name."""
    text = str(ident)
    ident = parse_id(text)
    sensor = ThermoSensor.get_or_none(ThermoSensor.id == ident) if ident is not None else None
    if sensor is None:
        sensor = ThermoSensor.get_or_none(ThermoSensor.name == text)
    if sensor is None and text:
        sensor = ThermoSensor.get_or_none(ThermoSensor.nice_name == text)
    if sensor is None:
        raise NotFound(f"no thermo sensor {text!r}")
    return sensor


def add_tap(name: str, meter_name: str, ml_per_tick: float = 0.367107) -> Tap:
    if not name.strip() or not meter_name.strip():
        raise BarError("a tap needs a name and a meter name")
    if not 0 < ml_per_tick <= 100:
        raise BarError(f"ml per tick must be above 0 and at most 100, not {ml_per_tick}")
    position = (Tap.select(peewee.fn.MAX(Tap.position)).scalar() or 0) + 1
    try:
        with database.atomic():
            tap = Tap.create(
                name=name.strip(), meter_name=meter_name.strip(), ml_per_tick=ml_per_tick,
                position=position,
            )
    except peewee.IntegrityError:
        raise BarError(f"a tap named {name!r} or on meter {meter_name!r} exists already") from None
    events.bus.publish(events.TapChanged(tap_id=tap.id))
    return tap


def start_keg(
    tap_ident: str | int,
    beverage_name: str,
    *,
    size: str = "half-barrel",
    abv: float | None = None,
    style: str = "",
    description: str = "",
) -> Keg:
    """Put a new, full keg of ``beverage_name`` on a tap; the tap must be free."""
    if abv is not None and not 0 <= abv <= 100:
        raise BarError(f"ABV must be between 0 and 100 %, not {abv}")
    if not beverage_name.strip():
        raise BarError("a keg needs a beverage name")
    try:
        keg_size = resolve_size(size)
    except ValueError as exc:
        raise BarError(str(exc)) from None
    with database.atomic():
        tap = find_tap(tap_ident)
        if tap.current_keg_id is not None:
            raise BarError(f"tap {tap.name!r} already has keg {tap.current_keg_id}; end it first")
        beverage, created = Beverage.get_or_create(
            name=beverage_name.strip(), defaults={"abv": abv, "style": style}
        )
        if not created and (abv is not None or style):
            beverage.abv = abv if abv is not None else beverage.abv
            beverage.style = style or beverage.style
            beverage.save()
        keg = Keg.create(
            size=keg_size, full_volume_ml=keg_size.volume_ml, beverage=beverage,
            description=description or beverage.name, started=utcnow(),
        )
        tap.current_keg = keg
        tap.save(only=[Tap.current_keg])
    events.bus.publish(events.KegChanged(keg_id=keg.id, tap_id=tap.id))
    return keg


def end_keg(tap_ident: str | int) -> Keg:
    """Take the current keg off a tap and mark it finished."""
    with database.atomic():
        tap = find_tap(tap_ident)
        if tap.current_keg_id is None:
            raise BarError(f"tap {tap.name!r} has no keg")
        keg = Keg.get_by_id(tap.current_keg_id)
        keg.status = Keg.OFFLINE
        keg.finished = utcnow()
        keg.save()
        tap.current_keg = None
        tap.save(only=[Tap.current_keg])
    events.bus.publish(events.KegChanged(keg_id=keg.id, tap_id=tap.id))
    return keg


def add_thermo_sensor(name: str, tap_ident: str | int | None = None) -> ThermoSensor:
    if not name.strip():
        raise BarError("a thermo sensor needs a name")
    with database.atomic():
        sensor, _ = ThermoSensor.get_or_create(name=name.strip())
        if tap_ident is not None:
            tap = find_tap(tap_ident)
            tap.thermo_sensor = sensor
            tap.save(only=[Tap.thermo_sensor])
    return sensor


def add_auth_token(device: str, value: str, user: User) -> AuthToken:
    """Assign a drinker's token; values are stored lower-case hex as the board reports them."""
    device, value = device.strip(), value.strip().lower()
    if not device or not value:
        raise BarError("an auth token needs a device and a value")
    with database.atomic():
        token, created = AuthToken.get_or_create(
            device=device, value=value, defaults={"user": user}
        )
        if not created:
            token.user = user
            token.enabled = True
            token.save()
    return token
