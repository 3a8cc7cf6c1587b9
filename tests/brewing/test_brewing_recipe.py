"""Recipe value objects: Brauhaus defaults, forgiving parsing, strict types, toJSON shape."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kegdash.brewing import Fermentable, MashStep, Recipe, RecipeError
from kegdash.brewing.recipe import (
    BOIL_WORDS,
    DRY_SPICE_WORDS,
    STEEP_WORDS,
    classify,
    mentions,
)

# The seed's /v1/convert/recipe answer for its one-fermentable BeerXML recipe.
SEED_JSON = {
    "agingDays": 14, "agingTemp": 20, "author": "Anonymous Brewer", "batchSize": 20,
    "boilSize": 10, "bottlingPressure": 0, "bottlingTemp": 0,
    "description": "Recipe description",
    "fermentables": [{"color": 2, "late": False, "name": "Pale extract", "weight": 3.5, "yield": 75}],
    "ibuMethod": "tinseth", "mash": None, "mashEfficiency": 75, "name": "Test",
    "primaryDays": 14, "primaryTemp": 20, "secondaryDays": 0, "secondaryTemp": 0,
    "servingSize": 0.355, "spices": [], "steepEfficiency": 50, "steepTime": 20, "style": None,
    "tertiaryDays": 0, "tertiaryTemp": 0, "yeast": [],
}


def test_defaults_and_seed_shape() -> None:
    recipe = Recipe.from_dict({"name": "Test", "fermentables": [{"name": "Pale extract", "weight": 3.5}]})
    assert recipe.to_dict() == SEED_JSON
    assert list(recipe.to_dict())[:4] == ["name", "description", "author", "boilSize"]
    assert Recipe.from_dict({}).to_dict() == Recipe().to_dict()


def test_ingredient_defaults_match_brauhaus() -> None:
    data = Recipe.from_dict(
        {"fermentables": [{}], "spices": [{}], "yeast": [{}], "mash": {"steps": [{}]}}
    ).to_dict()
    assert data["fermentables"] == [
        {"name": "New Fermentable", "weight": 1, "yield": 75, "color": 2, "late": False}
    ]
    assert data["spices"] == [
        {"name": "New Spice", "weight": 0.025, "aa": 0, "use": "boil", "time": 60, "form": "pellet"}
    ]
    assert data["yeast"] == [{"name": "New Yeast", "type": "ale", "form": "liquid", "attenuation": 75}]
    assert data["mash"] == {
        "name": "", "grainTemp": 23, "spargeTemp": 76, "ph": None, "notes": "",
        "steps": [{"name": "Saccharification", "type": "Infusion", "waterRatio": 3, "temp": 68,
                   "endTemp": None, "time": 60, "rampTime": None}],
    }


def test_brauhaus_json_round_trip() -> None:
    # The JSON string of Brauhaus's own test suite (test/recipe.coffee) survives a round trip.
    text = (
        '{"name":"New Recipe","description":"Recipe description","author":"Anonymous Brewer",'
        '"boilSize":10,"batchSize":20,"servingSize":0.355,"steepEfficiency":50,"steepTime":20,'
        '"mashEfficiency":75,"style":null,"ibuMethod":"tinseth","fermentables":[{"name":"Test fermentable",'
        '"weight":1,"yield":75,"color":2,"late":false}],"spices":[{"name":"Test hop","weight":0.025,'
        '"aa":3.5,"use":"boil","time":60,"form":"pellet"}],"yeast":[{"name":"Test yeast","type":"ale",'
        '"form":"liquid","attenuation":75}],"mash":{"name":"Test mash","grainTemp":23,"spargeTemp":76,'
        '"ph":null,"notes":"","steps":[{"name":"Test step","type":"infusion","waterRatio":3,"temp":68,'
        '"endTemp":null,"time":60,"rampTime":null}]},"bottlingTemp":0,"bottlingPressure":0,'
        '"primaryDays":14,"primaryTemp":20,"secondaryDays":0,"secondaryTemp":0,"tertiaryDays":0,'
        '"tertiaryTemp":0,"agingDays":14,"agingTemp":20}'
    )
    import json

    recipe = Recipe.from_json(text)
    assert json.dumps(recipe.to_dict(), separators=(",", ":")) == text
    assert f"{recipe.fermentables[0].weight_lb():.1f}" == "2.2"
    assert recipe.yeast[0].price() == 3.5


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"fermentables": [{"weight": "3.5"}]}, "fermentables[0].weight must be a number"),
        ({"fermentables": [{}, {"yield": None}]}, "fermentables[1].yield must be a number"),
        ({"spices": [{"aa": True}]}, "spices[0].aa must be a number"),
        ({"batchSize": [20]}, "batchSize must be a number"),
        ({"name": 5}, "name must be a string"),
        ({"yeast": {"name": "x"}}, "yeast must be an array"),
        ({"spices": ["Cascade"]}, "spices[0] must be an object"),
        ({"mash": {"steps": [{"temp": "hot"}]}}, "mash.steps[0].temp must be a number"),
        ({"style": {"og": [1.04]}}, "style.og must be an array of two numbers"),
        ([], "recipe must be an object"),
    ],
)
def test_strict_where_needed(data: object, message: str) -> None:
    with pytest.raises(RecipeError) as info:
        Recipe.from_dict(data)
    assert str(info.value) == message


def test_forgiving_like_brauhaus() -> None:
    recipe = Recipe.from_dict(
        {"fermentables": None, "mash": None, "unknown": 1, "fermentables_extra": [],
         "spices": [{"name": "Hop", "colour": "green"}]}
    )
    assert recipe.fermentables == [] and recipe.mash is None
    # late follows JavaScript truthiness: the string "false" is true.
    assert Recipe.from_dict({"fermentables": [{"late": "false"}]}).fermentables[0].late is True
    assert Recipe.from_dict({"fermentables": [{"late": 0}]}).fermentables[0].late is False
    with pytest.raises(RecipeError, match="not valid JSON"):
        Recipe.from_json("{nope")


@pytest.mark.parametrize(
    ("name", "kind", "addition"),
    [
        ("Pale malt", "grain", "mash"),
        ("", "grain", "mash"),
        ("Munich malt", "grain", "steep"),
        ("Vienna malt", "grain", "steep"),
        ("Caramunich", "grain", "steep"),
        ("Special Roast", "grain", "steep"),
        ("SpecialB", "grain", "steep"),
        ("Roasted barley", "grain", "steep"),
        ("Black patent", "grain", "steep"),
        ("Toasted oats", "grain", "steep"),
        ("Honey malt", "extract", "boil"),
        ("Dry roasted barley", "extract", "boil"),
        ("Liquid smoke", "extract", "boil"),
        ("Rice syrup solids", "extract", "boil"),
        ("Rice syrup (mash)", "extract", "mash"),
        ("Crystal 40 (mash)", "grain", "mash"),
        ("Mashed pumpkin", "grain", "mash"),
        ("Pale malt (steep)", "grain", "steep"),
        ("Black malt (steeped)", "grain", "steep"),
        ("Pale malt (boil)", "grain", "boil"),
        ("PALE EXTRACT", "extract", "boil"),
    ],
)
def test_classification_by_name(name: str, kind: str, addition: str) -> None:
    fermentable = Fermentable(name=name)
    assert (fermentable.type(), fermentable.addition()) == (kind, addition)


def test_grain_weight_and_bottles() -> None:
    recipe = Recipe.from_dict({"fermentables": [
        {"name": "Rice syrup (mash)", "weight": 1}, {"name": "Pale malt (boil)", "weight": 2},
        {"name": "Crystal 60", "weight": 0.5},
    ]})
    assert recipe.grain_weight() == 2.5
    assert recipe.bottle_count() == 56  # floor(20 / 0.355)


def test_mash_step_descriptions() -> None:
    step = MashStep(temp=68.0, time=60, water_ratio=3.0)
    assert step.description(True, 4.0) == "Infuse 12.0l for 60 minutes at 68C"
    assert step.description(True) == "Infuse 3.0l per kg of grain for 60 minutes at 68C"
    assert step.description(False) == "Infuse 1.4qt per lb of grain for 60 minutes at 154.4F"
    assert MashStep(type="Temperature", temp=52).description() == (
        "Stop heating and hold for 60 minutes at 52C"
    )
    assert MashStep(type="Decoction", water_ratio=1, temp=72, time=10).description(True, 2) == (
        "Add 2.0l boiled water to reach 72C and hold for 10 minutes"
    )
    assert MashStep(type="Step").description() == "Unknown mash step type 'Step'!"
    # JavaScript number printing, no degree sign: 52 °C is 125.60000000000001 °F.
    assert MashStep(temp=52).description(False, 1).endswith("at 125.60000000000001F")


WORD_LISTS = (BOIL_WORDS, STEEP_WORDS, DRY_SPICE_WORDS)
# Letters whose case folding differs between Unicode and a JavaScript regex without the u flag:
# the Kelvin sign and the long s fold to k and s in Python's str.lower() (and re without ASCII).
ODD_LETTERS = "KſİıßéÉ"


@settings(max_examples=500)
@given(st.lists(st.one_of(st.sampled_from([w for words in WORD_LISTS for w in words]),
                          st.text(alphabet="abcdeklmnorsty " + ODD_LETTERS, max_size=6)),
                max_size=4),
       st.lists(st.booleans(), max_size=40))
def test_a_name_mentions_a_word_as_a_javascript_regex_without_u_finds_it(parts, upper) -> None:
    name = "".join(c.upper() if i < len(upper) and upper[i] else c
                   for i, c in enumerate(" ".join(parts)))
    for words in WORD_LISTS:
        spec = re.compile("|".join(words), re.IGNORECASE | re.ASCII)  # /a|b|…/i in JavaScript
        assert mentions(name, words) == (spec.search(name) is not None)


@pytest.mark.parametrize(("name", "kind", "addition"), [
    ("Pale Malt (2 Row)", "grain", "mash"), ("CaraMunich II", "grain", "steep"),
    ("Special B", "grain", "steep"), ("SpecialB", "grain", "steep"), ("Light DME", "extract", "boil"),
    ("Munich LME (steep)", "extract", "steep"), ("Crystal 60 - mash", "grain", "mash"),
    ("Candi Sugar, Dark", "extract", "boil"), ("Roasted Barley (boil)", "grain", "boil"),
    ("CRYSTAL 40", "grain", "steep"), ("Dar\u212a Roast", "grain", "steep"),
    ("Blac\u212a Patent", "grain", "mash"),  # the Kelvin sign is not a k to /black/i
    ("\u017fugar", "grain", "mash"),  # the long s is not an s to JavaScript's /sugar/i
])
def test_fermentables_are_classified_by_the_words_in_their_names(name, kind, addition) -> None:
    assert classify(name) == (kind, addition)
