import datetime as dt

import pytest

from kegdash import events
from kegdash.bar.drinks import cancel_drink, record_drink, record_spill
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
    a = record_drink(tap.id, ticks=100, pour_time=T0).drink
    b = record_drink(tap.id, ticks=300, pour_time=T0 + dt.timedelta(minutes=10)).drink
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
    drink = record_drink(tap.id, ticks=100).drink
    cancel_drink(drink.id, spilled=True)
    keg = Keg.get()
    assert keg.served_ml == 0 and keg.spilled_ml == 50.0 and keg.remaining_ml == CORNY_ML - 50


def test_cancelling_the_only_drink_removes_its_session(tap):
    drink = record_drink(tap.id, ticks=100, pour_time=T0).drink
    cancel_drink(drink.id)
    assert DrinkingSession.select().count() == 0
    assert Drink.get_by_id(drink.id).session_id is None
    later = record_drink(tap.id, ticks=100, pour_time=T0 + dt.timedelta(minutes=5)).drink
    assert DrinkingSession.get_by_id(later.session_id).start == T0 + dt.timedelta(minutes=5)


def test_cancel_twice_or_unknown_is_refused(tap):
    drink = record_drink(tap.id, ticks=100).drink
    cancel_drink(drink.id)
    with pytest.raises(BarError, match="already cancelled"):
        cancel_drink(drink.id)
    assert Keg.get().served_ml == 0
    with pytest.raises(NotFound):
        cancel_drink(999)


def test_cancel_a_drink_without_keg(database):
    add_tap("Dry", "kegboard.flow1")
    drink = record_drink("Dry", ticks=100).drink
    assert cancel_drink(drink.id).is_valid is False


def test_spill_counts_against_the_keg_without_a_drink(tap, published):
    keg = record_spill(tap.id, ticks=40).keg
    assert keg.spilled_ml == 20.0 and keg.served_ml == 0 and keg.remaining_ml == CORNY_ML - 20
    assert record_spill("kegboard.flow0", volume_ml=5.5).keg.spilled_ml == 25.5
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

