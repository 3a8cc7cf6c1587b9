"""BeerXML import/export: the seed example, real-world tolerance, round trips, hostile input."""

import math
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from kegdash.brewing import BeerXmlError, Recipe, calculate, parse_beerxml, to_beerxml
from kegdash.brewing.beerxml import MAX_BYTES

SAMPLES = Path(__file__).resolve().parents[2] / "resources" / "beerxml"
SEED_XML = (
    "<recipes><recipe><version>1</version><name>Test</name><fermentables><fermentable>"
    "<name>Pale extract</name><amount>3.5</amount><yield>75</yield></fermentable>"
    "</fermentables></recipe></recipes>"
)


def test_seed_example_converts_like_tapline() -> None:
    (recipe,) = parse_beerxml(SEED_XML)
    data = recipe.to_dict()
    assert data["name"] == "Test"
    assert data["fermentables"] == [
        {"name": "Pale extract", "weight": 3.5, "yield": 75, "color": 2, "late": False}
    ]
    assert data == Recipe.from_dict(
        {"name": "Test", "fermentables": [{"name": "Pale extract", "weight": 3.5}]}
    ).to_dict()
    assert calculate(recipe).og == 1.0506197307596945


def test_sample_file_with_several_recipes() -> None:
    recipes = parse_beerxml((SAMPLES / "sample-recipes.xml").read_bytes())
    assert [r.name for r in recipes] == ["Hoppy Pale Ale", "Simple Stout & Friends", "Wildflower Mead"]
    pale = recipes[0]
    assert (pale.author, pale.batch_size, pale.boil_size, pale.mash_efficiency) == (
        "Kegdash Samples", 23.0, 28.0, 72.0,
    )
    assert (pale.primary_days, pale.secondary_days, pale.aging_days, pale.aging_temp) == (10, 4, 14, 18)
    assert (pale.bottling_pressure, pale.bottling_temp) == (2.4, 20)
    assert pale.style.name == "American Pale Ale" and pale.style.og == (1.045, 1.060)
    # FORM, USE and TYPE verbatim; hop and misc TIME imported in minutes.
    assert [(s.name, s.use, s.time, s.form, s.aa) for s in pale.spices] == [
        ("Magnum", "Boil", 60, "Pellet", 12.7),
        ("Cascade", "Boil", 10, "Pellet", 5.5),
        ("Cascade", "Dry Hop", 4320, "Leaf", 5.5),
        ("Irish Moss", "Boil", 15, "pellet", 0),
    ]
    assert pale.yeast[0].type == "Ale" and pale.yeast[0].form == "Dry"
    assert pale.mash.ph == 5.4 and pale.mash.grain_temp == 22
    infusion, mash_out = pale.mash.steps
    assert infusion.water_ratio == pytest.approx(13.3 / 5.3)
    assert (infusion.end_temp, infusion.ramp_time) == (65, 2)
    assert (mash_out.type, mash_out.temp, mash_out.water_ratio) == ("Temperature", 76, 3.0)
    stout = recipes[1]
    assert [f.late for f in stout.fermentables] == [False, False, True]
    assert stout.style.og == (1.036, 1.044) and stout.style.ibu == (0, 150)  # brauhaus-beerxml defaults
    mead = recipes[2]
    assert mead.style is None and mead.mash is None and mead.spices[0].dry()


def test_tolerant_of_case_whitespace_encoding_and_element_order() -> None:
    raw = (SAMPLES / "maerzen-latin1.xml").read_bytes()
    assert b"ISO-8859-1" in raw
    for data in (raw, raw.decode("iso-8859-1")):
        (recipe,) = parse_beerxml(data)
        # Names keep the whitespace written around them, as Brauhaus does; numbers do not care.
        assert recipe.name == "  Märzen für Alle  " and recipe.author == "Jürgen"
        assert recipe.batch_size == 20.0
        assert recipe.fermentables[1].color == 2.0  # empty element keeps the default
        assert recipe.spices[0].time == 75
        # MASH comes before FERMENTABLES in the file: ratios still use the 5 kg grain bill.
        assert [step.water_ratio for step in recipe.mash.steps] == [3.0, 1.0]


