"""The bar's read side on a real SQLite file: what the screens and the Kegbot API are shown.

Expected values come from the set-up (ticks × ml per tick, the keg sizes of migration 0002),
never from the code's own output.
"""

import dataclasses
import datetime as dt
import inspect
from types import SimpleNamespace

import pytest

from kegdash.accounts.users import create_user
from kegdash.bar import views
from kegdash.bar.drinks import cancel_drink, record_drink, record_spill
from kegdash.bar.models import Keg
from kegdash.bar.taps import NotFound, add_auth_token, add_tap, add_thermo_sensor, end_keg, start_keg
from kegdash.bar.thermo import record_temperature

T0 = dt.datetime(2026, 6, 1, 18, 0, 0)
CORNY_ML = 18927.06
SIXTH_ML = 19797.70


@pytest.fixture
def bar(database):
    """Tap 1 with a corny keg of Racer 5, an empty Tap 2, and a drinker with a token."""
    mikey = create_user("mikey", image_url="mugshots/mikey.jpg")
    first = add_tap("Tap 1", "kegboard.flow0", ml_per_tick=0.5)
    empty = add_tap("Tap 2", "kegboard.flow1", ml_per_tick=0.25)
    keg = start_keg(first.id, "Racer 5", size="corny", abv=7.2, style="IPA")
    add_auth_token("core.rfid", "0a1b", mikey)
    return SimpleNamespace(mikey=mikey, tap=first, empty=empty, keg=keg)


def minutes(n: int) -> dt.datetime:
    return T0 + dt.timedelta(minutes=n)


# --- tap cards ---------------------------------------------------------------------------------

def test_tap_cards_show_keg_last_valid_pour_and_latest_temperature(bar):
    add_thermo_sensor("kegboard.thermo-1", bar.tap.id)
    record_temperature("kegboard.thermo-1", 3.5, when=minutes(0))
    record_temperature("kegboard.thermo-1", 4.0, when=minutes(5))
    record_drink(bar.tap.id, ticks=600, user=bar.mikey, pour_time=minutes(1))
    record_drink(bar.tap.id, ticks=800, pour_time=minutes(2))
    for n in (3, 4):  # the newer pours were cancelled: the card shows the last valid one
        cancel_drink(record_drink(bar.tap.id, ticks=1000, pour_time=minutes(n)).drink.id)

    full, empty = views.tap_cards()
    assert (full.tap_id, full.name, full.meter, full.keg_id) == (bar.tap.id, "Tap 1", "kegboard.flow0",
                                                               bar.keg.id)
    assert (full.beverage, full.style, full.abv) == ("Racer 5", "IPA", 7.2)
    assert full.full_ml == CORNY_ML and full.remaining_ml == pytest.approx(CORNY_ML - 700)
    assert full.fraction == pytest.approx((CORNY_ML - 700) / CORNY_ML)
    assert (full.last_pour_time, full.last_pour_ml, full.last_pour_user) == (minutes(2), 400.0, None)
    assert full.temp_c == 4.0
    assert empty == views.TapCard(tap_id=bar.empty.id, name="Tap 2", meter="kegboard.flow1")
    assert views.tap_card(bar.tap.id) == full and views.tap_card(999) is None


def test_the_last_pours_drinker_is_on_the_card(bar):
    record_drink(bar.tap.id, ticks=100, auth_token="core.rfid|0a1b")
    assert views.tap_card(bar.tap.id).last_pour_user == "mikey"


def test_an_over_poured_keg_shows_empty_never_below(bar):
    record_drink(bar.tap.id, ticks=0, volume_ml=CORNY_ML + 500)
    card = views.tap_card(bar.tap.id)
    assert card.remaining_ml == 0.0 and card.fraction == 0.0
    assert views.tap_cards()[0] == card
    assert views.keg_rows(0, 10)[0].fraction == 0.0
    keg = views.tap_detail(bar.tap.id).keg  # the Kegbot API shows the raw figures, as its seed does
    assert keg.remaining_ml == pytest.approx(-500) and keg.percent_full < 0


def test_keg_level_is_clamped_both_ways():
    assert views.keg_level(1000.0, 250.0, 50.0) == (700.0, 0.7)
    assert views.keg_level(1000.0, 1200.0, 0.0) == (0.0, 0.0)
    assert views.keg_level(1000.0, -100.0, 0.0) == (1100.0, 1.0)  # a cancel beyond the keg's pours
    assert views.keg_level(0.0, 0.0, 0.0) == (0.0, 0.0)


