"""Brew-day timeline: [[minute, instruction], …] worded exactly as Brauhaus 1.1.1.

The text is part of the Tapline contract, so its oddities stay: times are raw
floats, steeping always takes 20 minutes, a fractional hop time (7.5) is looked
up as 7 and finds no hops, first-wort and aroma hops are listed in the boil,
dry hops never appear.

`timeline()` runs Brauhaus's brew day on every call (running minutes, water volume,
temperatures), in Brauhaus's order of operations so the minutes are the same floats, and words
every instruction afresh. Printing numbers the JavaScript way is most of the cost; `jsmath`
prints what recipes hold (whole numbers, one or two decimals) without a general formatter, so
compiled the whole brew day takes about what Brauhaus takes in V8, for a recipe seen before or
not. Memoised: only what asks a word search (does a spice use boil?) or the Python-only
duration wording.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Final

from kegdash.brewing import units
from kegdash.brewing.durations import display_duration
from kegdash.brewing.jsmath import div, js_min, js_round, js_str, parse_int, to_fixed, truthy
from kegdash.brewing.recipe import MashStep, Recipe, Spice, classify, mash_step_words
from kegdash.units import c_to_f

ROOM_TEMP: Final = 23.0
MASH_HEAT_LOSS: Final = 5.0
# Brauhaus's mash when a recipe with mash grains has none (shared: never modified).
_DEFAULT_MASH_STEPS: Final = (MashStep(water_ratio=2.75, temp=68.0, time=60.0),)
# Answers kept per memo (least recently used go first): far more than the spice uses and
# fermenter times a window or a server works with at a time.
_MEMO_SIZE: Final = 1024

# ---------------------------------------------------------------- wording
# Each instruction is built in one go from the texts of its numbers: every intermediate string
# is an allocation and a copy, the largest cost left once the numbers print fast.


@lru_cache(maxsize=_MEMO_SIZE)
def _boils(use: str) -> bool:
    # Spice.dry() depends on `use` alone (a word search); asked once per text, as classify().
    return not Spice(use=use).dry()


def _fermentable(name: str, kg: float, gravity: float, si_units: bool) -> str:
    if si_units:
        return f"{to_fixed(kg, 1)}kg of {name} ({to_fixed(gravity, 1)} GU)"
    lb, oz = units.kg_to_lb_oz(kg)
    return f"{js_str(parse_int(lb))}lb {js_str(parse_int(oz))}oz of {name} ({to_fixed(gravity, 1)} GU)"


def _spice(name: str, kg: float, si_units: bool) -> str:
    if si_units:
        return f"{js_str(parse_int(kg * 1000))}g of {name}"
    return f"{to_fixed(units.kg_to_lb(kg) * 16.0, 2)}oz of {name}"


def _whole(x: float) -> str:
    return js_str(js_round(x))


def _heat_strike_water(liters: float, celsius: float, minutes: float, si_units: bool) -> str:
    about = _whole(minutes)
    if si_units:
        return f"Heat {to_fixed(liters, 1)}l to {_whole(celsius)}°C (about {about} minutes)"
    quarts = to_fixed(units.liters_to_gallons(liters) * 4, 1)
    return f"Heat {quarts}qts to {_whole(c_to_f(celsius))}°F (about {about} minutes)"


def _heat_mash(celsius: float, minutes: float, si_units: bool) -> str:
    target = _whole(celsius) if si_units else _whole(c_to_f(celsius))
    scale = "C" if si_units else "F"
    return f"Heat the mash to {target}°{scale} (about {_whole(minutes)} minutes)"


def _heat_steep_water(steep_kg: float, minutes: float, si_units: bool) -> str:
    liters = steep_kg * 2.75
    about = _whole(minutes)
    if si_units:
        return f"Heat {to_fixed(liters, 1)}l to 68°C (about {about} minutes)"
    gallons = to_fixed(units.liters_to_gallons(liters), 1)
    return f"Heat {gallons}gal to {to_fixed(c_to_f(68), 1)}°F (about {about} minutes)"


def _boil(name: str, liters: float, top_up: bool, minutes: float, si_units: bool) -> str:
    volume = to_fixed(liters if si_units else units.liters_to_gallons(liters), 1)
    unit = "l" if si_units else "gal"
    about = js_str(minutes)
    if top_up:
        return f"Top up the {name} to {volume}{unit} and heat to a rolling boil (about {about} minutes)."
    return f"Bring {volume}{unit} to a rolling boil (about {about} minutes)."


def _flame_out(celsius: float, si_units: bool) -> str:
    chill = js_str(celsius) if si_units else js_str(c_to_f(celsius))
    scale = "C" if si_units else "F"
    return f"Flame out. Begin chilling to {chill}°{scale} and aerate the cooled wort (about 20 minutes)."


@lru_cache(maxsize=_MEMO_SIZE)
def _move(vessel: str, days: float) -> str:
    # Worded by durations.py, which stays Python (see compile_engine.py): kept, as few
    # recipes differ here.
    return f"Move to {vessel} fermenter for {display_duration(days * 1440, 2)}."


def _prime(bottles: float, aging_days: float, aging_celsius: float, si_units: bool) -> str:
    if not truthy(aging_days):
        return f"Prime and bottle about {js_str(bottles)} bottles."
    temp = js_str(aging_celsius) if si_units else js_str(c_to_f(aging_celsius))
    scale = "C" if si_units else "F"
    return (f"Prime and bottle about {js_str(bottles)} bottles. "
            f"Age at {temp}{scale} for {js_str(aging_days)} days.")


# ---------------------------------------------------------------- the brew day


class _Grist:
    """The fermentables by addition, as words with their gravity units (Brauhaus's
    timelineMap), and the weights the mash and the steep need."""

    def __init__(self, recipe: Recipe, si_units: bool) -> None:
        steep_efficiency = recipe.steep_efficiency / 100.0
        mash_efficiency = recipe.mash_efficiency / 100.0
        batch_gallons = units.liters_to_gallons(recipe.batch_size)
        self.mash: list[str] = []
        self.steep: list[str] = []
        self.boil: list[str] = []
        self.boil_end: list[str] = []
        self.grain = 0.0  # Recipe.grain_weight(), summed in the same order
        self.steep_kg = 0.0  # summed as Brauhaus's reduce() does: from the first weight, not 0 + it
        for fermentable in recipe.fermentables:
            weight = fermentable.weight
            gravity = div(units.yield_to_ppg(fermentable.yield_) * units.kg_to_lb(weight), batch_gallons)
            kind, addition = classify(fermentable.name)
            if kind == "grain":
                self.grain += weight
            if addition == "mash":
                group, gravity = self.mash, gravity * mash_efficiency
            elif addition == "steep":
                group, gravity = self.steep, gravity * steep_efficiency
                self.steep_kg = self.steep_kg + weight if self.steep else weight
            else:
                group = self.boil_end if fermentable.late else self.boil
            group.append(_fermentable(fermentable.name, weight, gravity, si_units))


class _BrewDay:
    """The brew day so far: its instructions, the running minute, the temperature and volume of
    the water in the mash tun. Each phase adds to it in Brauhaus's order of operations, so the
    minutes are the same floats."""

    def __init__(self) -> None:
        self.steps: list[list] = []
        self.total = 0.0
        self.temp = ROOM_TEMP
        self.volume = 0.0

    def say(self, words: str) -> None:
        self.steps.append([self.total, words])


def timeline(recipe: Recipe, si_units: bool = True) -> list[list]:
    """Brew-day instructions with their start minute (Brauhaus `Recipe.timeline(siUnits)`)."""
    grist = _Grist(recipe, si_units)
    day = _BrewDay()
    if grist.mash:
        _mash(day, recipe, grist, si_units)
    if grist.steep:
        _steep(day, recipe, grist, si_units)
    _boil_and_additions(day, recipe, grist, si_units)
    _ferment(day, recipe, si_units)
    return day.steps


def _mash(day: _BrewDay, recipe: Recipe, grist: _Grist, si_units: bool) -> None:
    mash_name = recipe.mash.name if recipe.mash is not None else ""
    day.say(f"Begin {mash_name} mash. Add {', '.join(grist.mash)}.")
    grain = grist.grain
    for step in recipe.mash.steps if recipe.mash is not None else _DEFAULT_MASH_STEPS:
        strike = (step.water_ratio * grain) - day.volume
        if step.temp != day.temp and strike > 0:
            strike_temp = div((step.temp - day.temp) * (0.4184 * grain), strike) + step.temp
            minutes = units.time_to_heat(strike, strike_temp - day.temp)
            day.say(_heat_strike_water(strike, strike_temp, minutes, si_units))
            day.volume += strike
            day.total += minutes
        elif step.temp != day.temp:
            minutes = units.time_to_heat(day.volume, step.temp - day.temp)
            day.say(_heat_mash(step.temp, minutes, si_units))
            day.total += minutes
        words = mash_step_words(step.type, step.water_ratio, step.temp, step.time, si_units, grain)
        day.say(f"{step.name}: {words}.")
        day.total += step.time
        day.temp = step.temp - (step.time * MASH_HEAT_LOSS / 60.0)
    day.say("Remove grains from mash. This is now your wort.")
    day.total += 5


def _steep(day: _BrewDay, recipe: Recipe, grist: _Grist, si_units: bool) -> None:
    minutes = units.time_to_heat(grist.steep_kg * 2.75, 68 - day.temp)
    day.temp = 68.0
    day.volume += grist.steep_kg * 2.75
    day.say(_heat_steep_water(grist.steep_kg, minutes, si_units))
    day.total += minutes
    day.say(f"Add {', '.join(grist.steep)} and steep for {js_str(recipe.steep_time)} minutes.")
    day.total += 20


def _boil_and_additions(day: _BrewDay, recipe: Recipe, grist: _Grist, si_units: bool) -> None:
    ratio = js_min(1, div(day.volume, recipe.boil_size))
    temp = (day.temp * ratio) + (ROOM_TEMP * (1.0 - ratio))
    boil_minutes = parse_int(units.time_to_heat(recipe.boil_size, 100 - temp))
    top_up = recipe.boil_size - day.volume < recipe.boil_size
    boil_name = "wort" if grist.mash or grist.steep else "water"
    day.say(_boil(boil_name, recipe.boil_size, top_up, boil_minutes, si_units))
    day.total += boil_minutes

    # Boil spices keyed by the JavaScript string of their time, as Brauhaus's map is.
    times: dict[str, list[Spice]] = {}
    for spice in recipe.spices:
        if _boils(spice.use):
            times.setdefault(js_str(spice.time), []).append(spice)
    addition_times = [parse_int(group[0].time) for group in times.values()]
    if grist.boil_end and 5 not in addition_times:
        addition_times.append(5.0)
    addition_times.sort(reverse=True)
    previous = 0.0
    for i, minute in enumerate(addition_times):
        added = [_spice(spice.name, spice.weight, si_units) for spice in times.get(js_str(minute), ())]
        if i == 0:
            added = grist.boil + added
            previous = minute
        day.total += previous - minute
        previous = minute
        if minute == 5 and grist.boil_end:
            added = grist.boil_end + added
        day.say(f"Add {', '.join(added)}")
    day.total += previous

    day.say(_flame_out(recipe.primary_temp, si_units))
    day.total += 20


def _ferment(day: _BrewDay, recipe: Recipe, si_units: bool) -> None:
    yeasts = [yeast.name for yeast in recipe.yeast]
    if not yeasts and truthy(recipe.primary_days):
        yeasts = ["yeast"]
    if yeasts:
        day.say(f"Pitch {', '.join(yeasts)} and seal the fermenter. "
                "You should see bubbles in the airlock within 24 hours.")

    bottles = recipe.bottle_count()
    if not (truthy(recipe.primary_days) or truthy(recipe.secondary_days)
            or truthy(recipe.tertiary_days)):
        day.say(f"Drink immediately (about {js_str(bottles)} bottles).")
        return

    day.total += recipe.primary_days * 1440
    for days, vessel in ((recipe.secondary_days, "secondary"), (recipe.tertiary_days, "tertiary")):
        if truthy(days):
            day.say(_move(vessel, days))
            day.total += days * 1440
            break

    day.say(_prime(bottles, recipe.aging_days, recipe.aging_temp, si_units))
    day.total += recipe.aging_days * 1440
    day.say("Relax, don't worry and have a homebrew!")
