"""The recipe editor: general fields, ingredient tables, the brew day, and the live results in a
fixed-width panel beside them (so nothing moves sideways while typing).

Every edit writes into one ``Recipe`` (in SI, as the engine wants) and asks for a recompute on a
0-ms single-shot timer, so a burst of edits arriving together (a library pick filling a whole row)
costs one calculation. calculate + brew day take well under a millisecond, so the main thread
keeps up with typing; ``benchmarks/recipe_editor_keystroke.py`` measures keystroke to updated
labels.
"""

from __future__ import annotations

import copy

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from kegdash.brewing import (
    BrewingError,
    Fermentable,
    Mash,
    MashStep,
    Recipe,
    Spice,
    Style,
    Yeast,
    calculate,
)
from kegdash.brewing.calc import IBU_METHODS
from kegdash.ui.ingredient_library import library, style_label
from kegdash.ui.recipe_brewday import BrewDayView
from kegdash.ui.recipe_fields import Column, ItemTable, QuantitySpin, choice_combo, set_combo_text
from kegdash.ui.recipe_results import PANEL_WIDTH, ResultsPanel

HOP_USES = ("boil", "first wort", "aroma", "dry hop", "mash", "primary", "secondary")
HOP_FORMS = ("pellet", "leaf", "plug", "extract")
YEAST_TYPES = ("ale", "lager", "wheat", "wine", "champagne")
YEAST_FORMS = ("liquid", "dry", "slant", "culture")
STEP_NAMES = ("Mash in", "Protein rest", "Saccharification", "Mash out")
STEP_TYPES = ("Infusion", "Temperature", "Decoction")

# (recipe attribute, label, quantity)
GENERAL_NUMBERS = (
    ("batch_size", "Batch size", "volume"),
    ("boil_size", "Boil size", "volume"),
    ("mash_efficiency", "Mash efficiency", "percent"),
    ("steep_efficiency", "Steep efficiency", "percent"),
    ("serving_size", "Serving size", "serving"),
)


