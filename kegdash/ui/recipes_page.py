"""Recipes: the stored recipes (search, sort, clone, delete with undo, BeerXML in and out) and the
editor with live calculations. The window acts as the operator account; every write goes through
``kegdash.brewing.recipes`` so the feed and the Tapline API see exactly what the API would do.

Unsaved edits are marked in the editor's title ("*") and guarded: going back to the list, opening
another recipe, switching to another page of the window or closing it asks to save, discard or
stay.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kegdash import events, fmt
from kegdash.accounts.users import AccountError
from kegdash.brewing import BrewingError, Recipe, to_beerxml
from kegdash.brewing import recipes as store
from kegdash.brewing.beerxml import ImportedRecipe, read_beerxml
from kegdash.ui import recipe_store
from kegdash.ui.bridge import EventBridge
from kegdash.ui.prefs import Prefs
from kegdash.ui.recipe_editor import RecipeEditor
from kegdash.ui.recipe_import import (
    ImportChooser,
    ImportOutcome,
    ImportReport,
    imported,
    skipped,
    summary,
)
from kegdash.ui.table_model import Column, LazyTableModel
from kegdash.ui.tasks import TaskRunner

STORE_ERRORS = (BrewingError, store.RecipeNotFound, store.NotRecipeOwner, store.RecipeInputError,
                AccountError)
BEERXML_FILTER = "BeerXML (*.xml *.beerxml);;All files (*)"


def _number(digits: int) -> Any:
    return lambda value: f"{value:.{digits}f}"


class RecipesPage(QWidget):
    def __init__(self, bridge: EventBridge, runner: TaskRunner, prefs: Prefs | None = None) -> None:
        super().__init__()
        self.prefs = prefs
        self.current: recipe_store.Loaded | None = None
        self.undo_snapshots: list[recipe_store.Snapshot] = []
        self.chooser: ImportChooser | None = None
        self.report: ImportReport | None = None
        self._importing = False
        self._watched: QObject | None = None
        self._quitting = False
        QCoreApplication.instance().aboutToQuit.connect(self._about_to_quit)
        self.runner = runner
        self.stack = QStackedWidget()
        self.stack.addWidget(self._build_list())
        self.stack.addWidget(self._build_editor())
        self.message = QLabel(objectName="message")
        self.message.setWordWrap(True)
        self.message.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.stack, 1)
        bridge.event.connect(self.on_event)
        if prefs is not None:
            prefs.changed.connect(self._on_prefs)
        self.reload()

    # -- building -------------------------------------------------------------------------------

    def _build_list(self) -> QWidget:
        self.model = LazyTableModel([
            Column("Name"), Column("Brewer"), Column("Style"), Column("OG", _number(3), True),
            Column("FG", _number(3), True), Column("IBU", _number(0), True),
            Column("ABV %", _number(1), True), Column("Visibility"), Column("Changed", fmt.local_time),
        ], lambda offset, limit: recipe_store.recipe_rows(self.search.text(), self.sort.currentText(),
                                                          offset, limit))
        self.search = QLineEdit(placeholderText="Search recipes by name", clearButtonEnabled=True)
        self.sort = QComboBox()
        self.sort.addItems(list(recipe_store.SORTS))
        self.search.textChanged.connect(lambda _: self.reload())
        self.sort.currentIndexChanged.connect(lambda _: self.reload())
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.doubleClicked.connect(lambda index: self.open_recipe(self.model.row_id(index.row())))
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._update_list_buttons())
        self.count = QLabel()
        buttons = QHBoxLayout()
        actions = (("New", self.new_recipe), ("Open", self._open_selected), ("Clone", self._clone_selected),
                   ("Delete", self._delete_selected), ("Import BeerXML…", self._choose_import),
                   ("Export BeerXML…", self._choose_export))
        self.list_buttons: dict[str, QPushButton] = {}
        for text, slot in actions:
            button = QPushButton(text)
            button.clicked.connect(slot)
            buttons.addWidget(button)
            self.list_buttons[text] = button
        buttons.addStretch(1)
        self.progress = QProgressBar()
        self.progress.hide()
        self.undo_bar = QFrame()
        undo_layout = QHBoxLayout(self.undo_bar)
        undo_layout.setContentsMargins(0, 0, 0, 0)
        self.undo_label = QLabel()
        self.undo_button = QPushButton("Undo")
        self.undo_button.clicked.connect(self.undo_delete)
        undo_layout.addWidget(self.undo_label)
        undo_layout.addWidget(self.undo_button)
        undo_layout.addStretch(1)
        self.undo_bar.hide()
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(QLabel("Sort"))
        top.addWidget(self.sort)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Recipes", objectName="pageTitle"))
        layout.addLayout(top)
        layout.addLayout(buttons)
        layout.addWidget(self.undo_bar)
        layout.addWidget(self.progress)
        layout.addWidget(self.count)
        layout.addWidget(self.view, 1)
        undo = QShortcut(QKeySequence.StandardKey.Undo, page)
        undo.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        undo.activated.connect(self.undo_delete)
        return page

    def _build_editor(self) -> QWidget:
        units = self.prefs.units if self.prefs else "metric"
        self.editor = RecipeEditor(units, self.prefs.theme if self.prefs else "light")
        self.editor.dirty_changed.connect(lambda _: self._show_title())
        self.editor.name.textEdited.connect(lambda _: self._show_title())
        self.title = QLabel(objectName="pageTitle")
        back = QPushButton("← Recipes")
        back.clicked.connect(self.back_to_list)
        self.units = QComboBox()
        self.units.addItem("Metric", "metric")
        self.units.addItem("US", "us")
        self.units.setCurrentIndex(self.units.findData(units))
        self.units.currentIndexChanged.connect(lambda _: self.set_units(self.units.currentData()))
        self.save_button = QPushButton("Save")
        self.save_button.setShortcut(QKeySequence.StandardKey.Save)
        self.save_button.clicked.connect(self.save)
        export = QPushButton("Export BeerXML…")
        export.clicked.connect(self._choose_export_current)
        header = QHBoxLayout()
        header.addWidget(back)
        header.addWidget(self.title, 1)
        header.addWidget(QLabel("Units"))
        header.addWidget(self.units)
        header.addWidget(export)
        header.addWidget(self.save_button)
        self.owner_hint = QLabel(objectName="hint")
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header)
        layout.addWidget(self.owner_hint)
        layout.addWidget(self.editor, 1)
        return page

    # -- list -----------------------------------------------------------------------------------

    def reload(self) -> None:
        self.model.reload()
        self.count.setText(f"{recipe_store.count_rows(self.search.text())} recipes")
        self._update_list_buttons()

    def _update_list_buttons(self) -> None:
        count = len(self.view.selectionModel().selectedRows())
        for text in ("Open", "Clone"):
            self.list_buttons[text].setEnabled(count == 1)
        for text in ("Delete", "Export BeerXML…"):
            self.list_buttons[text].setEnabled(count > 0)

    def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.RecipeSaved) and not self._importing:
            self.reload()

    def selected_ids(self) -> list[str]:
        rows = sorted(index.row() for index in self.view.selectionModel().selectedRows())
        return [self.model.row_id(row) for row in rows]

    def _open_selected(self) -> None:
        ids = self.selected_ids()
        if ids:
            self.open_recipe(ids[0])

    def _clone_selected(self) -> None:
        ids = self.selected_ids()
        if ids:
            self.clone_recipe(ids[0])

    def _delete_selected(self) -> None:
        self.delete_recipes(self.selected_ids())

    def clone_recipe(self, public_id: str) -> str | None:
        """Copy a recipe as the operator's (parent link kept) and open the copy."""
        try:
            new_id = recipe_store.clone(public_id)
        except STORE_ERRORS as exc:
            self.show_message(str(exc), error=True)
            return None
        self.reload()
        self.open_recipe(new_id)
        return new_id

    def delete_recipes(self, public_ids: list[str]) -> None:
        """Delete the operator's recipes among these; Undo (or Ctrl+Z) brings them back."""
        snapshots, refused = [], []
        for public_id in public_ids:
            try:
                snapshots.append(recipe_store.delete(public_id))
            except STORE_ERRORS as exc:
                refused.append(str(exc))
            if self.current is not None and self.current.public_id == public_id:
                self.current = None
        self.reload()
        if snapshots:
            self.undo_snapshots = snapshots
            names = ", ".join(f"“{s.name}”" for s in snapshots)
            self.undo_label.setText(f"Deleted {names}.")
            self.undo_bar.show()
        if refused:
            self.show_message("Not deleted: " + "; ".join(refused), error=True)

    def undo_delete(self) -> list[str]:
        """Put the recipes of the last delete back as they were; returns their ids (the old ones)."""
        restored, refused = [], []
        for snapshot in self.undo_snapshots:
            try:
                restored.append(recipe_store.restore(snapshot))
            except STORE_ERRORS as exc:
                refused.append(f"“{snapshot.name}”: {exc}")
        self.undo_snapshots = []
        self.undo_bar.hide()
        self.reload()
        if refused:
            self.show_message("Not restored: " + "; ".join(refused), error=True)
        return restored

    # -- editor ---------------------------------------------------------------------------------

    def new_recipe(self) -> None:
        if not self.confirm_leave():
            return
        self.current = None
        user = recipe_store.operator()
        self.editor.set_recipe(Recipe(name="New Recipe", description="",
                                      author=user.username if user else "Anonymous Brewer"))
        self._enter_editor()

    def open_recipe(self, public_id: str) -> bool:
        """Show a stored recipe in the editor (after the unsaved-changes question, if any)."""
        if not self.confirm_leave():
            return False
        try:
            loaded = recipe_store.load(public_id)
        except STORE_ERRORS as exc:
            self.show_message(str(exc), error=True)
            return False
        self.current = loaded
        self.editor.set_recipe(loaded.recipe, loaded.private)
        self._enter_editor()
        return True

    def _enter_editor(self) -> None:
        self.message.hide()
        self._show_title()
        self.stack.setCurrentIndex(1)
        self.editor.name.setFocus()

    def back_to_list(self) -> None:
        if self.confirm_leave():
            self.stack.setCurrentIndex(0)

    def save(self) -> bool:
        """Store the editor's recipe through ``brewing.recipes`` (which records the feed action)."""
        try:
            public_id = recipe_store.save(
                self.editor.recipe, public_id=self.current.public_id if self.current else None,
                private=self.editor.private.isChecked())
            copied = self.current is not None and not self.current.mine
            self.current = recipe_store.load(public_id)
        except STORE_ERRORS as exc:
            self.show_message(f"Not saved: {exc}", error=True)
            return False
        if copied:
            self.editor.set_recipe(self.current.recipe, self.current.private)
        self.editor.mark_saved()
        self._show_title()
        self.show_message(f"Saved “{self.current.recipe.name}”"
                          + (" as your own copy." if copied else "."))
        self.reload()
        return True

    def _show_title(self) -> None:
        name = self.editor.recipe.name or "Untitled"
        self.title.setText(f"{name} *" if self.editor.dirty else name)
        self.save_button.setEnabled(self.editor.dirty)
        theirs = self.current is not None and not self.current.mine
        self.save_button.setText("Save as my copy" if theirs else "Save")
        if theirs:
            self.owner_hint.setText(f"A recipe by {self.current.owner}: saving stores your own copy, "
                                    f"“{recipe_store.copy_name(self.editor.recipe.name)}”.")
        elif self.current is None:
            self.owner_hint.setText("Not saved yet.")
        else:
            self.owner_hint.setText("")

    def confirm_leave(self) -> bool:
        """True when it is fine to drop the editor's state: nothing unsaved, saved, or discarded."""
        if not self.editor.dirty:
            return True
        answer = self.ask_unsaved()
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        if answer == QMessageBox.StandardButton.Discard:
            self.discard_edits()
            return True
        return False

    def discard_edits(self) -> None:
        """Drop unsaved edits: the editor shows the stored recipe again, and a recipe never saved
        goes back to the list, so discarded edits never reappear looking saved."""
        if self.current is None:
            self.editor.mark_saved()
            self.stack.setCurrentIndex(0)
        else:
            self.editor.set_recipe(self.current.recipe, self.current.private)
        self._show_title()

    def ask_unsaved(self) -> QMessageBox.StandardButton:
        """Save, Discard or Cancel for unsaved changes (a separate method so tests can answer)."""
        buttons = (QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                   | QMessageBox.StandardButton.Cancel)
        return QMessageBox.question(self, "Unsaved recipe",
                                    f"“{self.editor.recipe.name}” has unsaved changes.",
                                    buttons, QMessageBox.StandardButton.Save)

    def set_units(self, units: str) -> None:
        """Switch the editor between metric and US (also the window's preference, when there is one)."""
        self.units.blockSignals(True)
        self.units.setCurrentIndex(self.units.findData(units))
        self.units.blockSignals(False)
        self.editor.set_units(units)
        if self.prefs is not None:
            self.prefs.set_units(units)

    def _on_prefs(self, key: str) -> None:
        if key == "units" and self.prefs is not None:
            self.set_units(self.prefs.units)
        elif key == "theme" and self.prefs is not None:
            self.editor.results.set_theme(self.prefs.theme)
            self.editor.recompute()

    # -- BeerXML --------------------------------------------------------------------------------

    def _choose_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import BeerXML", "", BEERXML_FILTER)
        if path:
            self.import_file(path)

    def import_file(self, path: str | Path) -> None:
        """Read a BeerXML file off the main thread, then let the brewer choose what to import;
        every recipe of the file is read on its own, so one bad recipe spoils only itself."""
        path = Path(path)
        try:
            data = path.read_bytes()
        except OSError as exc:
            self.show_message(f"Cannot read {path.name}: {exc.strerror}", error=True)
            return
        self.progress.setRange(0, 0)
        self.progress.setFormat(f"Reading {path.name}…")
        self.progress.show()
        self.runner.submit(lambda: read_beerxml(data), lambda items: self._parsed(items, path.name),
                           self._import_failed)

    def _import_failed(self, error: BaseException) -> None:
        self.progress.hide()
        self._importing = False
        self.reload()
        self.show_message(f"Import failed: {error}", error=True)

    def _parsed(self, items: list[ImportedRecipe], source: str) -> None:
        self.progress.hide()
        if not items:
            self.show_message(f"{source} holds no recipes.", error=True)
            return
        self.chooser = ImportChooser(items, source, self)
        self.chooser.accepted.connect(
            lambda: self.import_recipes(self.chooser.items, self.chooser.chosen(), source))
        self.chooser.open()

    def import_recipes(self, items: list[ImportedRecipe], chosen: list[ImportedRecipe],
                       source: str) -> None:
        """Store the chosen recipes one job at a time, advancing the progress bar after each, then
        report on every recipe of the file (one the store refuses is skipped, not the rest)."""
        picked = {item.position for item in chosen}
        outcomes = {item.position: skipped(item, item.error or "not selected") for item in items
                    if item.position not in picked}
        if not chosen:
            return
        self._importing = True
        self.progress.setRange(0, len(chosen))
        self.progress.setValue(0)
        self.progress.setFormat("Importing %v of %m")
        self.progress.show()
        self._import_next(list(chosen), outcomes, len(chosen), source)

    def _import_next(self, todo: list[ImportedRecipe], outcomes: dict[int, ImportOutcome],
                     total: int, source: str) -> None:
        if not todo:
            self._importing = False
            self.progress.hide()
            self.reload()
            report = [outcomes[position] for position in sorted(outcomes)]
            self.show_message(summary(report))
            self.report = ImportReport(report, source, self)
            self.report.open()
            return
        item = todo.pop(0)

        def settle(outcome: ImportOutcome) -> None:
            outcomes[item.position] = outcome
            self.progress.setValue(total - len(todo))
            self._import_next(todo, outcomes, total, source)

        recipe = item.recipe
        self.runner.submit(lambda: recipe_store.import_one(recipe),
                           lambda _public_id: settle(imported(item)),
                           lambda error: settle(skipped(item, str(error))))

    def _choose_export(self) -> None:
        ids = self.selected_ids()
        if not ids:
            self.show_message("Select the recipes to export first.", error=True)
            return
        path, _ = QFileDialog.getSaveFileName(self, "Export BeerXML", "recipes.xml", BEERXML_FILTER)
        if path:
            self.export_to(path, ids)

    def export_to(self, path: str | Path, public_ids: list[str]) -> None:
        """Write the given stored recipes to one BeerXML file."""
        try:
            Path(path).write_text(recipe_store.export(public_ids), encoding="utf-8")
        except (OSError, *STORE_ERRORS) as exc:
            self.show_message(f"Export failed: {exc}", error=True)
            return
        self.show_message(f"Exported {len(public_ids)} recipe{'s' if len(public_ids) != 1 else ''} "
                          f"to {Path(path).name}.")

    def _choose_export_current(self) -> None:
        name = store.slugify(self.editor.recipe.name) + ".xml"
        path, _ = QFileDialog.getSaveFileName(self, "Export BeerXML", name, BEERXML_FILTER)
        if path:
            self.export_current(path)

    def export_current(self, path: str | Path) -> None:
        """Write the recipe as it stands in the editor, saved or not."""
        try:
            Path(path).write_text(to_beerxml([self.editor.recipe]), encoding="utf-8")
        except (OSError, BrewingError) as exc:
            self.show_message(f"Export failed: {exc}", error=True)
            return
        self.show_message(f"Exported “{self.editor.recipe.name}” to {Path(path).name}.")

    # -- messages and closing -------------------------------------------------------------------

    def show_message(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setProperty("kind", "error" if error else "info")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.show()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        # Watch the top-level window so closing it with unsaved changes asks first.
        window = self.window()
        if window is not self and window is not self._watched:
            window.installEventFilter(self)
            self._watched = window
        super().showEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self._watched and event.type() == QEvent.Type.Close:
            if not self._quitting and not self.confirm_leave():
                event.ignore()
                return True
            self.shutdown()
        return super().eventFilter(watched, event)

    def _about_to_quit(self) -> None:
        # Quitting by signal (SIGTERM from a service manager) has nobody to answer a question.
        self._quitting = True

    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        if not self._quitting and not self.confirm_leave():
            event.ignore()
            return
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop the pending recompute and wait for background jobs, so nothing outlives the page."""
        self.editor.shutdown()
        self.runner.shutdown()
