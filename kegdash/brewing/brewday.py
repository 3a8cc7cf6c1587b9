"""The brew day as structured steps (quantities in SI, no words) for the window to word.

The API's brew-day text stays Brauhaus's (``timeline``); this is the brewer's view of the same
recipe: boil additions counted in minutes left in the boil ("60 min: add …"), each mash step
with its water and temperature, fermentation in days. Strike water follows Brauhaus's
thermal formula (grain heat capacity 0.4184 of water's), extended to later infusions by the
usual mix rule, starting from the mash's grain temperature. An empty recipe has no brew day.
"""

from __future__ import annotations

from dataclasses import dataclass

from kegdash.brewing.jsmath import div
from kegdash.brewing.recipe import MashStep, Recipe, Spice, classify

GRAIN_HEAT = 0.4184
"""Heat capacity of grain relative to water, per kg (Brauhaus's figure)."""
STEEP_LITERS_PER_KG = 2.75
STEEP_TEMP = 68.0
LATE_EXTRACT_MINUTES = 5.0
DEFAULT_STEP = MashStep(water_ratio=2.75, temp=68.0, time=60.0)
"""The single infusion Brauhaus assumes for a mashed recipe without a mash."""


@dataclass(frozen=True, slots=True)
class Item:
    """Something added: ``kind`` is "fermentable", "hop", "misc" or "yeast"; weight in kg."""

    name: str
    kind: str
    kg: float = 0.0


@dataclass(frozen=True, slots=True)
class Step:
    """One brew-day step.

    ``kind`` and the fields it uses:
    strike (liters, celsius) · mash_in (items, name, celsius, minutes) · infuse (name, liters,
    celsius = water temperature, target, minutes) · heat (name, target, minutes) · decoct (name,
    liters, target, minutes) · sparge (celsius, liters = boil volume) · steep (items, liters,
    celsius, minutes) · boil (liters, minutes = boil length, items added at its start) ·
    first_wort (items) · add (minutes = left in the boil, items) · flame_out (items) ·
    pitch (celsius, items) · ferment (name = primary|secondary|tertiary, days, celsius) ·
    dry_add (items, days) · package (volumes, days, celsius).
    """

    phase: str
    kind: str
    name: str = ""
    items: tuple[Item, ...] = ()
    liters: float = 0.0
    celsius: float = 0.0
    target: float = 0.0
    minutes: float = 0.0
    days: float = 0.0
    volumes: float = 0.0


def _spice_item(spice: Spice) -> Item:
    return Item(spice.name, "hop" if spice.aa > 0 else "misc", spice.weight)


def _boil_use(use: str) -> str:
    """Where a hop or misc goes: "boil", "first_wort", "aroma", "mash" or "ferment"."""
    lowered = use.lower()
    if any(word in lowered for word in ("dry", "primary", "secondary", "bottl")):
        return "ferment"
    if "first" in lowered:
        return "first_wort"
    if "mash" in lowered:
        return "mash"
    if any(word in lowered for word in ("aroma", "whirlpool", "stand", "steep")):
        return "aroma"
    return "boil"


def boil_minutes(recipe: Recipe) -> float:
    """The boil's length: the longest boil addition, else 60 minutes (as BeerXML export says)."""
    times = [s.time for s in recipe.spices if _boil_use(s.use) == "boil" and s.time > 0]
    return max(times) if times else 60.0


