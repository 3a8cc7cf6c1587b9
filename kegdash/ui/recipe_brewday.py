"""The window's brew day: ``brewing.brewday`` steps worded for a brewer, in metric or US units.

One wording throughout: boil additions by minutes left in the boil ("60 min: add 28 g
Cascade"), volumes with one decimal ("10.0 L", "3.5 gal"), temperatures with a space and a
degree sign ("20 °C"), weights in the unit that fits ("4.50 kg", "300 g", "9.92 lb", "10.6 oz").
The API's text is Brauhaus's and is not touched here.
"""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QShowEvent
from PySide6.QtWidgets import QListWidget, QListWidgetItem

from kegdash.brewing import Recipe
from kegdash.brewing.brewday import Item, Step, brew_day
from kegdash.units import ML_PER_US_GALLON, c_to_f, kg_to_lb

PHASES = {"mash": "Mash", "steep": "Steep", "boil": "Boil", "ferment": "Fermentation"}


def volume(liters: float, units: str) -> str:
    if units == "us":
        return f"{liters * 1000 / ML_PER_US_GALLON:.1f} gal"
    return f"{liters:.1f} L"


def temperature(celsius: float, units: str) -> str:
    value = c_to_f(celsius) if units == "us" else celsius
    unit = "°F" if units == "us" else "°C"
    return f"{value:.0f} {unit}" if abs(value - round(value)) < 0.05 else f"{value:.1f} {unit}"


def weight(kg: float, kind: str, units: str) -> str:
    """Malt by the kilogram or pound; hops and other small additions by the gram or ounce."""
    if units == "us":
        lb = kg_to_lb(kg)
        if kind == "fermentable" and lb >= 1:
            return f"{lb:.2f} lb"
        return f"{lb * 16:.2f} oz" if kind != "fermentable" else f"{lb * 16:.1f} oz"
    if kind == "fermentable" and kg >= 1:
        return f"{kg:.2f} kg"
    grams = kg * 1000
    return f"{grams:.0f} g" if grams >= 10 or grams == round(grams) else f"{grams:.1f} g"


def minutes(value: float) -> str:
    return f"{value:.0f} min" if value == round(value) else f"{value:.1f} min"


def days(value: float) -> str:
    shown = f"{value:.0f}" if value == round(value) else f"{value:.1f}"
    return f"{shown} day" if shown == "1" else f"{shown} days"


def items_text(items: tuple[Item, ...], units: str) -> str:
    return ", ".join(item.name.strip() if item.kind == "yeast" else
                     f"{weight(item.kg, item.kind, units)} {item.name.strip()}" for item in items)


def step_text(step: Step, units: str) -> str:
    """One step in words (a step name's surrounding whitespace, kept in the recipe, is not shown)."""
    kind = step.kind
    step = replace(step, name=step.name.strip())
    if kind == "strike":
        return f"Heat {volume(step.liters, units)} of water to {temperature(step.celsius, units)}"
    if kind == "mash_in":
        return (f"{step.name}: mash in {items_text(step.items, units)}; rest "
                f"{minutes(step.minutes)} at {temperature(step.celsius, units)}")
    if kind == "infuse" and step.celsius >= 100:
        # The recipe's water cannot bring the mash up on its own: boil it, then heat the rest.
        return (f"{step.name}: add {volume(step.liters, units)} of boiling water and heat the "
                f"mash to {temperature(step.target, units)}; rest {minutes(step.minutes)}")
    if kind == "infuse":
        return (f"{step.name}: add {volume(step.liters, units)} of water at "
                f"{temperature(step.celsius, units)}; rest {minutes(step.minutes)} at "
                f"{temperature(step.target, units)}")
    if kind == "heat":
        return (f"{step.name}: heat the mash to {temperature(step.target, units)}; rest "
                f"{minutes(step.minutes)}")
    if kind == "decoct":
        return (f"{step.name}: boil {volume(step.liters, units)} of the mash and stir it back in "
                f"to reach {temperature(step.target, units)}; rest {minutes(step.minutes)}")
    if kind == "sparge":
        return (f"Lauter; sparge with water at {temperature(step.celsius, units)} to collect "
                f"{volume(step.liters, units)}")
    if kind == "steep":
        return (f"Steep {items_text(step.items, units)} in {volume(step.liters, units)} of water "
                f"at {temperature(step.celsius, units)} for {minutes(step.minutes)}")
    if kind == "first_wort":
        return f"First wort: add {items_text(step.items, units)}"
    if kind == "boil":
        text = f"Bring {volume(step.liters, units)} to a boil; boil {minutes(step.minutes)}"
        return f"{text}, adding {items_text(step.items, units)}" if step.items else text
    if kind == "add":
        return f"{minutes(step.minutes)}: add {items_text(step.items, units)}"
    if kind == "flame_out":
        text = "0 min: flame out"
        return f"{text}, add {items_text(step.items, units)}" if step.items else text
    if kind == "pitch":
        yeast = items_text(step.items, units) or "the yeast"
        return f"Chill to {temperature(step.celsius, units)}; pitch {yeast}"
    if kind == "ferment":
        return (f"{step.name.capitalize()}: {days(step.days)} at "
                f"{temperature(step.celsius, units)}")
    if kind == "dry_add":
        return f"Dry hop: add {items_text(step.items, units)} for {days(step.days)}"
    volumes = f"Carbonate to {step.volumes:.1f} volumes CO₂" if step.volumes else "Package"
    if step.days:
        return f"{volumes}; condition {days(step.days)} at {temperature(step.celsius, units)}"
    return volumes


def brew_day_lines(recipe: Recipe, units: str) -> list[tuple[str, str]]:
    """(phase title, step text) for each step of the recipe's brew day; none for an empty one."""
    return [(PHASES[step.phase], step_text(step, units)) for step in brew_day(recipe)]


class BrewDayView(QListWidget):
    """The brew day as a list: a bold heading per phase, then its steps.

    It sits on a tab, so it is worded and laid out only while shown: typing elsewhere in the
    editor costs it nothing."""

    def __init__(self) -> None:
        super().__init__(objectName="brewDay")
        self.setWordWrap(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSpacing(1)
        self.recipe = Recipe()
        self.units = "metric"
        self._shown: list[tuple[str, str]] | None = None
        self.placeholder = "Add fermentables, hops or yeast to see the brew day."

    def show_recipe(self, recipe: Recipe, units: str) -> None:
        """The recipe whose brew day to show (now if visible, else when next shown)."""
        self.recipe, self.units = recipe, units
        if self.isVisible():
            self._render()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        self._render()
        super().showEvent(event)

    def texts(self) -> list[str]:
        """The step texts of the current recipe (headings and the placeholder left out)."""
        return [text for _, text in brew_day_lines(self.recipe, self.units)]

    def _render(self) -> None:
        """Rebuild the list, only when its words changed."""
        lines = brew_day_lines(self.recipe, self.units)
        if lines == self._shown:
            return
        self._shown = lines
        self.clear()
        if not lines:
            item = QListWidgetItem(self.placeholder)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.addItem(item)
            return
        phase = None
        bold = QFont(self.font())
        bold.setBold(True)
        for title, text in lines:
            if title != phase:
                heading = QListWidgetItem(title)
                heading.setFont(bold)
                heading.setFlags(Qt.ItemFlag.ItemIsEnabled)
                self.addItem(heading)
                phase = title
            self.addItem(QListWidgetItem(text))
