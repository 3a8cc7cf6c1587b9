import datetime as dt

import pytest

from kegdash.accounts.users import create_user
from kegdash.apiary.models import Reading
from kegdash.apiary.registry import add_apiary
from kegdash.bar.drinks import record_drink
from kegdash.bar.models import Drink, DrinkingSession, Keg, Tap
from kegdash.bar.taps import add_tap
from kegdash.brewing import calculate
from kegdash.brewing.actions import action_data
from kegdash.brewing.models import Action, StoredRecipe
from kegdash.brewing.recipes import stored_recipe, summary
from kegdash.brewing.views import public_recipe_figures
from kegdash.demo_data import HISTORY_DAYS, DemoDataError, has_data, load_demo_data
from kegdash.site_settings import get_setting

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


def test_demo_recipes_store_the_engines_numbers_and_feed_summaries(database):
    load_demo_data(now=NOW)
    rows = list(StoredRecipe.select().order_by(StoredRecipe.id))
    assert len(rows) == 2
    for row in rows:
        results = calculate(stored_recipe(row))
        assert (row.og, row.fg, row.ibu, row.abv, row.color) == (
            results.og, results.fg, results.ibu, results.abv, results.color)
        assert row.created == NOW - dt.timedelta(days=10) and row.modified == NOW
        (action,) = Action.select().where(Action.target_id == row.public_id)
        assert action_data(action) == summary(row) and action.created == row.created
    pale = next(row for row in rows if row.name == "Ridge Pale Ale")
    assert 20 < pale.ibu < 40 and 1.04 < pale.og < 1.06 and stored_recipe(pale).author == "hops_hanna"
    assert public_recipe_figures(["ridge pale ale"])["ridge pale ale"].ibu == pale.ibu


# Just after midnight, local time: the bar's night is still going (CI once ran at 00:37 and the
# simulator's pours joined the history's last evening, which then was yesterday's).
AFTER_MIDNIGHT = dt.datetime(2026, 7, 2, 0, 30).astimezone().astimezone(dt.UTC).replace(tzinfo=None)


@pytest.mark.parametrize("now", [NOW, AFTER_MIDNIGHT], ids=["noon", "after midnight"])
def test_demo_sessions_are_evenings_that_follow_the_session_timeout(database, now):
    load_demo_data(now=now)
    timeout = dt.timedelta(minutes=get_setting("session_timeout_minutes"))
    sessions = list(DrinkingSession.select().order_by(DrinkingSession.start))
    assert 15 <= len(sessions) <= 2 * HISTORY_DAYS  # an evening's pours (or a part), never weeks
    for session in sessions:
        drinks = list(Drink.select().where(Drink.session == session).order_by(Drink.pour_time))
        assert session.start == drinks[0].pour_time and session.end == drinks[-1].pour_time + timeout
        assert session.end - session.start <= dt.timedelta(hours=6.5) + timeout
        gaps = [b.pour_time - a.pour_time for a, b in zip(drinks, drinks[1:], strict=False)]
        assert max(gaps, default=dt.timedelta(0)) < timeout
        assert session.volume_ml == pytest.approx(sum(d.volume_ml for d in drinks))
    for first, second in zip(sessions, sessions[1:], strict=False):
        assert second.start >= first.end, "sessions never overlap"
    assert sessions[-1].end < now - timeout, "the history ends before the bar's day began"
    record_drink(1, ticks=1000, pour_time=now)
    assert DrinkingSession.select().count() == len(sessions) + 1, "tonight's first pour: a new session"


def test_demo_data_refuses_a_used_bar(database):
    load_demo_data(now=NOW)
    with pytest.raises(DemoDataError):
        load_demo_data(now=NOW)


@pytest.mark.parametrize("thing", ["tap", "recipe", "apiary"])
def test_any_domain_has_data_once_it_has_something_to_show(database, thing):
    owner = create_user("owner")
    assert not has_data()  # a user alone is nothing the window shows
    if thing == "tap":
        add_tap("Main", "kegboard.flow0")
    elif thing == "recipe":
        StoredRecipe.create(owner=owner, slug="pale", name="Pale")
    else:
        add_apiary("Ridge", owner)
    assert has_data()
