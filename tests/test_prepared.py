import datetime as dt

from kegdash import db as kdb
from kegdash.bar import drinks, taps
from kegdash.bar.models import Beverage, Drink, DrinkingSession, Keg, Tap
from kegdash.prepared import PreparedQuery, slot

TAP_WITH_KEG = PreparedQuery(lambda: (
    Tap.select(Tap, Keg, Beverage).join(Keg, on=(Tap.current_keg == Keg.id)).join(Beverage)
    .where(Tap.name == slot("name"))
))
SESSIONS_SINCE = PreparedQuery(lambda: (
    DrinkingSession.select().where(DrinkingSession.start >= slot("since", DrinkingSession.start))
    .order_by(DrinkingSession.id)
))
NEW_SESSION = PreparedQuery(lambda: (
    DrinkingSession.insert(start=slot("start", DrinkingSession.start),
                           end=slot("end", DrinkingSession.end), volume_ml=slot("ml"))
    .returning(DrinkingSession).objects()
))
SESSION_TUPLES = PreparedQuery(lambda: (
    DrinkingSession.select(DrinkingSession.id, DrinkingSession.start, DrinkingSession.volume_ml,
                           DrinkingSession.start.alias("raw"))
    .where(DrinkingSession.volume_ml >= slot("ml")).order_by(DrinkingSession.id).tuples()
))
ADD_VOLUME = PreparedQuery(lambda: (
    DrinkingSession.update(volume_ml=DrinkingSession.volume_ml + slot("ml"))
    .where(DrinkingSession.volume_ml < slot("below"))
))


def test_rows_are_the_models_the_query_itself_returns(database):
    for name, beer in (("Left", "Pils"), ("Right", "Stout")):
        taps.add_tap(name, f"kegboard.{name}")
        taps.start_keg(name, beer)
    for name in ("Left", "Right"):
        tap = TAP_WITH_KEG.one(name=name)
        expected = (Tap.select(Tap, Keg, Beverage).join(Keg, on=(Tap.current_keg == Keg.id))
                    .join(Beverage).where(Tap.name == name).get())
        assert tap.__data__ == expected.__data__
        assert tap.current_keg.__data__ == expected.current_keg.__data__
        assert tap.current_keg.beverage.name == expected.current_keg.beverage.name
    assert TAP_WITH_KEG.one(name="Middle") is None


def test_slots_convert_like_their_field_and_writes_report_rows(database):
    start = dt.datetime(2026, 5, 1, 18, 30)
    made = [NEW_SESSION.one(start=start + dt.timedelta(hours=h), end=start, ml=100.0 * h)
            for h in range(3)]
    assert [s.id for s in made] == [s.id for s in DrinkingSession.select().order_by(DrinkingSession.id)]
    assert DrinkingSession.get_by_id(made[1].id).start == start + dt.timedelta(hours=1)
    # A datetime slot compares as the stored text does: only the later two match.
    since = [s.id for s in SESSIONS_SINCE.all(since=start + dt.timedelta(minutes=1))]
    assert since == [made[1].id, made[2].id]
    assert ADD_VOLUME.execute(ml=5.0, below=150.0) == 2
    assert [s.volume_ml for s in DrinkingSession.select().order_by(DrinkingSession.id)] == [
        5.0, 105.0, 200.0]


def test_tuples_convert_each_run_as_the_query_itself_would(database):
    start = dt.datetime(2026, 5, 1, 18, 30)
    for h in range(3):
        NEW_SESSION.one(start=start + dt.timedelta(hours=h), end=start, ml=100.0 * h)
    assert list(SESSION_TUPLES.all(ml=1000.0)) == []  # a first run with no row to learn from
    for ml in (0.0, 150.0, 0.0):  # the conversions found on one run serve the next ones
        rows = list(SESSION_TUPLES.all(ml=ml))
        expected = list(DrinkingSession.select(
            DrinkingSession.id, DrinkingSession.start, DrinkingSession.volume_ml,
            DrinkingSession.start.alias("raw"),
        ).where(DrinkingSession.volume_ml >= ml).order_by(DrinkingSession.id).tuples())
        assert rows == expected and len(rows) == (3 if ml == 0.0 else 1)
        assert isinstance(rows[0][1], dt.datetime)


DRINK_TUPLES = PreparedQuery(lambda: (
    Drink.select(Drink.id, Drink.ticks, Drink.volume_ml, Drink.keg, Drink.pour_time,
                 Drink.is_valid, Drink.auth_token).order_by(Drink.id).tuples()
))


def test_tuples_have_the_types_peewee_gives_though_plain_columns_skip_its_conversion(database):
    # Integers, floats, texts and foreign keys come from SQLite as they are; booleans (0/1)
    # and datetimes (text) must still be converted.
    taps.add_tap("Left", "kegboard.flow0")
    taps.start_keg("Left", "Pils")
    drinks.record_drink("Left", ticks=100, auth_token="core.rfid|00ff")
    drinks.record_drink("Left", ticks=50, volume_ml=120.5)
    for _ in range(2):  # the first run learns the conversions, the second uses them
        rows = list(DRINK_TUPLES.all())
        expected = list(Drink.select(Drink.id, Drink.ticks, Drink.volume_ml, Drink.keg,
                                     Drink.pour_time, Drink.is_valid, Drink.auth_token)
                        .order_by(Drink.id).tuples())
        assert rows == expected
        assert [[type(v) for v in row] for row in rows] == [[type(v) for v in row] for row in expected]
        assert [type(v) for v in rows[0]] == [int, int, float, int, dt.datetime, bool, str]


def test_a_newly_opened_database_gets_its_own_statement(tmp_path):
    first = kdb.open_database(f"sqlite:///{tmp_path / 'one.sqlite'}")
    taps.add_tap("Only in one", "kegboard.one")
    taps.start_keg("Only in one", "Lager")
    assert TAP_WITH_KEG.one(name="Only in one") is not None
    first.close()
    second = kdb.open_database(f"sqlite:///{tmp_path / 'two.sqlite'}")
    try:
        assert TAP_WITH_KEG.one(name="Only in one") is None
    finally:
        second.close()
