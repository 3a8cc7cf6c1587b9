"""The Recipes page on a real SQLite file: save, feed actions, clone, delete + undo, BeerXML."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox

from kegdash.accounts.models import User
from kegdash.brewing import Fermentable, Recipe, actions, calculate, parse_beerxml, to_beerxml
from kegdash.brewing import recipes as store
from kegdash.brewing.models import Action, StoredRecipe
from kegdash.resources import resource_path
from kegdash.site_settings import set_setting
from kegdash.ui import recipe_store
from kegdash.ui.recipes_page import RecipesPage
from kegdash.ui.tasks import TaskRunner

SAMPLES = resource_path("beerxml", "sample-recipes.xml")
DATA = Path(__file__).resolve().parents[1] / "brewing" / "data"


@pytest.fixture
def page(qtbot, bridge, monkeypatch):
    widget = RecipesPage(bridge, TaskRunner())

    def unexpected_question():
        raise AssertionError("asked about unsaved changes")

    monkeypatch.setattr(widget, "ask_unsaved", unexpected_question)
    qtbot.addWidget(widget)
    widget.resize(1200, 760)
    widget.show()
    yield widget
    widget.editor.mark_saved()
    widget.shutdown()
    assert widget.runner.pool.activeThreadCount() == 0


def stored(page: RecipesPage) -> list[str]:
    return [page.model.row_values(row)[0] for row in range(page.model.rowCount())]


def import_samples(qtbot, page: RecipesPage, rows: list[int]) -> None:
    page.import_file(SAMPLES)
    qtbot.waitUntil(lambda: page.chooser is not None and page.chooser.isVisible(), timeout=5000)
    assert page.chooser.list.count() == 3
    page.chooser.set_checked(rows)
    page.chooser.accept()
    qtbot.waitUntil(lambda: not page._importing and len(stored(page)) == len(rows), timeout=5000)


def test_save_creates_the_operator_records_the_action_and_reloads(qtbot, page, database):
    assert User.get_or_none(User.username == "admin") is None
    page.new_recipe()
    page.editor.name.setText("Brown Bag Ale")
    page.editor.name.textEdited.emit("Brown Bag Ale")
    page.editor.fermentables.add_row()
    assert page.title.text() == "Brown Bag Ale *" and page.save_button.isEnabled()
    assert page.save()
    assert page.title.text() == "Brown Bag Ale" and not page.save_button.isEnabled()
    admin = User.get(User.username == "admin")
    assert admin.is_superuser
    row = StoredRecipe.get(StoredRecipe.name == "Brown Bag Ale")
    assert row.owner_id == admin.id and row.slug == "brown-bag-ale"
    feed = actions.find_actions(viewer=admin, show_private=True)
    assert [(a.type, a.target_id) for a in feed] == [(actions.RECIPE_CREATED, row.public_id)]
    assert stored(page) == ["Brown Bag Ale"]
    # Edit, save again: an update action, and reopening shows the saved values.
    page.editor.fermentables.cell(0, "weight").setValue(3.25)
    assert page.save()
    assert Action.select().where(Action.type == actions.RECIPE_UPDATED).count() == 1
    page.back_to_list()
    assert page.open_recipe(row.public_id)
    assert page.editor.recipe.fermentables[0].weight == 3.25
    assert page.editor.fermentables.cell(0, "weight").value() == 3.25
    assert StoredRecipe.get_by_id(row.id).og == calculate(page.editor.recipe).og


def test_saving_someone_elses_recipe_stores_a_copy_with_parent(qtbot, page, database):
    brewer = User.create(username="brewer")
    original = store.create_recipe(brewer, Recipe(name="Guest IPA").to_dict())
    page.reload()
    assert page.open_recipe(original.public_id)
    assert "saving stores your own copy, “Guest IPA (copy)”" in page.owner_hint.text()
    page.editor.numbers["batch_size"].setValue(30)
    assert page.save_button.text() == "Save as my copy"
    assert page.save()
    mine = StoredRecipe.get(StoredRecipe.owner == User.get(User.username == "admin"))
    assert mine.parent.public_id == original.public_id and mine.name == "Guest IPA (copy)"
    assert page.title.text() == "Guest IPA (copy)" and page.save_button.text() == "Save"
    assert mine.og == calculate(page.editor.recipe).og
    assert json.loads(StoredRecipe.get_by_id(original.id).data)["batchSize"] == 20


def test_clone_keeps_the_parent_link(qtbot, page, database):
    set_setting("operator", "brewmaster")
    page.new_recipe()
    page.editor.fermentables.add_row()
    page.save()
    first = page.current.public_id
    clone_id = page.clone_recipe(first)
    row = StoredRecipe.get(StoredRecipe.public_id == clone_id)
    assert row.parent.public_id == first and row.name == "New Recipe (copy)"
    assert row.owner.username == "brewmaster"
    assert page.current.public_id == clone_id and page.stack.currentIndex() == 1


def test_delete_then_undo_restores_the_recipe(qtbot, page, database):
    import_samples(qtbot, page, [0, 1])
    public_id = page.model.row_id(stored(page).index("Simple Stout & Friends"))
    before = recipe_store.load(public_id).recipe.to_dict()
    row = StoredRecipe.get(StoredRecipe.public_id == public_id)
    clone_id = recipe_store.clone(public_id)
    page.view.selectRow(stored(page).index("Simple Stout & Friends"))
    assert page.selected_ids() == [public_id]
    page._delete_selected()
    assert sorted(stored(page)) == ["Hoppy Pale Ale", "Simple Stout & Friends (copy)"]
    assert page.undo_bar.isVisible() and "Simple Stout" in page.undo_label.text()
    with pytest.raises(store.RecipeNotFound):
        recipe_store.load(public_id)
    assert recipe_store.load(clone_id).parent_id is None
    (restored,) = page.undo_delete()
    assert restored == public_id  # a client or bookmark holding the id finds it again
    assert sorted(stored(page)) == ["Hoppy Pale Ale", "Simple Stout & Friends",
                                    "Simple Stout & Friends (copy)"]
    assert recipe_store.load(restored).recipe.to_dict() == before
    again = StoredRecipe.get(StoredRecipe.public_id == public_id)
    assert (again.slug, again.created, again.modified) == (row.slug, row.created, row.modified)
    assert recipe_store.load(clone_id).parent_id == public_id
    assert [a.target_id for a in Action.select().where(Action.type == actions.RECIPE_CREATED)
            ].count(public_id) == 1
    assert not page.undo_bar.isVisible()


def test_undo_after_the_owner_was_removed_says_so(qtbot, page, database):
    public_id = recipe_store.save(Recipe(name="Orphan"), public_id=None, private=False)
    page.reload()
    page.delete_recipes([public_id])
    User.delete_by_id(recipe_store.operator().id)
    assert page.undo_delete() == []
    assert "Not restored: “Orphan”" in page.message.text() and not page.undo_bar.isVisible()


def test_deleting_before_the_operator_exists_is_refused_not_a_crash(qtbot, page, database):
    brewer = User.create(username="brewer")
    theirs = store.create_recipe(brewer, Recipe(name="Guest IPA").to_dict())
    page.reload()
    page.delete_recipes([theirs.public_id])
    assert "Not deleted" in page.message.text() and stored(page) == ["Guest IPA"]


def test_search_and_sort(qtbot, page, database):
    import_samples(qtbot, page, [0, 1, 2])
    page.sort.setCurrentText("Name A–Z")
    assert stored(page) == ["Hoppy Pale Ale", "Simple Stout & Friends", "Wildflower Mead"]
    page.sort.setCurrentText("Name Z–A")
    assert stored(page)[0] == "Wildflower Mead"
    page.search.setText("stout")
    assert stored(page) == ["Simple Stout & Friends"] and page.count.text() == "1 recipes"


def test_import_edit_export_import_keeps_values(qtbot, page, database, tmp_path):
    import_samples(qtbot, page, [0, 2])
    assert sorted(stored(page)) == ["Hoppy Pale Ale", "Wildflower Mead"]
    assert page.message.text() == "Imported 2 of 3 recipes; 1 skipped."
    assert page.report.lines() == ["Imported: Hoppy Pale Ale",
                                   "Skipped: Simple Stout & Friends — not selected",
                                   "Imported: Wildflower Mead"]
    ale_id = page.model.row_id(stored(page).index("Hoppy Pale Ale"))
    assert page.open_recipe(ale_id)
    spin = page.editor.fermentables.cell(0, "weight")
    spin.setFocus()
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin.lineEdit(), "5.125")
    page.editor.spices.cell(1, "time").setValue(15)
    assert page.save()
    edited = page.editor.recipe
    out = tmp_path / "out.xml"
    page.export_to(out, [ale_id, page.model.row_id(stored(page).index("Wildflower Mead"))])
    again = parse_beerxml(out.read_bytes())
    assert [r.name for r in again] == ["Hoppy Pale Ale", "Wildflower Mead"]
    back = again[0].to_dict()
    expected = edited.to_dict()
    assert back["fermentables"][0]["weight"] == 5.125 and back["spices"][1]["time"] == 15
    for key in ("fermentables", "spices", "yeast", "mash", "style", "batchSize", "boilSize",
                "mashEfficiency", "primaryDays", "agingTemp"):
        assert back[key] == expected[key], key
    originals = parse_beerxml(SAMPLES.read_bytes())
    assert again[1].to_dict() == originals[2].to_dict()


def test_the_latin1_sample_opens(qtbot, page, database):
    page.import_file(resource_path("beerxml", "maerzen-latin1.xml"))
    qtbot.waitUntil(lambda: page.chooser is not None and page.chooser.isVisible(), timeout=5000)
    assert "Märzen für Alle" in page.chooser.list.item(0).text()
    page.chooser.reject()


def test_a_broken_file_is_reported(qtbot, page, database, tmp_path):
    bad = tmp_path / "bad.xml"
    bad.write_text("<RECIPES><RECIPE><NAME>x</NAME><BATCH_SIZE>1</BATCH_SIZE></RECIPE>")
    page.import_file(bad)
    qtbot.waitUntil(lambda: page.message.isVisible(), timeout=5000)
    assert "Import failed" in page.message.text() and "not well-formed" in page.message.text()
    # A recipe the file spoils is shown with the reason, and cannot be imported.
    bad.write_text("<RECIPES><RECIPE><NAME>x</NAME><BATCH_SIZE>lots</BATCH_SIZE></RECIPE></RECIPES>")
    page.import_file(bad)
    qtbot.waitUntil(lambda: page.chooser is not None and page.chooser.isVisible(), timeout=5000)
    assert "cannot be read: RECIPE[1]/BATCH_SIZE must be a number" in page.chooser.list.item(0).text()
    assert not page.chooser.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
    page.chooser.reject()


def test_leaving_with_unsaved_changes_asks(qtbot, page, database, monkeypatch):
    page.new_recipe()
    page.editor.fermentables.add_row()
    answers = [QMessageBox.StandardButton.Cancel]
    monkeypatch.setattr(page, "ask_unsaved", lambda: answers.pop(0))
    page.back_to_list()
    assert page.stack.currentIndex() == 1 and page.editor.dirty
    answers.append(QMessageBox.StandardButton.Save)
    page.back_to_list()
    assert page.stack.currentIndex() == 0 and StoredRecipe.select().count() == 1


def test_closing_the_window_with_unsaved_changes_asks(qtbot, window, monkeypatch):
    window.nav.setCurrentRow(3)
    page = window.recipes_page
    page.new_recipe()
    page.editor.recipe.fermentables.append(Fermentable())
    page.editor.edited()
    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Discard]
    monkeypatch.setattr(page, "ask_unsaved", lambda: answers.pop(0))
    assert not window.close() and window.isVisible()
    assert window.close() and not answers
    assert StoredRecipe.select().count() == 0


def test_a_big_file_imports_with_progress(qtbot, page, database, tmp_path):
    many = [Recipe(name=f"Batch {i:02d}", fermentables=[Fermentable(weight=1 + i / 10)]) for i in range(40)]
    big = tmp_path / "big.xml"
    big.write_text(to_beerxml(many), encoding="utf-8")
    steps = []
    page.progress.valueChanged.connect(steps.append)
    page.import_file(big)
    assert page.progress.isVisible() and page.progress.maximum() == 0  # busy while reading
    qtbot.waitUntil(lambda: page.chooser is not None and page.chooser.isVisible(), timeout=5000)
    page.chooser.accept()
    qtbot.waitUntil(lambda: not page._importing, timeout=10000)
    assert steps[-40:] == list(range(1, 41)) and not page.progress.isVisible()
    assert page.count.text() == "40 recipes"
    assert StoredRecipe.get(StoredRecipe.name == "Batch 39").og == calculate(many[39]).og


def test_a_file_with_a_bad_recipe_imports_the_others_and_reports_each(qtbot, page, database):
    steps = []
    page.progress.valueChanged.connect(steps.append)
    page.import_file(DATA / "brewtarget-three-recipes.xml")
    qtbot.waitUntil(lambda: page.chooser is not None and page.chooser.isVisible(), timeout=5000)
    chooser = page.chooser
    assert chooser.list.count() == 3
    refused = chooser.list.item(1)
    assert "cannot be read: RECIPE[2]/FERMENTABLES/FERMENTABLE[1]/AMOUNT" in refused.text()
    assert not refused.flags() & Qt.ItemFlag.ItemIsEnabled
    assert [item.name for item in chooser.chosen()] == ["Ordinary Bitter", "Sunday Session IPA"]
    chooser.accept()
    qtbot.waitUntil(lambda: page.report is not None and page.report.isVisible(), timeout=10000)
    assert steps[-2:] == [1, 2] and not page.progress.isVisible()
    assert page.report.lines() == [
        "Imported: Ordinary Bitter",
        "Skipped: Half-typed Porter — RECIPE[2]/FERMENTABLES/FERMENTABLE[1]/AMOUNT must be a "
        "number, not 'a handful'",
        "Imported: Sunday Session IPA",
    ]
    assert page.message.text() == "Imported 2 of 3 recipes; 1 skipped."
    assert sorted(stored(page)) == ["Ordinary Bitter", "Sunday Session IPA"]
    for row in StoredRecipe.select():
        assert row.og == calculate(store.stored_recipe(row)).og and row.ibu is not None


def test_skipped_fields_are_named_in_the_chooser_and_the_report(qtbot, page, database):
    page.import_file(DATA / "brewfather-skipped-fields.xml")
    qtbot.waitUntil(lambda: page.chooser is not None and page.chooser.isVisible(), timeout=5000)
    row = page.chooser.list.item(0)
    assert row.text().endswith("⚠ 3 fields skipped")
    assert "RECIPE[1]/MASH/GRAIN_TEMP: 'unknown' is not a number; skipped" in row.toolTip()
    page.chooser.accept()
    qtbot.waitUntil(lambda: page.report is not None and page.report.isVisible(), timeout=10000)
    (line,) = page.report.lines()
    assert line.startswith("Imported: Hazy Wheat — 3 fields skipped: RECIPE[1]/PRIMARY_AGE")
    assert page.message.text() == "Imported 1 of 1 recipe; 1 with fields skipped."
