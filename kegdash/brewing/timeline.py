"""Brew-day timeline: [[minute, instruction], …] worded exactly as Brauhaus 1.1.1.

The text is part of the Tapline contract, so its oddities stay: times are raw
floats, steeping always takes 20 minutes, a fractional hop time (7.5) is looked
up as 7 and finds no hops, first-wort and aroma hops are listed in the boil,
dry hops never appear.

`timeline()` runs Brauhaus's brew day on every call (running minutes, water volume,
temperatures), in Brauhaus's order of operations so the minutes are the same floats, and words
every instruction afresh. Printing numbers the JavaScript way is most of the cost; `jsmath`
prints what recipes hold (whole numbers, one or two decimals) without a general formatter, so
compiled the whole brew day takes less time than Brauhaus's in V8, for a recipe seen before or
not (benchmarks/brewing_calc.py). Memoised: only what asks a word search (does a spice use
boil?) or the Python-only duration wording.
"""

from __future__ import annotations

from typing import Final

from kegdash.brewing import units
from kegdash.brewing.durations import display_duration
from kegdash.brewing.jsmath import div, js_min, js_round, js_str, parse_int, to_fixed, truthy
from kegdash.brewing.memo import memo, remember
from kegdash.brewing.recipe import MashStep, Recipe, Spice, classify, mash_step_words
from kegdash.units import c_to_f

ROOM_TEMP: Final = 23.0
MASH_HEAT_LOSS: Final = 5.0
# Brauhaus's mash when a recipe with mash grains has none (shared: never modified).
_DEFAULT_MASH_STEPS: Final = (MashStep(water_ratio=2.75, temp=68.0, time=60.0),)

# ---------------------------------------------------------------- wording
# Each instruction is built in one go from the texts of its numbers: every intermediate string
# is an allocation and a copy, the largest cost left once the numbers print fast.


_BOILS: Final[dict[str, bool]] = memo()
_MOVES: Final[dict[tuple[str, float], str]] = memo()


def _boils(use: str) -> bool:
    # Spice.dry() depends on `use` alone (a word search); asked once per text, as classify().
    found = _BOILS.get(use)
    return found if found is not None else remember(_BOILS, use, not Spice(use=use).dry())


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


def _move(vessel: str, days: float) -> str:
    # Worded by durations.py, which stays Python (see compile_engine.py): kept, as few
    # recipes differ here.
    found = _MOVES.get((vessel, days))
    if found is not None:
        return found
    return remember(_MOVES, (vessel, days),
                    f"Move to {vessel} fermenter for {display_duration(days * 1440, 2)}.")


def _prime(bottles: float, aging_days: float, aging_celsius: float, si_units: bool) -> str:
    if not truthy(aging_days):
        return f"Prime and bottle about {js_str(bottles)} bottles."
    temp = js_str(aging_celsius) if si_units else js_str(c_to_f(aging_celsius))
    scale = "C" if si_units else "F"
    return (f"Prime and bottle about {js_str(bottles)} bottles. "
            f"Age at {temp}{scale} for {js_str(aging_days)} days.")


# ---------------------------------------------------------------- the brew day


def timeline(recipe: Recipe, si_units: bool = True) -> list[list]:
    """Brew-day instructions with their start minute (Brauhaus `Recipe.timeline(siUnits)`)."""
    # Each phase appends its instructions and hands on the running minute, the temperature of
    # the mash tun's water and its volume, in Brauhaus's order of operations so the minutes are
    # the same floats. (Compiled, these tuples of floats are C structs: the split costs nothing.)
    mash, steep, boil, boil_end, grain, steep_kg = _grist(recipe, si_units)
    steps: list[list] = []
    total, temp, volume = 0.0, ROOM_TEMP, 0.0
    if mash:
        total, temp, volume = _mash(steps, recipe, mash, grain, si_units)
    if steep:
        total, temp, volume = _steep(steps, recipe, steep, steep_kg, total, temp, volume, si_units)
    total = _boil_and_additions(steps, recipe, boil, boil_end, bool(mash or steep), total, temp,
                                volume, si_units)
    _ferment(steps, recipe, total, si_units)
    return steps


def _grist(recipe: Recipe, si_units: bool) -> tuple[list[str], list[str], list[str], list[str],
                                                    float, float]:
    """The fermentables by addition (mash, steep, boil, late boil) as words with their gravity
    units (Brauhaus's timelineMap), the grain's weight and the steeped weight."""
    steep_efficiency = recipe.steep_efficiency / 100.0
    mash_efficiency = recipe.mash_efficiency / 100.0
    batch_gallons = units.liters_to_gallons(recipe.batch_size)
    mash: list[str] = []
    steep: list[str] = []
    boil: list[str] = []
    boil_end: list[str] = []
    grain = 0.0  # Recipe.grain_weight(), summed in the same order
    steep_kg = 0.0  # summed as Brauhaus's reduce() does: from the first weight, not 0 + it
    for fermentable in recipe.fermentables:
        weight = fermentable.weight
        gravity = div(units.yield_to_ppg(fermentable.yield_) * units.kg_to_lb(weight), batch_gallons)
        kind, addition = classify(fermentable.name)
        if kind == "grain":
            grain += weight
        if addition == "mash":
            group, gravity = mash, gravity * mash_efficiency
        elif addition == "steep":
            group, gravity = steep, gravity * steep_efficiency
            steep_kg = steep_kg + weight if steep else weight
        else:
            group = boil_end if fermentable.late else boil
        group.append(_fermentable(fermentable.name, weight, gravity, si_units))
    return mash, steep, boil, boil_end, grain, steep_kg


