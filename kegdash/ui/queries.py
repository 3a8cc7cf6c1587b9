"""Read-only queries the window needs and the domain does not offer (yet), on the peewee models.

They return plain values (dataclasses, tuples, numpy arrays), never model instances, so that a
result computed on a worker thread is safe to use on the main thread.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import peewee
from peewee import JOIN, fn

from kegdash.accounts.models import User
from kegdash.bar.models import Beverage, Drink, DrinkingSession, Keg, KegSize, Tap, ThermoLog
from kegdash.brewing.models import StoredRecipe


@dataclass(frozen=True)
class TapView:
    """What one tap card shows; ``keg_id`` is None for a tap with no keg."""

    tap_id: int
    name: str
    meter: str
    keg_id: int | None = None
    beverage: str = ""
    style: str = ""
    abv: float | None = None
    full_ml: float = 0.0
    remaining_ml: float = 0.0
    fraction: float = 0.0
    last_pour_time: dt.datetime | None = None
    last_pour_ml: float | None = None
    last_pour_user: str | None = None
    temp_c: float | None = None


@dataclass(frozen=True)
class DrinkView:
    drink_id: int
    tap: str
    beverage: str
    volume_ml: float
    user: str
    pour_time: dt.datetime


def tap_views() -> list[TapView]:
    """Every tap in display order with its keg, beverage, last pour and latest temperature."""
    return [tap_view(tap) for tap in Tap.select().order_by(Tap.position, Tap.id)]


def tap_view(tap: Tap | int) -> TapView:
    if isinstance(tap, int):
        tap = Tap.get_by_id(tap)
    temp = None
    if tap.thermo_sensor_id is not None:
        temp = (ThermoLog.select(ThermoLog.temp_c).where(ThermoLog.sensor == tap.thermo_sensor_id)
                .order_by(ThermoLog.time.desc()).scalar())
    base = TapView(tap_id=tap.id, name=tap.name, meter=tap.meter_name, temp_c=temp)
    if tap.current_keg_id is None:
        return base
    keg = Keg.select(Keg, Beverage).join(Beverage).where(Keg.id == tap.current_keg_id).get()
    last = (Drink.select(Drink, User).join(User, JOIN.LEFT_OUTER)
            .where((Drink.keg == keg.id) & Drink.is_valid).order_by(Drink.pour_time.desc()).first())
    return TapView(
        tap_id=tap.id, name=tap.name, meter=tap.meter_name, keg_id=keg.id,
        beverage=keg.beverage.name, style=keg.beverage.style, abv=keg.beverage.abv,
        full_ml=keg.full_volume_ml, remaining_ml=keg.remaining_ml, fraction=keg.percent_full,
        last_pour_time=last.pour_time if last else None,
        last_pour_ml=last.volume_ml if last else None,
        last_pour_user=(last.user.username if last and last.user_id else None),
        temp_c=temp,
    )


def tap_id_for_meter(meter: str) -> int | None:
    return Tap.select(Tap.id).where(Tap.meter_name == meter).scalar()


def _drink_query() -> peewee.ModelSelect:
    return (Drink.select(Drink, Tap, Keg, Beverage, User)
            .join(Tap, JOIN.LEFT_OUTER).switch(Drink)
            .join(Keg, JOIN.LEFT_OUTER).join(Beverage, JOIN.LEFT_OUTER).switch(Drink)
            .join(User, JOIN.LEFT_OUTER))


def _drink_view(drink: Drink) -> DrinkView:
    return DrinkView(
        drink_id=drink.id,
        tap=drink.tap.name if drink.tap_id else "",
        beverage=drink.keg.beverage.name if drink.keg_id else "",
        volume_ml=drink.volume_ml,
        user=drink.user.username if drink.user_id else "guest",
        pour_time=drink.pour_time,
    )


def recent_drinks(limit: int = 15) -> list[DrinkView]:
    query = _drink_query().where(Drink.is_valid).order_by(Drink.pour_time.desc(), Drink.id.desc())
    return [_drink_view(d) for d in query.limit(limit)]


def drink_view(drink_id: int) -> DrinkView | None:
    drink = _drink_query().where(Drink.id == drink_id).first()
    return _drink_view(drink) if drink else None


# --- the Kegs & drinks page: paged rows for lazily filled table models -------------------------


def count_kegs() -> int:
    return Keg.select().count()


def keg_rows(offset: int, limit: int) -> list[tuple]:
    """(id, tap, beverage, size, started, finished, served, spilled, remaining fraction, status)."""
    query = (Keg.select(Keg, Beverage.name, KegSize.name, Tap.name)
             .join(Beverage).switch(Keg).join(KegSize).switch(Keg)
             .join(Tap, JOIN.LEFT_OUTER, on=(Tap.current_keg == Keg.id))
             .order_by(Keg.started.desc(), Keg.id.desc()).offset(offset).limit(limit))
    rows = []
    for keg in query:
        tap = getattr(keg, "tap", None)
        rows.append((keg.id, tap.name if tap else "", keg.beverage.name, keg.size.name, keg.started,
                     keg.finished, keg.served_ml, keg.spilled_ml, keg.percent_full, keg.status))
    return rows


def count_drinks(keg_id: int | None = None) -> int:
    query = Drink.select()
    return (query.where(Drink.keg == keg_id) if keg_id else query).count()


def drink_rows(keg_id: int | None, offset: int, limit: int) -> list[tuple]:
    """(id, time, tap, beverage, volume, drinker, valid), newest first, optionally of one keg."""
    query = _drink_query()
    if keg_id is not None:
        query = query.where(Drink.keg == keg_id)
    query = query.order_by(Drink.pour_time.desc(), Drink.id.desc()).offset(offset).limit(limit)
    return [(d.id, d.pour_time, d.tap.name if d.tap_id else "",
             d.keg.beverage.name if d.keg_id else "", d.volume_ml,
             d.user.username if d.user_id else "guest", d.is_valid) for d in query]


def count_sessions() -> int:
    return DrinkingSession.select().count()


def session_rows(offset: int, limit: int) -> list[tuple]:
    """(id, start, end, volume, drinks, drinkers), newest first."""
    query = (DrinkingSession
             .select(DrinkingSession, fn.COUNT(Drink.id).alias("drinks"),
                     fn.COUNT(Drink.user.distinct()).alias("drinkers"))
             .join(Drink, JOIN.LEFT_OUTER).group_by(DrinkingSession.id)
             .order_by(DrinkingSession.start.desc()).offset(offset).limit(limit))
    return [(s.id, s.start, s.end, s.volume_ml, s.drinks, s.drinkers) for s in query]


def count_drinkers() -> int:
    return Drink.select(Drink.user).where(Drink.is_valid).distinct().count()


def drinker_rows(offset: int, limit: int) -> list[tuple]:
    """(user, drinks, total volume, last pour) per drinker, biggest total first; guests as one."""
    total = fn.SUM(Drink.volume_ml)
    query = (Drink.select(User.username, fn.COUNT(Drink.id).alias("n"), total.alias("total"),
                          fn.MAX(Drink.pour_time).alias("last"))
             .join(User, JOIN.LEFT_OUTER).where(Drink.is_valid).group_by(Drink.user)
             .order_by(total.desc()).offset(offset).limit(limit).tuples())
    return [(name or "guest", name or "guest", n, volume, _as_datetime(last))
            for name, n, volume, last in query]


def _as_datetime(value: dt.datetime | str | None) -> dt.datetime | None:
    """Aggregates come back from SQLite as text; peewee only converts plain column reads."""
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(value)


def free_taps() -> list[tuple[int, str]]:
    return list(Tap.select(Tap.id, Tap.name).where(Tap.current_keg.is_null())
                .order_by(Tap.position, Tap.id).tuples())


def keg_sizes() -> list[tuple[str, str, float]]:
    return list(KegSize.select(KegSize.slug, KegSize.name, KegSize.volume_ml)
                .order_by(KegSize.volume_ml.desc()).tuples())


def beverage_names() -> list[str]:
    return [name for (name,) in Beverage.select(Beverage.name).order_by(Beverage.name).tuples()]


def tap_of_keg(keg_id: int) -> int | None:
    return Tap.select(Tap.id).where(Tap.current_keg == keg_id).scalar()


def usernames() -> list[str]:
    return [name for (name,) in User.select(User.username).where(User.is_active)
            .order_by(User.username).tuples()]


# --- recipes and devices ----------------------------------------------------------------------


def count_recipes() -> int:
    return StoredRecipe.select().count()


def recipe_rows(offset: int, limit: int) -> list[tuple]:
    """(id, name, owner, OG, FG, IBU, ABV, modified), most recently changed first."""
    query = (StoredRecipe.select(StoredRecipe, User.username).join(User)
             .order_by(StoredRecipe.modified.desc()).offset(offset).limit(limit))
    return [(r.id, r.name, r.owner.username, r.og, r.fg, r.ibu, r.abv, r.modified) for r in query]
