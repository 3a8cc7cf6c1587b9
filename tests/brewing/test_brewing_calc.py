"""calculate(), grade() and scale(): the seed's worked example, Brauhaus's own test suite,
and branch checks whose expected values are derived by hand from the formulas."""

import math

import pytest

from kegdash.brewing import (
    Fermentable,
    Recipe,
    RecipeError,
    Spice,
    bitterness,
    calculate,
    grade,
    scale,
    timeline,
)
from kegdash.brewing.jsmath import to_fixed

SEED_RECIPE = {"name": "Test", "fermentables": [{"name": "Pale extract", "weight": 3.5, "yield": 75}]}
SEED_ANSWER = {
    "abv": 4.982895960844915,
    "abw": 3.8872943605883177,
    "buToGu": 0,
    "bv": 0,
    "calories": 165.65117039861516,
    "color": 3.1126033196646703,
    "fg": 1.0126549326899237,
    "fgPlato": 3.2323394802073437,
    "grainWeight": 0,
    "ibu": 0,
    "og": 1.0506197307596945,
    "ogPlato": 12.534722891468903,
    "price": 15.400000000000002,
    "realExtract": 4.914210400963434,
    "timeline": [
        [0, "Bring 10.0l to a rolling boil (about 21 minutes)."],
        [21, "Flame out. Begin chilling to 20°C and aerate the cooled wort (about 20 minutes)."],
        [
            41,
            "Pitch yeast and seal the fermenter. You should see bubbles in the airlock within 24 hours.",
        ],
        [20201, "Prime and bottle about 56 bottles. Age at 20C for 14 days."],
        [40361, "Relax, don't worry and have a homebrew!"],
    ],
}


def test_seed_example_to_the_last_digit() -> None:
    recipe = Recipe.from_dict(SEED_RECIPE)
    answer = calculate(recipe).to_dict(timeline(recipe, si_units=True))
    assert answer == SEED_ANSWER
    # Same keys as /v1/calculate/recipe, and repr-exact floats (== on floats is exact).
    assert list(answer) == sorted(SEED_ANSWER)
    assert repr(answer["price"]) == "15.400000000000002"


def test_results_cannot_be_changed() -> None:
    # They cross threads to the window; a NamedTuple, so built in one step yet immutable.
    results = calculate(Recipe.from_dict(SEED_RECIPE))
    with pytest.raises(AttributeError):
        results.og = 1.1  # type: ignore[misc]
    assert results.og == SEED_ANSWER["og"] and results.color_name == "straw"


def brauhaus_recipe(**extra: object) -> Recipe:
    return Recipe.from_dict({"batchSize": 20.0, "boilSize": 10.0, **extra})


def test_brauhaus_suite_extract() -> None:
    # Expected values from Brauhaus 1.1.1's own test/recipe.coffee ("Extract").
    recipe = brauhaus_recipe(
        secondaryDays=5,
        style={"name": "Saison"},
        fermentables=[{"name": "Pale liquid extract", "weight": 3.5, "yield": 75.0, "color": 3.5}],
        spices=[
            {"name": "Cascade hops", "weight": 0.02835, "aa": 5.0, "use": "boil", "time": 60},
            {"name": "Cascade hops", "weight": 0.014, "aa": 5.0, "use": "boil", "time": 10},
            {"name": "Cascade hops", "weight": 0.014, "aa": 5.0, "use": "primary", "time": 2880,
             "form": "whole"},
        ],
        yeast=[{"name": "Wyeast 3724 - Belgian Saison", "attenuation": 80}],
    )
    r = calculate(recipe)
    assert sum(spice.dry() for spice in recipe.spices) == 1
    assert r.bottle_count == 56
    assert grade(recipe) == 5.0
    assert (to_fixed(r.og, 3), to_fixed(r.fg, 3), to_fixed(r.abv, 1)) == ("1.051", "1.010", "5.3")
    assert (to_fixed(r.color, 1), r.color_name, round(r.calories)) == ("4.6", "yellow", 165)
    assert (to_fixed(r.ibu, 1), to_fixed(r.bu_to_gu, 2), to_fixed(r.bv, 2)) == ("14.0", "0.28", "0.64")
    assert to_fixed(r.price, 2) == "31.09"
    priming = (r.priming_corn_sugar, r.priming_sugar, r.priming_honey, r.priming_dme)
    assert [to_fixed(x, 3) for x in priming] == ["0.130", "0.118", "0.159", "0.173"]
    steps = timeline(recipe)
    boil_start = next(t for t, text in steps if text.startswith("Add"))
    flame_out = next(t for t, text in steps if text.startswith("Flame out"))
    pitch = next(t for t, text in steps if text.startswith("Pitch"))
    assert (to_fixed(boil_start, 1), to_fixed(flame_out, 1), to_fixed(pitch, 1)) == (
        "21.0", "81.0", "101.0",
    )
    scaled = calculate(scale(recipe, 25, 20))
    assert (to_fixed(scaled.og, 3), to_fixed(scaled.fg, 3), to_fixed(scaled.ibu, 1)) == (
        "1.051", "1.010", "14.0",
    )


