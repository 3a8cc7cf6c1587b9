"""The window's wording of the brew day: one unit style, boil minutes, no Brauhaus oddities."""

from __future__ import annotations

import pytest

from kegdash.brewing import Recipe
from kegdash.brewing.brewday import Item, Step
from kegdash.ui.recipe_brewday import brew_day_lines, step_text, temperature, volume, weight

RECIPE = Recipe.from_dict({
    "boilSize": 25, "primaryTemp": 19.5, "agingDays": 14, "agingTemp": 12, "bottlingPressure": 2.4,
    "fermentables": [{"name": "Pale malt", "weight": 4.25}, {"name": "Amber DME", "weight": 0.3,
                                                              "late": True}],
    "spices": [{"name": "Cascade", "weight": 0.028, "aa": 5.5, "time": 60},
               {"name": "Whirlfloc", "weight": 0.0015, "time": 7.5}],
    "yeast": [{"name": "US-05"}],
    "mash": {"name": "Single", "steps": [{"name": " Conversion Step, 68C ", "temp": 68,
                                          "waterRatio": 3, "time": 60}]},
})


def test_units_are_worded_one_way():
    assert (volume(10, "metric"), volume(10, "us")) == ("10.0 L", "2.6 gal")
    assert (temperature(20, "metric"), temperature(20, "us")) == ("20 °C", "68 °F")
    assert temperature(75.5555556, "metric") == "75.6 °C"
    assert [weight(kg, "fermentable", "metric") for kg in (4.25, 0.3)] == ["4.25 kg", "300 g"]
    assert [weight(kg, "hop", "metric") for kg in (0.028, 0.0015)] == ["28 g", "1.5 g"]
    assert [weight(kg, "fermentable", "us") for kg in (4.5, 0.3)] == ["9.92 lb", "10.6 oz"]
    assert weight(0.028, "hop", "us") == "0.99 oz"


def test_metric_brew_day():
    lines = brew_day_lines(RECIPE, "metric")
    texts = [text for _, text in lines]
    assert texts == [
        "Heat 12.8 L of water to 74.3 °C",
        "Conversion Step, 68C: mash in 4.25 kg Pale malt; rest 60 min at 68 °C",
        "Lauter; sparge with water at 76 °C to collect 25.0 L",
        "Bring 25.0 L to a boil; boil 60 min",
        "60 min: add 28 g Cascade",
        "7.5 min: add 1.5 g Whirlfloc",
        "5 min: add 300 g Amber DME",
        "0 min: flame out",
        "Chill to 19.5 °C; pitch US-05",
        "Primary: 14 days at 19.5 °C",
        "Carbonate to 2.4 volumes CO₂; condition 14 days at 12 °C",
    ]
    assert [title for title, _ in lines][:3] == ["Mash"] * 3
    assert {title for title, _ in lines} == {"Mash", "Boil", "Fermentation"}


def test_us_brew_day_has_no_metric_left():
    texts = [text for _, text in brew_day_lines(RECIPE, "us")]
    assert texts[0] == "Heat 3.4 gal of water to 165.7 °F"
    assert "60 min: add 0.99 oz Cascade" in texts
    assert not any(unit in text for text in texts for unit in (" L", "°C", " kg", " g "))


@pytest.mark.parametrize(("step", "text"), [
    (Step("mash", "infuse", name="Rest", liters=2.25, celsius=156, target=67, minutes=60),
     "Rest: add 2.2 L of boiling water and heat the mash to 67 °C; rest 60 min"),
    (Step("mash", "infuse", name="Rest", liters=5, celsius=92, target=67, minutes=60),
     "Rest: add 5.0 L of water at 92 °C; rest 60 min at 67 °C"),
    (Step("mash", "decoct", name="Decoction", liters=4.75, target=68, minutes=45),
     "Decoction: boil 4.8 L of the mash and stir it back in to reach 68 °C; rest 45 min"),
    (Step("boil", "flame_out", items=(Item("Citra", "hop", 0.05),)),
     "0 min: flame out, add 50 g Citra"),
    (Step("ferment", "dry_add", items=(Item("Citra", "hop", 0.05),), days=1),
     "Dry hop: add 50 g Citra for 1 day"),
    (Step("ferment", "package"), "Package"),
])
def test_single_steps(step, text):
    assert step_text(step, "metric") == text
