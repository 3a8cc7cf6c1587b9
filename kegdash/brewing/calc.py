"""Recipe maths: gravity, alcohol, colour, bitterness, calories, price — Brauhaus 1.1.1 parity.

Every formula keeps Brauhaus's operation order, because floating point makes
the order visible in the last digits and users compare against Tapline's
numbers.  Degenerate inputs (a zero batch size, no fermentables) give the
Infinity/NaN JavaScript gives; `RecipeResults.to_dict` writes those as null.
"""

from __future__ import annotations

import copy
import math
from typing import Any, Final, NamedTuple

from kegdash.brewing import units
from kegdash.brewing.colors import srm_to_name
from kegdash.brewing.errors import RecipeError
from kegdash.brewing.jsmath import div, exp, js_max, json_number, pow_, truthy
from kegdash.brewing.memo import memo, remember
from kegdash.brewing.recipe import Fermentable, Recipe, Spice, Yeast, classify
from kegdash.brewing.units import gravity_to_plato
from kegdash.units import c_to_f

ROOM_TEMP = 23
IBU_METHODS = ("tinseth", "rager")


class RecipeResults(NamedTuple):
    """Everything `Recipe.calculate()` sets in Brauhaus, plus grain weight and bottle count.

    A NamedTuple rather than a frozen dataclass: as immutable (it crosses threads to the
    window), but built in one step, where a frozen dataclass sets its 19 fields one
    object.__setattr__ at a time, a fifth of calculate()'s time.
    """

    og: float
    fg: float
    og_plato: float
    fg_plato: float
    abv: float
    abw: float
    real_extract: float
    calories: float
    color: float
    ibu: float
    bu_to_gu: float
    bv: float
    price: float
    grain_weight: float
    bottle_count: float
    priming_corn_sugar: float
    priming_sugar: float
    priming_honey: float
    priming_dme: float

    @property
    def color_name(self) -> str:
        """Friendly colour name of the beer (Brauhaus `colorName()`)."""
        return srm_to_name(self.color)

    def to_dict(self, timeline: list | None = None) -> dict:
        """The keys of one /v1/calculate/recipe answer; NaN/Infinity become None (JSON null)."""
        out: dict[str, Any] = {
            "abv": json_number(self.abv),
            "abw": json_number(self.abw),
            "buToGu": json_number(self.bu_to_gu),
            "bv": json_number(self.bv),
            "calories": json_number(self.calories),
            "color": json_number(self.color),
            "fg": json_number(self.fg),
            "fgPlato": json_number(self.fg_plato),
            "grainWeight": json_number(self.grain_weight),
            "ibu": json_number(self.ibu),
            "og": json_number(self.og),
            "ogPlato": json_number(self.og_plato),
            "price": json_number(self.price),
            "realExtract": json_number(self.real_extract),
        }
        if timeline is not None:
            out["timeline"] = [[json_number(minutes), text] for minutes, text in timeline]
        return out


def _tanh(x: float) -> float:
    # Brauhaus's own tanh: overflows to NaN for large |x| where math.tanh would give ±1.
    return div(exp(x) - exp(-x), exp(x) + exp(-x))


def _unknown_method(method: str) -> RecipeError:
    return RecipeError(f"Unknown IBU method '{method}'! (ibuMethod must be tinseth or rager)")


def bitterness(spice: Spice, method: str, early_og: float, batch_size: float) -> float:
    """IBUs one hop addition gives by Tinseth or Rager (Brauhaus `Spice.bitterness`)."""
    if method == "tinseth":
        return (
            1.65
            * pow_(0.000125, early_og - 1.0)
            * ((1 - pow_(math.e, -0.04 * spice.time)) / 4.15)
            * div(spice.aa / 100.0 * spice.weight * 1000000, batch_size)
            * spice.utilization_factor()
        )
    if method == "rager":
        utilization = 18.11 + 13.86 * _tanh((spice.time - 31.32) / 18.27)
        adjustment = js_max(0, (early_og - 1.050) / 0.2)
        return div(
            spice.weight * 100 * utilization * spice.utilization_factor() * spice.aa,
            batch_size * (1 + adjustment),
        )
    raise _unknown_method(method)


def _efficiency(addition: str, steep: float, mash: float) -> float:
    if addition == "steep":
        return steep
    if addition == "mash":
        return mash
    return 1.0


_PRICES_PER_KG: Final[dict[str, float]] = memo()
_YEAST_PRICES: Final[dict[str, float]] = memo()


def _price_per_kg(name: str) -> float:
    # Fermentable.price() is its weight times a rate chosen by name (two word searches): the rate
    # is asked once per name, as classify() is, and weight × rate is the same product.
    found = _PRICES_PER_KG.get(name)
    if found is not None:
        return found
    return remember(_PRICES_PER_KG, name, Fermentable(name=name, weight=1.0).price())


def _yeast_price(name: str) -> float:
    # Yeast.price() depends on the name alone (a word search): asked once per name.
    found = _YEAST_PRICES.get(name)
    return found if found is not None else remember(_YEAST_PRICES, name, Yeast(name=name).price())