def test_brauhaus_suite_steep_rager() -> None:
    recipe = brauhaus_recipe(
        ibuMethod="rager",
        fermentables=[
            {"name": "Extra pale LME", "weight": 4.0, "yield": 75.0, "color": 2.0},
            {"name": "Caramel 60L", "weight": 0.5, "yield": 73.0, "color": 60.0},
        ],
        spices=[
            {"name": "Cascade hops", "weight": 0.02835, "aa": 5.0, "time": 60},
            {"name": "Cascade hops", "weight": 0.014, "aa": 5.0, "time": 20},
            {"name": "Cascade hops", "weight": 0.014, "aa": 5.0, "time": 5},
        ],
        yeast=[{"name": "Wyeast 1214 - Belgian Abbey", "attenuation": 78}],
    )
    r = calculate(recipe)
    assert (to_fixed(r.og, 3), to_fixed(r.fg, 3), to_fixed(r.abv, 1)) == ("1.061", "1.014", "6.3")
    assert (to_fixed(r.color, 1), round(r.calories), to_fixed(r.ibu, 1)) == ("9.9", 200, "23.2")
    assert (to_fixed(r.bu_to_gu, 2), to_fixed(r.bv, 2), to_fixed(r.price, 2)) == ("0.38", "0.84", "36.59")
    scaled = scale(recipe, 10, 6)
    assert (scaled.batch_size, scaled.boil_size) == (10, 6)
    s = calculate(scaled)
    assert (to_fixed(s.og, 3), to_fixed(s.fg, 3), to_fixed(s.ibu, 1)) == ("1.061", "1.014", "23.2")
    assert recipe.batch_size == 20.0  # scale() returns a copy


def test_brauhaus_suite_mash() -> None:
    recipe = brauhaus_recipe(
        fermentables=[{"name": "Pilsner malt", "weight": 4.5, "yield": 74.0, "color": 1.5}],
        spices=[{"name": "Cascade hops", "weight": 0.02835, "aa": 5.0, "time": 45}],
        yeast=[{"name": "Wyeast 1728 - Scottish Ale", "attenuation": 73}],
        mash={"name": "Test mash", "ph": 5.4, "steps": [
            {"name": "Rest", "type": "Infusion", "temp": 60, "time": 30, "waterRatio": 2.75},
            {"name": "Saccharification", "type": "Temperature", "temp": 70, "time": 60,
             "waterRatio": 2.75},
        ]},
    )
    r = calculate(recipe)
    assert (to_fixed(r.og, 3), to_fixed(r.fg, 3), to_fixed(r.abv, 1)) == ("1.048", "1.013", "4.6")
    assert (to_fixed(r.color, 1), round(r.calories), to_fixed(r.ibu, 1)) == ("3.0", 158, "11.4")
    assert (to_fixed(r.bu_to_gu, 2), to_fixed(r.bv, 2), to_fixed(r.price, 2)) == ("0.24", "0.47", "27.30")


