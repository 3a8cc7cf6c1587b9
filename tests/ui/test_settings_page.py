"""Site settings change only with Apply, and the page shows what is stored when it is shown,
including a change made by another process (``kegdash admin setting``)."""

import subprocess
import sys
import time

from kegdash.site_settings import get_setting


def test_edits_wait_for_apply_and_revert_puts_the_stored_values_back(qtbot, window):
    page = window.settings_page
    window.nav.setCurrentRow(5)
    qtbot.waitUntil(lambda: bool(page.stored))
    assert not page.apply_button.isEnabled() and "when you apply them" in page.pending.text()
    page.low_keg.setValue(20)
    page.spike.setValue(4.5)
    assert page.pending.text() == "2 changes not applied yet: Low keg below, Temperature spike"
    assert get_setting("low_keg_fraction") == 0.10 and get_setting("hive_spike_c") == 3.0
    page.revert_button.click()
    assert (page.low_keg.value(), page.spike.value()) == (10, 3.0)
    assert not page.apply_button.isEnabled()

    page.low_keg.setValue(20)
    page.brood_minutes.setValue(90)
    page.apply_button.click()
    qtbot.waitUntil(lambda: page.message.text() == "Saved." and not page.apply_button.isEnabled())
    assert get_setting("low_keg_fraction") == 0.20 and get_setting("hive_brood_sustained_minutes") == 90


def test_a_temperature_step_is_a_difference_of_degrees(qtbot, window):
    page = window.settings_page
    qtbot.waitUntil(lambda: bool(page.stored))
    window.prefs.set_units("us")
    assert page.spike.value() == 5.4 and page.spike.suffix() == " °F"  # 3 °C apart, no 32 °F offset
    page.spike.setValue(9.0)
    page.apply_button.click()
    qtbot.waitUntil(lambda: page.message.text() == "Saved." and not page.edited_fields())
    assert get_setting("hive_spike_c") == 5.0


def test_an_edit_survives_a_change_of_units(qtbot, window):
    page = window.settings_page
    qtbot.waitUntil(lambda: bool(page.stored))
    page.brood_max.setValue(38.0)
    window.prefs.set_units("us")
    assert page.brood_max.value() == 100.4 and page.brood_min.value() == 89.6
    assert [f.key for f in page.edited_fields()] == ["hive_brood_max_c"]


def test_a_change_made_by_kegdash_admin_shows_when_the_page_is_shown(qtbot, window, database):
    page = window.settings_page
    window.nav.setCurrentRow(5)
    qtbot.waitUntil(lambda: bool(page.stored))
    page.battery_low.setValue(30)  # being edited here: kept
    window.nav.setCurrentRow(0)
    done = subprocess.run([sys.executable, "-m", "kegdash", "admin", "setting", "low_keg_fraction",
                           "0.25", "--database", database], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr

    # Each process keeps a setting for up to a second (site_settings.CACHE_SECONDS): show the page
    # again, wait for its read (a newer show supersedes a read still under way), until it says 25.
    deadline = time.monotonic() + 10
    while True:
        window.nav.setCurrentRow(0)
        with qtbot.waitSignal(page.loaded):
            window.nav.setCurrentRow(5)
        if page.low_keg.value() == 25 or time.monotonic() > deadline:
            break
        qtbot.wait(200)
    assert page.low_keg.value() == 25
    assert page.battery_low.value() == 30 and [f.key for f in page.edited_fields()] == [
        "hive_battery_low_percent"]
