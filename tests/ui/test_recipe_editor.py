"""The recipe editor shows the engine's numbers, live, and refuses garbage at the widget."""

from __future__ import annotations

import math

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QValidator

from kegdash.brewing import Fermentable, Recipe, Spice, Yeast, calculate
from kegdash.brewing.colors import lovibond_to_srm, srm_to_display_rgb
from kegdash.ui.recipe_editor import RecipeEditor
from kegdash.ui.recipe_results import beer_rgb


@pytest.fixture
def editor(qtbot):
    widget = RecipeEditor()
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    widget.show()
    qtbot.waitExposed(widget)
    yield widget
    widget.shutdown()


def sugar_recipe(kg: float = 1.0) -> Recipe:
    return Recipe(name="Sugar water", batch_size=20.0, boil_size=20.0,
                  fermentables=[Fermentable(name="Table sugar", weight=kg, yield_=100.0, color=0.0)],
                  yeast=[Yeast(name="US-05", attenuation=75.0)])


def type_into(qtbot, spin, text: str) -> None:
    spin.setFocus()
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin.lineEdit(), text)


def test_typing_a_weight_updates_og_to_the_engines_value(qtbot, editor):
    editor.set_recipe(sugar_recipe())
    spin = editor.fermentables.cell(0, "weight")
    type_into(qtbot, spin, "2.5")
    assert editor.recipe.fermentables[0].weight == 2.5
    expected = calculate(editor.recipe)
    qtbot.waitUntil(lambda: editor.results.values["og"].text().startswith(f"{expected.og:.3f}"))
    # Independent fact: sucrose gives 46.214 gravity points per pound per US gallon, boiled in
    # (no efficiency loss): 2.5 kg in 20 L → 1.048.
    by_hand = 1 + 2.5 * 2.20462 * 46.214 / (20 * 0.264172) / 1000
    assert expected.og == pytest.approx(by_hand, abs=1e-9)
    assert editor.results.values["og"].text().startswith("1.048")
    assert editor.dirty


def test_adding_a_hop_changes_ibu_by_tinseth(qtbot, editor):
    editor.set_recipe(sugar_recipe())
    assert editor.results.values["ibu"].text() == "0"
    qtbot.mouseClick(editor.spices.add_button, Qt.MouseButton.LeftButton)
    hop = editor.recipe.spices[0]
    assert (hop.name, hop.aa, hop.use, hop.time, hop.form) == ("Cascade", 5.5, "boil", 60.0, "pellet")
    expected = calculate(editor.recipe).ibu
    qtbot.waitUntil(lambda: editor.results.values["ibu"].text() == f"{expected:.0f}")
    # Tinseth by hand: bigness × boil-time factor × mg/l of alpha acid, ×1.15 for pellets.
    boil_gravity = 1 + 1.0 * 2.20462 * 46.214 / (20 * 0.264172) / 1000
    utilisation = 1.65 * 0.000125 ** (boil_gravity - 1) * (1 - math.exp(-0.04 * 60)) / 4.15
    assert expected == pytest.approx(utilisation * 0.055 * 25_000 / 20 * 1.15, rel=1e-9)
    assert expected > 20


