"""timeline() keeps memos (whether a spice use boils, the fermenter-time words): what it answers
must never depend on what it answered before."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kegdash.brewing import Recipe, timeline
from kegdash.brewing.memo import forget_all

# Every kind of instruction: mash with a strike, a mash heat and a second infusion, steeped
# grains, boil and late sugar, hops at 60 and 5 minutes, secondary fermentation and aging.
EVERY_INSTRUCTION = {
    "batchSize": 20, "boilSize": 25, "secondaryDays": 7, "agingDays": 14, "agingTemp": 12,
    "fermentables": [
        {"name": "Pale malt", "weight": 4.5, "yield": 79},
        {"name": "Crystal 40", "weight": 0.3, "yield": 74},
        {"name": "Light DME", "weight": 0.5, "yield": 95, "late": True},
        {"name": "Corn sugar", "weight": 0.25, "yield": 100},
    ],
    "spices": [
        {"name": "Magnum", "weight": 0.02, "aa": 12, "time": 60},
        {"name": "Saaz", "weight": 0.03, "aa": 4, "time": 5},
    ],
    "yeast": [{"name": "US-05"}],
    "mash": {"name": "Step", "steps": [
        {"name": "Rest", "waterRatio": 2.5, "temp": 52, "time": 15},
        {"name": "Sacch", "type": "Temperature", "waterRatio": 2.5, "temp": 67, "time": 60},
        {"name": "Out", "waterRatio": 3.5, "temp": 76, "time": 10},
    ]},
}
# Every number timeline() reads, as attribute paths on the Recipe.
NUMBERS = [
    ("batch_size",), ("boil_size",), ("steep_efficiency",), ("steep_time",), ("mash_efficiency",),
    ("serving_size",), ("primary_days",), ("primary_temp",), ("secondary_days",),
    ("tertiary_days",), ("aging_days",), ("aging_temp",),
    *(("fermentables", i, attr) for i in range(4) for attr in ("weight", "yield_")),
    *(("spices", i, attr) for i in range(2) for attr in ("weight", "time")),
    *(("mash", "steps", i, attr) for i in range(3) for attr in ("water_ratio", "temp", "time")),
]


def edit(recipe: Recipe, path: tuple, value: float) -> None:
    target = recipe
    for step in path[:-1]:
        target = target[step] if isinstance(step, int) else getattr(target, step)
    setattr(target, path[-1], value)


def answered(recipe: Recipe, si_units: bool) -> list:
    # repr: NaN minutes compare equal to themselves, -0.0 differs from 0.0
    return [(repr(minutes), text) for minutes, text in timeline(recipe, si_units)]


def from_nothing(recipe: Recipe, si_units: bool) -> list:
    forget_all()
    return answered(recipe, si_units)


def test_every_instruction_is_in_the_recipe_used_here() -> None:
    texts = " | ".join(text for _, text in timeline(Recipe.from_dict(EVERY_INSTRUCTION)))
    for words in ("Begin Step mash", "Heat 12.0l to 57°C", "Heat the mash to 67°C", "Sacch: Stop",
                  "Heat 4.8l to 82°C", "Out: Infuse 16.8l", "Heat 0.8l to 68°C", "steep for 20 minutes",
                  "Top up the wort", "Add 0.3kg of Corn sugar (4.8 GU), 20g of Magnum",
                  "Add 0.5kg of Light DME (9.2 GU), 30g of Saaz", "Flame out", "Pitch US-05",
                  "Move to secondary fermenter for 1 week", "Age at 12C for 14 days"):
        assert words in texts


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(NUMBERS),
    st.one_of(
        st.floats(min_value=-1e4, max_value=1e4, allow_nan=False),
        st.sampled_from([0.0, -0.0, 0.25, 0.05, 7.5, 1e-7, 1e21, float("inf")]),
    ),
    st.booleans(),
)
def test_a_recipe_edited_in_place_is_worded_from_its_new_numbers(
    path: tuple, value: float, si_units: bool
) -> None:
    recipe = Recipe.from_dict(EVERY_INSTRUCTION)
    answered(recipe, si_units)  # the memos now hold what the unedited recipe asked
    edit(recipe, path, value)
    assert answered(recipe, si_units) == from_nothing(recipe, si_units)


@pytest.mark.parametrize("path", NUMBERS)
@pytest.mark.parametrize(("before", "after"), [(0.0, -0.0), (-0.0, 0.0)])
def test_zero_and_minus_zero_never_share_words_wrongly(path: tuple, before: float, after: float) -> None:
    # They compare equal, so they would share memo entries; that is only right where the words
    # of -0 and 0 are the same and the sign could not change the rest of the brew day.
    for si_units in (True, False):
        recipe = Recipe.from_dict(EVERY_INSTRUCTION)
        edit(recipe, path, before)
        answered(recipe, si_units)
        edit(recipe, path, after)
        assert answered(recipe, si_units) == from_nothing(recipe, si_units)


def test_the_answer_belongs_to_the_caller() -> None:
    recipe = Recipe.from_dict(EVERY_INSTRUCTION)
    expected = answered(recipe, True)
    steps = timeline(recipe, True)
    steps[0][1] = "changed"
    steps[1][0] = -1.0
    steps.append([0.0, "extra"])
    assert answered(recipe, True) == expected
