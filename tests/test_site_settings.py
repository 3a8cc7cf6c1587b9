import pytest

from kegdash.site_settings import get_setting, set_setting


def test_display_units_default_to_metric_and_take_us(database):
    assert get_setting("display_units") == "metric"
    set_setting("display_units", "us")
    assert get_setting("display_units") == "us"


@pytest.mark.parametrize("value", ["imperial", "US", "", None, ["us"]])
def test_display_units_refuse_anything_else_and_name_the_choices(database, value):
    with pytest.raises(ValueError, match=r"display_units \(one of metric, us\)"):
        set_setting("display_units", value)
    assert get_setting("display_units") == "metric"
