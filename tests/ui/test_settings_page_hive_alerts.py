"""The hive alert thresholds on the Settings page: stored as site settings in °C and kg, shown in
the window's units, limited to their bounds, and a brood band whose edges cross is refused."""

import pytest

from kegdash.site_settings import BOUNDS, get_setting, set_setting


def loaded(qtbot, page):
    qtbot.waitUntil(lambda: bool(page.stored))
    return page


def apply(qtbot, page):
    """Apply as the Apply button does, and wait for the page to show what is stored."""
    page.apply_button.click()
    qtbot.waitUntil(lambda: not page.edited_fields() and not page.message.isHidden())


@pytest.fixture
def page(qtbot, make_window):
    return loaded(qtbot, make_window().settings_page)


def test_thresholds_start_at_the_rules_of_thumb_and_are_saved(qtbot, page, make_window):
    assert (page.brood_min.value(), page.brood_max.value(), page.swarm_drop.value()) == (32.0, 36.0, 1.0)
    assert (page.swarm_window.value(), page.silent_hours.value(), page.battery_low.value()) == (30, 2.0, 20)
    assert page.brood_min.suffix() == " °C" and page.swarm_drop.suffix() == " kg"
    page.brood_min.setValue(33.5)
    page.brood_max.setValue(37.0)
    page.swarm_drop.setValue(0.75)
    page.swarm_window.setValue(20)
    page.silent_hours.setValue(0.5)
    page.battery_low.setValue(15)
    apply(qtbot, page)
    assert page.message.text() == "Saved." and page.message.property("kind") == "info"
    assert [get_setting(k) for k in ("hive_brood_min_c", "hive_brood_max_c", "hive_swarm_drop_kg",
                                     "hive_swarm_window_minutes", "hive_silent_hours",
                                     "hive_battery_low_percent")] == [33.5, 37.0, 0.75, 20, 0.5, 15]
    again = loaded(qtbot, make_window().settings_page)
    assert (again.brood_min.value(), again.swarm_drop.value(), again.battery_low.value()) == (33.5, 0.75, 15)


def test_values_beyond_the_bounds_cannot_be_entered(qtbot, page):
    for spin, key in ((page.swarm_window, "hive_swarm_window_minutes"),
                      (page.battery_low, "hive_battery_low_percent"),
                      (page.silent_hours, "hive_silent_hours")):
        assert (spin.minimum(), spin.maximum()) == BOUNDS[key]
    page.swarm_window.setValue(10_000)
    page.silent_hours.setValue(0)
    apply(qtbot, page)
    assert get_setting("hive_swarm_window_minutes") == 240 and get_setting("hive_silent_hours") == 0.25


def test_a_lower_brood_edge_at_or_above_the_upper_is_refused(qtbot, page):
    page.brood_min.setValue(36.0)
    page.apply_button.click()
    assert page.message.property("kind") == "error"
    assert page.message.text() == ("The brood nest's lower limit (36.0 °C) must be below its upper "
                                   "limit (36.0 °C); nothing was applied.")
    assert get_setting("hive_brood_min_c") == 32.0 and page.brood_min.value() == 36.0
    page.revert_button.click()
    assert page.brood_min.value() == 32.0 and not page.apply_button.isEnabled()
    page.brood_max.setValue(30.0)
    page.apply_button.click()
    assert page.message.property("kind") == "error" and "(32.0 °C)" in page.message.text()
    assert get_setting("hive_brood_max_c") == 36.0


def test_a_band_moved_up_past_its_old_upper_edge_is_stored(qtbot, page):
    page.brood_min.setValue(37.0)
    page.brood_max.setValue(40.0)
    apply(qtbot, page)
    assert page.message.text() == "Saved."
    assert (get_setting("hive_brood_min_c"), get_setting("hive_brood_max_c")) == (37.0, 40.0)


def test_us_units_show_fahrenheit_and_pounds_and_store_celsius_and_kilograms(qtbot, page, make_window):
    page.units.setCurrentIndex(page.units.findData("us"))
    assert page.brood_min.suffix() == " °F" and page.swarm_drop.suffix() == " lb"
    assert (page.brood_min.value(), page.brood_max.value(), page.swarm_drop.value()) == (89.6, 96.8, 2.2)
    assert (page.brood_max.minimum(), page.brood_max.maximum()) == (68.0, 113.0)
    page.brood_max.setValue(95.0)
    apply(qtbot, page)
    assert get_setting("hive_brood_max_c") == 35.0
    page.swarm_drop.setValue(3.3)
    apply(qtbot, page)
    assert get_setting("hive_swarm_drop_kg") == 1.497 and page.swarm_drop.value() == 3.3
    page.swarm_drop.setValue(page.swarm_drop.maximum())  # 22.05 lb is a hair over 10 kg
    apply(qtbot, page)
    assert get_setting("hive_swarm_drop_kg") == 10.0 and page.message.text() == "Saved."
    page.brood_min.setValue(95.0)
    page.apply_button.click()
    assert "lower limit (95.0 °F) must be below its upper limit (95.0 °F)" in page.message.text()


def test_a_change_made_elsewhere_shows_after_a_reload(qtbot, page):
    set_setting("hive_battery_low_percent", 25)  # e.g. by another window on the same database
    page.reload()
    qtbot.waitUntil(lambda: page.battery_low.value() == 25)