def _mash(steps: list[list], recipe: Recipe, mash: list[str], grain: float,
          si_units: bool) -> tuple[float, float, float]:
    total, temp, volume = 0.0, ROOM_TEMP, 0.0
    mash_name = recipe.mash.name if recipe.mash is not None else ""
    steps.append([total, f"Begin {mash_name} mash. Add {', '.join(mash)}."])
    for step in recipe.mash.steps if recipe.mash is not None else _DEFAULT_MASH_STEPS:
        strike = (step.water_ratio * grain) - volume
        if step.temp != temp and strike > 0:
            strike_temp = div((step.temp - temp) * (0.4184 * grain), strike) + step.temp
            minutes = units.time_to_heat(strike, strike_temp - temp)
            steps.append([total, _heat_strike_water(strike, strike_temp, minutes, si_units)])
            volume += strike
            total += minutes
        elif step.temp != temp:
            minutes = units.time_to_heat(volume, step.temp - temp)
            steps.append([total, _heat_mash(step.temp, minutes, si_units)])
            total += minutes
        words = mash_step_words(step.type, step.water_ratio, step.temp, step.time, si_units, grain)
        steps.append([total, f"{step.name}: {words}."])
        total += step.time
        temp = step.temp - (step.time * MASH_HEAT_LOSS / 60.0)
    steps.append([total, "Remove grains from mash. This is now your wort."])
    return total + 5, temp, volume


def _steep(steps: list[list], recipe: Recipe, steep: list[str], steep_kg: float, total: float,
           temp: float, volume: float, si_units: bool) -> tuple[float, float, float]:
    minutes = units.time_to_heat(steep_kg * 2.75, 68 - temp)
    volume += steep_kg * 2.75
    steps.append([total, _heat_steep_water(steep_kg, minutes, si_units)])
    total += minutes
    steps.append([total, f"Add {', '.join(steep)} and steep for {js_str(recipe.steep_time)} minutes."])
    return total + 20, 68.0, volume


def _boil_and_additions(steps: list[list], recipe: Recipe, boil: list[str], boil_end: list[str],
                        wort: bool, total: float, temp: float, volume: float,
                        si_units: bool) -> float:
    ratio = js_min(1, div(volume, recipe.boil_size))
    temp = (temp * ratio) + (ROOM_TEMP * (1.0 - ratio))
    boil_minutes = parse_int(units.time_to_heat(recipe.boil_size, 100 - temp))
    top_up = recipe.boil_size - volume < recipe.boil_size
    steps.append([total, _boil("wort" if wort else "water", recipe.boil_size, top_up, boil_minutes,
                               si_units)])
    total += boil_minutes

    # Boil spices keyed by the JavaScript string of their time, as Brauhaus's map is.
    times: dict[str, list[Spice]] = {}
    for spice in recipe.spices:
        if _boils(spice.use):
            times.setdefault(js_str(spice.time), []).append(spice)
    addition_times = [parse_int(group[0].time) for group in times.values()]
    if boil_end and 5 not in addition_times:
        addition_times.append(5.0)
    addition_times.sort(reverse=True)
    previous = 0.0
    for i, minute in enumerate(addition_times):
        added = [_spice(spice.name, spice.weight, si_units) for spice in times.get(js_str(minute), ())]
        if i == 0:
            added = boil + added
            previous = minute
        total += previous - minute
        previous = minute
        if minute == 5 and boil_end:
            added = boil_end + added
        steps.append([total, f"Add {', '.join(added)}"])
    total += previous

    steps.append([total, _flame_out(recipe.primary_temp, si_units)])
    return total + 20


def _ferment(steps: list[list], recipe: Recipe, total: float, si_units: bool) -> None:
    yeasts = [yeast.name for yeast in recipe.yeast]
    if not yeasts and truthy(recipe.primary_days):
        yeasts = ["yeast"]
    if yeasts:
        steps.append([total, f"Pitch {', '.join(yeasts)} and seal the fermenter. "
                             "You should see bubbles in the airlock within 24 hours."])

    bottles = recipe.bottle_count()
    if not (truthy(recipe.primary_days) or truthy(recipe.secondary_days)
            or truthy(recipe.tertiary_days)):
        steps.append([total, f"Drink immediately (about {js_str(bottles)} bottles)."])
        return

    total += recipe.primary_days * 1440
    for days, vessel in ((recipe.secondary_days, "secondary"), (recipe.tertiary_days, "tertiary")):
        if truthy(days):
            steps.append([total, _move(vessel, days)])
            total += days * 1440
            break

    steps.append([total, _prime(bottles, recipe.aging_days, recipe.aging_temp, si_units)])
    total += recipe.aging_days * 1440
    steps.append([total, "Relax, don't worry and have a homebrew!"])
