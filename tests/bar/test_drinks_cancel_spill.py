import datetime as dt

import pytest

from kegdash import events
from kegdash.accounts.users import create_user
from kegdash.bar.drinks import (
    DrinkStats,
    cancel_drink,
    keg_sessions,
    keg_stats,
    record_drink,
    record_spill,
    session_stats,
    user_stats,
)
from kegdash.bar.models import Drink, DrinkingSession, Keg
from kegdash.bar.taps import BarError, NotFound, add_tap, start_keg

T0 = dt.datetime(2026, 6, 1, 18, 0, 0)
CORNY_ML = 18927.06


@pytest.fixture
def tap(database):
    tap = add_tap("Main", "kegboard.flow0", ml_per_tick=0.5)
    start_keg(tap.id, "Racer 5", size="corny")
    return tap


@pytest.fixture
def published():
    seen = []
    unsubscribe = events.bus.subscribe(seen.append)
    yield seen
    unsubscribe()


def test_cancel_returns_the_volume_to_keg_and_session(tap, published):
    a = record_drink(tap.id, ticks=100, pour_time=T0)
    b = record_drink(tap.id, ticks=300, pour_time=T0 + dt.timedelta(minutes=10))
    published.clear()
    cancelled = cancel_drink(b.id)
    assert cancelled.is_valid is False
    keg = Keg.get()
    assert keg.served_ml == 50.0 and keg.spilled_ml == 0 and keg.remaining_ml == CORNY_ML - 50
    session = DrinkingSession.get_by_id(a.session_id)
    assert session.volume_ml == 50.0
    assert session.end == T0 + dt.timedelta(minutes=180)  # rebuilt from the drink that is left
    assert events.DrinkCancelled(drink_id=b.id, tap_id=tap.id, keg_id=keg.id, volume_ml=150.0) in published
    assert events.KegChanged(keg_id=keg.id, tap_id=tap.id) in published


def test_cancel_as_spilled_moves_the_volume_to_the_spill_total(tap):
    drink = record_drink(tap.id, ticks=100)
    cancel_drink(drink.id, spilled=True)
    keg = Keg.get()
    assert keg.served_ml == 0 and keg.spilled_ml == 50.0 and keg.remaining_ml == CORNY_ML - 50


def test_cancelling_the_only_drink_removes_its_session(tap):
    drink = record_drink(tap.id, ticks=100, pour_time=T0)
    cancel_drink(drink.id)
    assert DrinkingSession.select().count() == 0
    assert Drink.get_by_id(drink.id).session_id is None
    later = record_drink(tap.id, ticks=100, pour_time=T0 + dt.timedelta(minutes=5))
    assert DrinkingSession.get_by_id(later.session_id).start == T0 + dt.timedelta(minutes=5)


def test_cancel_twice_or_unknown_is_refused(tap):
    drink = record_drink(tap.id, ticks=100)
    cancel_drink(drink.id)
    with pytest.raises(BarError, match="already cancelled"):
        cancel_drink(drink.id)
    assert Keg.get().served_ml == 0
    with pytest.raises(NotFound):
        cancel_drink(999)


def test_cancel_a_drink_without_keg(database):
    add_tap("Dry", "kegboard.flow1")
    drink = record_drink("Dry", ticks=100)
    assert cancel_drink(drink.id).is_valid is False


def test_spill_counts_against_the_keg_without_a_drink(tap, published):
    keg = record_spill(tap.id, ticks=40)
    assert keg.spilled_ml == 20.0 and keg.served_ml == 0 and keg.remaining_ml == CORNY_ML - 20
    assert record_spill("kegboard.flow0", volume_ml=5.5).spilled_ml == 25.5
    assert Drink.select().count() == 0 and DrinkingSession.select().count() == 0
    assert published == [events.KegChanged(keg_id=keg.id, tap_id=tap.id)] * 2


def test_spill_refusals_change_nothing(tap):
    add_tap("Dry", "kegboard.flow1")
    with pytest.raises(BarError, match="no keg"):
        record_spill("Dry", ticks=10)
    for kwargs in ({"ticks": -1}, {"ticks": 0}, {"ticks": 5, "volume_ml": float("inf")}):
        with pytest.raises(BarError):
            record_spill(tap.id, **kwargs)
    with pytest.raises(NotFound):
        record_spill("nowhere", ticks=10)
    assert Keg.get().spilled_ml == 0


def test_stats_by_keg_user_and_session(tap):
    capn = create_user("capn")
    mikey = create_user("mikey")
    a = record_drink(tap.id, ticks=100, user=capn, pour_time=T0)
    b = record_drink(tap.id, ticks=400, user=mikey, pour_time=T0 + dt.timedelta(minutes=1))
    c = record_drink(tap.id, ticks=60, pour_time=T0 + dt.timedelta(minutes=2))
    d = record_drink(tap.id, ticks=200, user=capn, pour_time=T0 + dt.timedelta(days=1))
    gone = record_drink(tap.id, ticks=1000, user=capn, pour_time=T0 + dt.timedelta(days=1))
    cancel_drink(gone.id)
    keg = keg_stats(Keg.get().id)
    assert keg.total_pours == 4 and keg.total_volume_ml == 380.0
    assert keg.average_volume_ml == 95.0
    assert (keg.greatest_volume_ml, keg.greatest_volume_id) == (200.0, b.id)
    assert keg.last_drink_id == d.id and keg.sessions_count == 2
    assert keg.volume_by_drinker == {"mikey": 200.0, "capn": 150.0, None: 30.0}
    assert list(keg.volume_by_drinker) == ["mikey", "capn", None]
    mine = user_stats(capn)
    assert (mine.total_pours, mine.total_volume_ml, mine.sessions_count) == (2, 150.0, 2)
    assert mine.volume_by_drinker == {"capn": 150.0}
    first = session_stats(a.session_id)
    assert first.total_pours == 3 and first.total_volume_ml == 280.0 and first.last_drink_id == c.id
    assert user_stats(create_user("dry")) == DrinkStats()


def test_keg_sessions_newest_first(tap):
    a = record_drink(tap.id, ticks=100, pour_time=T0)
    b = record_drink(tap.id, ticks=100, pour_time=T0 + dt.timedelta(days=2))
    other = add_tap("Other", "kegboard.flow1")
    record_drink(other.id, ticks=100, pour_time=T0 + dt.timedelta(days=4))
    assert [s.id for s in keg_sessions(Keg.get().id)] == [b.session_id, a.session_id]
