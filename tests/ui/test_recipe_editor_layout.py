"""The recipe editor in the real window at 1280×720: hop columns in view, mash step names whole,
nothing moving sideways while typing, style bars, the style picker and the brew day."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QMessageBox, QWidget

from kegdash.brewing import Fermentable, Recipe, Spice, Yeast, calculate, parse_beerxml
from kegdash.ui import recipe_store

DATA = Path(__file__).resolve().parents[1] / "brewing" / "data"
HOPPY = Recipe(
    name="Layout Pale Ale", batch_size=23.0, boil_size=28.0,
    fermentables=[Fermentable(name="Pale malt (2 row)", weight=4.5, yield_=79, color=2)],
    spices=[Spice(name="East Kent Goldings", weight=0.02835, aa=5.0, use="boil", time=60),
            Spice(name="Cascade", weight=0.028, aa=5.5, use="boil", time=10),
            Spice(name="Citra", weight=0.05, aa=12.0, use="dry hop", time=4320)],
    yeast=[Yeast(name="Safale US-05", type="ale", form="dry", attenuation=78)],
)


@pytest.fixture
def editor_window(qtbot, make_window, database, monkeypatch):
    win = make_window()
    win.resize(1280, 720)
    win.show()
    qtbot.waitExposed(win)
    win.nav.setCurrentRow(3)
    page = win.recipes_page
    # Closing the window after a test's edits drops them (pytest-qt closes it before teardown).
    monkeypatch.setattr(page, "ask_unsaved", lambda: QMessageBox.StandardButton.Discard)
    return win, page


def open_in_editor(qtbot, page, recipe: Recipe) -> None:
    assert page.open_recipe(recipe_store.save(recipe, public_id=None, private=False))
    qtbot.waitUntil(lambda: page.editor.isVisible())


def window_rect(widget: QWidget) -> QRect:
    return QRect(widget.mapTo(widget.window(), QPoint(0, 0)), widget.size())


def test_the_window_is_1280_by_720(editor_window):
    win, _ = editor_window
    assert (win.width(), win.height()) == (1280, 720)


def test_hop_columns_are_all_in_view_at_1280(qtbot, editor_window):
    _, page = editor_window
    open_in_editor(qtbot, page, HOPPY)
    page.editor.tabs.setCurrentWidget(page.editor.spices)
    table = page.editor.spices.table
    qtbot.waitUntil(table.isVisible)
    header = table.horizontalHeader()
    viewport = table.viewport().width()
    for attr in ("name", "weight", "aa", "time", "use"):
        col = next(i for i, c in enumerate(page.editor.spices.columns) if c.attr == attr)
        left = header.sectionViewportPosition(col)
        assert not header.isSectionHidden(col)
        assert left >= 0 and left + header.sectionSize(col) <= viewport, attr
    assert table.horizontalScrollBar().maximum() == 0  # nothing to scroll to
    name = page.editor.spices.cell(0, "name")
    assert name.fontMetrics().horizontalAdvance("East Kent Goldings") < name.lineEdit().width()
    for attr in ("weight", "aa", "time"):
        spin = page.editor.spices.cell(2, attr)
        assert spin.fontMetrics().horizontalAdvance(spin.text()) < spin.lineEdit().width(), attr


def test_mash_step_names_are_not_cut(qtbot, editor_window):
    _, page = editor_window
    (dunkel,) = parse_beerxml((DATA / "beersmith-decoction.xml").read_bytes())
    open_in_editor(qtbot, page, dunkel)
    page.editor.tabs.setCurrentWidget(page.editor.mash_steps)
    qtbot.waitUntil(page.editor.mash_steps.table.isVisible)
    for row, step in enumerate(dunkel.mash.steps):
        combo = page.editor.mash_steps.cell(row, "name")
        assert combo.currentText() == step.name
        assert combo.fontMetrics().horizontalAdvance(step.name) < combo.lineEdit().width()


def test_typing_never_moves_the_results_sideways(qtbot, editor_window):
    _, page = editor_window
    open_in_editor(qtbot, page, HOPPY)
    editor = page.editor
    before = (window_rect(editor.results), window_rect(editor.tabs))
    values = [editor.results.values[key].text() for key in ("og", "ibu", "color")]
    spin = editor.fermentables.cell(0, "weight")
    spin.setFocus()
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin.lineEdit(), "12.375")  # a strong beer: every number gets longer
    qtbot.waitUntil(lambda: editor.results.values["og"].text().startswith(
        f"{calculate(editor.recipe).og:.3f}"))
    assert [editor.results.values[key].text() for key in ("og", "ibu", "color")] != values
    editor.name.setFocus()
    qtbot.keyClicks(editor.name, " with a much longer name than before")
    qtbot.wait(10)
    assert (window_rect(editor.results), window_rect(editor.tabs)) == before
    assert editor.results.width() == editor.results.minimumWidth() == editor.results.maximumWidth()


def test_style_picker_and_range_bars(qtbot, editor_window):
    _, page = editor_window
    open_in_editor(qtbot, page, HOPPY)
    editor = page.editor
    assert editor.style.findText("21A American IPA") >= 0
    assert editor.style.findText("18B American Pale Ale") >= 0
    editor.style.setEditText("18B American Pale Ale")
    style = editor.recipe.style
    assert (style.name, style.category_number, style.style_letter, style.style_guide) == (
        "American Pale Ale", "18", "B", "BJCP 2015")
    qtbot.waitUntil(lambda: editor.results.bars["ibu"].span == (30, 50))
    results = calculate(editor.recipe)
    for key, value in (("og", results.og), ("ibu", results.ibu), ("color", results.color)):
        bar = editor.results.bars[key]
        assert bar.value == value
        span = bar.span
        # The style's range is the middle half of the track; the value is marked where it falls.
        assert (bar.position(span[0]), bar.position(span[1])) == pytest.approx((0.25, 0.75))
        inside = span[0] <= value <= span[1]
        assert (0.25 <= bar.position(value) <= 0.75) == inside
        assert editor.results.ranges[key].property("fit") == ("in" if inside else
                                                               "low" if value < span[0] else "high")
    image = editor.results.bars["ibu"].grab().toImage()
    x = round(4 + editor.results.bars["ibu"].position(results.ibu) * (image.width() - 8))
    marker = image.pixelColor(x, image.height() // 2)
    band = image.pixelColor(round(image.width() * 0.5) + 6, image.height() // 2)
    assert marker != band  # the value's mark is drawn over the band
    editor.style.setEditText("")
    assert editor.recipe.style is None
    qtbot.waitUntil(lambda: editor.results.bars["ibu"].span is None)
    assert editor.results.ranges["ibu"].text() == ""


def test_brew_day_in_boil_minutes_and_units(qtbot, editor_window):
    _, page = editor_window
    open_in_editor(qtbot, page, HOPPY)
    view = page.editor.brew_day
    assert view.count() == 0  # not worded while its tab is hidden
    page.editor.tabs.setCurrentWidget(view)
    qtbot.waitUntil(lambda: view.count() > 0)
    shown = [view.item(row).text() for row in range(view.count())]
    assert shown[0] == "Mash" and "Boil" in shown and "Fermentation" in shown
    texts = view.texts()
    assert [text for text in shown if text not in ("Mash", "Boil", "Fermentation")] == texts
    assert "60 min: add 28 g East Kent Goldings" in texts
    assert "10 min: add 28 g Cascade" in texts
    assert any(t.startswith("Heat ") and " L of water to " in t and t.endswith(" °C") for t in texts)
    assert "Dry hop: add 50 g Citra for 3 days" in texts
    assert not any("about" in t or "°C" in t.replace(" °C", "") for t in texts)
    page.set_units("us")
    us = page.editor.brew_day.texts()
    assert "60 min: add 1.00 oz East Kent Goldings" in us
    assert not any(" L " in t or "°C" in t or " kg " in t or " g " in t for t in us)
    page.set_units("metric")


def test_an_empty_recipe_shows_no_brew_day(qtbot, editor_window):
    _, page = editor_window
    page.new_recipe()
    assert page.editor.brew_day.texts() == []
    page.editor.tabs.setCurrentWidget(page.editor.brew_day)  # worded when shown
    qtbot.waitUntil(lambda: page.editor.brew_day.count() == 1)
    assert page.editor.brew_day.item(0).text().startswith("Add fermentables")