# --- the window's tables -------------------------------------------------------------------------

def test_recent_drinks_are_valid_newest_first_and_name_tap_beverage_and_drinker(bar):
    record_drink(bar.tap.id, ticks=100, user=bar.mikey, pour_time=minutes(1))
    dry = record_drink(bar.empty.id, ticks=100, pour_time=minutes(2)).drink
    cancel_drink(record_drink(bar.tap.id, ticks=100, pour_time=minutes(3)).drink.id)
    rows = views.recent_drinks()
    assert [(r.tap, r.beverage, r.volume_ml, r.drinker) for r in rows] == [
        ("Tap 2", "", 25.0, None), ("Tap 1", "Racer 5", 50.0, "mikey")]
    assert rows[0].id == dry.id and rows[0].pour_time == minutes(2) and rows[0].is_valid
    assert [r.id for r in views.recent_drinks(limit=1)] == [dry.id]


def test_drink_rows_page_through_every_drink_or_one_kegs(bar):
    ids = [record_drink(bar.tap.id if n % 2 else bar.empty.id, ticks=100, pour_time=minutes(n)).drink.id
           for n in range(5)]
    cancel_drink(ids[1])
    every = views.drink_rows(None, 0, 10)
    assert [r.id for r in every] == ids[::-1] and [r.is_valid for r in every] == [1, 1, 1, 0, 1]
    assert [r.id for r in views.drink_rows(None, 1, 2)] == [ids[3], ids[2]]
    assert [r.id for r in views.drink_rows(bar.keg.id, 0, 10)] == [ids[3], ids[1]]
    assert views.count_drinks() == 5 and views.count_drinks(bar.keg.id) == 2


def test_keg_rows_newest_first_with_their_tap_while_on_it(bar):
    end_keg(bar.tap.id)
    second = start_keg(bar.empty.id, "Stout", size="sixth")
    Keg.update(started=minutes(0)).where(Keg.id == bar.keg.id).execute()
    record_drink(bar.empty.id, ticks=0, volume_ml=1955.0)
    record_spill(bar.empty.id, volume_ml=100.0)
    newer, older = views.keg_rows(0, 10)
    assert (newer.id, newer.tap, newer.beverage, newer.size, newer.status) == (
        second.id, "Tap 2", "Stout", "Sixth Barrel (torpedo keg, 5.23 gal)", "online")
    assert (newer.served_ml, newer.spilled_ml) == (1955.0, 100.0)
    assert newer.fraction == pytest.approx((SIXTH_ML - 2055) / SIXTH_ML) and newer.finished is None
    assert (older.id, older.tap, older.status, older.started) == (bar.keg.id, "", "offline", minutes(0))
    assert older.finished is not None and views.keg_rows(1, 10) == [older]


def test_session_rows_count_drinks_and_drinkers(bar):
    capn = create_user("capn")
    for n, user in enumerate((bar.mikey, capn, bar.mikey, None)):
        record_drink(bar.tap.id, ticks=100, user=user, pour_time=minutes(n))
    record_drink(bar.tap.id, ticks=100, pour_time=T0 + dt.timedelta(days=1))
    later, first = views.session_rows(0, 10)
    assert (first.start, first.volume_ml, first.drinks, first.drinkers) == (T0, 200.0, 4, 2)
    assert first.end == minutes(3 + 180)
    assert (later.drinks, later.drinkers) == (1, 0)


def test_drinker_totals_biggest_first_with_guests_together(bar):
    capn = create_user("capn")
    record_drink(bar.tap.id, ticks=100, user=bar.mikey, pour_time=minutes(0))
    record_drink(bar.tap.id, ticks=100, user=bar.mikey, pour_time=minutes(1))
    record_drink(bar.tap.id, ticks=300, user=capn, pour_time=minutes(2))
    record_drink(bar.tap.id, ticks=60, pour_time=minutes(3))
    record_drink(bar.tap.id, ticks=60, pour_time=minutes(4))
    cancel_drink(record_drink(bar.tap.id, ticks=9000, user=bar.mikey, pour_time=minutes(5)).drink.id)
    assert views.drinker_totals(0, 10) == [
        views.DrinkerTotal(drinker="capn", drinks=1, volume_ml=150.0, last_pour=minutes(2)),
        views.DrinkerTotal(drinker="mikey", drinks=2, volume_ml=100.0, last_pour=minutes(1)),
        views.DrinkerTotal(drinker=None, drinks=2, volume_ml=60.0, last_pour=minutes(4)),
    ]
    assert [t.drinker for t in views.drinker_totals(1, 1)] == ["mikey"]


