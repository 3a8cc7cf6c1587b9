"""Recording drinks: keg accounting and drinking sessions in the transaction of the pour.

Every change here (pour, cancel, spill) moves the keg's counters and the session's volume in
the same transaction as the drink row, so the totals always equal the sum of the valid drinks.
Pours, the busiest write, are committed in groups (``group_commit``), each in a savepoint of its
own. Events go out only after the commit.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Protocol

import peewee

from kegdash import events
from kegdash.accounts.models import User
from kegdash.bar import views
from kegdash.bar.models import AuthToken, Drink, DrinkingSession, Keg
from kegdash.bar.taps import BarError, NotFound, find_tap, tap_ref
from kegdash.bar.views import DrinkDetail, DrinkerInfo, DrinkInfo, KegInfo, SessionInfo, SpillDetail
from kegdash.db import database, serialize_step, utcnow
from kegdash.group_commit import writes
from kegdash.prepared import PreparedQuery, slot
from kegdash.site_settings import get_setting


class Someone(Protocol):
    """Whoever a drink is credited to: a ``Principal``, a ``DrinkerInfo``, anything with an id."""

    @property
    def id(self) -> int: ...


def _timeout() -> dt.timedelta:
    return dt.timedelta(minutes=get_setting("session_timeout_minutes"))


# A pour is the busiest write of the Kegbot API, so its statements are prepared (prepared.py).
# Rows come back as tuples in the order of the views' fields (``views.*_COLUMNS``), which is
# cheaper than building model objects only to copy them into views.
_LATEST_SESSION = PreparedQuery(lambda: (
    DrinkingSession.select(DrinkingSession.id, DrinkingSession.start, DrinkingSession.end)
    .order_by(DrinkingSession.end.desc()).limit(1).tuples()
))
_GROW_SESSION = PreparedQuery(lambda: (
    DrinkingSession.update(start=slot("start", DrinkingSession.start),
                           end=slot("end", DrinkingSession.end),
                           volume_ml=DrinkingSession.volume_ml + slot("volume_ml"))
    .where(DrinkingSession.id == slot("id"))
    .returning(*views.SESSION_COLUMNS).tuples()
))
_NEW_SESSION = PreparedQuery(lambda: (
    DrinkingSession.insert(start=slot("start", DrinkingSession.start),
                           end=slot("end", DrinkingSession.end), volume_ml=slot("volume_ml"))
    .returning(*views.SESSION_COLUMNS).tuples()
))
_SERVE_FROM_KEG = PreparedQuery(lambda: (
    Keg.update(served_ml=Keg.served_ml + slot("volume_ml")).where(Keg.id == slot("id"))
    .returning(*views.KEG_COLUMNS).tuples()
))
_SPILL_FROM_KEG = PreparedQuery(lambda: (
    Keg.update(spilled_ml=Keg.spilled_ml + slot("volume_ml")).where(Keg.id == slot("id"))
    .returning(*views.KEG_COLUMNS).tuples()
))
_NEW_DRINK = PreparedQuery(lambda: (
    Drink.insert(ticks=slot("ticks"), volume_ml=slot("volume_ml"), user=slot("user_id"),
                 keg=slot("keg_id"), tap=slot("tap_id"), session=slot("session_id"),
                 pour_time=slot("pour_time", Drink.pour_time), duration=slot("duration"),
                 auth_token=slot("auth_token"), is_valid=True)
    .returning(*views.DRINK_COLUMNS).tuples()
))
_TOKEN_AND_USER = PreparedQuery(lambda: (
    AuthToken.select(AuthToken.enabled, *views.DRINKER_COLUMNS)
    .join(User, peewee.JOIN.LEFT_OUTER)
    .where((AuthToken.device == slot("device")) & (AuthToken.value == slot("value")))
    .tuples()
))


def _join_session(pour_time: dt.datetime, volume_ml: float) -> SessionInfo:
    """The latest session still open at ``pour_time`` grows; otherwise a new one starts.

    Under the session lock the latest session is read once to decide; the session as stored
    afterwards comes back from the write itself (``RETURNING``), so the answer is the row.
    """
    timeout = _timeout()
    serialize_step("drinking_session")  # two taps pouring at once must not start two sessions
    latest = _LATEST_SESSION.one()
    if latest is not None and latest[2] > pour_time:
        ident, start, end = latest
        row = _GROW_SESSION.one(start=min(start, pour_time), end=max(end, pour_time + timeout),
                                volume_ml=volume_ml, id=ident)
    else:
        row = _NEW_SESSION.one(start=pour_time, end=pour_time + timeout, volume_ml=volume_ml)
    return SessionInfo(*row)


def resolve_token_user(auth_token: str | None) -> DrinkerInfo | None:
    """The active user of an enabled token given as ``device|value``, ``device.value`` or
    ``device/value``; None otherwise (the Kegboard then keeps an authorised tap's valve shut)."""
    if not auth_token:
        return None
    for sep in ("|", "/", "."):
        if sep in auth_token:
            device, value = auth_token.rsplit(sep, 1)
            found = _TOKEN_AND_USER.one(device=device, value=value.lower())
            if found is not None:
                enabled, *user = found
                drinker = DrinkerInfo(*user) if user[0] is not None else None
                return drinker if enabled and drinker and drinker.is_active else None
    return None


def _drinker(user: Someone | int) -> DrinkerInfo:
    """The drinker a caller named; a DrinkerInfo is used as it is (the Kegbot route has just
    read it), anything else is read by its id."""
    if isinstance(user, DrinkerInfo):
        return user
    user_id = user if isinstance(user, int) else user.id
    found = views.drinker_by_id(user_id)
    if found is None:
        raise NotFound(f"no user {user_id}")
    return found


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
    user: Someone | int | None = None,
    auth_token: str | None = None,
    pour_time: dt.datetime | None = None,
    duration: int = 0,
) -> DrinkDetail:
    """Record one pour on a tap; the keg's served volume and the session change with it.

    ``user`` (a Principal, a DrinkerInfo or a user id) is credited; without one, the drinker of
    an enabled ``auth_token``, else nobody (a guest). Pours posted at the same time are committed
    together (``group_commit``); the answer comes once this one is stored, built from the rows
    just written, so it costs no further query.
    """
    _check_ticks(ticks)
    if duration < 0:
        raise BarError(f"duration must be >= 0, not {duration}")
    when = pour_time or utcnow()
    detail = writes.run(lambda: _pour(tap_ident, ticks, volume_ml, user, auth_token, when,
                                      duration))
    drink, keg = detail.drink, detail.keg
    events.bus.publish(events.DrinkPoured(drink_id=drink.id, tap_id=drink.tap_id,
                                          keg_id=keg.id if keg else None,
                                          volume_ml=drink.volume_ml))
    if keg is not None:
        events.bus.publish(events.KegChanged(keg_id=keg.id, tap_id=drink.tap_id))
    return detail


