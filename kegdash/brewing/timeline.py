"""Brew-day timeline: [[minute, instruction], …] worded exactly as Brauhaus 1.1.1.

The text is part of the Tapline contract, so its oddities stay: times are raw
floats, steeping always takes 20 minutes, a fractional hop time (7.5) is looked
up as 7 and finds no hops, first-wort and aroma hops are listed in the boil,
dry hops never appear.
"""

from __future__ import annotations

from kegdash.brewing import units
from kegdash.brewing.durations import display_duration
from kegdash.brewing.jsmath import div, js_min, js_round, js_str, parse_int, to_fixed, truthy
from kegdash.brewing.recipe import Fermentable, MashStep, Recipe, Spice, classify
from kegdash.units import c_to_f

ROOM_TEMP = 23
MASH_HEAT_LOSS = 5.0


def _fermentable_text(items: list[tuple[Fermentable, float]], si_units: bool) -> list[str]:
    out = []
    for fermentable, gravity in items:
        if si_units:
            weight = f"{to_fixed(fermentable.weight, 1)}kg"
        else:
            lb, oz = units.kg_to_lb_oz(fermentable.weight)
            weight = f"{js_str(parse_int(lb))}lb {js_str(parse_int(oz))}oz"
        out.append(f"{weight} of {fermentable.name} ({to_fixed(gravity, 1)} GU)")
    return out


def _spice_text(items: list[Spice], si_units: bool) -> list[str]:
    out = []
    for spice in items:
        if si_units:
            weight = f"{js_str(parse_int(spice.weight * 1000))}g"
        else:
            weight = f"{to_fixed(spice.weight_lb() * 16.0, 2)}oz"
        out.append(f"{weight} of {spice.name}")
    return out


def _heat_text(liters: float, celsius: float, si_units: bool) -> str:
    if si_units:
        return f"{to_fixed(liters, 1)}l to {js_str(js_round(celsius))}°C"
    quarts = to_fixed(units.liters_to_gallons(liters) * 4, 1)
    return f"{quarts}qts to {js_str(js_round(c_to_f(celsius)))}°F"


