"""The bar's read side: plain frozen values for the window, the tap board and the Kegbot API.

Nothing here changes a row. Every value is a frozen dataclass, so a result read on a worker
thread may be handed to the GUI thread, and the window, the web tap list and the API's
serializers read one definition of each thing: a keg's level as a display shows it is computed
in :func:`keg_level` and nowhere else.

Two families live here. *Screen views* (:class:`TapCard`, :class:`DrinkRow`, :class:`KegRow`,
…) carry display-ready names. *Records* (:class:`TapInfo`, :class:`KegInfo`, :class:`DrinkInfo`,
…) mirror one stored row each, with ids, for the Kegbot API (``server/kegbot_objects.py``) and
for the results of the bar's services. ``GET /api/taps`` is the API's most requested query, so
it runs prepared (``prepared.py``) and reads plain tuples, not model objects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import peewee
from peewee import JOIN, fn

from kegdash.accounts.models import User
from kegdash.bar.models import (
    AuthToken,
    Beverage,
    Brewer,
    Controller,
    Drink,
    DrinkingSession,
    FlowMeter,
    Keg,
    KegSize,
    Tap,
    ThermoLog,
    ThermoSensor,
)
from kegdash.bar.taps import find_sensor, tap_ref, tap_row
from kegdash.db import utcnow
from kegdash.prepared import PreparedQuery, slot

T = TypeVar("T")


def keg_level(full_ml: float, served_ml: float, spilled_ml: float) -> tuple[float, float]:
    """(remaining ml, fraction of full) as a display shows a keg: never below empty, the
    fraction within 0…1 even when more was poured than the keg's nominal volume. (The Kegbot
    API shows the raw figures, :attr:`KegInfo.remaining_ml`, because its seed does.)"""
    remaining = full_ml - served_ml - spilled_ml
    fraction = remaining / full_ml if full_ml else 0.0
    return max(0.0, remaining), min(1.0, max(0.0, fraction))


# --- tap cards: the window's Taps page and the tap board --------------------------------------

@dataclass(frozen=True, slots=True)
class TapCard:
    """One tap as a screen shows it; ``keg_id`` is None for a tap without a keg (then only the
    tap's own fields and the temperature mean anything). ``last_pour_user`` is for the
    operator's window only: the public tap board never shows who poured."""

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


def _tap_card_query() -> peewee.ModelSelect:
    """Every tap with its keg, beverage, last valid pour and latest temperature, in one query."""
    last = Drink.alias()
    last_drink = (last.select(last.id).where((last.keg == Keg.id) & last.is_valid)
                  .order_by(last.pour_time.desc(), last.id.desc()).limit(1))
    latest_temp = (ThermoLog.select(ThermoLog.temp_c).where(ThermoLog.sensor == Tap.thermo_sensor)
                   .order_by(ThermoLog.time.desc()).limit(1))
    return (Tap.select(Tap.id, Tap.name, Tap.meter_name, Keg.id, Beverage.name, Beverage.style,
                       Beverage.abv, Keg.full_volume_ml, Keg.served_ml, Keg.spilled_ml,
                       Drink.pour_time, Drink.volume_ml, User.username, latest_temp.alias("temp_c"))
            .join(Keg, JOIN.LEFT_OUTER, on=(Tap.current_keg == Keg.id))
            .join(Beverage, JOIN.LEFT_OUTER, on=(Keg.beverage == Beverage.id))
            .join(Drink, JOIN.LEFT_OUTER, on=(Drink.id == last_drink))
            .join(User, JOIN.LEFT_OUTER, on=(Drink.user == User.id))
            .order_by(Tap.position, Tap.id)
            .tuples())


_TAP_CARDS = PreparedQuery(_tap_card_query)
_TAP_CARD = PreparedQuery(lambda: _tap_card_query().where(Tap.id == slot("id")))


def _tap_card(row: tuple) -> TapCard:
    (tap_id, name, meter, keg_id, beverage, style, abv, full, served, spilled,
     last_time, last_ml, last_user, temp) = row
    if keg_id is None:
        return TapCard(tap_id=tap_id, name=name, meter=meter, temp_c=temp)
    remaining, fraction = keg_level(full, served, spilled)
    return TapCard(tap_id=tap_id, name=name, meter=meter, keg_id=keg_id, beverage=beverage,
                   style=style, abv=abv, full_ml=full, remaining_ml=remaining, fraction=fraction,
                   last_pour_time=last_time, last_pour_ml=last_ml, last_pour_user=last_user,
                   temp_c=temp)


def tap_cards() -> list[TapCard]:
    """Every tap in display order."""
    return [_tap_card(row) for row in _TAP_CARDS.all()]


def tap_card(tap_id: int) -> TapCard | None:
    row = _TAP_CARD.one(id=tap_id)
    return _tap_card(row) if row is not None else None


# --- the Kegs & drinks page: paged rows ---------------------------------------------------------

@dataclass(frozen=True, slots=True)
class DrinkRow:
    """A drink in the window's lists; ``drinker`` is None for a guest's pour."""

    id: int
    pour_time: dt.datetime
    tap: str
    beverage: str
    volume_ml: float
    drinker: str | None
    is_valid: bool


def _drink_rows(query: peewee.ModelSelect) -> list[DrinkRow]:
    rows = (query.select(Drink.id, Drink.pour_time, Tap.name, Beverage.name, Drink.volume_ml,
                         User.username, Drink.is_valid)
            .join(Tap, JOIN.LEFT_OUTER).switch(Drink)
            .join(Keg, JOIN.LEFT_OUTER).join(Beverage, JOIN.LEFT_OUTER).switch(Drink)
            .join(User, JOIN.LEFT_OUTER)
            .order_by(Drink.pour_time.desc(), Drink.id.desc()).tuples())
    return [DrinkRow(id=ident, pour_time=when, tap=tap or "", beverage=beverage or "",
                     volume_ml=volume, drinker=drinker, is_valid=valid)
            for ident, when, tap, beverage, volume, drinker, valid in rows]


def recent_drinks(limit: int = 15) -> list[DrinkRow]:
    """The newest valid drinks."""
    return _drink_rows(Drink.select().where(Drink.is_valid).limit(limit))


def drink_rows(keg_id: int | None, offset: int, limit: int) -> list[DrinkRow]:
    """Every drink, cancelled ones too, newest first; only one keg's if ``keg_id`` is given."""
    query = Drink.select()
    if keg_id is not None:
        query = query.where(Drink.keg == keg_id)
    return _drink_rows(query.offset(offset).limit(limit))


def count_drinks(keg_id: int | None = None) -> int:
    """How many rows :func:`drink_rows` has for ``keg_id``."""
    query = Drink.select()
    return (query.where(Drink.keg == keg_id) if keg_id is not None else query).count()


@dataclass(frozen=True, slots=True)
class KegRow:
    """A keg in the history table; ``tap`` is "" once it left its tap."""

    id: int
    tap: str
    beverage: str
    size: str
    started: dt.datetime
    finished: dt.datetime | None
    served_ml: float
    spilled_ml: float
    fraction: float
    status: str


def keg_rows(offset: int, limit: int) -> list[KegRow]:
    """Kegs, the newest first, with their level as a display shows it (:func:`keg_level`)."""
    query = (Keg.select(Keg.id, Tap.name, Beverage.name, KegSize.name, Keg.started, Keg.finished,
                        Keg.full_volume_ml, Keg.served_ml, Keg.spilled_ml, Keg.status)
             .join(Beverage).switch(Keg).join(KegSize).switch(Keg)
             .join(Tap, JOIN.LEFT_OUTER, on=(Tap.current_keg == Keg.id))
             .order_by(Keg.started.desc(), Keg.id.desc()).offset(offset).limit(limit).tuples())
    return [KegRow(id=ident, tap=tap or "", beverage=beverage, size=size, started=started,
                   finished=finished, served_ml=served, spilled_ml=spilled,
                   fraction=keg_level(full, served, spilled)[1], status=status)
            for ident, tap, beverage, size, started, finished, full, served, spilled, status
            in query]


@dataclass(frozen=True, slots=True)
class SessionRow:
    """A drinking session with how many drinks (cancelled ones included) and drinkers it had."""

    id: int
    start: dt.datetime
    end: dt.datetime
    volume_ml: float
    drinks: int
    drinkers: int


def session_rows(offset: int, limit: int) -> list[SessionRow]:
    """Sessions, the newest first."""
    query = (DrinkingSession
             .select(DrinkingSession.id, DrinkingSession.start, DrinkingSession.end,
                     DrinkingSession.volume_ml, fn.COUNT(Drink.id), fn.COUNT(Drink.user.distinct()))
             .join(Drink, JOIN.LEFT_OUTER).group_by(DrinkingSession.id)
             .order_by(DrinkingSession.start.desc()).offset(offset).limit(limit).tuples())
    return [SessionRow(*row) for row in query]


@dataclass(frozen=True, slots=True)
class DrinkerTotal:
    """One drinker's valid drinks; ``drinker`` None collects every guest pour."""

    drinker: str | None
    drinks: int
    volume_ml: float
    last_pour: dt.datetime | None


def drinker_totals(offset: int, limit: int) -> list[DrinkerTotal]:
    """Per drinker, the biggest total first."""
    total = fn.SUM(Drink.volume_ml)
    query = (Drink.select(User.username, fn.COUNT(Drink.id), total, fn.MAX(Drink.pour_time))
             .join(User, JOIN.LEFT_OUTER).where(Drink.is_valid).group_by(Drink.user, User.username)
             .order_by(total.desc()).offset(offset).limit(limit).tuples())
    return [DrinkerTotal(drinker=name, drinks=count, volume_ml=volume, last_pour=_as_datetime(last))
            for name, count, volume, last in query]


def _as_datetime(value: dt.datetime | str | None) -> dt.datetime | None:
    """Aggregates come back from SQLite as text; peewee only converts plain column reads."""
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(value)


# --- choices for the operator's dialogs ---------------------------------------------------------

@dataclass(frozen=True, slots=True)
class TapChoice:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class KegSizeChoice:
    slug: str
    name: str
    volume_ml: float


def free_taps() -> list[TapChoice]:
    """Taps without a keg, in display order."""
    return [TapChoice(*row) for row in Tap.select(Tap.id, Tap.name).where(Tap.current_keg.is_null())
            .order_by(Tap.position, Tap.id).tuples()]


def keg_sizes() -> list[KegSizeChoice]:
    """Known sizes, the largest first."""
    return [KegSizeChoice(*row) for row in KegSize.select(KegSize.slug, KegSize.name, KegSize.volume_ml)
            .order_by(KegSize.volume_ml.desc()).tuples()]


def beverage_names() -> list[str]:
    return [name for (name,) in Beverage.select(Beverage.name).order_by(Beverage.name).tuples()]


def tap_count() -> int:
    return Tap.select().count()


def tap_of_keg(keg_id: int) -> int | None:
    """The tap a keg is on, or None once it has left it."""
    return Tap.select(Tap.id).where(Tap.current_keg == keg_id).scalar()


# --- the Kegboard's meters ----------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class MeterTap:
    """What a flow meter's reader needs of its tap."""

    tap_id: int
    ml_per_tick: float
    relay_name: str | None
    requires_auth: bool


def meter_taps() -> dict[str, MeterTap]:
    """Meter name (``kegboard.flow0``) → its tap."""
    query = Tap.select(Tap.meter_name, Tap.id, Tap.ml_per_tick, Tap.relay_name, Tap.requires_auth)
    return {meter: MeterTap(*rest) for meter, *rest in query.tuples()}


# --- records: one stored row each, for the Kegbot API and the services' results ----------------
#
# Each record's ``*_COLUMNS`` are its fields' columns in field order: a query selects them as a
# tuple and the record is ``Record(*row)``, so no model object is built only to be copied (the
# services' ``RETURNING`` writes do the same, ``drinks.py``).

@dataclass(frozen=True, slots=True)
class TapInfo:
    id: int
    name: str
    meter_name: str
    ml_per_tick: float
    current_keg_id: int | None
    thermo_sensor_id: int | None
    relay_name: str | None


TAP_COLUMNS = (Tap.id, Tap.name, Tap.meter_name, Tap.ml_per_tick, Tap.current_keg,
               Tap.thermo_sensor, Tap.relay_name)


@dataclass(frozen=True, slots=True)
class KegInfo:
    id: int
    beverage_id: int
    size_id: int
    status: str
    full_volume_ml: float
    served_ml: float
    spilled_ml: float
    started: dt.datetime
    finished: dt.datetime | None
    description: str

    @property
    def remaining_ml(self) -> float:
        """Unclamped, as the Kegbot seed shows it (below zero once over-poured)."""
        return self.full_volume_ml - self.served_ml - self.spilled_ml

    @property
    def percent_full(self) -> float:
        """Remaining as a fraction of full (1.0 = full), unclamped as the Kegbot seed shows."""
        return self.remaining_ml / self.full_volume_ml if self.full_volume_ml else 0.0


KEG_COLUMNS = (Keg.id, Keg.beverage, Keg.size, Keg.status, Keg.full_volume_ml, Keg.served_ml,
               Keg.spilled_ml, Keg.started, Keg.finished, Keg.description)


@dataclass(frozen=True, slots=True)
class BeverageInfo:
    id: int
    name: str
    brewer_id: int | None
    style: str
    abv: float | None
    calories_oz: float | None


BEVERAGE_COLUMNS = (Beverage.id, Beverage.name, Beverage.brewer, Beverage.style, Beverage.abv,
                    Beverage.calories_oz)


@dataclass(frozen=True, slots=True)
class KegSizeInfo:
    id: int
    name: str
    volume_ml: float
    slug: str


KEG_SIZE_COLUMNS = (KegSize.id, KegSize.name, KegSize.volume_ml, KegSize.slug)


@dataclass(frozen=True, slots=True)
class DrinkInfo:
    """A drink; ``user_id`` and ``username`` are None for a guest's. The auth token used is
    never part of it: a token value is an RFID credential."""

    id: int
    ticks: int
    volume_ml: float
    session_id: int | None
    pour_time: dt.datetime
    duration: int
    is_valid: bool
    keg_id: int | None
    tap_id: int | None
    user_id: int | None
    username: str | None


DRINK_COLUMNS = (Drink.id, Drink.ticks, Drink.volume_ml, Drink.session, Drink.pour_time,
                 Drink.duration, Drink.is_valid, Drink.keg, Drink.tap, Drink.user)
"""All of DrinkInfo's fields but ``username``, which is the user's (``User.username``)."""


@dataclass(frozen=True, slots=True)
class SessionInfo:
    id: int
    start: dt.datetime
    end: dt.datetime
    volume_ml: float

    def is_active(self, now: dt.datetime | None = None) -> bool:
        """A session is open until its end (its last drink + the session timeout)."""
        return self.end > (now or utcnow())


SESSION_COLUMNS = (DrinkingSession.id, DrinkingSession.start, DrinkingSession.end,
                   DrinkingSession.volume_ml)


@dataclass(frozen=True, slots=True)
class DrinkerInfo:
    """A drinker's public face: no e-mail, password or login data. ``id`` lets it stand for the
    drinker in the bar's services (``record_drink(user=…)``)."""

    id: int
    username: str
    image_url: str
    is_active: bool
    is_staff: bool
    is_superuser: bool
    joined: dt.datetime


DRINKER_COLUMNS = (User.id, User.username, User.image_url, User.is_active, User.is_staff,
                   User.is_superuser, User.joined)


@dataclass(frozen=True, slots=True)
class AuthTokenInfo:
    device: str
    value: str
    enabled: bool
    created: dt.datetime
    username: str | None
    nice_name: str
    id: int


@dataclass(frozen=True, slots=True)
class ThermoSensorInfo:
    id: int
    name: str
    nice_name: str


@dataclass(frozen=True, slots=True)
class ThermoLogInfo:
    id: int
    sensor_id: int
    temp_c: float
    time: dt.datetime


THERMO_LOG_COLUMNS = (ThermoLog.id, ThermoLog.sensor, ThermoLog.temp_c, ThermoLog.time)


@dataclass(frozen=True, slots=True)
class TapDetail:
    """A tap with its keg and the keg's beverage (both None for an empty tap)."""

    tap: TapInfo
    keg: KegInfo | None
    beverage: BeverageInfo | None


@dataclass(frozen=True, slots=True)
class DrinkDetail:
    """A drink with the keg, drinker and session it belongs to (each None where it has none)."""

    drink: DrinkInfo
    keg: KegInfo | None
    user: DrinkerInfo | None
    session: SessionInfo | None


@dataclass(frozen=True, slots=True)
class SpillDetail:
    """What a spill changed: the keg it counted against, and that keg's tap."""

    tap: TapInfo
    keg: KegInfo


@dataclass(frozen=True, slots=True)
class KegDetail:
    keg: KegInfo
    beverage: BeverageInfo
    size: KegSizeInfo
    drinks: tuple[DrinkInfo, ...]


@dataclass(frozen=True, slots=True)
class ThermoDetail:
    sensor: ThermoSensorInfo
    logs: tuple[ThermoLogInfo, ...]
    """Newest first."""


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a list and how many items the whole list has."""

    items: tuple[T, ...]
    total: int


def _split(row: Sequence[Any], *widths: int) -> list[Sequence[Any]]:
    """Cut a joined row into the parts of its records (``widths`` = each one's column count)."""
    parts, at = [], 0
    for width in widths:
        parts.append(row[at:at + width])
        at += width
    return parts


def tap_info(tap: Tap) -> TapInfo:
    """A tap row the caller already holds (``taps.find_tap``) as a record."""
    return TapInfo(*(getattr(tap, column.column_name) for column in TAP_COLUMNS))


# --- taps for the API ---------------------------------------------------------------------------

def _tap_detail_query() -> peewee.ModelSelect:
    return (Tap.select(*TAP_COLUMNS, *KEG_COLUMNS, *BEVERAGE_COLUMNS)
            .join(Keg, JOIN.LEFT_OUTER, on=(Tap.current_keg == Keg.id))
            .join(Beverage, JOIN.LEFT_OUTER, on=(Keg.beverage == Beverage.id))
            .order_by(Tap.position, Tap.id)
            .tuples())


# The most requested query of the Kegbot API: built once, rows read as plain tuples.
_TAP_DETAILS = PreparedQuery(_tap_detail_query)
_TAP_DETAIL_BY_ID = PreparedQuery(lambda: _tap_detail_query().where(Tap.id == slot("id")))
_TAP_DETAIL_BY_NAME = PreparedQuery(lambda: (
    _tap_detail_query().where((Tap.meter_name == slot("name")) | (Tap.name == slot("name"))).limit(1)
))


def _tap_detail(row: Sequence[Any]) -> TapDetail:
    tap, keg, beverage = _split(row, len(TAP_COLUMNS), len(KEG_COLUMNS), len(BEVERAGE_COLUMNS))
    if keg[0] is None:
        return TapDetail(tap=TapInfo(*tap), keg=None, beverage=None)
    return TapDetail(tap=TapInfo(*tap), keg=KegInfo(*keg), beverage=BeverageInfo(*beverage))


def tap_id(ident: str | int) -> int:
    """The id of the tap a URL names (numeric id, meter name or name); NotFound if none."""
    return tap_ref(ident).id


def tap_details() -> list[TapDetail]:
    """Every tap in display order with its keg and beverage."""
    return [_tap_detail(row) for row in _TAP_DETAILS.all()]


def tap_detail(ident: str | int) -> TapDetail:
    """A tap by numeric id or by meter name (``kegboard.flow0``) or name, as the Kegbot URLs
    allow (the same rule as ``taps.find_tap``); NotFound if there is none."""
    return _tap_detail(tap_row(ident, _TAP_DETAIL_BY_ID, _TAP_DETAIL_BY_NAME))


# --- drinks, kegs, sessions, drinkers, tokens and sensors for the API ---------------------------

def _drinks(where: peewee.Expression) -> peewee.ModelSelect:
    """Drinks with their drinkers' names, as tuples for :class:`DrinkInfo`."""
    return (Drink.select(*DRINK_COLUMNS, User.username).join(User, JOIN.LEFT_OUTER)
            .where(where).tuples())


def _newest_first(query: peewee.ModelSelect, model: type[peewee.Model], start: int | None,
                  limit: int) -> tuple[list[tuple], int]:
    """Kegbot's paging: newest first, ``start`` the first id shown (inclusive)."""
    total = query.count()
    if start is not None:
        query = query.where(model.id <= start)
    return list(query.order_by(model.id.desc()).limit(limit)), total


def drink_page(start: int | None, limit: int) -> Page[DrinkInfo]:
    """Valid drinks, newest first, from id ``start`` down."""
    rows, total = _newest_first(_drinks(Drink.is_valid), Drink, start, limit)
    return Page(items=tuple(DrinkInfo(*row) for row in rows), total=total)


def keg_page(start: int | None, limit: int) -> Page[KegInfo]:
    """Kegs, newest first, from id ``start`` down."""
    rows, total = _newest_first(Keg.select(*KEG_COLUMNS).tuples(), Keg, start, limit)
    return Page(items=tuple(KegInfo(*row) for row in rows), total=total)


def drink_by_id(drink_id: int) -> DrinkInfo | None:
    """A drink, valid or not."""
    row = _drinks(Drink.id == drink_id).first()
    return DrinkInfo(*row) if row is not None else None


def drink_detail(drink_id: int) -> DrinkDetail | None:
    """A drink (valid or not) with its keg, drinker and session, in one query."""
    row = (Drink.select(*DRINK_COLUMNS, *DRINKER_COLUMNS, *KEG_COLUMNS, *SESSION_COLUMNS)
           .join(User, JOIN.LEFT_OUTER).switch(Drink)
           .join(Keg, JOIN.LEFT_OUTER).switch(Drink)
           .join(DrinkingSession, JOIN.LEFT_OUTER)
           .where(Drink.id == drink_id).tuples().first())
    if row is None:
        return None
    drink, user, keg, session = _split(row, len(DRINK_COLUMNS), len(DRINKER_COLUMNS),
                                       len(KEG_COLUMNS), len(SESSION_COLUMNS))
    drinker = DrinkerInfo(*user) if user[0] is not None else None
    return DrinkDetail(drink=DrinkInfo(*drink, drinker.username if drinker else None),
                       keg=KegInfo(*keg) if keg[0] is not None else None, user=drinker,
                       session=SessionInfo(*session) if session[0] is not None else None)


def _valid_drinks_newest_first(where: peewee.Expression) -> list[DrinkInfo]:
    return [DrinkInfo(*row) for row in _drinks(where & Drink.is_valid)
            .order_by(Drink.pour_time.desc(), Drink.id.desc())]


def keg_detail(keg_id: int) -> KegDetail | None:
    """A keg with its beverage, size and valid drinks (newest first)."""
    row = (Keg.select(*KEG_COLUMNS, *BEVERAGE_COLUMNS, *KEG_SIZE_COLUMNS)
           .join(Beverage).switch(Keg).join(KegSize)
           .where(Keg.id == keg_id).tuples().first())
    if row is None:
        return None
    keg, beverage, size = _split(row, len(KEG_COLUMNS), len(BEVERAGE_COLUMNS), len(KEG_SIZE_COLUMNS))
    return KegDetail(keg=KegInfo(*keg), beverage=BeverageInfo(*beverage), size=KegSizeInfo(*size),
                     drinks=tuple(_valid_drinks_newest_first(Drink.keg == keg_id)))


def _keg_exists(keg_id: int) -> bool:
    return Keg.select().where(Keg.id == keg_id).exists()


def keg_drinks(keg_id: int) -> list[DrinkInfo] | None:
    """A keg's valid drinks, newest first; None if there is no such keg."""
    if not _keg_exists(keg_id):
        return None
    return _valid_drinks_newest_first(Drink.keg == keg_id)


def keg_sessions(keg_id: int) -> list[SessionInfo] | None:
    """The sessions in which a keg was poured, newest first; None if there is no such keg."""
    if not _keg_exists(keg_id):
        return None
    query = (DrinkingSession.select(*SESSION_COLUMNS)
             .where(DrinkingSession.id.in_(
                 Drink.select(Drink.session).where((Drink.keg == keg_id) & Drink.is_valid)))
             .order_by(DrinkingSession.start.desc(), DrinkingSession.id.desc()).tuples())
    return [SessionInfo(*row) for row in query]


def drinker(username: str) -> DrinkerInfo | None:
    """The account with exactly this name, active or not."""
    row = User.select(*DRINKER_COLUMNS).where(User.username == username).tuples().first()
    return DrinkerInfo(*row) if row is not None else None


def drinker_by_id(user_id: int) -> DrinkerInfo | None:
    row = User.select(*DRINKER_COLUMNS).where(User.id == user_id).tuples().first()
    return DrinkerInfo(*row) if row is not None else None


def drinker_drinks(username: str) -> list[DrinkInfo] | None:
    """A drinker's valid drinks, newest first; None if there is no such account."""
    user_id = User.select(User.id).where(User.username == username).scalar()
    if user_id is None:
        return None
    return _valid_drinks_newest_first(Drink.user == user_id)


def auth_token(device: str, value: str) -> AuthTokenInfo | None:
    """A token by its device and value (values are stored lower-case)."""
    row = (AuthToken.select(AuthToken.device, AuthToken.value, AuthToken.enabled, AuthToken.created,
                            User.username, AuthToken.nice_name, AuthToken.id)
           .join(User, JOIN.LEFT_OUTER)
           .where((AuthToken.device == device) & (AuthToken.value == value.lower()))
           .tuples().first())
    return AuthTokenInfo(*row) if row is not None else None


def thermo_log(sensor_id: int, minute: dt.datetime) -> ThermoLogInfo | None:
    """A sensor's reading of one minute."""
    row = (ThermoLog.select(*THERMO_LOG_COLUMNS)
           .where((ThermoLog.sensor == sensor_id) & (ThermoLog.time == minute)).tuples().first())
    return ThermoLogInfo(*row) if row is not None else None


def thermo_detail(ident: str | int, limit: int = 120) -> ThermoDetail:
    """A sensor (by id, raw name or nice name; NotFound otherwise) with its newest readings
    first (120 = the last two hours at one a minute)."""
    sensor = find_sensor(ident)
    logs = (ThermoLog.select(*THERMO_LOG_COLUMNS).where(ThermoLog.sensor == sensor.id)
            .order_by(ThermoLog.time.desc()).limit(limit).tuples())
    return ThermoDetail(sensor=ThermoSensorInfo(id=sensor.id, name=sensor.name,
                                                nice_name=sensor.nice_name),
                        logs=tuple(ThermoLogInfo(*row) for row in logs))


# --- whole objects, as the Kegbot 1.x dialect embeds them (``server/kegbot_v1_objects.py``) ------
#
# Kegbot Server 1.x nests objects where the seed-era API gives ids: a tap carries its keg, a keg
# its size and beverage, a beverage its producer, a drink its drinker, keg and session. These
# records carry the same, each read in one query (lists: one query per kind of nested record).

@dataclass(frozen=True, slots=True)
class BrewerInfo:
    id: int
    name: str
    country: str
    url: str


BREWER_COLUMNS = (Brewer.id, Brewer.name, Brewer.country, Brewer.url)


@dataclass(frozen=True, slots=True)
class KegOverview:
    """A keg with its size, its beverage and the beverage's brewer (None if unknown)."""

    keg: KegInfo
    size: KegSizeInfo
    beverage: BeverageInfo
    brewer: BrewerInfo | None


KEG_OVERVIEW_COLUMNS = (*KEG_COLUMNS, *KEG_SIZE_COLUMNS, *BEVERAGE_COLUMNS, *BREWER_COLUMNS)
_KEG_OVERVIEW_WIDTHS = (len(KEG_COLUMNS), len(KEG_SIZE_COLUMNS), len(BEVERAGE_COLUMNS),
                        len(BREWER_COLUMNS))


def _with_keg_overview(query: peewee.ModelSelect) -> peewee.ModelSelect:
    """``query`` (already joined to Keg) joined to what a :class:`KegOverview` needs."""
    return (query.join(KegSize, JOIN.LEFT_OUTER, on=(Keg.size == KegSize.id))
            .join(Beverage, JOIN.LEFT_OUTER, on=(Keg.beverage == Beverage.id))
            .join(Brewer, JOIN.LEFT_OUTER, on=(Beverage.brewer == Brewer.id)))


def _keg_overview(row: Sequence[Any]) -> KegOverview | None:
    keg, size, beverage, brewer = _split(row, *_KEG_OVERVIEW_WIDTHS)
    if keg[0] is None:
        return None
    return KegOverview(keg=KegInfo(*keg), size=KegSizeInfo(*size), beverage=BeverageInfo(*beverage),
                       brewer=BrewerInfo(*brewer) if brewer[0] is not None else None)


def _keg_overview_query() -> peewee.ModelSelect:
    return _with_keg_overview(Keg.select(*KEG_OVERVIEW_COLUMNS)).tuples()


_KEG_OVERVIEW = PreparedQuery(lambda: _keg_overview_query().where(Keg.id == slot("id")))


def keg_overview(keg_id: int) -> KegOverview | None:
    row = _KEG_OVERVIEW.one(id=keg_id)
    return _keg_overview(row) if row is not None else None


def keg_overviews(ids: Sequence[int] | None = None) -> list[KegOverview]:
    """Kegs (all, or those of ``ids``), the newest started first."""
    query = _keg_overview_query().order_by(Keg.started.desc(), Keg.id.desc())
    if ids is not None:
        query = query.where(Keg.id.in_(list(ids)))
    return [_keg_overview(row) for row in query]


@dataclass(frozen=True, slots=True)
class ControllerInfo:
    id: int
    name: str
    model_name: str
    serial_number: str


CONTROLLER_COLUMNS = (Controller.id, Controller.name, Controller.model_name, Controller.serial_number)


@dataclass(frozen=True, slots=True)
class FlowMeterInfo:
    """A registered meter; ``ticks_per_ml`` is the calibration in force: that of the tap using
    the meter if there is one (kegdash calibrates taps), else what the board reported."""

    id: int
    port_name: str
    ticks_per_ml: float
    controller: ControllerInfo

    @property
    def name(self) -> str:
        """``<controller>.<port>``, the name a tap's ``meter_name`` uses."""
        return f"{self.controller.name}.{self.port_name}"


def _meter_name() -> peewee.Expression:
    return Controller.name.concat(".").concat(FlowMeter.port_name)


def _flow_meter_query() -> peewee.ModelSelect:
    return (FlowMeter.select(FlowMeter.id, FlowMeter.port_name, FlowMeter.ticks_per_ml,
                             Tap.ml_per_tick, *CONTROLLER_COLUMNS)
            .join(Controller, on=(FlowMeter.controller == Controller.id))
            .join(Tap, JOIN.LEFT_OUTER, on=(Tap.meter_name == _meter_name()))
            .order_by(Controller.name, FlowMeter.port_name).tuples())


def _flow_meter(row: Sequence[Any]) -> FlowMeterInfo:
    ident, port, reported, tap_ml_per_tick, *controller = row
    ticks_per_ml = 1.0 / tap_ml_per_tick if tap_ml_per_tick else reported
    return FlowMeterInfo(id=ident, port_name=port, ticks_per_ml=ticks_per_ml,
                         controller=ControllerInfo(*controller))


_FLOW_METERS = PreparedQuery(_flow_meter_query)


def flow_meters() -> list[FlowMeterInfo]:
    """Every registered meter, by controller and port."""
    return [_flow_meter(row) for row in _FLOW_METERS.all()]


def flow_meter(meter_id: int) -> FlowMeterInfo | None:
    row = _flow_meter_query().where(FlowMeter.id == meter_id).first()
    return _flow_meter(row) if row is not None else None


def controllers() -> list[ControllerInfo]:
    """Every registered controller, by name."""
    return [ControllerInfo(*row) for row in Controller.select(*CONTROLLER_COLUMNS)
            .order_by(Controller.name).tuples()]


def controller(controller_id: int) -> ControllerInfo | None:
    row = Controller.select(*CONTROLLER_COLUMNS).where(Controller.id == controller_id).tuples().first()
    return ControllerInfo(*row) if row is not None else None


@dataclass(frozen=True, slots=True)
class TapRecord:
    """A tap with everything Kegbot 1.x shows of it: its keg (None for an empty tap), its
    registered meter (None if no board registered the tap's meter name), its sensor and that
    sensor's latest reading."""

    tap: TapInfo
    sort_order: int
    keg: KegOverview | None
    meter: FlowMeterInfo | None
    sensor: ThermoSensorInfo | None
    last_log: ThermoLogInfo | None


def _tap_record_query() -> peewee.ModelSelect:
    latest = ThermoLog.alias()
    latest_log = (latest.select(latest.id).where(latest.sensor == Tap.thermo_sensor)
                  .order_by(latest.time.desc()).limit(1))
    query = (Tap.select(*TAP_COLUMNS, Tap.position, *KEG_OVERVIEW_COLUMNS, ThermoSensor.id,
                        ThermoSensor.name, ThermoSensor.nice_name, *THERMO_LOG_COLUMNS)
             .join(Keg, JOIN.LEFT_OUTER, on=(Tap.current_keg == Keg.id)))
    return (_with_keg_overview(query)
            .join(ThermoSensor, JOIN.LEFT_OUTER, on=(Tap.thermo_sensor == ThermoSensor.id))
            .join(ThermoLog, JOIN.LEFT_OUTER, on=(ThermoLog.id == latest_log))
            .order_by(Tap.position, Tap.id).tuples())


# ``GET /api/v1/taps`` is the 1.x dialect's busiest read, as ``/api/taps`` is the seed's.
_TAP_RECORDS = PreparedQuery(_tap_record_query)
_TAP_RECORD = PreparedQuery(lambda: _tap_record_query().where(Tap.id == slot("id")))


def _tap_records(rows: Sequence[Sequence[Any]]) -> list[TapRecord]:
    meters = {meter.name: meter for meter in flow_meters()}
    out = []
    for row in rows:
        tap, (position,), keg, sensor, log = _split(
            row, len(TAP_COLUMNS), 1, len(KEG_OVERVIEW_COLUMNS), 3, len(THERMO_LOG_COLUMNS))
        info = TapInfo(*tap)
        out.append(TapRecord(
            tap=info, sort_order=position, keg=_keg_overview(keg), meter=meters.get(info.meter_name),
            sensor=ThermoSensorInfo(*sensor) if sensor[0] is not None else None,
            last_log=ThermoLogInfo(*log) if log[0] is not None else None))
    return out


def tap_records() -> list[TapRecord]:
    """Every tap in display order."""
    return _tap_records(_TAP_RECORDS.all())


def tap_record(ident: str | int) -> TapRecord:
    """A tap by numeric id, meter name or name (``find_tap``'s rule); NotFound if none."""
    return _tap_records([_TAP_RECORD.one(id=tap_id(ident))])[0]


@dataclass(frozen=True, slots=True)
class DrinkRecord:
    """A drink with its keg (an overview), drinker and session, each None where it has none."""

    drink: DrinkInfo
    keg: KegOverview | None
    user: DrinkerInfo | None
    session: SessionInfo | None


def drink_records(drinks: Sequence[DrinkInfo]) -> list[DrinkRecord]:
    """The drinks with what they belong to, in three queries whatever their number."""
    keg_ids = {d.keg_id for d in drinks if d.keg_id is not None}
    user_ids = {d.user_id for d in drinks if d.user_id is not None}
    session_ids = {d.session_id for d in drinks if d.session_id is not None}
    kegs = {k.keg.id: k for k in keg_overviews(list(keg_ids))} if keg_ids else {}
    users = ({row[0]: DrinkerInfo(*row) for row in User.select(*DRINKER_COLUMNS)
              .where(User.id.in_(list(user_ids))).tuples()} if user_ids else {})
    sessions = ({row[0]: SessionInfo(*row) for row in DrinkingSession.select(*SESSION_COLUMNS)
                 .where(DrinkingSession.id.in_(list(session_ids))).tuples()} if session_ids else {})
    return [DrinkRecord(drink=d, keg=kegs.get(d.keg_id), user=users.get(d.user_id),
                        session=sessions.get(d.session_id)) for d in drinks]


def drink_record(detail: DrinkDetail) -> DrinkRecord:
    """A drink the bar just recorded or cancelled, with its keg's overview."""
    keg = keg_overview(detail.keg.id) if detail.keg is not None else None
    return DrinkRecord(drink=detail.drink, keg=keg, user=detail.user, session=detail.session)


def latest_drinks(limit: int) -> list[DrinkInfo]:
    """The valid drinks poured last, the newest first."""
    return [DrinkInfo(*row) for row in _drinks(Drink.is_valid)
            .order_by(Drink.pour_time.desc(), Drink.id.desc()).limit(limit)]


def last_drink() -> DrinkInfo | None:
    """The valid drink poured last."""
    drinks = latest_drinks(1)
    return drinks[0] if drinks else None


def sessions() -> list[SessionInfo]:
    """Every drinking session, the newest first."""
    return [SessionInfo(*row) for row in DrinkingSession.select(*SESSION_COLUMNS)
            .order_by(DrinkingSession.start.desc(), DrinkingSession.id.desc()).tuples()]


def session(session_id: int) -> SessionInfo | None:
    row = (DrinkingSession.select(*SESSION_COLUMNS).where(DrinkingSession.id == session_id)
           .tuples().first())
    return SessionInfo(*row) if row is not None else None


def current_session() -> SessionInfo | None:
    """The session still open now (a new drink would join it), if any."""
    row = (DrinkingSession.select(*SESSION_COLUMNS).where(DrinkingSession.end > utcnow())
           .order_by(DrinkingSession.end.desc()).tuples().first())
    return SessionInfo(*row) if row is not None else None


def session_drinkers(session_id: int) -> list[DrinkerInfo]:
    """The named drinkers of a session's valid drinks, by name."""
    query = (User.select(*DRINKER_COLUMNS).distinct()
             .join(Drink, on=(Drink.user == User.id))
             .where((Drink.session == session_id) & Drink.is_valid)
             .order_by(User.username).tuples())
    return [DrinkerInfo(*row) for row in query]


def drinkers() -> list[DrinkerInfo]:
    """Every active account, by name."""
    return [DrinkerInfo(*row) for row in User.select(*DRINKER_COLUMNS).where(User.is_active)
            .order_by(User.username).tuples()]


def keg_size_infos() -> list[KegSizeInfo]:
    """Every known size in table order."""
    return [KegSizeInfo(*row) for row in KegSize.select(*KEG_SIZE_COLUMNS).order_by(KegSize.id).tuples()]


@dataclass(frozen=True, slots=True)
class SensorRecord:
    sensor: ThermoSensorInfo
    last_log: ThermoLogInfo | None


def thermo_sensors() -> list[SensorRecord]:
    """Every sensor, by name, with its latest reading."""
    latest = ThermoLog.alias()
    latest_log = (latest.select(latest.id).where(latest.sensor == ThermoSensor.id)
                  .order_by(latest.time.desc()).limit(1))
    query = (ThermoSensor.select(ThermoSensor.id, ThermoSensor.name, ThermoSensor.nice_name,
                                 *THERMO_LOG_COLUMNS)
             .join(ThermoLog, JOIN.LEFT_OUTER, on=(ThermoLog.id == latest_log))
             .order_by(ThermoSensor.name).tuples())
    return [SensorRecord(ThermoSensorInfo(*row[:3]),
                         ThermoLogInfo(*row[3:]) if row[3] is not None else None) for row in query]


@dataclass(frozen=True, slots=True)
class BarStatus:
    """The whole bar at one moment, as a 1.x daemon's periodic sync reads it."""

    taps: tuple[TapRecord, ...]
    session: SessionInfo | None
    session_drinkers: tuple[DrinkerInfo, ...]
    controllers: tuple[ControllerInfo, ...]
    meters: tuple[FlowMeterInfo, ...]
    drinks: tuple[DrinkInfo, ...]
    """The newest valid drinks."""


def bar_status(drinks: int = 5) -> BarStatus:
    current = current_session()
    return BarStatus(
        taps=tuple(tap_records()), session=current,
        session_drinkers=tuple(session_drinkers(current.id)) if current is not None else (),
        controllers=tuple(controllers()), meters=tuple(flow_meters()),
        drinks=tuple(latest_drinks(drinks)))
