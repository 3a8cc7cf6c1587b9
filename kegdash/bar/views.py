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
    Drink,
    DrinkingSession,
    Keg,
    KegSize,
    Tap,
    ThermoLog,
)
from kegdash.bar.taps import NotFound, find_sensor, find_tap
from kegdash.db import parse_id
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


KEG_SIZE_COLUMNS = (KegSize.id, KegSize.name, KegSize.volume_ml)


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
    return find_tap(ident).id


def tap_details() -> list[TapDetail]:
    """Every tap in display order with its keg and beverage."""
    return [_tap_detail(row) for row in _TAP_DETAILS.all()]


def tap_detail(ident: str | int) -> TapDetail:
    """A tap by numeric id or by meter name (``kegboard.flow0``) or name, as the Kegbot URLs
    allow (the same rule as ``taps.find_tap``); NotFound if there is none."""
    text = str(ident)
    number = parse_id(text)
    row = _TAP_DETAIL_BY_ID.one(id=number) if number is not None else None
    if row is None:
        row = _TAP_DETAIL_BY_NAME.one(name=text)
    if row is None:
        raise NotFound(f"no tap {text!r}")
    return _tap_detail(row)


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
                            User.username, AuthToken.nice_name)
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
