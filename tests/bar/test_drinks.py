import datetime as dt
import sqlite3
import threading

import pytest
from polling import wait_for

from kegdash import events
from kegdash.accounts.models import User
from kegdash.accounts.users import create_user, deactivate_user, reactivate_user
from kegdash.accounts.views import principal
from kegdash.bar.drinks import record_drink, resolve_token_user
from kegdash.bar.models import Drink, DrinkingSession, Keg
from kegdash.bar.taps import BarError, NotFound, add_auth_token, add_tap, start_keg
from kegdash.db import database as db_proxy
from kegdash.group_commit import writes

T0 = dt.datetime(2026, 6, 1, 18, 0, 0)


@pytest.fixture
def tap(database):
    tap = add_tap("Main", "kegboard.flow0", ml_per_tick=0.5)
    start_keg(tap.id, "Racer 5", size="corny")
    return tap


def test_volume_from_ticks_and_keg_accounting(tap):
    drink = record_drink(tap.id, ticks=1000, pour_time=T0).drink
    assert drink.volume_ml == 500.0
    keg = Keg.get_by_id(drink.keg_id)
    assert keg.served_ml == 500.0
    assert keg.remaining_ml == pytest.approx(18927.06 - 500.0)


def test_volume_override(tap):
    assert record_drink(tap.id, ticks=10, volume_ml=355.0).drink.volume_ml == 355.0


@pytest.mark.parametrize("ticks", [-1, 1.5, True, "10"])
def test_bad_ticks_change_nothing(tap, ticks):
    with pytest.raises(BarError, match="ticks"):
        record_drink(tap.id, ticks=ticks)
    assert Drink.select().count() == 0 and Keg.get().served_ml == 0


def test_zero_volume_refused(tap):
    with pytest.raises(BarError, match="volume"):
        record_drink(tap.id, ticks=0)
    with pytest.raises(BarError, match="volume"):
        record_drink(tap.id, ticks=5, volume_ml=float("nan"))


def test_no_keg_records_without_keg(database):
    add_tap("Dry", "kegboard.flow1")
    assert record_drink("Dry", ticks=100).drink.keg_id is None


def test_sessions_join_within_timeout_and_split_after(tap):
    a = record_drink(tap.id, ticks=100, pour_time=T0).drink
    b = record_drink(tap.id, ticks=100, pour_time=T0 + dt.timedelta(minutes=179)).drink
    c = record_drink(tap.id, ticks=100, pour_time=T0 + dt.timedelta(minutes=179 + 181)).drink
    assert a.session_id == b.session_id != c.session_id
    first = DrinkingSession.get_by_id(a.session_id)
    assert first.volume_ml == 100.0
    assert first.end == T0 + dt.timedelta(minutes=179 + 180)


def test_token_resolves_user_and_is_stored(tap):
    mikey = create_user("mikey")
    add_auth_token("core.rfid", "0A1B", mikey)
    for spelling in ("core.rfid|0a1b", "core.rfid.0a1b", "core.rfid/0A1B"):
        drink = record_drink(tap.id, ticks=10, auth_token=spelling).drink
        assert drink.user_id == mikey.id and Drink.get_by_id(drink.id).auth_token == spelling
    assert record_drink(tap.id, ticks=10, auth_token="core.rfid|ffff").drink.user_id is None


def test_a_deactivated_users_token_opens_nothing_until_reactivated(tap):
    mikey = create_user("mikey")
    add_auth_token("core.rfid", "0A1B", mikey)
    deactivate_user(mikey)
    assert resolve_token_user("core.rfid|0a1b") is None
    assert record_drink(tap.id, ticks=10, auth_token="core.rfid|0a1b").drink.user_id is None
    reactivate_user(User.get_by_id(mikey.id))
    assert resolve_token_user("core.rfid|0a1b").id == mikey.id


def test_concurrent_pours_on_two_taps_lose_no_volume(tap):
    second = add_tap("Second", "kegboard.flow1", ml_per_tick=0.25)
    start_keg(second.id, "Stout", size="half-barrel")
    errors = []

    def pour(tap_id: int) -> None:
        try:
            db_proxy.connect(reuse_if_open=True)
            for _ in range(25):
                record_drink(tap_id, ticks=40)
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            db_proxy.close()

    threads = [threading.Thread(target=pour, args=(t,)) for t in (tap.id, second.id) * 4]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    for keg in Keg.select():
        total = sum(d.volume_ml for d in Drink.select().where(Drink.keg == keg))
        assert keg.served_ml == pytest.approx(total)
        assert Drink.select().where(Drink.keg == keg).count() == 100


def test_a_principal_or_a_user_id_is_credited(tap):
    mikey = create_user("mikey")
    by_principal = record_drink(tap.id, ticks=10, user=principal(mikey))
    assert by_principal.drink.user_id == mikey.id and by_principal.user.username == "mikey"
    assert record_drink(tap.id, ticks=10, user=mikey.id).drink.username == "mikey"
    with pytest.raises(NotFound):
        record_drink(tap.id, ticks=10, user=999)
    assert Drink.select().count() == 2 and Keg.get().served_ml == 10.0


def test_pours_queued_together_are_stored_once_a_bad_one_refused_alone_events_after_commit(
        tap, database):
    """Pours queued behind a commit go in one group; the one naming no user is refused alone;
    each DrinkPoured is published when its drink is already committed."""
    observer = sqlite3.connect(database.removeprefix("sqlite:///"), check_same_thread=False)
    observing = threading.Lock()

    def stored(drink_id: int) -> bool:
        with observing:
            return observer.execute("SELECT 1 FROM drink WHERE id = ?", (drink_id,)).fetchone()

    published: list[tuple[int, bool]] = []
    unsubscribe = events.bus.subscribe(
        lambda e: published.append((e.drink_id, bool(stored(e.drink_id))))
        if isinstance(e, events.DrinkPoured) else None)
    entered, gate = threading.Event(), threading.Event()

    def held() -> None:
        entered.set()
        gate.wait(10)

    outcomes: dict[int, object] = {}

    def pour(n: int) -> None:
        try:
            outcomes[n] = record_drink(tap.id, ticks=10 + n, user=999 if n == 3 else None).drink
        except Exception as exc:  # checked below
            outcomes[n] = exc
        finally:
            db_proxy.close()

    holder = threading.Thread(target=lambda: (writes.run(held), db_proxy.close()))
    holder.start()
    try:
        assert entered.wait(10)
        threads = [threading.Thread(target=pour, args=(n,)) for n in range(8)]
        for thread in threads:
            thread.start()
        assert wait_for(lambda: len(writes._queue) == 9)  # all eight queued behind ``held``
    finally:
        gate.set()
        holder.join(10)
    for thread in threads:
        thread.join(10)
    unsubscribe()
    observer.close()

    assert isinstance(outcomes.pop(3), NotFound)
    drinks = sorted(outcomes.values(), key=lambda d: d.ticks)
    assert [d.ticks for d in drinks] == [10, 11, 12, 14, 15, 16, 17]
    assert sorted(d.id for d in Drink.select()) == sorted(d.id for d in drinks)
    assert Keg.get().served_ml == pytest.approx(sum(d.volume_ml for d in drinks))
    assert sorted(published) == sorted((d.id, True) for d in drinks)