def _mash(recipe: Recipe, grains: list[Item], mash_spices: list[Item]) -> list[Step]:
    grain = recipe.grain_weight()
    mash = recipe.mash
    steps_in = mash.steps if mash is not None and mash.steps else [DEFAULT_STEP]
    temp = mash.grain_temp if mash is not None else 23.0
    water = 0.0
    out: list[Step] = []
    for i, step in enumerate(steps_in):
        name = step.name
        kind = step.type.strip().lower()
        if kind == "decoction":
            out.append(Step("mash", "decoct", name=name, liters=step.water_ratio * grain,
                            target=step.temp, minutes=step.time))
        elif kind == "temperature" or step.water_ratio * grain - water <= 0:
            if i == 0:
                out.append(Step("mash", "mash_in", name=name, items=tuple(grains + mash_spices),
                                celsius=step.temp, minutes=step.time))
            else:
                out.append(Step("mash", "heat", name=name, target=step.temp, minutes=step.time))
        else:
            added = step.water_ratio * grain - water
            strike = div((step.temp - temp) * (GRAIN_HEAT * grain + water), added) + step.temp
            if i == 0 or water == 0:
                out.append(Step("mash", "strike", liters=added, celsius=strike))
                out.append(Step("mash", "mash_in", name=name, items=tuple(grains + mash_spices),
                                celsius=step.temp, minutes=step.time))
            else:
                out.append(Step("mash", "infuse", name=name, liters=added, celsius=strike,
                                target=step.temp, minutes=step.time))
            water += added
        temp = step.temp
    sparge = mash.sparge_temp if mash is not None else 76.0
    out.append(Step("mash", "sparge", celsius=sparge, liters=recipe.boil_size))
    return out


def brew_day(recipe: Recipe) -> list[Step]:
    """The recipe's brew day, mash to packaging; empty when the recipe holds no ingredients."""
    if not (recipe.fermentables or recipe.spices or recipe.yeast):
        return []
    groups: dict[str, list[Item]] = {"mash": [], "steep": [], "boil": [], "late": []}
    for fermentable in recipe.fermentables:
        addition = classify(fermentable.name)[1]
        if addition == "boil" and fermentable.late:
            addition = "late"
        groups[addition].append(Item(fermentable.name, "fermentable", fermentable.weight))
    uses: dict[str, list[Spice]] = {}
    for spice in recipe.spices:
        uses.setdefault(_boil_use(spice.use), []).append(spice)

    steps: list[Step] = []
    if groups["mash"]:
        steps += _mash(recipe, groups["mash"], [_spice_item(s) for s in uses.get("mash", [])])
    if groups["steep"]:
        kg = sum(item.kg for item in groups["steep"])
        steps.append(Step("steep", "steep", items=tuple(groups["steep"]),
                          liters=kg * STEEP_LITERS_PER_KG, celsius=STEEP_TEMP,
                          minutes=recipe.steep_time))

    length = boil_minutes(recipe)
    if uses.get("first_wort"):
        steps.append(Step("boil", "first_wort", items=tuple(map(_spice_item, uses["first_wort"]))))
    steps.append(Step("boil", "boil", liters=recipe.boil_size, minutes=length,
                      items=tuple(groups["boil"])))
    at: dict[float, list[Item]] = {}
    for spice in uses.get("boil", []):
        if spice.time > 0:
            at.setdefault(min(spice.time, length), []).append(_spice_item(spice))
    if groups["late"]:
        at.setdefault(min(LATE_EXTRACT_MINUTES, length), []).extend(groups["late"])
    for minutes in sorted(at, reverse=True):
        steps.append(Step("boil", "add", minutes=minutes, items=tuple(at[minutes])))
    flame_out = [_spice_item(s) for s in uses.get("boil", []) if s.time <= 0]
    flame_out += [_spice_item(s) for s in uses.get("aroma", [])]
    steps.append(Step("boil", "flame_out", items=tuple(flame_out)))

    yeasts = tuple(Item(yeast.name, "yeast") for yeast in recipe.yeast)
    steps.append(Step("ferment", "pitch", celsius=recipe.primary_temp, items=yeasts))
    stages = (("primary", recipe.primary_days, recipe.primary_temp),
              ("secondary", recipe.secondary_days, recipe.secondary_temp),
              ("tertiary", recipe.tertiary_days, recipe.tertiary_temp))
    for name, days, celsius in stages:
        if days > 0:
            steps.append(Step("ferment", "ferment", name=name, days=days, celsius=celsius))
    dry = uses.get("ferment", [])
    if dry:
        longest = max(spice.time for spice in dry) / 1440
        steps.append(Step("ferment", "dry_add", items=tuple(map(_spice_item, dry)), days=longest))
    steps.append(Step("ferment", "package", volumes=recipe.bottling_pressure,
                      days=recipe.aging_days, celsius=recipe.aging_temp))
    return steps