def test_swatch_paints_the_published_srm_table(qtbot, editor):
    pale = sugar_recipe()
    pale.fermentables[0].color = 3.0
    editor.set_recipe(pale)
    pale_colour = editor.results.swatch.color()
    srm = calculate(editor.recipe).color
    assert (pale_colour.red(), pale_colour.green(), pale_colour.blue()) == srm_to_display_rgb(srm)
    stout = sugar_recipe()
    stout.fermentables.append(Fermentable(name="Roasted barley", weight=0.5, yield_=55, color=400))
    editor.set_recipe(stout)
    dark = editor.results.swatch.color()
    assert (dark.red(), dark.green(), dark.blue()) == srm_to_display_rgb(calculate(editor.recipe).color)
    assert dark.lightness() < pale_colour.lightness() - 50  # a stout is darker than sugar water
    image = editor.results.swatch.grab().toImage()
    assert image.pixelColor(image.width() // 2, image.height() // 2) == dark
    assert beer_rgb(float("nan")) == beer_rgb(0.0) == (0xF3, 0xF9, 0x93)  # the table's palest


def test_a_yellow_beer_looks_yellow(qtbot, editor):
    # Sugar water tinted to 4.1 SRM: Brauhaus names it "yellow" and its formula painted it orange
    # (#E69133); the swatch now shows the table's yellow, and the name beside it agrees.
    recipe = sugar_recipe(2.0)
    recipe.fermentables[0].color = 1.0
    editor.set_recipe(recipe)
    while calculate(editor.recipe).color < 4.1:
        editor.recipe.fermentables[0].color += 0.05
    editor.recompute()
    results = calculate(editor.recipe)
    assert 4.1 <= results.color < 4.3 and results.color_name == "yellow"
    assert editor.results.color_name.text() == "yellow"
    colour = editor.results.swatch.color()
    assert 50 <= colour.hue() <= 65 and colour.saturation() > 180  # yellow, not orange (~35°)


def test_invalid_input_is_refused_by_the_widget(qtbot, editor):
    editor.set_recipe(sugar_recipe(1.5))
    editor.mark_saved()
    spin = editor.fermentables.cell(0, "weight")
    type_into(qtbot, spin, "-2")
    assert editor.recipe.fermentables[0].weight >= 0
    type_into(qtbot, spin, "abc")
    assert spin.validate("abc", 0)[0] == QValidator.State.Invalid
    assert spin.validate("-1 kg", 0)[0] == QValidator.State.Invalid
    spin.setValue(-5)
    assert spin.value() == 0 and editor.recipe.fermentables[0].weight == 0
    batch = editor.numbers["batch_size"]
    batch.setValue(0)
    assert editor.recipe.batch_size == pytest.approx(0.1)  # never a zero batch (division by zero)
    for value in (editor.recipe.fermentables[0].weight, editor.recipe.batch_size):
        assert isinstance(value, float) and math.isfinite(value)


def test_unit_toggle_shows_us_units_and_keeps_si(qtbot, editor):
    editor.set_recipe(sugar_recipe(2.0))
    spin = editor.fermentables.cell(0, "weight")
    editor.set_units("us")
    spin = editor.fermentables.cell(0, "weight")
    assert spin.suffix() == " lb" and spin.value() == pytest.approx(4.409, abs=1e-3)
    assert editor.numbers["batch_size"].value() == pytest.approx(5.28, abs=0.01)
    assert not editor.dirty and editor.recipe.fermentables[0].weight == 2.0
    type_into(qtbot, spin, "11.023")
    assert editor.recipe.fermentables[0].weight == pytest.approx(5.0, abs=1e-4)
    editor.set_units("metric")
    assert editor.fermentables.cell(0, "weight").value() == pytest.approx(5.0, abs=1e-3)


def test_picking_from_the_library_fills_the_row_and_free_text_works(qtbot, editor):
    editor.set_recipe(sugar_recipe())
    combo = editor.fermentables.cell(0, "name")
    combo.textActivated.emit("Crystal 60")
    item = editor.recipe.fermentables[0]
    assert (item.name, item.yield_, item.weight) == ("Crystal 60", 74.0, 1.0)
    assert item.color == pytest.approx(lovibond_to_srm(60), abs=0.01)
    assert editor.fermentables.cell(0, "color").value() == pytest.approx(item.color, abs=0.05)
    combo.setEditText("My own smoked malt")
    assert editor.recipe.fermentables[0].name == "My own smoked malt"
    editor.style.setEditText("American IPA")
    assert editor.recipe.style.ibu == (40, 70)
    qtbot.waitUntil(lambda: "40 – 70" in editor.results.ranges["ibu"].text())
    assert editor.results.ranges["ibu"].property("fit") == "low"


def test_rows_are_added_removed_and_reordered(qtbot, editor):
    recipe = sugar_recipe()
    recipe.spices = [Spice(name="A", aa=5), Spice(name="B", aa=6), Spice(name="C", aa=7)]
    recipe.fermentables.append(Fermentable(name="Pale malt", weight=4.0, yield_=79, color=2))
    editor.set_recipe(recipe)
    table = editor.spices
    table.move_row(2, -1)
    assert [s.name for s in editor.recipe.spices] == ["A", "C", "B"]
    table.cell(0, "weight").setFocus()
    qtbot.waitUntil(lambda: table.current_row() == 0)
    qtbot.mouseClick(table.down_button, Qt.MouseButton.LeftButton)
    assert [s.name for s in editor.recipe.spices] == ["C", "A", "B"]
    table.remove_row(1)
    assert [s.name for s in editor.recipe.spices] == ["C", "B"]
    qtbot.mouseClick(editor.mash_steps.add_button, Qt.MouseButton.LeftButton)
    assert editor.recipe.mash is not None and len(editor.recipe.mash.steps) == 1
    qtbot.waitUntil(lambda: editor.brew_day.texts() != [])
    assert any(text.startswith("Saccharification: ") for text in editor.brew_day.texts())


def test_several_edits_in_one_turn_cost_one_recompute(qtbot, editor):
    editor.set_recipe(sugar_recipe())
    seen = []
    editor.computed.connect(lambda: seen.append(1))
    for kg in (1.1, 1.2, 1.3, 1.4):
        editor.fermentables.cell(0, "weight").setValue(kg)
    qtbot.waitUntil(lambda: seen == [1])
    assert editor.results.values["og"].text().startswith(f"{calculate(editor.recipe).og:.3f}")