def test_lone_recipe_root_and_other_root_names() -> None:
    assert parse_beerxml("<RECIPE><NAME>Solo</NAME></RECIPE>")[0].name == "Solo"
    assert [r.name for r in parse_beerxml("<x><recipe><name>A</name></recipe><junk/></x>")] == ["A"]
    assert parse_beerxml("<RECIPES/>") == []


def mapped_fields(xml: str | bytes) -> list[dict]:
    """The BeerXML fields a Brauhaus recipe carries, per recipe, from trusted test XML."""
    root = ET.fromstring(xml)
    scalar = ("name", "brewer", "batch_size", "boil_size", "efficiency", "primary_age",
              "primary_temp", "secondary_age", "secondary_temp", "tertiary_age", "tertiary_temp",
              "carbonation", "carbonation_temp", "age", "age_temp")
    lists = {
        "fermentables": ("name", "amount", "yield", "color", "add_after_boil"),
        "hops": ("name", "amount", "alpha", "use", "time", "form"),
        "miscs": ("name", "amount", "use", "time"),
        "yeasts": ("name", "type", "form", "attenuation"),
    }

    def value(node: ET.Element) -> object:
        text = (node.text or "").strip()
        try:
            return float(text)
        except ValueError:
            return text.lower() if text.upper() in ("TRUE", "FALSE") else text

    def pick(node: ET.Element, tags: tuple) -> dict:
        # Empty elements carry no value (the importer keeps its default for them); a value kegdash
        # wrote verbatim beside its standard spelling (KEGDASH_FORM …) is the one it stands for.
        out = {c.tag.lower(): value(c) for c in node if c.tag.lower() in tags and (c.text or "").strip()}
        verbatim = {c.tag.lower()[len("kegdash_"):]: value(c) for c in node
                    if c.tag.lower().startswith("kegdash_")}
        out.update({tag: text for tag, text in verbatim.items() if tag in tags})
        return out

    out = []
    for recipe in (r for r in root if r.tag.lower() == "recipe"):
        fields = pick(recipe, scalar)
        for child in recipe:
            tag = child.tag.lower()
            if tag == "style":
                fields["style"] = pick(child, ("name", "category") + tuple(
                    f"{k}_{e}" for k in ("og", "fg", "ibu", "color", "abv", "carb") for e in ("min", "max")))
            elif tag in lists:
                fields[tag] = [pick(item, lists[tag]) for item in child]
            elif tag == "mash":
                fields["mash"] = pick(child, ("name", "grain_temp", "sparge_temp", "ph", "notes"))
                steps = child.find("MASH_STEPS") or child.find("mash_steps")
                fields["steps"] = [pick(s, ("name", "type", "infuse_amount", "decoction_amt",
                                            "step_temp", "end_temp", "step_time", "ramp_time"))
                                   for s in (steps if steps is not None else [])]
        out.append(fields)
    return out


def contained(original: object, exported: object, path: str = "") -> None:
    """Every field of `original` is in `exported` with the same value."""
    if isinstance(original, dict):
        for key, value in original.items():
            contained(value, exported[key], f"{path}/{key}")
    elif isinstance(original, list):
        assert len(original) == len(exported), path
        for i, (a, b) in enumerate(zip(original, exported, strict=True)):
            contained(a, b, f"{path}[{i}]")
    elif isinstance(original, float):
        assert math.isclose(original, exported, rel_tol=1e-12), path
    else:
        assert original == exported, path


