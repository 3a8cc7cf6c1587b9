"""Recording drinks: keg accounting and drinking sessions in one transaction per pour."""

from __future__ import annotations

import datetime as dt
import math

from kegdash import events
from kegdash.accounts.models import User
from kegdash.bar.models import AuthToken, Drink, DrinkingSession, Keg
from kegdash.bar.taps import BarError, find_tap
from kegdash.db import database, utcnow
from kegdash.site_settings import get_setting


def _join_session(pour_time: dt.datetime, volume_ml: float) -> DrinkingSession:
    """The latest session still open at ``pour_time`` grows; otherwise a new one starts."""
    timeout = dt.timedelta(minutes=get_setting("session_timeout_minutes"))
    session = DrinkingSession.select().order_by(DrinkingSession.end.desc()).first()
    if session is not None and session.end > pour_time:
        session.start = min(session.start, pour_time)
        session.end = max(session.end, pour_time + timeout)
        session.volume_ml += volume_ml
        session.save()
        return session
    return DrinkingSession.create(start=pour_time, end=pour_time + timeout, volume_ml=volume_ml)


def resolve_token_user(auth_token: str | None) -> User | None:
    """The user of an enabled token given as ``device|value``, ``device.value`` or ``device/value``."""
    if not auth_token:
        return None
    for sep in ("|", "/", "."):
        if sep in auth_token:
            device, value = auth_token.rsplit(sep, 1)
            token = AuthToken.get_or_none(
                (AuthToken.device == device) & (AuthToken.value == value.lower())
            )
            if token is not None:
                return token.user if token.enabled and token.user_id else None
    return None


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
    if isinstance(ticks, bool) or not isinstance(ticks, int) or ticks < 0:
        raise BarError(f"ticks must be a whole number >= 0, not {ticks!r}")
    if duration < 0:
        raise BarError(f"duration must be >= 0, not {duration}")
    with database.atomic():
        tap = find_tap(tap_ident)
        volume = ticks * tap.ml_per_tick if volume_ml is None else volume_ml
        if not math.isfinite(volume) or volume <= 0:
            raise BarError(f"the pour's volume must be above 0 ml, not {volume!r}")
        if user is None:
            user = resolve_token_user(auth_token)
        when = pour_time or utcnow()
        keg = Keg.get_by_id(tap.current_keg_id) if tap.current_keg_id else None
        if keg is not None:
            Keg.update(served_ml=Keg.served_ml + volume).where(Keg.id == keg.id).execute()
        drink = Drink.create(
            ticks=ticks, volume_ml=volume, user=user, keg=keg, tap=tap,
            session=_join_session(when, volume), pour_time=when, duration=duration,
            auth_token=auth_token,
        )
    events.bus.publish(
        events.DRINK_POURED, drink_id=drink.id, tap_id=tap.id,
        keg_id=keg.id if keg else None, volume_ml=volume,
    )
    if keg is not None:
        events.bus.publish(events.KEG_CHANGED, keg_id=keg.id, tap_id=tap.id)
    return drink

