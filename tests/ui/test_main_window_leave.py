"""Switching pages in the main window while the recipe editor has unsaved edits asks first."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from kegdash.brewing import Recipe
from kegdash.brewing import recipes as store
from kegdash.brewing.models import StoredRecipe
from kegdash.ui import recipe_store
from kegdash.ui.main_window import PAGES, MainWindow

RECIPES, TAPS, KEGS = PAGES.index("Recipes"), PAGES.index("Taps"), PAGES.index("Kegs & drinks")
Button = QMessageBox.StandardButton


@pytest.fixture
def answers(qtbot, window, monkeypatch) -> Iterator[list[Button]]:
    """The answers the unsaved-changes question gets, in order. A question nobody expected is
    answered Discard and fails the test; answers a failing test left unused are dropped before
    the closing at teardown, so the window always closes (a window left open aborts Python)."""
    queue: list[Button] = []
    unexpected = []
    qtbot.addWidget(window, before_close_func=lambda _: queue.clear())

    def answer() -> Button:
        if queue:
            return queue.pop(0)
        unexpected.append(window.stack.currentIndex())
        return Button.Discard

    monkeypatch.setattr(window.recipes_page, "ask_unsaved", answer)
    yield queue
    assert not unexpected, "asked about unsaved changes once too often"


def close_discarding(window: MainWindow, answers: list[Button]) -> None:
    """Close the window as the user would, dropping the edits a test left behind."""
    answers.append(Button.Discard)
    assert window.close() and not answers


def click_page(qtbot, window: MainWindow, row: int) -> None:
    """Click a row of the navigation list with the mouse, as the user does."""
    center = window.nav.visualItemRect(window.nav.item(row)).center()
    qtbot.mouseClick(window.nav.viewport(), Qt.MouseButton.LeftButton, pos=center)


def selected_rows(window: MainWindow) -> list[int]:
    return [window.nav.row(item) for item in window.nav.selectedItems()]


def edit_new_recipe(qtbot, window: MainWindow) -> None:
    click_page(qtbot, window, RECIPES)
    page = window.recipes_page
    page.new_recipe()
    qtbot.keyClicks(page.editor.name, " Stout")
    assert page.editor.dirty and page.title.text() == "New Recipe Stout *"


def test_cancel_keeps_the_recipes_page_and_its_edits(qtbot, window, answers):
    edit_new_recipe(qtbot, window)
    page = window.recipes_page
    answers.append(Button.Cancel)
    click_page(qtbot, window, TAPS)
    qtbot.waitUntil(lambda: window.nav.currentRow() == RECIPES and selected_rows(window) == [RECIPES])
    assert window.stack.currentWidget() is page and page.stack.currentIndex() == 1
    assert page.editor.dirty and page.editor.recipe.name == "New Recipe Stout" and not answers
    # The keyboard moves the selection too; putting it back does not ask a second time.
    answers.append(Button.Cancel)
    qtbot.keyClick(window.nav, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: window.nav.currentRow() == RECIPES and selected_rows(window) == [RECIPES])
    qtbot.wait(50)
    assert window.stack.currentWidget() is page and page.editor.dirty and not answers
    close_discarding(window, answers)
    assert StoredRecipe.select().count() == 0


def test_discard_leaves_and_drops_the_edits(qtbot, window, answers):
    edit_new_recipe(qtbot, window)
    page = window.recipes_page
    answers.append(Button.Discard)
    click_page(qtbot, window, KEGS)
    assert window.stack.currentWidget() is window.kegs_page and window.nav.currentRow() == KEGS
    assert not answers and not page.editor.dirty and StoredRecipe.select().count() == 0
    # A recipe never saved is gone: coming back shows the list, without asking again.
    click_page(qtbot, window, RECIPES)
    assert window.stack.currentWidget() is page and page.stack.currentIndex() == 0


def test_discard_shows_the_stored_recipe_again(qtbot, window, answers):
    public_id = recipe_store.save(Recipe(name="Porter"), public_id=None, private=False)
    click_page(qtbot, window, RECIPES)
    page = window.recipes_page
    assert page.open_recipe(public_id)
    qtbot.keyClicks(page.editor.name, " Edited")
    answers.append(Button.Discard)
    click_page(qtbot, window, TAPS)
    assert window.stack.currentWidget() is window.taps_page and not answers
    click_page(qtbot, window, RECIPES)
    assert page.stack.currentIndex() == 1 and page.editor.name.text() == "Porter"
    assert page.editor.recipe.name == "Porter" and page.title.text() == "Porter"


def test_save_stores_then_leaves_and_a_failed_save_stays(qtbot, window, answers):
    edit_new_recipe(qtbot, window)
    page = window.recipes_page
    answers.append(Button.Save)
    click_page(qtbot, window, TAPS)
    assert window.stack.currentWidget() is window.taps_page and not answers
    saved = StoredRecipe.get(StoredRecipe.name == "New Recipe Stout")
    # Edit again, but the recipe is deleted behind the window's back: saving fails, so stay.
    click_page(qtbot, window, RECIPES)
    qtbot.keyClicks(page.editor.name, " II")
    store.delete_recipe(recipe_store.operator(), saved.public_id)
    answers.append(Button.Save)
    click_page(qtbot, window, TAPS)
    qtbot.waitUntil(lambda: window.nav.currentRow() == RECIPES and selected_rows(window) == [RECIPES])
    assert window.stack.currentWidget() is page and page.editor.dirty and not answers
    assert "Not saved" in page.message.text()
    close_discarding(window, answers)