def _pour(tap_ident: str | int, ticks: int, volume_ml: float | None, user: Someone | int | None,
          auth_token: str | None, when: dt.datetime, duration: int) -> DrinkDetail:
    """The writes of one pour, in the transaction of its group; refused (``BarError``) before
    the first write if the tap, the volume or the drinker is wrong."""
    tap = tap_ref(tap_ident)
    volume = _pour_volume(ticks, tap.ml_per_tick, volume_ml)
    drinker = _drinker(user) if user is not None else resolve_token_user(auth_token)
    keg = None
    if tap.current_keg_id is not None:
        keg = KegInfo(*_SERVE_FROM_KEG.one(volume_ml=volume, id=tap.current_keg_id))
    session = _join_session(when, volume)
    drink = DrinkInfo(*_NEW_DRINK.one(
        ticks=ticks, volume_ml=volume, user_id=drinker.id if drinker else None,
        keg_id=keg.id if keg else None, tap_id=tap.id, session_id=session.id,
        pour_time=when, duration=duration, auth_token=auth_token,
    ), username=drinker.username if drinker else None)
    return DrinkDetail(drink=drink, keg=keg, user=drinker, session=session)


def record_spill(tap_ident: str | int, *, ticks: int = 0,
                 volume_ml: float | None = None) -> SpillDetail:
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
        keg = KegInfo(*_SPILL_FROM_KEG.one(volume_ml=volume, id=tap.current_keg_id))
    events.bus.publish(events.KegChanged(keg_id=keg.id, tap_id=tap.id))
    return SpillDetail(tap=views.tap_info(tap), keg=keg)


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


def cancel_drink(drink_id: int, *, spilled: bool = False) -> DrinkInfo:
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
        cancelled = views.drink_by_id(drink.id)
    events.bus.publish(events.DrinkCancelled(drink_id=cancelled.id, tap_id=cancelled.tap_id,
                                             keg_id=cancelled.keg_id, volume_ml=cancelled.volume_ml))
    if cancelled.keg_id is not None:
        events.bus.publish(events.KegChanged(keg_id=cancelled.keg_id, tap_id=cancelled.tap_id))
    return cancelled
