from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QLabel

import kegdash
from kegdash.bar.taps import add_tap
from kegdash.config import config_dir, data_dir
from kegdash.demo_data import has_data
from kegdash.ui.first_run import DISMISSED_KEY, offer_first_run

API = "http://127.0.0.1:8000"
DATABASE = "sqlite:///test.sqlite"


def texts(dialog) -> str:
    return "\n".join(label.text() for label in dialog.findChildren(QLabel))


def test_empty_database_offers_a_demo_bar_in_the_words_of_a_bar(qtbot, window):
    dialog = offer_first_run(window, API, DATABASE)
    assert dialog is not None and dialog.isVisible()
    shown = texts(dialog)
    assert "demo bar" in shown and "tap" in shown and API in shown
    for developer_words in (DATABASE, str(config_dir()), str(data_dir()), "KEGDASH_", "config"):
        assert developer_words not in shown
    assert window.taps_page.cards == {}
    dialog.demo_button.click()
    assert dialog.demo_button.text() == "Loading…" and not dialog.fresh_button.isEnabled()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=30_000)
    qtbot.waitUntil(lambda: len(window.taps_page.cards) == 4)
    assert window.recipes_page.model.rowCount() == 2
    qtbot.waitUntil(lambda: window.hives_page.hive.count() == 3)  # the hives are read off the GUI thread
    qtbot.waitUntil(lambda: window.settings_page.api_key_user.count() == 5)  # read off the GUI thread too
    assert has_data() and offer_first_run(window, API, DATABASE) is None


def test_start_fresh_is_remembered_and_shows_the_first_steps(qtbot, window):
    window.nav.setCurrentRow(2)
    dialog = offer_first_run(window, API, DATABASE)
    dialog.fresh_button.click()
    assert window.stack.currentWidget() is window.taps_page
    qtbot.waitUntil(lambda: window.taps_page.body.currentWidget() is window.taps_page.empty)
    assert not dialog.isVisible() and not has_data()
    assert QSettings().value(DISMISSED_KEY, type=bool)
    assert offer_first_run(window, API, DATABASE) is None


def test_not_offered_once_there_is_data(qtbot, window):
    add_tap("Main", "kegboard.flow0", ml_per_tick=0.5)
    assert offer_first_run(window, API, DATABASE) is None


def test_about_box_shows_version_icon_database_and_api(qtbot, window):
    window.set_api_state("http://127.0.0.1:8123")
    about = window.show_about()
    assert about.isVisible()
    shown = texts(about)
    assert f"kegdash {kegdash.__version__}" in shown and kegdash.__version__ != "0.0.0+unknown"
    assert DATABASE in shown and "http://127.0.0.1:8123" in shown
    assert str(config_dir()) in shown and str(data_dir()) in shown and "KEGDASH_DATABASE" in shown
    assert not about.findChild(QLabel, "aboutIcon").pixmap().isNull()
    assert not window.windowIcon().isNull()
    menu = window.menuBar().actions()[-1].menu()
    assert [a.text() for a in menu.actions()] == ["&Keyboard shortcuts", "&About kegdash"]
    about.reject()