# ------------------------------------------------------------ hand-derived branch checks


def test_efficiency_by_addition() -> None:
    # 1 kg at yield 100 in 20 l: gu = 46.214 * 2.20462 / (20 * 0.264172).
    gu = 46.214 * 2.20462 / (20 * 0.264172)
    for name, efficiency in (("Pale malt", 0.75), ("Crystal 60", 0.5), ("Corn sugar", 1.0)):
        recipe = Recipe(fermentables=[Fermentable(name=name, weight=1.0, yield_=100.0)])
        assert calculate(recipe).og == pytest.approx(1 + gu * efficiency / 1000, rel=1e-15)


def test_mcu_color_and_grain_weight() -> None:
    recipe = Recipe(fermentables=[
        Fermentable(name="Pale malt", weight=2.0, color=3.0),
        Fermentable(name="Light DME", weight=1.0, color=4.0),
    ])
    mcu = (3.0 * 2.0 * 2.20462 + 4.0 * 2.20462) / (20 * 0.264172)
    r = calculate(recipe)
    assert r.color == pytest.approx(1.4922 * mcu**0.6859, rel=1e-14)
    assert r.grain_weight == 2.0  # DME is extract, not grain
    assert r.price == pytest.approx(2 * 4.40 + 8.80)


def test_attenuation_is_the_highest_yeast_and_defaults_to_75() -> None:
    base = {"fermentables": [{"name": "Pale extract", "weight": 3}]}
    og = calculate(Recipe.from_dict(base)).og
    yeasts = [{"attenuation": 70}, {"attenuation": 81}, {"attenuation": 66}]
    several = Recipe.from_dict({**base, "yeast": yeasts})
    assert calculate(several).fg == pytest.approx(og - (og - 1) * 0.81)
    zero = Recipe.from_dict({**base, "yeast": [{"attenuation": 0}]})
    assert calculate(zero).fg == pytest.approx(og - (og - 1) * 0.75)
    prices = Recipe.from_dict({"yeast": [{"name": "WLP001"}, {"name": "US-05"}, {"name": "Wyeast 1056"}]})
    assert calculate(prices).price == 7.0 + 3.5 + 7.0


def test_only_boil_hops_add_ibu_and_pellet_is_case_sensitive() -> None:
    def ibu(**spice: object) -> float:
        hop = {"name": "Hop", "weight": 0.03, "aa": 6.0, "time": 60, **spice}
        return calculate(Recipe.from_dict({"spices": [hop]})).ibu

    assert ibu() > 0
    assert ibu(use="BOIL") == ibu()
    for use in ("first wort", "aroma", "mash", "dry hop", "primary"):
        assert ibu(use=use) == 0
    assert ibu(form="pellet") / ibu(form="Pellet") == pytest.approx(1.15)
    assert ibu(aa=0) == 0


def test_tinseth_and_rager_by_hand() -> None:
    spice = Spice(weight=0.02, aa=10.0, time=31.32, form="leaf")
    # Rager at t = 31.32: tanh(0) = 0 → utilisation 18.11; no gravity adjustment below 1.050.
    assert bitterness(spice, "rager", 1.040, 20.0) == pytest.approx(0.02 * 100 * 18.11 * 10 / 20)
    adj = (1.070 - 1.050) / 0.2
    assert bitterness(spice, "rager", 1.070, 20.0) == pytest.approx(
        0.02 * 100 * 18.11 * 10 / (20 * (1 + adj))
    )
    expected = 1.65 * 0.000125**0.04 * ((1 - math.exp(-0.04 * 31.32)) / 4.15) * (0.1 * 0.02e6 / 20)
    assert bitterness(spice, "tinseth", 1.04, 20.0) == pytest.approx(expected, rel=1e-12)