def calculate(recipe: Recipe) -> RecipeResults:
    """Compute a recipe's numbers exactly as Brauhaus 1.1.1 `Recipe.calculate()` does."""
    batch_size = recipe.batch_size
    batch_gallons = units.liters_to_gallons(batch_size)
    boil_gallons = units.liters_to_gallons(recipe.boil_size)
    efficiencies = {"steep": recipe.steep_efficiency / 100.0, "mash": recipe.mash_efficiency / 100.0}

    og = 1.0
    early_og = 1.0
    mcu = 0.0
    price = 0.0
    grain_weight = 0.0  # Recipe.grain_weight(), summed in the same order
    for fermentable in recipe.fermentables:
        kind, addition = classify(fermentable.name)
        efficiency = efficiencies.get(addition, 1.0)
        weight = fermentable.weight
        weight_lb = units.kg_to_lb(weight)
        mcu += div(fermentable.color * weight_lb, batch_gallons)
        points = units.yield_to_ppg(fermentable.yield_) * weight_lb
        og += div(points, batch_gallons) * efficiency / 1000.0
        if not fermentable.late:
            early_og += div(points, boil_gallons) * efficiency / 1000.0
        price += weight * _price_per_kg(fermentable.name)
        if kind == "grain":
            grain_weight += weight

    color = 1.4922 * pow_(mcu, 0.6859)

    attenuation = 0.0
    for yeast in recipe.yeast:
        if yeast.attenuation > attenuation:
            attenuation = yeast.attenuation
        price += _yeast_price(yeast.name)
    if attenuation == 0:
        attenuation = 75.0

    fg = og - ((og - 1.0) * attenuation / 100.0)
    abv = div(1.05 * (og - fg), fg) / 0.79 * 100.0
    og_plato = gravity_to_plato(og)
    fg_plato = gravity_to_plato(fg)
    real_extract = (0.1808 * og_plato) + (0.8192 * fg_plato)
    abw = div(0.79 * abv, fg)
    calories = js_max(
        0, ((6.9 * abw) + 4.0 * (real_extract - 0.10)) * fg * recipe.serving_size * 10
    )

    volumes = recipe.bottling_pressure if truthy(recipe.bottling_pressure) else 2.5
    temp_f = c_to_f(recipe.bottling_temp if truthy(recipe.bottling_temp) else ROOM_TEMP)
    corn_sugar = (
        0.015195
        * 5
        * (volumes - 3.0378 + (0.050062 * temp_f) - (0.00026555 * temp_f * temp_f))
    )

    ibu = 0.0
    method = recipe.ibu_method
    for spice in recipe.spices:
        if truthy(spice.aa) and spice.use.lower() == "boil":
            ibu += bitterness(spice, method, early_og, batch_size)
        price += spice.price()

    rte = (0.82 * (fg - 1.000) + 0.18 * (og - 1.000)) * 1000.0
    return RecipeResults(
        og=og,
        fg=fg,
        og_plato=og_plato,
        fg_plato=fg_plato,
        abv=abv,
        abw=abw,
        real_extract=real_extract,
        calories=calories,
        color=color,
        ibu=ibu,
        bu_to_gu=div(div(ibu, og - 1.000), 1000.0),
        bv=div(0.8 * ibu, rte),
        price=price,
        grain_weight=grain_weight,
        bottle_count=recipe.bottle_count(),
        priming_corn_sugar=corn_sugar,
        priming_sugar=corn_sugar * 0.90995,
        priming_honey=corn_sugar * 1.22496,
        priming_dme=corn_sugar * 1.33249,
    )


_PLACEHOLDER_NAMES = ("", "new fermentable", "new spice", "new yeast")


def grade(recipe: Recipe) -> float:
    """Completeness score 0–8 (Brauhaus `grade()`): names, style and named ingredients."""
    score = 0.0
    if recipe.name.lower() not in ("", "new recipe", "untitled"):
        score += 1.0
    if recipe.description.lower() not in ("", "recipe description"):
        score += 1.0
    if recipe.author.lower() not in ("", "anonymous brewer"):
        score += 1.0
    if recipe.style is not None:
        score += 0.5
    for items in (recipe.fermentables, recipe.spices, recipe.yeast):
        if items:
            score += 1.0
            if not any(item.name.lower() in _PLACEHOLDER_NAMES for item in items):
                score += 0.5
    return score


def scale(recipe: Recipe, batch_size: float, boil_size: float) -> Recipe:
    """A copy resized to new batch/boil volumes keeping gravity and bitterness (Brauhaus `scale()`).

    Hop weights are solved from the bitterness formula (Tinseth with 2.718 for e,
    as Brauhaus does) for every spice with alpha acid and a time, whatever its use.
    """
    scaled = copy.deepcopy(recipe)
    old_batch = recipe.batch_size
    steep = recipe.steep_efficiency / 100.0
    mash = recipe.mash_efficiency / 100.0
    early_og = 1.0
    new_early_og = 1.0
    for fermentable in scaled.fermentables:
        efficiency = _efficiency(classify(fermentable.name)[1], steep, mash)
        if not fermentable.late:
            early_og += fermentable.gu(recipe.boil_size) * efficiency / 1000.0
        fermentable.weight *= div(batch_size, old_batch)
        if not fermentable.late:
            new_early_og += fermentable.gu(boil_size) * efficiency / 1000.0

    method = recipe.ibu_method
    for spice in scaled.spices:
        if truthy(spice.aa) and truthy(spice.time):
            bu = bitterness(spice, method, early_og, old_batch)
            factor = spice.utilization_factor()
            if method == "tinseth":
                spice.weight = div(
                    bu * batch_size,
                    1.65
                    * pow_(0.000125, new_early_og - 1.0)
                    * ((1 - pow_(2.718, -0.04 * spice.time)) / 4.15)
                    * (spice.aa / 100 * 1000000)
                    * factor,
                )
            else:
                utilization = 18.11 + 13.86 * _tanh((spice.time - 31.32) / 18.27)
                adjustment = js_max(0, (new_early_og - 1.050) / 0.2)
                spice.weight = div(
                    bu,
                    div(100 * utilization * factor * spice.aa, batch_size * (1 + adjustment)),
                )
        else:
            spice.weight *= div(batch_size, old_batch)

    scaled.batch_size = batch_size
    scaled.boil_size = boil_size
    return scaled