def timeline(recipe: Recipe, si_units: bool = True) -> list[list]:
    """Brew-day instructions with their start minute (Brauhaus `Recipe.timeline(siUnits)`)."""
    steep_eff = recipe.steep_efficiency / 100.0
    mash_eff = recipe.mash_efficiency / 100.0
    batch_gallons = units.liters_to_gallons(recipe.batch_size)
    groups: dict[str, list[tuple[Fermentable, float]]] = {
        "mash": [], "steep": [], "boil": [], "boilEnd": []
    }
    for fermentable in recipe.fermentables:
        addition = classify(fermentable.name)[1]
        if addition == "steep":
            efficiency = steep_eff
        elif addition == "mash":
            efficiency = mash_eff
        else:
            efficiency = 1.0
            if fermentable.late:
                addition = "boilEnd"
        points = units.yield_to_ppg(fermentable.yield_) * units.kg_to_lb(fermentable.weight)
        groups[addition].append((fermentable, div(points, batch_gallons) * efficiency))

    # Boil spices keyed by the JavaScript string of their time, as Brauhaus's map is.
    times: dict[str, list[Spice]] = {}
    for spice in recipe.spices:
        if not spice.dry():
            times.setdefault(js_str(spice.time), []).append(spice)

    steps: list = []
    total = 0.0
    temp: float = ROOM_TEMP
    volume = 0.0
    boil_name = "water"

    if groups["mash"]:
        boil_name = "wort"
        mash_name = recipe.mash.name if recipe.mash is not None else ""
        added = ", ".join(_fermentable_text(groups["mash"], si_units))
        steps.append([total, f"Begin {mash_name} mash. Add {added}."])
        if recipe.mash is not None:
            mash_steps = recipe.mash.steps
        else:
            mash_steps = [MashStep(water_ratio=2.75, temp=68.0, time=60.0)]
        grain = recipe.grain_weight()
        for step in mash_steps:
            strike = (step.water_ratio * grain) - volume
            if step.temp != temp and strike > 0:
                strike_temp = div((step.temp - temp) * (0.4184 * grain), strike) + step.temp
                minutes = units.time_to_heat(strike, strike_temp - temp)
                heat = _heat_text(strike, strike_temp, si_units)
                steps.append([total, f"Heat {heat} (about {js_str(js_round(minutes))} minutes)"])
                volume += strike
                total += minutes
            elif step.temp != temp:
                minutes = units.time_to_heat(volume, step.temp - temp)
                target = step.temp if si_units else c_to_f(step.temp)
                unit = "°C" if si_units else "°F"
                steps.append(
                    [
                        total,
                        f"Heat the mash to {js_str(js_round(target))}{unit} "
                        f"(about {js_str(js_round(minutes))} minutes)",
                    ]
                )
                total += minutes
            steps.append([total, f"{step.name}: {step.description(si_units, grain)}."])
            total += step.time
            temp = step.temp - (step.time * MASH_HEAT_LOSS / 60.0)
        steps.append([total, "Remove grains from mash. This is now your wort."])
        total += 5

    if groups["steep"]:
        boil_name = "wort"
        steep_weight = groups["steep"][0][0].weight
        for fermentable, _ in groups["steep"][1:]:
            steep_weight += fermentable.weight
        minutes = units.time_to_heat(steep_weight * 2.75, 68 - temp)
        temp = 68
        volume += steep_weight * 2.75
        if si_units:
            heat = f"{to_fixed(steep_weight * 2.75, 1)}l to 68°C"
        else:
            gallons = to_fixed(units.liters_to_gallons(steep_weight * 2.75), 1)
            heat = f"{gallons}gal to {to_fixed(c_to_f(68), 1)}°F"
        steps.append([total, f"Heat {heat} (about {js_str(js_round(minutes))} minutes)"])
        total += minutes
        added = ", ".join(_fermentable_text(groups["steep"], si_units))
        steps.append(
            [total, f"Add {added} and steep for {js_str(recipe.steep_time)} minutes."]
        )
        total += 20

    ratio = js_min(1, div(volume, recipe.boil_size))
    temp = (temp * ratio) + (ROOM_TEMP * (1.0 - ratio))
    if si_units:
        boil_volume = f"{to_fixed(recipe.boil_size, 1)}l"
    else:
        boil_volume = f"{to_fixed(recipe.boil_size_gallons(), 1)}gal"
    if recipe.boil_size - volume < recipe.boil_size:
        action = f"Top up the {boil_name} to {boil_volume} and heat to a rolling boil"
    else:
        action = f"Bring {boil_volume} to a rolling boil"
    boil_minutes = parse_int(units.time_to_heat(recipe.boil_size, 100 - temp))
    steps.append([total, f"{action} (about {js_str(boil_minutes)} minutes)."])
    total += boil_minutes

    addition_times = [parse_int(group[0].time) for group in times.values()]
    if groups["boilEnd"] and 5 not in addition_times:
        addition_times.append(5.0)
    addition_times.sort(reverse=True)
    previous = 0.0
    for i, minute in enumerate(addition_times):
        added = _spice_text(times.get(js_str(minute), []), si_units)
        if i == 0:
            added = _fermentable_text(groups["boil"], si_units) + added
            previous = minute
        total += previous - minute
        previous = minute
        if minute == 5 and groups["boilEnd"]:
            added = _fermentable_text(groups["boilEnd"], si_units) + added
        steps.append([total, f"Add {', '.join(added)}"])
    total += previous

    chill = f"{js_str(recipe.primary_temp)}°C" if si_units else f"{js_str(c_to_f(recipe.primary_temp))}°F"
    steps.append(
        [
            total,
            f"Flame out. Begin chilling to {chill} and aerate the cooled wort (about 20 minutes).",
        ]
    )
    total += 20

    yeasts = [yeast.name for yeast in recipe.yeast]
    if not yeasts and truthy(recipe.primary_days):
        yeasts = ["yeast"]
    if yeasts:
        steps.append(
            [
                total,
                f"Pitch {', '.join(yeasts)} and seal the fermenter. "
                "You should see bubbles in the airlock within 24 hours.",
            ]
        )

    bottles = js_str(recipe.bottle_count())
    if not (
        truthy(recipe.primary_days)
        or truthy(recipe.secondary_days)
        or truthy(recipe.tertiary_days)
    ):
        steps.append([total, f"Drink immediately (about {bottles} bottles)."])
        return steps

    total += recipe.primary_days * 1440
    for days, vessel in ((recipe.secondary_days, "secondary"), (recipe.tertiary_days, "tertiary")):
        if truthy(days):
            steps.append(
                [
                    total,
                    f"Move to {vessel} fermenter for {display_duration(days * 1440, 2)}.",
                ]
            )
            total += days * 1440
            break

    prime = f"Prime and bottle about {bottles} bottles."
    if truthy(recipe.aging_days):
        age_temp = f"{js_str(recipe.aging_temp)}C" if si_units else f"{js_str(c_to_f(recipe.aging_temp))}F"
        prime += f" Age at {age_temp} for {js_str(recipe.aging_days)} days."
    steps.append([total, prime])
    total += recipe.aging_days * 1440
    steps.append([total, "Relax, don't worry and have a homebrew!"])
    return steps
