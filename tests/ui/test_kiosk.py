"""The kiosk: F11 or ``--kiosk`` puts the window in full screen with only the tap cards; the
chrome follows the window's real state; the cards fill screens from 1280×720 to 4K and no text
on them is cut off or names a drinker."""

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QFontMetrics

from kegdash.accounts.users import create_user
from kegdash.bar.drinks import record_drink
from kegdash.bar.taps import add_tap, start_keg
from kegdash.ui.taps_page import TapsPage, grid_shape


@pytest.fixture
def mikey(database):
    return create_user("mikey")


NAMES = ("Racer 5 IPA", "Weihenstephaner Hefeweissbier Dunkel",
         "Donaudampfschifffahrtsgesellschaftskapitänsbier", "Oatmeal Stout", "Pils")


@pytest.fixture
def bar(database, mikey):
    taps = [add_tap(f"Tap {n + 1}", f"kegboard.flow{n}") for n in range(len(NAMES) + 1)]
    for tap, name in zip(taps, NAMES, strict=False):  # the last tap stays empty
        start_keg(tap.id, name, size="corny", style="A style with a rather long name", abv=5.5)
    record_drink(taps[0].id, ticks=0, volume_ml=473, user=mikey.id)
    record_drink(taps[3].id, ticks=0, volume_ml=19_000)  # kicked
    return taps


def test_the_grid_comes_closest_to_landscape_cards_with_few_empty_slots():
    assert grid_shape(4, 1920, 1080) == (2, 2)
    assert grid_shape(6, 1280, 720) == (3, 2)
    assert grid_shape(1, 1280, 720) == (1, 1)
    assert grid_shape(12, 3840, 2160) == (4, 3)
    assert grid_shape(3, 1280, 720) == (3, 1)


def uncut(label) -> bool:
    """Every drawn line fits the label's width, the lines fit its height, and a shortened text
    ends in an ellipsis (a word is never cut without one)."""
    font, lines, whole = label.fitted()
    metrics = QFontMetrics(font)
    area = label.contentsRect()
    fits = all(metrics.horizontalAdvance(line) <= area.width() for line in lines)
    tall = metrics.lineSpacing() * len(lines) <= area.height() + 1
    words = " ".join(lines).split() == label.text().split()
    return fits and tall and (words if whole else lines[-1].endswith("…"))


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080), (3840, 2160)])
def test_kiosk_cards_fill_the_screen_and_no_text_is_cut(qtbot, bridge, make_window, bar, size):
    window = make_window()
    page = TapsPage(bridge, window.prefs, window.runner)  # the page alone, at the screen's size
    qtbot.addWidget(page)
    page.set_kiosk(True)
    page.resize(*size)
    page.show()
    qtbot.waitExposed(page)
    qtbot.waitUntil(lambda: len(page.cards) == 6 and all(c.view.keg_id for c in page.cards.values()
                                                         if c.view.name != "Tap 6"))
    qtbot.waitUntil(lambda: page._kiosk_px > 0)
    qtbot.wait(50)  # the deferred layout pass after the resize
    assert page.side.isHidden() and not page.scroll.verticalScrollBar().isVisible()
    cells = [card.geometry() for card in page.cards.values()]
    widths, heights = {c.width() for c in cells}, {c.height() for c in cells}
    assert max(widths) - min(widths) <= 1 and max(heights) - min(heights) <= 1  # one size for all
    assert sum(c.width() * c.height() for c in cells) > 0.85 * size[0] * size[1]  # the screen filled
    for card in page.cards.values():
        assert card.start_button.isHidden()
        for label in card.labels():
            if label.isVisible() and label.text():
                assert uncut(label), (size, label.objectName(), label.text(), label.fitted()[1:])
                assert label.geometry().bottom() <= card.contentsRect().bottom()
        assert "mikey" not in card.last_pour.text()
    long_word = next(c for c in page.cards.values() if c.view.beverage == NAMES[2])
    assert long_word.beverage.shown_lines()[-1].endswith("…")
    two_lines = next(c for c in page.cards.values() if c.view.beverage == NAMES[1])
    assert two_lines.beverage.shown_lines() == ["Weihenstephaner", "Hefeweissbier Dunkel"] or \
        two_lines.beverage.fitted()[2]
    base = page._kiosk_px
    assert base >= {1280: 13, 1920: 20, 3840: 40}[size[0]]  # read from across the room


def test_outside_the_kiosk_drinkers_show_and_empty_taps_offer_a_keg(qtbot, window, bar):
    page = window.taps_page
    qtbot.waitUntil(lambda: len(page.cards) == 6)
    first = next(c for c in page.cards.values() if c.view.beverage == NAMES[0])
    qtbot.waitUntil(lambda: "by mikey" in first.last_pour.text())
    empty = next(c for c in page.cards.values() if c.view.keg_id is None)
    assert not empty.start_button.isHidden()
    qtbot.mouseClick(empty.start_button, Qt.MouseButton.LeftButton)
    assert page.dialog.tap.currentData() == empty.view.tap_id
    page.dialog.reject()


def test_f11_is_a_kiosk_that_follows_the_windows_real_state(qtbot, window, bar):
    window.nav.setCurrentRow(3)
    chrome = (window.nav, window.menuBar(), window.statusBar())
    window.fullscreen_action.trigger()  # F11
    qtbot.waitUntil(lambda: window.kiosk)
    assert all(widget.isHidden() for widget in chrome)
    assert window.stack.currentWidget() is window.taps_page and window.taps_page.kiosk
    assert window.fullscreen_action.isChecked() and window.leave_kiosk_action.isEnabled()

    window.setWindowState(Qt.WindowState.WindowNoState)  # e.g. the window manager's own key
    qtbot.waitUntil(lambda: not window.taps_page.kiosk)
    assert not any(widget.isHidden() for widget in chrome)
    assert window.stack.currentWidget() is window.recipes_page and window.nav.currentRow() == 3

    for _ in range(3):  # toggled quickly, the chrome and the state never drift apart
        window.toggle_fullscreen()
    qtbot.waitUntil(lambda: window.kiosk and window.taps_page.kiosk)
    window.leave_kiosk_action.trigger()  # Esc
    qtbot.waitUntil(lambda: not window.kiosk and not window.taps_page.kiosk)
    assert not window.leave_kiosk_action.isEnabled()  # Esc is the pages' own again


def test_the_kiosk_is_not_where_the_window_reopens(qtbot, make_window):
    first = make_window()
    first.show()
    qtbot.waitExposed(first)
    before = first.saveGeometry()
    first.toggle_fullscreen()
    qtbot.waitUntil(lambda: first.kiosk)
    first.close()
    assert QSettings().value("window/geometry") == before
    assert not make_window().kiosk