@pytest.mark.parametrize("sample", ["sample-recipes.xml", "maerzen-latin1.xml"])
def test_beerxml_json_beerxml_round_trip(sample: str) -> None:
    raw = (SAMPLES / sample).read_bytes()
    recipes = parse_beerxml(raw)
    via_json = [Recipe.from_dict(r.to_dict()) for r in recipes]
    assert via_json == recipes
    exported = to_beerxml(via_json)
    original = mapped_fields(raw)
    for recipe in original:
        for item in recipe.get("fermentables", []):
            item.setdefault("add_after_boil", "false")
    contained(original, mapped_fields(exported.encode("utf-8")))
    assert [r.to_dict() for r in parse_beerxml(exported)] == [r.to_dict() for r in recipes]


def test_export_is_valid_escaped_beerxml() -> None:
    recipe = Recipe.from_dict({
        "name": "Fish & Chips <Ale> \x01", "author": 'Kim "K" O\'Neil',
        "fermentables": [{"name": "Pale malt", "weight": 4.25, "late": True}, {"name": "Corn sugar"},
                         {"name": "Light DME"}, {"name": "Amber LME"}],
        "spices": [{"name": "Hop", "aa": 6.5, "time": 20}, {"name": "Zest", "use": "secondary", "time": 3}],
        "yeast": [{"name": "US-05"}],
    })
    xml = to_beerxml(recipe)
    root = ET.fromstring(xml.encode("utf-8"))
    node = root.find("RECIPE")
    assert node.findtext("NAME") == "Fish & Chips <Ale> "
    assert node.findtext("BREWER") == 'Kim "K" O\'Neil'
    assert node.findtext("TYPE") == "Partial Mash"
    assert node.findtext("BOIL_TIME") == "20"
    fermentables = node.find("FERMENTABLES")
    assert [f.findtext("TYPE") for f in fermentables] == ["Grain", "Sugar", "Dry Extract", "Extract"]
    assert fermentables[0].findtext("AMOUNT") == "4.25"
    assert fermentables[0].findtext("ADD_AFTER_BOIL") == "TRUE"
    assert node.find("HOPS/HOP/ALPHA").text == "6.5" and node.find("HOPS/HOP/TIME").text == "20"
    # A use outside BeerXML's list: the standard's nearest spelling, and the verbatim one beside it.
    assert node.find("MISCS/MISC/USE").text == "Secondary"
    assert node.find("MISCS/MISC/KEGDASH_USE").text == "secondary"
    assert to_beerxml([]).endswith("<RECIPES />\n")


def test_bad_numbers_and_malformed_xml() -> None:
    where = r"RECIPE\[1\]/FERMENTABLES/FERMENTABLE\[1\]/AMOUNT must be a number"
    with pytest.raises(BeerXmlError, match=where):
        parse_beerxml("<RECIPES><RECIPE><FERMENTABLES><FERMENTABLE><AMOUNT>lots</AMOUNT>"
                      "</FERMENTABLE></FERMENTABLES></RECIPE></RECIPES>")
    with pytest.raises(BeerXmlError, match="not well-formed"):
        parse_beerxml("<RECIPES><RECIPE>")
    with pytest.raises(BeerXmlError, match="text or bytes"):
        parse_beerxml(42)  # type: ignore[arg-type]


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<RECIPES><RECIPE><NAME>&lol4;</NAME></RECIPE></RECIPES>"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<RECIPES><RECIPE><NAME>&xxe;</NAME></RECIPE></RECIPES>"""


@pytest.mark.parametrize("document", [BILLION_LAUGHS, EXTERNAL_ENTITY])
def test_hostile_xml_is_refused(document: str) -> None:
    with pytest.raises(BeerXmlError, match="entity"):
        parse_beerxml(document)


def test_huge_documents_are_refused_before_parsing() -> None:
    padding = b" " * MAX_BYTES
    with pytest.raises(BeerXmlError, match="larger than 8 MiB"):
        parse_beerxml(b"<RECIPES>" + padding + b"</RECIPES>")