class RecipeEditor(QWidget):
    """Edits one recipe in memory; the page decides where it comes from and when it is saved."""

    dirty_changed = Signal(bool)
    computed = Signal()
    """Emitted after the results panel shows the numbers of the current recipe."""

    def __init__(self, units: str = "metric", theme: str = "light") -> None:
        super().__init__()
        self.recipe = Recipe()
        self.units = units
        self.dirty = False
        self._recompute_timer = QTimer(self)
        self._recompute_timer.setSingleShot(True)
        self._recompute_timer.setInterval(0)
        self._recompute_timer.timeout.connect(self.recompute)
        lib = library()

        self.name = QLineEdit(placeholderText="Recipe name")
        self.author = QLineEdit()
        self.description = QLineEdit()
        self.style = choice_combo([""] + list(lib.styles), "")
        self.style.setMaxVisibleItems(20)
        self.style.lineEdit().setPlaceholderText("a BJCP 2015 style, or free text")
        self.ibu_method = choice_combo(IBU_METHODS, "tinseth", editable=False)
        self.private = QCheckBox("Private (only the operator account sees it)")
        self.numbers: dict[str, QuantitySpin] = {}
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Style", self.style)
        form.addRow("Author", self.author)
        form.addRow("Description", self.description)
        numbers = QFormLayout()
        for attr, label, quantity in GENERAL_NUMBERS:
            spin = QuantitySpin(quantity, units)
            spin.setObjectName(attr)
            spin.setMaximumWidth(180)
            spin.si_changed.connect(lambda si, attr=attr: self._set(attr, si))
            self.numbers[attr] = spin
            numbers.addRow(label, spin)
        numbers.addRow("IBU method", self.ibu_method)
        self.ibu_method.setMaximumWidth(180)
        general = QHBoxLayout()
        general.addLayout(form, 3)
        general.addLayout(numbers, 2)

        self.name.textEdited.connect(lambda text: self._set("name", text))
        self.author.textEdited.connect(lambda text: self._set("author", text))
        self.description.textEdited.connect(lambda text: self._set("description", text))
        self.style.editTextChanged.connect(self._style_typed)
        self.ibu_method.currentTextChanged.connect(lambda text: self._set("ibu_method", text))
        self.private.toggled.connect(lambda _: self._mark_dirty())

        self.fermentables = ItemTable(
            [Column("Fermentable", "name", "name"), Column("Amount", "weight", "number", "malt"),
             Column("Yield", "yield_", "number", "percent"), Column("Colour", "color", "number", "srm"),
             Column("Late", "late", "check")],
            lambda _create: self.recipe.fermentables, self._new_fermentable, lib.malts, units)
        self.spices = ItemTable(
            [Column("Hop or spice", "name", "name"), Column("Amount", "weight", "number", "hop"),
             Column("Alpha", "aa", "number", "percent"),
             Column("Time", "time", "number", "minutes"),
             Column("Use", "use", "choice", choices=HOP_USES),
             Column("Form", "form", "choice", choices=HOP_FORMS)],
            lambda _create: self.recipe.spices, self._new_spice, lib.hops, units)
        self.yeast = ItemTable(
            [Column("Yeast", "name", "name"), Column("Type", "type", "choice", choices=YEAST_TYPES),
             Column("Form", "form", "choice", choices=YEAST_FORMS),
             Column("Attenuation", "attenuation", "number", "percent")],
            lambda _create: self.recipe.yeast, self._new_yeast, lib.yeasts, units)
        self.mash_steps = ItemTable(
            [Column("Step", "name", "choice", choices=STEP_NAMES),
             Column("Type", "type", "fixed", choices=STEP_TYPES),
             Column("Water", "water_ratio", "number", "ratio"),
             Column("Temperature", "temp", "number", "temp"),
             Column("Time", "time", "number", "minutes")],
            self._mash_steps, MashStep, None, units)
        self.tables = (self.fermentables, self.spices, self.yeast, self.mash_steps)
        self.brew_day = BrewDayView()
        self.tabs = QTabWidget()
        for table, title in zip(self.tables, ("Fermentables", "Hops && spices", "Yeast", "Mash"),
                                strict=True):
            table.edited.connect(self.edited)
            self.tabs.addTab(table, title)
        self.tabs.addTab(self.brew_day, "Brew day")

        left = QVBoxLayout()
        left.addLayout(general)
        left.addWidget(self.private)
        left.addWidget(self.tabs, 1)
        self.results = ResultsPanel(theme)
        self.error = QLabel(objectName="message")
        self.error.setProperty("kind", "error")
        self.error.setWordWrap(True)
        self.error.setFixedWidth(PANEL_WIDTH)
        self.error.hide()
        right = QVBoxLayout()
        right.addWidget(self.error)
        right.addWidget(self.results, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(16)
        layout.addLayout(left, 1)
        layout.addLayout(right)
        self.set_recipe(Recipe())

    # -- loading and units ----------------------------------------------------------------------

    def set_recipe(self, recipe: Recipe, private: bool = False) -> None:
        """Show a recipe (a copy: nothing changes the caller's object) as unmodified."""
        self.recipe = copy.deepcopy(recipe)
        self.name.setText(self.recipe.name)
        self.author.setText(self.recipe.author)
        self.description.setText(self.recipe.description)
        set_combo_text(self.style, style_label(self.recipe.style) if self.recipe.style else "")
        set_combo_text(self.ibu_method, self.recipe.ibu_method)
        self.private.blockSignals(True)
        self.private.setChecked(private)
        self.private.blockSignals(False)
        self._show_numbers()
        for table in self.tables:
            table.rebuild()
        self._set_dirty(False)
        self.recompute()

    def set_units(self, units: str) -> None:
        """Metric or US on screen; the recipe itself stays in SI, so nothing is marked changed."""
        if units == self.units:
            return
        self.units = units
        for attr, spin in self.numbers.items():
            spin.set_units(units, getattr(self.recipe, attr))
        for table in self.tables:
            table.set_units(units)
        self.recompute()

    def _show_numbers(self) -> None:
        for attr, spin in self.numbers.items():
            spin.set_si(getattr(self.recipe, attr))

    # -- edits ----------------------------------------------------------------------------------

    def edited(self) -> None:
        """Something in the recipe changed: mark it and recompute on the next event-loop turn."""
        self._mark_dirty()
        self._recompute_timer.start()

    def _set(self, attr: str, value: object) -> None:
        if getattr(self.recipe, attr) != value:
            setattr(self.recipe, attr, value)
            self.edited()

    def _style_typed(self, text: str) -> None:
        text = text.strip()
        known = library().find_style(text)
        style = self.recipe.style
        if not text:
            new_style = None
        elif style is not None and text == style_label(style):
            new_style = style  # the recipe's own style, shown again: keep it as it is
        elif known is not None:
            new_style = copy.deepcopy(known)
        elif style is not None:
            # A renamed style keeps its ranges but is no longer the guide's style of that code.
            new_style = copy.copy(style)
            new_style.name = text
            new_style.category_number = new_style.style_letter = new_style.style_guide = None
        else:
            new_style = Style(name=text)
        if new_style != style:
            self.recipe.style = new_style
            self.edited()

    def _mash_steps(self, create: bool) -> list[MashStep]:
        if self.recipe.mash is None:
            if not create:
                return []
            self.recipe.mash = Mash(name="Mash")
        return self.recipe.mash.steps

    def _new_fermentable(self) -> Fermentable:
        item = Fermentable(weight=1.0)
        library().malts["Pale malt (2 row)"].fill(item)
        return item

    @staticmethod
    def _new_spice() -> Spice:
        item = Spice(weight=0.025, use="boil", time=60.0, form="pellet")
        library().hops["Cascade"].fill(item)
        return item

    @staticmethod
    def _new_yeast() -> Yeast:
        item = Yeast()
        library().yeasts["Safale US-05"].fill(item)
        return item

    def _mark_dirty(self) -> None:
        self._set_dirty(True)

    def _set_dirty(self, dirty: bool) -> None:
        if dirty != self.dirty:
            self.dirty = dirty
            self.dirty_changed.emit(dirty)

    def mark_saved(self) -> None:
        self._set_dirty(False)

    # -- results --------------------------------------------------------------------------------

    def recompute(self) -> None:
        """Run the engine on the current recipe and show its numbers (an engine refusal is shown)."""
        self._recompute_timer.stop()
        try:
            results = calculate(self.recipe)
        except BrewingError as exc:
            self.error.setText(str(exc))
            self.error.show()
            return
        self.error.hide()
        self.results.show_results(self.recipe, results, self.units)
        self.brew_day.show_recipe(self.recipe, self.units)
        self.computed.emit()

    def shutdown(self) -> None:
        """Stop the pending recompute (the window is closing)."""
        self._recompute_timer.stop()