def test_choices_for_the_operators_dialogs(bar):
    start_keg(add_tap("Tap 3", "kegboard.flow2").id, "Amber", size="corny")
    add_tap("Tap 4", "kegboard.flow3")
    assert views.free_taps() == [views.TapChoice(bar.empty.id, "Tap 2"), views.TapChoice(4, "Tap 4")]
    assert views.beverage_names() == ["Amber", "Racer 5"]
    sizes = views.keg_sizes()
    assert sizes[0].slug == "half-barrel" and sizes[0].volume_ml == 58673.88
    assert [s.volume_ml for s in sizes] == sorted((s.volume_ml for s in sizes), reverse=True)
    assert views.KegSizeChoice("corny", "Corny Keg (5 gal)", CORNY_ML) in sizes
    assert views.tap_count() == 4
    assert views.tap_of_keg(bar.keg.id) == bar.tap.id
    end_keg(bar.tap.id)
    assert views.tap_of_keg(bar.keg.id) is None


def test_meter_taps_for_the_kegboard(bar):
    assert views.meter_taps() == {
        "kegboard.flow0": views.MeterTap(tap_id=bar.tap.id, ml_per_tick=0.5, relay_name=None,
                                         requires_auth=False),
        "kegboard.flow1": views.MeterTap(tap_id=bar.empty.id, ml_per_tick=0.25, relay_name=None,
                                         requires_auth=False),
    }


# --- records for the Kegbot API ------------------------------------------------------------------

def test_tap_details_in_order_with_keg_and_beverage(bar):
    sensor = add_thermo_sensor("kegboard.thermo-1", bar.tap.id)
    full, empty = views.tap_details()
    assert full.tap == views.TapInfo(id=bar.tap.id, name="Tap 1", meter_name="kegboard.flow0",
                                     ml_per_tick=0.5, current_keg_id=bar.keg.id,
                                     thermo_sensor_id=sensor.id, relay_name=None)
    assert (full.keg.id, full.keg.status, full.keg.full_volume_ml, full.keg.served_ml) == (
        bar.keg.id, "online", CORNY_ML, 0.0)
    assert full.keg.percent_full == 1.0 and full.keg.description == "Racer 5"
    assert full.beverage == views.BeverageInfo(id=bar.keg.beverage_id, name="Racer 5", brewer_id=None,
                                               style="IPA", abv=7.2, calories_oz=None)
    assert full.keg.beverage_id == full.beverage.id
    assert (empty.tap.current_keg_id, empty.keg, empty.beverage) == (None, None, None)
    for ident in (bar.tap.id, str(bar.tap.id), "kegboard.flow0", "Tap 1"):
        assert views.tap_detail(ident) == full
    with pytest.raises(NotFound):
        views.tap_detail("kegboard.flow9")
    assert views.tap_id("kegboard.flow1") == bar.empty.id


def test_drink_pages_start_at_an_id_and_count_valid_drinks(bar):
    ids = [record_drink(bar.tap.id, ticks=100).drink.id for _ in range(5)]
    cancel_drink(ids[4])
    page = views.drink_page(None, 3)
    assert [d.id for d in page.items] == [ids[3], ids[2], ids[1]] and page.total == 4
    page = views.drink_page(ids[1], 3)
    assert [d.id for d in page.items] == [ids[1], ids[0]] and page.total == 4
    assert views.drink_page(0, 3).items == ()
    kegs = views.keg_page(None, 100)
    assert [k.id for k in kegs.items] == [bar.keg.id] and kegs.total == 1


def test_a_recorded_drinks_answer_is_what_is_stored(bar):
    """The service builds its answer from the rows it wrote; a fresh read must agree."""
    first = record_drink(bar.tap.id, ticks=100, user=bar.mikey, pour_time=T0, duration=4)
    assert first == views.drink_detail(first.drink.id)
    grown = record_drink(bar.tap.id, ticks=300, auth_token="core.rfid.0A1B", pour_time=minutes(10))
    assert grown == views.drink_detail(grown.drink.id)
    assert grown.session == views.SessionInfo(id=first.session.id, start=T0, end=minutes(190),
                                              volume_ml=200.0)
    assert grown.drink.username == "mikey" and grown.user.image_url == "mugshots/mikey.jpg"
    assert grown.keg.served_ml == 200.0
    guest = record_drink(bar.empty.id, ticks=100)
    assert (guest.keg, guest.user, guest.drink.username) == (None, None, None)
    assert guest == views.drink_detail(guest.drink.id)
    assert views.drink_detail(999) is None and views.drink_by_id(999) is None


