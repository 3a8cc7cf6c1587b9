import datetime as dt

from kegdash.ui.words import moment, plural, volume_unit


def test_plurals():
    assert plural(1, "recipe") == "1 recipe"
    assert plural(0, "drink") == "0 drinks" and plural(2, "drink") == "2 drinks"
    assert plural(3, "glass", "glasses") == "3 glasses"


def test_times_carry_a_date_unless_they_are_today():
    now = dt.datetime(2026, 12, 4, 12, 0)  # naive UTC, as stored

    def local(when):
        return when.replace(tzinfo=dt.UTC).astimezone()

    today = now - dt.timedelta(minutes=5)
    assert moment(today, now) == f"{local(today):%H:%M}"
    earlier = dt.datetime(2026, 3, 1, 12, 0)
    assert moment(earlier, now) == f"{local(earlier).day} Mar {local(earlier):%H:%M}"
    last_year = dt.datetime(2025, 7, 15, 12, 0)
    assert moment(last_year, now) == f"{local(last_year).day} Jul 2025 {local(last_year):%H:%M}"
    assert moment(None, now) == ""


def test_a_column_shows_one_unit():
    glass, keg = volume_unit("glass", "metric"), volume_unit("keg", "metric")
    assert [glass.number(ml) for ml in (408, 1000)] == ["408", "1000"]  # never "1.0" beside "408"
    assert [keg.number(ml) for ml in (408, 28_700)] == ["0.4", "28.7"] and keg.symbol == "L"
    assert volume_unit("glass", "us").text(473.176) == "16.0 fl oz"
    assert volume_unit("keg", "us").text(18_927.06) == "5.0 gal"
    assert volume_unit("person", "us").text(473.176 * 3) == "3.0 pints"
