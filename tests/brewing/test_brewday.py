"""The brew day as structured steps: what happens when, in SI, for the window to word."""

from __future__ import annotations

import pytest

from kegdash.brewing import Recipe, timeline
from kegdash.brewing.brewday import Item, Step, boil_minutes, brew_day

ALL_GRAIN = Recipe.from_dict({
    "name": "Steps", "batchSize": 20, "boilSize": 25, "primaryDays": 10, "primaryTemp": 19,
    "secondaryDays": 0, "agingDays": 14, "agingTemp": 18, "bottlingPressure": 2.4,
    "fermentables": [{"name": "Pale malt", "weight": 4.0}, {"name": "Crystal 40", "weight": 0.5},
                     {"name": "Light DME", "weight": 0.5, "late": True}],
    "spices": [{"name": "Magnum", "weight": 0.02, "aa": 12, "use": "boil", "time": 60},
               {"name": "Fuggle", "weight": 0.015, "aa": 4.5, "use": "first wort", "time": 60},
               {"name": "Irish moss", "weight": 0.005, "use": "boil", "time": 15},
               {"name": "Cascade", "weight": 0.03, "aa": 5.5, "use": "aroma", "time": 0},
               {"name": "Citra", "weight": 0.05, "aa": 12, "use": "dry hop", "time": 4320}],
    "yeast": [{"name": "US-05"}],
    "mash": {"name": "Step mash", "grainTemp": 20, "steps": [
        {"name": "Protein rest", "type": "Infusion", "waterRatio": 2.5, "temp": 52, "time": 15},
        {"name": "Saccharification", "type": "Infusion", "waterRatio": 3.0, "temp": 67, "time": 60},
        {"name": "Mash out", "type": "Temperature", "temp": 76, "time": 10}]},
})


def kinds(steps: list[Step]) -> list[tuple[str, str]]:
    return [(step.phase, step.kind) for step in steps]


def test_an_empty_recipe_has_no_brew_day() -> None:
    assert brew_day(Recipe()) == []


def test_steps_in_order_from_mash_to_packaging() -> None:
    assert kinds(brew_day(ALL_GRAIN)) == [
        ("mash", "strike"), ("mash", "mash_in"), ("mash", "infuse"), ("mash", "heat"),
        ("mash", "sparge"), ("steep", "steep"), ("boil", "first_wort"), ("boil", "boil"),
        ("boil", "add"), ("boil", "add"), ("boil", "add"), ("boil", "flame_out"),
        ("ferment", "pitch"), ("ferment", "ferment"), ("ferment", "dry_add"),
        ("ferment", "package")]


def test_strike_water_uses_brauhaus_thermal_figures_from_the_grain_temperature() -> None:
    strike, mash_in, infuse, heat, sparge = brew_day(ALL_GRAIN)[:5]
    grain = 4.5  # water per kg of every grain, as Brauhaus counts it (Crystal 40 is steeped)
    assert strike.liters == pytest.approx(2.5 * grain)
    assert strike.celsius == pytest.approx((52 - 20) * 0.4184 * grain / (2.5 * grain) + 52)
    assert mash_in.items == (Item("Pale malt", "fermentable", 4.0),)
    assert (mash_in.celsius, mash_in.minutes) == (52, 15)
    # A second infusion heats the grain and the water already in the tun.
    assert infuse.liters == pytest.approx(0.5 * grain)
    assert infuse.celsius == pytest.approx((67 - 52) * (0.4184 * grain + 2.5 * grain) / (0.5 * grain) + 67)
    assert (heat.target, heat.minutes) == (76, 10)
    assert sparge.liters == 25
    # With the default grain temperature (23 °C), the first strike equals Brauhaus's text.
    default = Recipe.from_dict({**ALL_GRAIN.to_dict(), "mash": None})
    first = brew_day(default)[0]
    assert f"Heat {first.liters:.1f}l to {first.celsius:.0f}°C" in timeline(default)[1][1]


def test_boil_additions_count_down_the_boil() -> None:
    steps = brew_day(ALL_GRAIN)
    boil = next(step for step in steps if step.kind == "boil")
    assert (boil.minutes, boil.liters, boil.items) == (60, 25, ())
    adds = [(step.minutes, [item.name for item in step.items]) for step in steps
            if step.kind == "add"]
    assert adds == [(60, ["Magnum"]), (15, ["Irish moss"]), (5, ["Light DME"])]
    first_wort = next(step for step in steps if step.kind == "first_wort")
    assert [item.name for item in first_wort.items] == ["Fuggle"]
    flame_out = next(step for step in steps if step.kind == "flame_out")
    assert [item.name for item in flame_out.items] == ["Cascade"]
    dry = next(step for step in steps if step.kind == "dry_add")
    assert ([item.name for item in dry.items], dry.days) == (["Citra"], 3)
    assert boil_minutes(ALL_GRAIN) == 60
    assert boil_minutes(Recipe()) == 60


def test_extract_recipe_boils_its_extract_from_the_start() -> None:
    extract = Recipe.from_dict({"boilSize": 12, "fermentables": [{"name": "Amber LME", "weight": 3}],
                                "spices": [{"name": "EKG", "aa": 5, "time": 90}]})
    steps = brew_day(extract)
    assert kinds(steps)[:2] == [("boil", "boil"), ("boil", "add")]
    assert steps[0].minutes == 90 and [item.name for item in steps[0].items] == ["Amber LME"]
    assert steps[1].minutes == 90
