"""Every text the themes draw meets WCAG AA against what it is drawn on (4.5:1), control edges
are seen (3:1), and the stylesheet styles checkboxes and keg levels from those pairs."""

import pytest
from PySide6.QtWidgets import QApplication

from kegdash.ui.theme import CONTROL_EDGES, PALETTES, TEXT_ON, stylesheet


def luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of an #rrggbb colour."""
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b)


def contrast(a: str, b: str) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_contrast_formula_matches_published_values():
    assert contrast("#ffffff", "#000000") == pytest.approx(21.0)
    assert contrast("#ffffff", "#c8790a") == pytest.approx(3.39, abs=0.01)  # white on the old amber


@pytest.mark.parametrize("theme", sorted(PALETTES))
def test_every_text_meets_wcag_aa_on_every_background_it_is_drawn_on(theme):
    colours = PALETTES[theme]
    failing = [(text, ground, round(contrast(colours[text], colours[ground]), 2))
               for text, grounds in TEXT_ON for ground in grounds
               if contrast(colours[text], colours[ground]) < 4.5]
    assert failing == []


@pytest.mark.parametrize("theme", sorted(PALETTES))
def test_control_edges_are_seen(theme):
    colours = PALETTES[theme]
    assert all(contrast(colours[edge], colours[ground]) >= 3.0
               for edge, grounds in CONTROL_EDGES for ground in grounds)


@pytest.mark.parametrize("theme", sorted(PALETTES))
def test_the_stylesheet_uses_those_pairs(theme):
    sheet, colours = stylesheet(theme), PALETTES[theme]
    assert f"background: {colours['accent']}; color: {colours['on_accent']}" in sheet  # selections
    assert f"qproperty-fill: {colours['ok']}; qproperty-onFill: {colours['on_ok']}" in sheet
    assert "QCheckBox::indicator" in sheet and f"border: 2px solid {colours['control_border']}" in sheet
    assert "check.svg" in sheet
    assert "outline: 0" in sheet  # no focus rectangle inside the chosen page


def test_a_keg_level_takes_its_colours_from_the_theme(qtbot, window):
    from kegdash.bar.taps import add_tap, start_keg

    tap = add_tap("Tap 1", "kegboard.flow0")
    start_keg(tap.id, "Racer 5 IPA", size="corny")
    qtbot.waitUntil(lambda: tap.id in window.taps_page.cards)
    gauge = window.taps_page.cards[tap.id].gauge
    assert gauge.colour("fill").name() == PALETTES["light"]["ok"]
    assert gauge.colour("onFill").name() == PALETTES["light"]["on_ok"]
    window.prefs.set_theme("dark")
    qtbot.waitUntil(lambda: gauge.colour("onFill").name() == PALETTES["dark"]["on_ok"])
    selection = QApplication.palette().highlightedText().color().name()
    assert selection == PALETTES["dark"]["on_accent"]


def test_a_second_window_keeps_the_style_and_a_switch_back_restores_the_theme(qtbot, make_window):
    first = make_window()
    style = QApplication.style()
    make_window()
    assert QApplication.style() is style  # not rebuilt: that re-polished every widget there was
    first.prefs.set_theme("dark")
    first.prefs.set_theme("light")
    assert QApplication.instance().styleSheet() == stylesheet("light")
    assert QApplication.palette().highlight().color().name() == PALETTES["light"]["accent"]
