import datetime as dt

import pytest

from kegdash.apiary.models import Reading
from kegdash.bar.models import Drink, Keg, Tap
from kegdash.demo_data import DemoDataError, load_demo_data

NOW = dt.datetime(2026, 7, 1, 12, 0, 0)


def test_demo_set_is_consistent(database):
    counts = load_demo_data(now=NOW)
    assert counts["taps"] == Tap.select().count() == 4
    assert Tap.get(Tap.name == "Tap 4").current_keg_id is None
    for keg in Keg.select():
        total = sum(d.volume_ml for d in Drink.select().where(Drink.keg == keg))
        assert keg.served_ml == pytest.approx(total)
        assert 0 < keg.percent_full < 1
    assert Drink.select().where(Drink.pour_time > NOW).count() == 0
    from kegdash.apiary.models import Device
    from kegdash.apiary.reading_fields import normalise_device_id
    from kegdash.hw.simulators import demo_hive_weights

    for api_id, weight in demo_hive_weights().items():
        last = (Reading.select().join(Device).where(Device.api_id == normalise_device_id(api_id))
                .order_by(Reading.ts.desc()).first())
        assert last.weight == weight, "the live simulator must continue where the month ends"
    temps = [r.temperature for r in Reading.select()]
    assert len(temps) == counts["readings"] and min(temps) > 32 and max(temps) < 37


def test_demo_data_refuses_a_used_bar(database):
    load_demo_data(now=NOW)
    with pytest.raises(DemoDataError):
        load_demo_data(now=NOW)