def test_a_spills_answer_is_what_is_stored(bar):
    spill = record_spill(bar.tap.id, ticks=40)
    assert spill.tap == views.tap_detail(bar.tap.id).tap and spill.keg.spilled_ml == 20.0
    assert spill.keg == views.tap_detail(bar.tap.id).keg


def test_keg_detail_drinks_and_sessions_newest_first(bar):
    a = record_drink(bar.tap.id, ticks=100, user=bar.mikey, pour_time=T0).drink
    b = record_drink(bar.tap.id, ticks=100, pour_time=T0 + dt.timedelta(days=2)).drink
    record_drink(bar.empty.id, ticks=100, pour_time=T0 + dt.timedelta(days=4))
    cancel_drink(record_drink(bar.tap.id, ticks=100, pour_time=T0 + dt.timedelta(days=6)).drink.id)
    detail = views.keg_detail(bar.keg.id)
    assert detail.keg == views.tap_detail(bar.tap.id).keg and detail.beverage.name == "Racer 5"
    assert (detail.size.name, detail.size.volume_ml) == ("Corny Keg (5 gal)", CORNY_ML)
    assert [d.id for d in detail.drinks] == [b.id, a.id] and detail.drinks[1].username == "mikey"
    assert views.keg_drinks(bar.keg.id) == list(detail.drinks)
    assert [s.id for s in views.keg_sessions(bar.keg.id)] == [b.session_id, a.session_id]
    assert views.keg_detail(99) is None and views.keg_drinks(99) is None
    assert views.keg_sessions(99) is None


def test_drinkers_and_their_drinks(bar):
    mine = record_drink(bar.tap.id, ticks=100, user=bar.mikey, pour_time=T0).drink
    record_drink(bar.tap.id, ticks=100, pour_time=minutes(1))
    later = record_drink(bar.tap.id, ticks=100, user=bar.mikey, pour_time=minutes(2)).drink
    who = views.drinker("mikey")
    assert (who.id, who.username, who.image_url, who.is_active, who.is_staff) == (
        bar.mikey.id, "mikey", "mugshots/mikey.jpg", True, False)
    assert views.drinker_by_id(bar.mikey.id) == who
    assert [d.id for d in views.drinker_drinks("mikey")] == [later.id, mine.id]
    assert views.drinker("nobody") is None and views.drinker_drinks("nobody") is None
    assert views.drinker_drinks("mikey")[0].user_id == bar.mikey.id


def test_auth_token_lookup(bar):
    token = views.auth_token("core.rfid", "0A1B")
    assert (token.device, token.value, token.enabled, token.username) == ("core.rfid", "0a1b", True,
                                                                          "mikey")
    assert views.auth_token("core.rfid", "ffff") is None


def test_thermo_detail_newest_first_and_limited(database):
    for minute in range(5):
        record_temperature("kegboard.thermo-1", float(minute), when=minutes(minute))
    detail = views.thermo_detail("kegboard.thermo-1", limit=3)
    assert [log.temp_c for log in detail.logs] == [4.0, 3.0, 2.0]
    assert detail.logs[0].time == minutes(4) and detail.logs[0].sensor_id == detail.sensor.id
    assert detail.sensor.name == "kegboard.thermo-1" and detail.sensor.nice_name == ""
    assert len(views.thermo_detail(detail.sensor.id).logs) == 5
    with pytest.raises(NotFound):
        views.thermo_detail("kegboard.thermo-9")


def test_every_view_is_a_frozen_slotted_dataclass():
    """They cross from the task runner's threads to the GUI thread, so none may change."""
    classes = [c for _, c in inspect.getmembers(views, inspect.isclass)
               if c.__module__ == views.__name__]
    assert len(classes) > 20
    for cls in classes:
        assert dataclasses.is_dataclass(cls) and cls.__dataclass_params__.frozen, cls
        assert "__slots__" in cls.__dict__, cls
