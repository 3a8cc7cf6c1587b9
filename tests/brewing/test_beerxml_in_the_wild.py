"""BeerXML files as BeerSmith, Brewtarget and Brewfather write them (small files of our own in
data/ reproducing each behaviour): what the file says is kept, exports are valid BeerXML 1.0,
and import → export → import changes nothing."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from beerxml_rules import problems

from kegdash.brewing import BeerXmlError, Recipe, parse_beerxml, timeline, to_beerxml
from kegdash.brewing.beerxml import read_beerxml
from kegdash.units import ML_PER_US_QUART

DATA = Path(__file__).parent / "data"
SAMPLES = Path(__file__).resolve().parents[2] / "resources" / "beerxml"
FILES = sorted([*DATA.glob("*.xml"), *SAMPLES.glob("*.xml")])


def test_beersmith_mash_water_comes_from_the_amount_the_step_type_names() -> None:
    (recipe,) = parse_beerxml((DATA / "beersmith-decoction.xml").read_bytes())
    grain = 3.6287389 + 0.9071847 + 0.1133981
    protein, conversion, mash_out = recipe.mash.steps
    # INFUSE_AMOUNT is the infusion's water although "<DECOCTION_AMT>0.00 qt" follows it.
    assert protein.water_ratio == pytest.approx(11.8294119 / grain, rel=1e-12)
    # A decoction step's amount is DECOCTION_AMT, with the unit BeerSmith writes (US quarts).
    assert conversion.water_ratio == pytest.approx(5.02 * ML_PER_US_QUART / 1000 / grain, rel=1e-12)
    assert mash_out.water_ratio == 0.0
    # The brew day (Brauhaus's words, as the API returns them) infuses the water, not 0.0 l.
    texts = [text for _, text in timeline(recipe)]
    assert any(text.startswith("Protein Rest: Infuse 11.8l for 20 minutes at 50C") for text in texts)
    assert not any("Infuse 0.0l" in text for text in texts)


def test_names_keep_their_surrounding_whitespace() -> None:
    (dunkel,) = parse_beerxml((DATA / "beersmith-decoction.xml").read_bytes())
    assert dunkel.name == "Böhmisches Dunkel"
    assert dunkel.mash.steps[1].name == "Conversion Step, 68C "
    (wheat,) = parse_beerxml((DATA / "brewfather-skipped-fields.xml").read_bytes())
    assert [step.name for step in wheat.mash.steps] == ["Ferulic Acid Rest, 45C ",
                                                        "Saccharification, 66C "]
    # List values and numbers are still read without the whitespace around them.
    again = parse_beerxml(to_beerxml(wheat))[0]
    assert again.mash.steps[0].name == "Ferulic Acid Rest, 45C "


def test_an_unreadable_optional_field_is_skipped_with_a_warning_naming_it() -> None:
    (item,) = read_beerxml((DATA / "brewfather-skipped-fields.xml").read_bytes())
    assert item.error is None and item.name == "Hazy Wheat"
    assert item.warnings == (
        "RECIPE[1]/PRIMARY_AGE: 'two weeks' is not a number; skipped",
        "RECIPE[1]/MASH/GRAIN_TEMP: 'unknown' is not a number; skipped",
        "RECIPE[1]/MASH/MASH_STEPS/MASH_STEP[1]/RAMP_TIME: 'n/a' is not a number; skipped",
    )
    recipe = item.recipe
    assert (recipe.primary_days, recipe.mash.grain_temp, recipe.mash.steps[0].ramp_time) == (
        14.0, 23.0, None)  # the defaults stand
    assert recipe.mash.steps[0].water_ratio == 15 / 5.0 and recipe.primary_temp == 19


def test_a_required_field_refuses_its_recipe_only_with_the_element_path() -> None:
    items = read_beerxml((DATA / "brewtarget-three-recipes.xml").read_bytes())
    assert [(i.position, i.name, i.recipe is not None) for i in items] == [
        (1, "Ordinary Bitter", True), (2, "Half-typed Porter", False), (3, "Sunday Session IPA", True)]
    assert items[1].error == ("RECIPE[2]/FERMENTABLES/FERMENTABLE[1]/AMOUNT must be a number, "
                              "not 'a handful'")
    with pytest.raises(BeerXmlError, match=r"RECIPE\[2\]/FERMENTABLES/FERMENTABLE\[1\]/AMOUNT"):
        parse_beerxml((DATA / "brewtarget-three-recipes.xml").read_bytes())
    # Brewtarget's DECOCTION_AMT of 0 after the infusion amount does not drain the mash.
    assert items[0].recipe.mash.steps[0].water_ratio == pytest.approx(8.4 / 3.35)
    infusion = ("<RECIPE><FERMENTABLES><FERMENTABLE><NAME>Pale</NAME><AMOUNT>4</AMOUNT>"
                "</FERMENTABLE></FERMENTABLES><MASH><MASH_STEPS><MASH_STEP><TYPE>{}</TYPE>"
                "<INFUSE_AMOUNT>lots</INFUSE_AMOUNT></MASH_STEP></MASH_STEPS></MASH></RECIPE>")
    (refused,) = read_beerxml(infusion.format("Infusion"))
    assert refused.error.startswith("RECIPE/MASH/MASH_STEPS/MASH_STEP[1]/INFUSE_AMOUNT must be")
    (skipped,) = read_beerxml(infusion.format("Temperature"))  # not required there
    assert skipped.recipe is not None and skipped.warnings


def test_style_fields_are_kept_through_import_and_export() -> None:
    (recipe,) = parse_beerxml((DATA / "beersmith-decoction.xml").read_bytes())
    style = recipe.style
    assert (style.name, style.category, style.category_number, style.style_letter,
            style.style_guide, style.type) == ("Czech Dark Lager", "Czech Lager", "3", "D",
                                               "BJCP 2015", "Lager")
    node = ET.fromstring(to_beerxml(recipe).encode()).find("RECIPE/STYLE")
    assert [node.findtext(tag) for tag in ("NAME", "CATEGORY", "CATEGORY_NUMBER", "STYLE_LETTER",
                                           "STYLE_GUIDE", "TYPE", "OG_MIN", "COLOR_MAX")] == [
        "Czech Dark Lager", "Czech Lager", "3", "D", "BJCP 2015", "Lager", "1.044", "35"]


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_import_export_import_changes_nothing(path: Path) -> None:
    items = [item.recipe for item in read_beerxml(path.read_bytes()) if item.recipe is not None]
    assert items
    exported = to_beerxml(items)
    again = parse_beerxml(exported)
    assert [r.to_dict() for r in again] == [r.to_dict() for r in items]
    assert to_beerxml(again) == exported


EDGE_RECIPES = {
    "editor default": Recipe(),
    "all grain without style or mash": Recipe.from_dict({
        "fermentables": [{"name": "Pale malt", "weight": 4}], "yeast": [{"name": "S-23",
                                                                          "type": "lager"}]}),
    "values outside BeerXML's lists": Recipe.from_dict({
        "fermentables": [{"name": "Pale malt", "weight": 4}, {"name": "Honey"}],
        "spices": [{"name": "Citra", "aa": 12, "use": "whirlpool", "form": "cryo"},
                   {"name": "Mosaic", "aa": 11, "use": "secondary", "form": "pellet"},
                   {"name": "Coriander", "use": "dry hop"}],
        "yeast": [{"name": "Kveik", "type": "farmhouse", "form": "harvested"}],
        "style": {"name": "Fruit IPA", "type": "Hybrid"},
        "mash": {"steps": [{"name": "Sparge", "type": "Fly sparge"}]},
    }),
}


@pytest.mark.parametrize("name", sorted(EDGE_RECIPES))
def test_edge_recipes_export_validly_and_come_back_unchanged(name: str) -> None:
    recipe = EDGE_RECIPES[name]
    exported = to_beerxml(recipe)
    assert problems(exported) == []
    (again,) = parse_beerxml(exported)
    # Everything a recipe holds comes back verbatim, except that a style read from BeerXML always
    # has ranges (brauhaus-beerxml's defaults where the file has none).
    assert {**again.to_dict(), "style": None} == {**recipe.to_dict(), "style": None}
    if recipe.style is None:
        assert again.style is None
    else:
        assert (again.style.name, again.style.type) == (recipe.style.name, recipe.style.type)
    assert parse_beerxml(to_beerxml(again))[0].to_dict() == again.to_dict()


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_every_export_is_valid_beerxml(path: Path) -> None:
    recipes = [item.recipe for item in read_beerxml(path.read_bytes()) if item.recipe is not None]
    assert problems(to_beerxml(recipes)) == []


def test_the_checker_finds_what_breaks_the_rules() -> None:
    # What Brauhaus's own export writes (lower-case tags, <weight>, no VERSION in records …)
    # and an export missing the required yeast amount and style identifiers both fail.
    brauhaus = ("<recipes><recipe><version>1</version><name>Test</name><fermentables>"
                "<fermentable><version>1</version><name>Pale</name><weight>3.5</weight>"
                "</fermentable></fermentables></recipe></recipes>")
    assert problems(brauhaus) == ["the root is recipes, not RECIPES"]
    valid = to_beerxml(EDGE_RECIPES["values outside BeerXML's lists"])
    root = ET.fromstring(valid.encode())
    yeast, style = root.find("RECIPE/YEASTS/YEAST"), root.find("RECIPE/STYLE")
    yeast.remove(yeast.find("AMOUNT"))
    style.remove(style.find("CATEGORY_NUMBER"))
    root.find("RECIPE/HOPS/HOP/FORM").text = "pellet"
    root.find("RECIPE/FERMENTABLES/FERMENTABLE/ADD_AFTER_BOIL").text = "false"
    assert problems(ET.tostring(root)) == [
        "RECIPE[1]/STYLE/CATEGORY_NUMBER is required",
        "RECIPE[1]/FERMENTABLES/FERMENTABLE[1]/ADD_AFTER_BOIL: 'false' is not TRUE or FALSE",
        "RECIPE[1]/HOPS/HOP[1]/FORM: 'pellet' is not one of Pellet, Plug, Leaf",
        "RECIPE[1]/YEASTS/YEAST[1]/AMOUNT is required",
    ]
