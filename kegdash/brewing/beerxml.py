"""BeerXML 1.0 import and export for Brauhaus recipes.

Import follows brauhaus-beerxml's mapping (tag names in any case, FORM/USE/TYPE
kept verbatim, numbers read like JavaScript's parseFloat) with its bugs fixed:
hop and misc TIME are read, the mash water ratio does not depend on element
order, empty elements keep the default instead of becoming NaN, and a file
whose root is a single RECIPE is accepted.  Parsing goes through defusedxml
with a size cap, so entity bombs and external entities are refused.

Export writes valid, escaped BeerXML 1.0 (upper-case tags, AMOUNT, TYPE,
ADD_AFTER_BOIL, TIME, BOIL_TIME) with full-precision numbers, so a recipe
survives BeerXML → JSON → BeerXML.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from xml.etree.ElementTree import Element, SubElement

import defusedxml
import defusedxml.ElementTree as SafeET

from kegdash.brewing.errors import BeerXmlError
from kegdash.brewing.jsmath import js_str, parse_float
from kegdash.brewing.recipe import (
    BOIL_RE,
    Fermentable,
    Mash,
    MashStep,
    Recipe,
    Spice,
    Style,
    Yeast,
    classify,
)

MAX_BYTES = 8 * 1024 * 1024

_DECLARATION_RE = re.compile(r"\A\ufeff?\s*<\?xml[^>]*\?>")
_INVALID_XML_CHARS_RE = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_DRY_EXTRACT_RE = re.compile("dry|dme", re.IGNORECASE | re.ASCII)
_SUGAR_RE = re.compile("sugar|candi|candy|honey|syrup|turbinado", re.IGNORECASE | re.ASCII)

_RECIPE_NUMBERS = {
    "batch_size": "batch_size",
    "boil_size": "boil_size",
    "efficiency": "mash_efficiency",
    "primary_age": "primary_days",
    "primary_temp": "primary_temp",
    "secondary_age": "secondary_days",
    "secondary_temp": "secondary_temp",
    "tertiary_age": "tertiary_days",
    "tertiary_temp": "tertiary_temp",
    "carbonation": "bottling_pressure",
    "carbonation_temp": "bottling_temp",
    "age": "aging_days",
    "age_temp": "aging_temp",
}
_STYLE_NUMBERS = {
    f"{key}_{end}": (key, index)
    for key in ("og", "fg", "ibu", "color", "abv", "carb")
    for index, end in enumerate(("min", "max"))
}


# ---------------------------------------------------------------- import


def _tag(element: Element) -> str:
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag.rpartition("}")[2].strip().lower()


def _children(element: Element, name: str) -> list[Element]:
    return [child for child in element if _tag(child) == name]


def _text(element: Element) -> str:
    return "".join(element.itertext()).strip()


def _number(element: Element, path: str) -> float | None:
    """parseFloat of the text; None for an empty element, an error for non-numbers."""
    text = _text(element)
    if not text:
        return None
    value = parse_float(text)
    if value != value or value in (float("inf"), float("-inf")):
        raise BeerXmlError(f"{path}/{element.tag} must be a number, not {text[:40]!r}")
    return value


def _set_number(target: object, attr: str, element: Element, path: str) -> None:
    value = _number(element, path)
    if value is not None:
        setattr(target, attr, value)


def _parse_style(node: Element, path: str) -> Style:
    style = Style.beerxml_default()
    for child in node:
        tag = _tag(child)
        if tag in ("name", "category"):
            setattr(style, tag, _text(child))
        elif tag in _STYLE_NUMBERS:
            value = _number(child, path)
            if value is not None:
                key, index = _STYLE_NUMBERS[tag]
                pair = list(getattr(style, key))
                pair[index] = value
                setattr(style, key, (pair[0], pair[1]))
    return style


def _parse_fermentable(node: Element, path: str) -> Fermentable:
    fermentable = Fermentable()
    for child in node:
        tag = _tag(child)
        if tag == "name":
            fermentable.name = _text(child)
        elif tag == "amount":
            _set_number(fermentable, "weight", child, path)
        elif tag in ("yield", "color"):
            _set_number(fermentable, "yield_" if tag == "yield" else "color", child, path)
        elif tag == "add_after_boil":
            fermentable.late = _text(child).lower() == "true"
    return fermentable


def _parse_spice(node: Element, path: str) -> Spice:
    spice = Spice()
    numbers = {"amount": "weight", "alpha": "aa", "time": "time"}
    for child in node:
        tag = _tag(child)
        if tag in ("name", "use", "form"):
            setattr(spice, tag, _text(child))
        elif tag in numbers:
            _set_number(spice, numbers[tag], child, path)
    return spice


def _parse_yeast(node: Element, path: str) -> Yeast:
    yeast = Yeast()
    for child in node:
        tag = _tag(child)
        if tag in ("name", "type", "form"):
            setattr(yeast, tag, _text(child))
        elif tag == "attenuation":
            _set_number(yeast, "attenuation", child, path)
    return yeast


def _parse_mash_step(node: Element, path: str, grain_weight: float) -> MashStep:
    step = MashStep()
    numbers = {"step_temp": "temp", "end_temp": "end_temp", "step_time": "time", "ramp_time": "ramp_time"}
    for child in node:
        tag = _tag(child)
        if tag in ("name", "type"):
            setattr(step, tag, _text(child))
        elif tag in numbers:
            _set_number(step, numbers[tag], child, path)
        elif tag in ("infuse_amount", "decoction_amt"):
            amount = _number(child, path)
            # Brauhaus divides by the grain weight; with no grain the ratio is undefined.
            if amount is not None and grain_weight:
                step.water_ratio = amount / grain_weight
    return step


def _parse_mash(node: Element, path: str, grain_weight: float) -> Mash:
    mash = Mash()
    numbers = {"grain_temp": "grain_temp", "sparge_temp": "sparge_temp", "ph": "ph"}
    for child in node:
        tag = _tag(child)
        if tag in ("name", "notes"):
            setattr(mash, tag, _text(child))
        elif tag in numbers:
            _set_number(mash, numbers[tag], child, path)
        elif tag == "mash_steps":
            for i, step in enumerate(_children(child, "mash_step"), 1):
                step_path = f"{path}/MASH_STEPS/MASH_STEP[{i}]"
                mash.steps.append(_parse_mash_step(step, step_path, grain_weight))
    return mash


_INGREDIENTS = {
    "fermentables": (("fermentable",), "fermentables", _parse_fermentable),
    "hops": (("hop", "misc"), "spices", _parse_spice),
    "miscs": (("hop", "misc"), "spices", _parse_spice),
    "yeasts": (("yeast",), "yeast", _parse_yeast),
}


def _parse_recipe(node: Element, path: str) -> Recipe:
    recipe = Recipe()
    mash_nodes = []
    for child in node:
        tag = _tag(child)
        if tag == "name":
            recipe.name = _text(child)
        elif tag == "brewer":
            recipe.author = _text(child)
        elif tag in _RECIPE_NUMBERS:
            _set_number(recipe, _RECIPE_NUMBERS[tag], child, path)
        elif tag == "style":
            recipe.style = _parse_style(child, f"{path}/STYLE")
        elif tag in _INGREDIENTS:
            names, attr, parse = _INGREDIENTS[tag]
            items = [item for item in child if _tag(item) in names]
            for i, item in enumerate(items, 1):
                item_path = f"{path}/{tag.upper()}/{_tag(item).upper()}[{i}]"
                getattr(recipe, attr).append(parse(item, item_path))
        elif tag == "mash":
            mash_nodes.append(child)
    # The mash is read last so water ratios use the whole grain bill, wherever MASH sits.
    for mash in mash_nodes:
        recipe.mash = _parse_mash(mash, f"{path}/MASH", recipe.grain_weight())
    return recipe


def _prepare(data: str | bytes) -> bytes:
    if isinstance(data, str):
        # The text is already decoded: drop a declaration that names another encoding.
        data = _DECLARATION_RE.sub("", data, count=1).encode("utf-8")
    elif not isinstance(data, (bytes, bytearray)):
        raise BeerXmlError("BeerXML must be given as text or bytes")
    if len(data) > MAX_BYTES:
        raise BeerXmlError(f"BeerXML document is larger than {MAX_BYTES // (1024 * 1024)} MiB")
    return bytes(data)


def parse_beerxml(data: str | bytes) -> list[Recipe]:
    """Every RECIPE in a BeerXML document (RECIPES root, or a lone RECIPE root)."""
    raw = _prepare(data)
    try:
        root = SafeET.fromstring(raw)
    except defusedxml.DefusedXmlException as exc:
        raise BeerXmlError(
            f"BeerXML refused: entity declarations and external references are not allowed ({exc})"
        ) from None
    except ET.ParseError as exc:
        raise BeerXmlError(f"BeerXML is not well-formed XML: {exc}") from None
    if _tag(root) == "recipe":
        return [_parse_recipe(root, "RECIPE")]
    nodes = _children(root, "recipe")
    return [_parse_recipe(node, f"RECIPE[{i}]") for i, node in enumerate(nodes, 1)]


# ---------------------------------------------------------------- export


def _add(parent: Element, tag: str, value: str | float | None) -> None:
    if value is None:
        return
    text = value if isinstance(value, str) else js_str(value)
    SubElement(parent, tag).text = _INVALID_XML_CHARS_RE.sub("", text)


def _recipe_type(recipe: Recipe) -> str:
    additions = {classify(f.name) for f in recipe.fermentables}
    mashed = any(addition == "mash" for _, addition in additions)
    extract = any(kind == "extract" for kind, _ in additions)
    if mashed:
        return "Partial Mash" if extract else "All Grain"
    return "Extract"


def _fermentable_type(fermentable: Fermentable) -> str:
    if not BOIL_RE.search(fermentable.name):
        return "Grain"
    if _DRY_EXTRACT_RE.search(fermentable.name):
        return "Dry Extract"
    if _SUGAR_RE.search(fermentable.name):
        return "Sugar"
    return "Extract"


def _boil_time(recipe: Recipe) -> float:
    times = [spice.time for spice in recipe.spices if not spice.dry() and spice.time > 0]
    return max(times) if times else 60.0


def _export_style(parent: Element, style: Style) -> None:
    node = SubElement(parent, "STYLE")
    _add(node, "NAME", style.name)
    _add(node, "VERSION", "1")
    _add(node, "CATEGORY", style.category)
    for key in ("og", "fg", "ibu", "color", "abv", "carb"):
        pair = getattr(style, key)
        if pair is not None:
            _add(node, f"{key.upper()}_MIN", pair[0])
            _add(node, f"{key.upper()}_MAX", pair[1])


def _export_mash(parent: Element, mash: Mash, grain_weight: float) -> None:
    node = SubElement(parent, "MASH")
    _add(node, "NAME", mash.name)
    _add(node, "VERSION", "1")
    _add(node, "GRAIN_TEMP", mash.grain_temp)
    _add(node, "SPARGE_TEMP", mash.sparge_temp)
    _add(node, "PH", mash.ph)
    _add(node, "NOTES", mash.notes)
    steps = SubElement(node, "MASH_STEPS")
    for step in mash.steps:
        item = SubElement(steps, "MASH_STEP")
        _add(item, "NAME", step.name)
        _add(item, "VERSION", "1")
        _add(item, "TYPE", step.type)
        amount_tag = "DECOCTION_AMT" if step.type == "Decoction" else "INFUSE_AMOUNT"
        _add(item, amount_tag, step.water_ratio * grain_weight)
        _add(item, "STEP_TEMP", step.temp)
        _add(item, "STEP_TIME", step.time)
        _add(item, "END_TEMP", step.end_temp)
        _add(item, "RAMP_TIME", step.ramp_time)
        _add(item, "DESCRIPTION", step.description(True, grain_weight))


def _export_recipe(parent: Element, recipe: Recipe) -> None:
    node = SubElement(parent, "RECIPE")
    _add(node, "NAME", recipe.name)
    _add(node, "VERSION", "1")
    _add(node, "TYPE", _recipe_type(recipe))
    _add(node, "BREWER", recipe.author)
    _add(node, "BATCH_SIZE", recipe.batch_size)
    _add(node, "BOIL_SIZE", recipe.boil_size)
    _add(node, "BOIL_TIME", _boil_time(recipe))
    _add(node, "EFFICIENCY", recipe.mash_efficiency)
    for tag, attr in _RECIPE_NUMBERS.items():
        if tag not in ("batch_size", "boil_size", "efficiency"):
            _add(node, tag.upper(), getattr(recipe, attr))
    if recipe.style is not None:
        _export_style(node, recipe.style)

    fermentables = SubElement(node, "FERMENTABLES")
    for fermentable in recipe.fermentables:
        item = SubElement(fermentables, "FERMENTABLE")
        _add(item, "NAME", fermentable.name)
        _add(item, "VERSION", "1")
        _add(item, "TYPE", _fermentable_type(fermentable))
        _add(item, "AMOUNT", fermentable.weight)
        _add(item, "YIELD", fermentable.yield_)
        _add(item, "COLOR", fermentable.color)
        _add(item, "ADD_AFTER_BOIL", "TRUE" if fermentable.late else "FALSE")

    hops = SubElement(node, "HOPS")
    miscs = SubElement(node, "MISCS")
    for spice in recipe.spices:
        if spice.aa > 0:
            item = SubElement(hops, "HOP")
            _add(item, "NAME", spice.name)
            _add(item, "VERSION", "1")
            _add(item, "ALPHA", spice.aa)
            _add(item, "AMOUNT", spice.weight)
            _add(item, "USE", spice.use)
            _add(item, "TIME", spice.time)
            _add(item, "FORM", spice.form)
        else:
            item = SubElement(miscs, "MISC")
            _add(item, "NAME", spice.name)
            _add(item, "VERSION", "1")
            _add(item, "TYPE", "Other")
            _add(item, "USE", spice.use)
            _add(item, "TIME", spice.time)
            _add(item, "AMOUNT", spice.weight)
            _add(item, "AMOUNT_IS_WEIGHT", "TRUE")
            _add(item, "FORM", spice.form)

    yeasts = SubElement(node, "YEASTS")
    for yeast in recipe.yeast:
        item = SubElement(yeasts, "YEAST")
        _add(item, "NAME", yeast.name)
        _add(item, "VERSION", "1")
        _add(item, "TYPE", yeast.type)
        _add(item, "FORM", yeast.form)
        _add(item, "ATTENUATION", yeast.attenuation)

    SubElement(node, "WATERS")
    if recipe.mash is not None:
        _export_mash(node, recipe.mash, recipe.grain_weight())


def to_beerxml(recipes: Recipe | Iterable[Recipe]) -> str:
    """One BeerXML 1.0 document (RECIPES root) holding the given recipe or recipes."""
    if isinstance(recipes, Recipe):
        recipes = [recipes]
    root = Element("RECIPES")
    for recipe in recipes:
        _export_recipe(root, recipe)
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode", short_empty_elements=True)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
