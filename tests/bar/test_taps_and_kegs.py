import pytest

from kegdash import events
from kegdash.bar.keg_sizes import resolve_size
from kegdash.bar.models import Keg, Tap
from kegdash.bar.taps import BarError, NotFound, add_tap, end_keg, find_tap, start_keg


@pytest.fixture
def published():
    seen = []
    unsubscribe = events.bus.subscribe(seen.append)
    yield seen
    unsubscribe()


def test_find_tap_by_id_meter_or_name(database):
    tap = add_tap("Main", "kegboard.flow0")
    assert find_tap(tap.id).id == tap.id
    assert find_tap(str(tap.id)).id == tap.id
    assert find_tap("kegboard.flow0").id == tap.id
    assert find_tap("Main").id == tap.id
    with pytest.raises(NotFound):
        find_tap("kegboard.flow9")


def test_tap_names_and_meters_are_unique(database):
    add_tap("Main", "kegboard.flow0")
    with pytest.raises(BarError, match="exists already"):
        add_tap("Main", "kegboard.flow1")
    with pytest.raises(BarError, match="exists already"):
        add_tap("Second", "kegboard.flow0")
    assert Tap.select().count() == 1


def test_keg_lifecycle_and_events(database, published):
    tap = add_tap("Main", "kegboard.flow0")
    keg = start_keg(tap.id, "Racer 5", abv=7.2, size="half-barrel")
    assert keg.full_volume_ml == 58673.88 and keg.percent_full == 1.0
    assert events.KegChanged(keg_id=keg.id, tap_id=tap.id) in published
    with pytest.raises(BarError, match="end it first"):
        start_keg(tap.id, "Other")
    ended = end_keg("Main")
    assert ended.status == Keg.OFFLINE and ended.finished is not None
    assert find_tap(tap.id).current_keg_id is None
    with pytest.raises(BarError, match="has no keg"):
        end_keg("Main")


def test_sizes_by_slug_or_litres(database):
    assert resolve_size("sixth").volume_ml == 19797.70
    twenty = resolve_size("20L")
    assert twenty.volume_ml == 20000.0 and resolve_size("20 l").id == twenty.id
    for bad in ("0L", "-5L", "lots", "1e3L"):
        with pytest.raises(ValueError, match="unknown keg size"):
            resolve_size(bad)


def test_bad_abv_refused(database):
    add_tap("Main", "kegboard.flow0")
    with pytest.raises(BarError, match="ABV"):
        start_keg("Main", "x", abv=120)
    assert Keg.select().count() == 0