def test_late_sugar_raises_hop_utilisation_not_gravity() -> None:
    def results(late: bool):
        return calculate(Recipe.from_dict({
            "fermentables": [
                {"name": "Light DME", "weight": 2},
                {"name": "Corn sugar", "weight": 1, "late": late},
            ],
            "spices": [{"name": "Hop", "weight": 0.03, "aa": 6.0}],
        }))

    early, late = results(False), results(True)
    assert late.og == early.og
    assert late.ibu > early.ibu


def test_unknown_ibu_method_is_lazy() -> None:
    assert calculate(Recipe.from_dict({"ibuMethod": "daniels"})).ibu == 0
    with pytest.raises(RecipeError, match="ibuMethod"):
        calculate(Recipe.from_dict({"ibuMethod": "daniels", "spices": [{"aa": 5}]}))


def test_empty_recipe_follows_javascript() -> None:
    r = calculate(Recipe())
    assert r.og == 1.0 and r.fg == 1.0 and r.abv == 0
    assert r.og_plato == (-463.37) + 668.72 - 205.35  # 2.842170943040401e-14, not 0
    assert math.isnan(r.bu_to_gu) and math.isnan(r.bv)
    assert r.to_dict()["buToGu"] is None
    with_hops = calculate(Recipe.from_dict({"spices": [{"aa": 5}]}))
    assert with_hops.bu_to_gu == math.inf


def test_zero_sizes_give_infinity_and_nan_not_exceptions() -> None:
    r = calculate(Recipe.from_dict({"batchSize": 0, "fermentables": [{"weight": 1}]}))
    assert r.og == math.inf and math.isnan(r.fg) and math.isnan(r.abv)
    assert r.to_dict()["og"] is None
    no_boil = Recipe.from_dict(
        {"boilSize": 0, "fermentables": [{"name": "Pale extract"}], "spices": [{"aa": 5}]}
    )
    assert calculate(no_boil).ibu == 0
    steps = timeline(no_boil)
    assert steps[0][1] == "Bring 0.0l to a rolling boil (about NaN minutes)."
    assert math.isnan(steps[-1][0])
    serving = Recipe.from_dict({"servingSize": 0})
    assert calculate(serving).bottle_count == math.inf and calculate(serving).calories == 0


def test_priming_defaults_and_explicit_values() -> None:
    default = calculate(Recipe())
    t = 23 * 1.8 + 32
    assert default.priming_corn_sugar == pytest.approx(
        0.015195 * 5 * (2.5 - 3.0378 + 0.050062 * t - 0.00026555 * t * t)
    )
    t = 10 * 1.8 + 32
    explicit = calculate(Recipe(bottling_pressure=2.0, bottling_temp=10))
    assert explicit.priming_corn_sugar == pytest.approx(
        0.015195 * 5 * (2.0 - 3.0378 + 0.050062 * t - 0.00026555 * t * t)
    )
    assert explicit.priming_dme == pytest.approx(explicit.priming_corn_sugar * 1.33249)


def test_grade_counts_named_ingredients() -> None:
    assert grade(Recipe()) == 0
    assert grade(Recipe(name="", description="", author="")) == 0
    full = Recipe.from_dict({
        "name": "IPA", "description": "Hoppy", "author": "Kim", "style": {},
        "fermentables": [{"name": "Pale malt"}], "spices": [{"name": "Simcoe"}], "yeast": [{"name": "US-05"}],
    })
    assert grade(full) == 8.0
    unnamed = Recipe.from_dict({"fermentables": [{}], "spices": [{"name": "Hop"}]})
    assert grade(unnamed) == 1.0 + 1.5


def test_scale_linear_for_spices_without_alpha_or_time() -> None:
    recipe = Recipe.from_dict({
        "fermentables": [{"name": "Pale malt", "weight": 4}],
        "spices": [
            {"name": "Coriander", "weight": 0.01},
            {"name": "Hop", "aa": 5, "time": 0, "weight": 0.02},
        ],
    })
    scaled = scale(recipe, 40, 20)
    assert scaled.fermentables[0].weight == 8
    assert [s.weight for s in scaled.spices] == [0.02, 0.04]
