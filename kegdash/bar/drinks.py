"""Recording drinks: keg accounting and drinking sessions in one transaction per pour.

Every change here (pour, cancel, spill) moves the keg's counters and the session's volume in
the same transaction as the drink row, so the totals always equal the sum of the valid drinks.
Events go out only after the commit.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import peewee

from kegdash import events
from kegdash.accounts.models import User
from kegdash.bar.models import AuthToken, Drink, DrinkingSession, Keg
from kegdash.bar.taps import BarError, NotFound, find_tap
from kegdash.db import database, serialize_step, utcnow
from kegdash.prepared import PreparedQuery, slot
from kegdash.site_settings import get_setting


def _timeout() -> dt.timedelta:
    return dt.timedelta(minutes=get_setting("session_timeout_minutes"))


# A pour is the busiest write of the Kegbot API, so its statements are prepared (prepared.py).
_LATEST_SESSION = PreparedQuery(lambda: (
    DrinkingSession.select().order_by(DrinkingSession.end.desc()).limit(1)
))
_GROW_SESSION = PreparedQuery(lambda: (
    DrinkingSession.update(start=slot("start", DrinkingSession.start),
                           end=slot("end", DrinkingSession.end),
                           volume_ml=DrinkingSession.volume_ml + slot("volume_ml"))
    .where(DrinkingSession.id == slot("id"))
))
_NEW_SESSION = PreparedQuery(lambda: (
    DrinkingSession.insert(start=slot("start", DrinkingSession.start),
                           end=slot("end", DrinkingSession.end), volume_ml=slot("volume_ml"))
    .returning(DrinkingSession).objects()
))
_SERVE_FROM_KEG = PreparedQuery(lambda: (
    Keg.update(served_ml=Keg.served_ml + slot("volume_ml")).where(Keg.id == slot("id"))
    .returning(Keg).objects()
))
_NEW_DRINK = PreparedQuery(lambda: (
    Drink.insert(ticks=slot("ticks"), volume_ml=slot("volume_ml"), user=slot("user_id"),
                 keg=slot("keg_id"), tap=slot("tap_id"), session=slot("session_id"),
                 pour_time=slot("pour_time", Drink.pour_time), duration=slot("duration"),
                 auth_token=slot("auth_token"), is_valid=True)
    .returning(Drink).objects()
))


def _join_session(pour_time: dt.datetime, volume_ml: float) -> DrinkingSession:
    """The latest session still open at ``pour_time`` grows; otherwise a new one starts."""
    timeout = _timeout()
    serialize_step("drinking_session")  # two taps pouring at once must not start two sessions
    session = _LATEST_SESSION.one()
    if session is not None and session.end > pour_time:
        session.start = min(session.start, pour_time)
        session.end = max(session.end, pour_time + timeout)
        session.volume_ml += volume_ml
        _GROW_SESSION.execute(start=session.start, end=session.end, volume_ml=volume_ml, id=session.id)
        return session
    return _NEW_SESSION.one(start=pour_time, end=pour_time + timeout, volume_ml=volume_ml)


def resolve_token_user(auth_token: str | None) -> User | None:
    """The active user of an enabled token given as ``device|value``, ``device.value`` or
    ``device/value``; None otherwise (the Kegboard then keeps an authorised tap's valve shut)."""
    if not auth_token:
        return None
    for sep in ("|", "/", "."):
        if sep in auth_token:
            device, value = auth_token.rsplit(sep, 1)
            token = AuthToken.get_or_none(
                (AuthToken.device == device) & (AuthToken.value == value.lower())
            )
            if token is not None:
                usable = token.enabled and token.user_id and token.user.is_active
                return token.user if usable else None
    return None


def _check_ticks(ticks: int) -> None:
    if isinstance(ticks, bool) or not isinstance(ticks, int) or ticks < 0:
        raise BarError(f"ticks must be a whole number >= 0, not {ticks!r}")


def _pour_volume(ticks: int, ml_per_tick: float, volume_ml: float | None) -> float:
    volume = ticks * ml_per_tick if volume_ml is None else volume_ml
    if not math.isfinite(volume) or volume <= 0:
        raise BarError(f"the pour's volume must be above 0 ml, not {volume!r}")
    return volume


def record_drink(
    tap_ident: str | int,
    *,
    ticks: int,
    volume_ml: float | None = None,
    user: User | None = None,
    auth_token: str | None = None,
    pour_time: dt.datetime | None = None,
    duration: int = 0,
) -> Drink:
    """Record one pour on a tap; the keg's served volume and the session change with it."""
    _check_ticks(ticks)
    if duration < 0:
        raise BarError(f"duration must be >= 0, not {duration}")
    with database.atomic():
        tap = find_tap(tap_ident)
        volume = _pour_volume(ticks, tap.ml_per_tick, volume_ml)
        if user is None:
            user = resolve_token_user(auth_token)
        when = pour_time or utcnow()
        keg = None
        if tap.current_keg_id is not None:
            keg = _SERVE_FROM_KEG.one(volume_ml=volume, id=tap.current_keg_id)
        session = _join_session(when, volume)
        drink = _NEW_DRINK.one(
            ticks=ticks, volume_ml=volume, user_id=user.id if user else None,
            keg_id=keg.id if keg else None, tap_id=tap.id, session_id=session.id,
            pour_time=when, duration=duration, auth_token=auth_token,
        )
        # The rows just written, so the caller's answer needs no further queries.
        drink.user, drink.keg, drink.tap, drink.session = user, keg, tap, session
    events.bus.publish(events.DrinkPoured(drink_id=drink.id, tap_id=tap.id,
                                          keg_id=keg.id if keg else None, volume_ml=volume))
    if keg is not None:
        events.bus.publish(events.KegChanged(keg_id=keg.id, tap_id=tap.id))
    return drink


def record_spill(tap_ident: str | int, *, ticks: int = 0, volume_ml: float | None = None) -> Keg:
    """Count beer lost without a drink (foam, a calibration pour) against the tap's keg.

    A spill on a tap without a keg has nothing to count against, so it is refused rather than
    silently dropped (Kegbot's server ignored it and then answered 500).
    """
    _check_ticks(ticks)
    with database.atomic():
        tap = find_tap(tap_ident)
        volume = _pour_volume(ticks, tap.ml_per_tick, volume_ml)
        if tap.current_keg_id is None:
            raise BarError(f"tap {tap.name!r} has no keg to count a spill against")
        Keg.update(spilled_ml=Keg.spilled_ml + volume).where(Keg.id == tap.current_keg_id).execute()
        keg = Keg.get_by_id(tap.current_keg_id)
    events.bus.publish(events.KegChanged(keg_id=keg.id, tap_id=tap.id))
    return keg


def _rebuild_session(session_id: int) -> None:
    """Recompute a session from its valid drinks; a session left without any is removed."""
    serialize_step("drinking_session")
    valid = Drink.select().where((Drink.session == session_id) & Drink.is_valid)
    first = valid.order_by(Drink.pour_time).first()
    if first is None:
        Drink.update(session=None).where(Drink.session == session_id).execute()
        DrinkingSession.delete_by_id(session_id)
        return
    last = valid.order_by(Drink.pour_time.desc()).first()
    total = valid.select(peewee.fn.SUM(Drink.volume_ml)).scalar() or 0.0
    DrinkingSession.update(
        start=first.pour_time, end=last.pour_time + _timeout(), volume_ml=total
    ).where(DrinkingSession.id == session_id).execute()


def cancel_drink(drink_id: int, *, spilled: bool = False) -> Drink:
    """Take back a drink poured in error: its volume returns to the keg (or, if ``spilled``,
    moves to the keg's spilled total) and its session shrinks or disappears. The row stays,
    marked invalid, so the meter's raw ticks are never lost."""
    with database.atomic():
        drink = Drink.get_or_none(Drink.id == drink_id)
        if drink is None:
            raise NotFound(f"no drink {drink_id}")
        if not drink.is_valid:
            raise BarError(f"drink {drink_id} is already cancelled")
        Drink.update(is_valid=False).where(Drink.id == drink.id).execute()
        if drink.keg_id is not None:
            change = {Keg.served_ml: Keg.served_ml - drink.volume_ml}
            if spilled:
                change[Keg.spilled_ml] = Keg.spilled_ml + drink.volume_ml
            Keg.update(change).where(Keg.id == drink.keg_id).execute()
        if drink.session_id is not None:
            _rebuild_session(drink.session_id)
        drink = Drink.get_by_id(drink.id)
    events.bus.publish(events.DrinkCancelled(drink_id=drink.id, tap_id=drink.tap_id,
                                             keg_id=drink.keg_id, volume_ml=drink.volume_ml))
    if drink.keg_id is not None:
        events.bus.publish(events.KegChanged(keg_id=drink.keg_id, tap_id=drink.tap_id))
    return drink


@dataclass(frozen=True)
class DrinkStats:
    """Totals over a set of valid drinks, as the keg, drinker and session pages show them."""

    total_pours: int = 0
    total_volume_ml: float = 0.0
    average_volume_ml: float = 0.0
    greatest_volume_ml: float = 0.0
    greatest_volume_id: int | None = None
    last_drink_id: int | None = None
    sessions_count: int = 0
    volume_by_drinker: dict[str | None, float] = field(default_factory=dict)
    """Username → ml, largest first; ``None`` collects the anonymous (guest) pours."""


def _stats(where: peewee.Expression) -> DrinkStats:
    valid = Drink.select().where(where & Drink.is_valid)
    pours = valid.count()
    if pours == 0:
        return DrinkStats()
    total = valid.select(peewee.fn.SUM(Drink.volume_ml)).scalar() or 0.0
    greatest = valid.order_by(Drink.volume_ml.desc(), Drink.id).first()
    last = valid.order_by(Drink.pour_time.desc(), Drink.id.desc()).first()
    sessions = (
        valid.select(peewee.fn.COUNT(Drink.session.distinct()))
        .where(Drink.session.is_null(False)).scalar()
    )
    by_drinker = (
        Drink.select(User.username, peewee.fn.SUM(Drink.volume_ml).alias("ml"))
        .join(User, peewee.JOIN.LEFT_OUTER)
        .where(where & Drink.is_valid)
        .group_by(User.username)
        .order_by(peewee.fn.SUM(Drink.volume_ml).desc())
        .tuples()
    )
    return DrinkStats(
        total_pours=pours,
        total_volume_ml=total,
        average_volume_ml=total / pours,
        greatest_volume_ml=greatest.volume_ml,
        greatest_volume_id=greatest.id,
        last_drink_id=last.id,
        sessions_count=sessions,
        volume_by_drinker={name: ml for name, ml in by_drinker},
    )


def keg_stats(keg_id: int) -> DrinkStats:
    """Who drank how much from one keg."""
    return _stats(Drink.keg == keg_id)


def user_stats(user: User) -> DrinkStats:
    """One drinker's totals across every keg."""
    return _stats(Drink.user == user.id)


def session_stats(session_id: int) -> DrinkStats:
    """One drinking session's totals, by drinker."""
    return _stats(Drink.session == session_id)


def keg_sessions(keg_id: int) -> list[DrinkingSession]:
    """The sessions in which this keg was poured, newest first."""
    return list(
        DrinkingSession.select()
        .where(DrinkingSession.id.in_(
            Drink.select(Drink.session).where((Drink.keg == keg_id) & Drink.is_valid)
        ))
        .order_by(DrinkingSession.start.desc(), DrinkingSession.id.desc())
    )
