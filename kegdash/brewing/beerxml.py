"""BeerXML 1.0 import and export for Brauhaus recipes.

Import follows brauhaus-beerxml's mapping (tag names in any case, FORM/USE/TYPE
kept verbatim, names and other free text exactly as written, numbers read like
JavaScript's parseFloat) with its bugs fixed: hop and misc TIME are read, a mash
step's water comes from the amount its TYPE calls for (BeerSmith writes a
``<DECOCTION_AMT>0.00 qt</DECOCTION_AMT>`` after every INFUSE_AMOUNT), the water
ratio does not depend on element order, empty elements keep the default instead
of becoming NaN, and a file whose root is a single RECIPE is accepted.

Every RECIPE is read on its own (``read_beerxml``): a number the recipe's maths
needs and BeerXML requires (amounts, yields, colours, alpha, times, batch and
boil size, efficiency, step temperatures) refuses that recipe with the element's
path; any other unreadable field is skipped with a warning naming it. Parsing
goes through defusedxml with a size cap, so entity bombs and external entities
are refused.

Export writes BeerXML 1.0 with every element the standard requires (checked by
``tests/beerxml_rules.py``): list values in the standard's spelling,
style identifiers, a yeast amount (one packet), a STYLE and a MASH even where the
recipe has none (marked by a ``KEGDASH_PLACEHOLDER`` element, so import reads them
back as none), full-precision numbers.
A value outside the standard's lists (a hop form typed as "pellet", a use of
"whirlpool") is written in its nearest standard spelling plus a ``KEGDASH_``
element holding it verbatim, which import prefers: the standard's non-standard
tag rule lets other programs ignore it, and kegdash reads back exactly what it
wrote (BeerXML → JSON → BeerXML → JSON is the identity).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from xml.etree.ElementTree import Element, SubElement

import defusedxml
import defusedxml.ElementTree as SafeET

from kegdash.brewing.errors import BeerXmlError
from kegdash.brewing.jsmath import js_str, parse_float
from kegdash.brewing.recipe import (
    BOIL_WORDS,
    Fermentable,
    Mash,
    MashStep,
    Recipe,
    Spice,
    Style,
    Yeast,
    classify,
    mentions,
)
from kegdash.units import ML_PER_US_GALLON, ML_PER_US_QUART

MAX_BYTES = 8 * 1024 * 1024

_DECLARATION_RE = re.compile(r"\A\ufeff?\s*<\?xml[^>]*\?>")
_INVALID_XML_CHARS_RE = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_DRY_EXTRACT_RE = re.compile("dry|dme", re.IGNORECASE | re.ASCII)
_SUGAR_RE = re.compile("sugar|candi|candy|honey|syrup|turbinado", re.IGNORECASE | re.ASCII)
_VOLUME_RE = re.compile(r"\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([A-Za-z]*)\.?\s*\Z")
_LITERS_PER_UNIT = {"": 1.0, "l": 1.0, "liter": 1.0, "liters": 1.0, "litre": 1.0, "litres": 1.0,
                    "ml": 0.001, "qt": ML_PER_US_QUART / 1000, "qts": ML_PER_US_QUART / 1000,
                    "quart": ML_PER_US_QUART / 1000, "quarts": ML_PER_US_QUART / 1000,
                    "gal": ML_PER_US_GALLON / 1000, "gallon": ML_PER_US_GALLON / 1000,
                    "gallons": ML_PER_US_GALLON / 1000}

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
_STYLE_IDS = {"category_number": "category_number", "style_letter": "style_letter",
              "style_guide": "style_guide", "type": "type"}

# Numbers that refuse their recipe when unreadable: BeerXML 1.0 requires them and the recipe's
# numbers depend on them (INFUSE_AMOUNT only on an infusion step, the one kind that requires it).
_REQUIRED = {
    "recipe": {"batch_size", "boil_size", "efficiency"},
    "fermentable": {"amount", "yield", "color"},
    "hop": {"alpha", "amount", "time"},
    "misc": {"amount", "time"},
    "mash_step": {"step_temp", "step_time"},
    "infusion_step": {"step_temp", "step_time", "infuse_amount"},
}

# BeerXML 1.0 lists (case-sensitive), and the spelling a value outside them is written as.
HOP_USES = ("Boil", "Dry Hop", "Mash", "First Wort", "Aroma")
HOP_FORMS = ("Pellet", "Plug", "Leaf")
MISC_USES = ("Boil", "Mash", "Primary", "Secondary", "Bottling")
YEAST_TYPES = ("Ale", "Lager", "Wheat", "Wine", "Champagne")
YEAST_FORMS = ("Liquid", "Dry", "Slant", "Culture")
STEP_TYPES = ("Infusion", "Temperature", "Decoction")
STYLE_TYPES = ("Lager", "Ale", "Mead", "Wheat", "Mixed", "Cider")
_EXTENSION = "KEGDASH_"
_PLACEHOLDER = _EXTENSION + "PLACEHOLDER"
"""Marks a STYLE or MASH written only because BeerXML requires one: the recipe has none."""

# A yeast's amount is not part of a Brauhaus recipe; BeerXML requires one: one packet.
_DRY_YEAST_KG = 0.0115
_LIQUID_YEAST_L = 0.125


@dataclass(frozen=True)
class ImportedRecipe:
    """One RECIPE of a BeerXML file: the recipe, or why it was refused, and what was skipped.

    ``position`` counts from 1 in file order; ``name`` is the recipe's NAME as written (for the
    import report, also when the recipe was refused).
    """

    position: int
    name: str
    recipe: Recipe | None
    warnings: tuple[str, ...] = ()
    error: str | None = None


# ---------------------------------------------------------------- import


def _tag(element: Element) -> str:
    tag = element.tag if isinstance(element.tag, str) else ""
    return tag.rpartition("}")[2].strip().lower()


def _children(element: Element, name: str) -> list[Element]:
    return [child for child in element if _tag(child) == name]


def _raw(element: Element) -> str:
    """Free text (names, brewer, notes) exactly as written, surrounding whitespace included."""
    return "".join(element.itertext())


def _text(element: Element) -> str:
    """A list value or a number, without the whitespace around it."""
    return _raw(element).strip()


class _Reader:
    """Reads the numbers of one RECIPE, collecting warnings for the fields it skips."""

    def __init__(self) -> None:
        self.warnings: list[str] = []

    def number(self, element: Element, path: str, record: str) -> float | None:
        """parseFloat of the text; None for an empty element or a skipped optional field."""
        text = _text(element)
        if not text:
            return None
        value = parse_float(text)
        if value == value and value not in (float("inf"), float("-inf")):
            return value
        if _tag(element) in _REQUIRED.get(record, ()):
            raise BeerXmlError(f"{path}/{element.tag} must be a number, not {text[:40]!r}")
        self.skip(element, path, text)
        return None

    def skip(self, element: Element, path: str, text: str) -> None:
        self.warnings.append(f"{path}/{element.tag}: {text[:40]!r} is not a number; skipped")

    def set_number(self, target: object, attr: str, element: Element, path: str,
                   record: str) -> None:
        value = self.number(element, path, record)
        if value is not None:
            setattr(target, attr, value)

    def volume(self, element: Element, path: str) -> float | None:
        """A display amount such as "7.5 l", "0.00 qt" or "2.3 gal" in litres (a bare number is
        litres, as brauhaus-beerxml read it)."""
        text = _text(element)
        if not text:
            return None
        match = _VOLUME_RE.match(text)
        factor = _LITERS_PER_UNIT.get(match.group(2).lower()) if match else None
        if match is None or factor is None:
            self.skip(element, path, text)
            return None
        return float(match.group(1)) * factor


def _verbatim(node: Element, element: Element) -> str:
    """A list value, or the verbatim value kegdash wrote beside it in a ``KEGDASH_`` element."""
    for child in node:
        if _tag(child) == "kegdash_" + _tag(element):
            return _text(child)
    return _text(element)


def _parse_style(node: Element, path: str, reader: _Reader) -> Style | None:
    style = Style.beerxml_default()
    for child in node:
        tag = _tag(child)
        if tag in ("name", "category"):
            setattr(style, tag, _raw(child))
        elif tag in _STYLE_IDS:
            # An empty identifier is no identifier (export writes the required element empty).
            setattr(style, _STYLE_IDS[tag], (_verbatim(node, child) if tag == "type"
                                             else _text(child)) or None)
        elif tag in _STYLE_NUMBERS:
            value = reader.number(child, path, "style")
            if value is not None:
                key, index = _STYLE_NUMBERS[tag]
                pair = list(getattr(style, key))
                pair[index] = value
                setattr(style, key, (pair[0], pair[1]))
    return None if _is_placeholder(node) else style


def _is_placeholder(node: Element) -> bool:
    return any(_tag(child) == _PLACEHOLDER.lower() and _text(child).upper() == "TRUE"
               for child in node)


def _parse_fermentable(node: Element, path: str, reader: _Reader) -> Fermentable:
    fermentable = Fermentable()
    numbers = {"amount": "weight", "yield": "yield_", "color": "color"}
    for child in node:
        tag = _tag(child)
        if tag == "name":
            fermentable.name = _raw(child)
        elif tag in numbers:
            reader.set_number(fermentable, numbers[tag], child, path, "fermentable")
        elif tag == "add_after_boil":
            fermentable.late = _text(child).lower() == "true"
    return fermentable


def _parse_spice(node: Element, path: str, reader: _Reader) -> Spice:
    spice = Spice()
    numbers = {"amount": "weight", "alpha": "aa", "time": "time"}
    record = _tag(node)
    for child in node:
        tag = _tag(child)
        if tag == "name":
            spice.name = _raw(child)
        elif tag in ("use", "form"):
            setattr(spice, tag, _verbatim(node, child))
        elif tag in numbers:
            reader.set_number(spice, numbers[tag], child, path, record)
    return spice


def _parse_yeast(node: Element, path: str, reader: _Reader) -> Yeast:
    yeast = Yeast()
    for child in node:
        tag = _tag(child)
        if tag == "name":
            yeast.name = _raw(child)
        elif tag in ("type", "form"):
            setattr(yeast, tag, _verbatim(node, child))
        elif tag == "attenuation":
            reader.set_number(yeast, "attenuation", child, path, "yeast")
    return yeast


def _parse_mash_step(node: Element, path: str, grain_weight: float, reader: _Reader) -> MashStep:
    step = MashStep()
    numbers = {"step_temp": "temp", "end_temp": "end_temp", "step_time": "time", "ramp_time": "ramp_time"}
    amounts: dict[str, Element] = {}
    for child in node:
        tag = _tag(child)
        if tag == "name":
            step.name = _raw(child)
        elif tag == "type":
            step.type = _verbatim(node, child)
        elif tag in numbers:
            reader.set_number(step, numbers[tag], child, path, "mash_step")
        elif tag in ("infuse_amount", "decoction_amt"):
            amounts[tag] = child
    # The step's TYPE says which amount is its water (the export writes it so too); the other
    # one counts only when the file gives nothing else.
    wanted = ("decoction_amt", "infuse_amount") if step.type.strip().lower() == "decoction" else (
        "infuse_amount", "decoction_amt")
    record = "infusion_step" if step.type.strip().lower() == "infusion" else "mash_step"
    for tag in wanted:
        if tag in amounts:
            element = amounts[tag]
            if tag == "decoction_amt":
                amount = reader.volume(element, path)
            else:
                amount = reader.number(element, path, record)
            # Brauhaus divides by the grain weight; with no grain the ratio is undefined.
            if amount is not None and grain_weight:
                step.water_ratio = amount / grain_weight
            break
    return step


def _parse_mash(node: Element, path: str, grain_weight: float, reader: _Reader) -> Mash:
    mash = Mash()
    numbers = {"grain_temp": "grain_temp", "sparge_temp": "sparge_temp", "ph": "ph"}
    for child in node:
        tag = _tag(child)
        if tag in ("name", "notes"):
            setattr(mash, tag, _raw(child))
        elif tag in numbers:
            reader.set_number(mash, numbers[tag], child, path, "mash")
        elif tag == "mash_steps":
            for i, step in enumerate(_children(child, "mash_step"), 1):
                step_path = f"{path}/MASH_STEPS/MASH_STEP[{i}]"
                mash.steps.append(_parse_mash_step(step, step_path, grain_weight, reader))
    return mash


_INGREDIENTS = {
    "fermentables": (("fermentable",), "fermentables", _parse_fermentable),
    "hops": (("hop", "misc"), "spices", _parse_spice),
    "miscs": (("hop", "misc"), "spices", _parse_spice),
    "yeasts": (("yeast",), "yeast", _parse_yeast),
}


def _parse_recipe(node: Element, path: str, reader: _Reader) -> Recipe:
    recipe = Recipe()
    mash_nodes = []
    for child in node:
        tag = _tag(child)
        if tag == "name":
            recipe.name = _raw(child)
        elif tag == "brewer":
            recipe.author = _raw(child)
        elif tag in _RECIPE_NUMBERS:
            reader.set_number(recipe, _RECIPE_NUMBERS[tag], child, path, "recipe")
        elif tag == "style":
            recipe.style = _parse_style(child, f"{path}/STYLE", reader)
        elif tag in _INGREDIENTS:
            names, attr, parse = _INGREDIENTS[tag]
            items = [item for item in child if _tag(item) in names]
            for i, item in enumerate(items, 1):
                item_path = f"{path}/{tag.upper()}/{_tag(item).upper()}[{i}]"
                getattr(recipe, attr).append(parse(item, item_path, reader))
        elif tag == "mash":
            mash_nodes.append(child)
    # The mash is read last so water ratios use the whole grain bill, wherever MASH sits.
    for mash in mash_nodes:
        parsed = _parse_mash(mash, f"{path}/MASH", recipe.grain_weight(), reader)
        recipe.mash = None if _is_placeholder(mash) else parsed
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


def _read(node: Element, position: int, path: str) -> ImportedRecipe:
    names = _children(node, "name")
    name = _raw(names[0]) if names else ""
    reader = _Reader()
    try:
        recipe = _parse_recipe(node, path, reader)
    except BeerXmlError as exc:
        return ImportedRecipe(position, name, None, tuple(reader.warnings), str(exc))
    return ImportedRecipe(position, name, recipe, tuple(reader.warnings))


def read_beerxml(data: str | bytes) -> list[ImportedRecipe]:
    """Every RECIPE in a BeerXML document (RECIPES root, or a lone RECIPE root), each read on its
    own. Raises BeerXmlError only for the document itself (malformed, hostile, too large)."""
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
        return [_read(root, 1, "RECIPE")]
    nodes = _children(root, "recipe")
    return [_read(node, i, f"RECIPE[{i}]") for i, node in enumerate(nodes, 1)]


def parse_beerxml(data: str | bytes) -> list[Recipe]:
    """Every recipe of a BeerXML document; the first refused recipe raises its BeerXmlError.
    Skipped optional fields are dropped silently (``read_beerxml`` reports them)."""
    recipes = []
    for item in read_beerxml(data):
        if item.recipe is None:
            raise BeerXmlError(item.error or f"RECIPE[{item.position}] could not be read")
        recipes.append(item.recipe)
    return recipes


# ---------------------------------------------------------------- export


def _add(parent: Element, tag: str, value: str | float | None) -> None:
    if value is None:
        return
    text = value if isinstance(value, str) else js_str(value)
    SubElement(parent, tag).text = _INVALID_XML_CHARS_RE.sub("", text)


def _standard(value: str, choices: tuple[str, ...], fallback: str) -> str:
    for choice in choices:
        if choice.lower() == value.strip().lower():
            return choice
    return fallback


def _add_choice(parent: Element, tag: str, value: str, choices: tuple[str, ...],
                fallback: str) -> None:
    """A list value in the standard's spelling; a value it does not list verbatim beside it."""
    written = _standard(value, choices, fallback)
    _add(parent, tag, written)
    if written != value:
        _add(parent, _EXTENSION + tag, value)


def _hop_use(use: str) -> str:
    lowered = use.lower()
    if "dry" in lowered or "primary" in lowered or "secondary" in lowered:
        return "Dry Hop"
    if "first" in lowered:
        return "First Wort"
    if "mash" in lowered:
        return "Mash"
    if "aroma" in lowered or "whirlpool" in lowered or "steep" in lowered or "stand" in lowered:
        return "Aroma"
    return "Boil"


def _misc_use(use: str) -> str:
    lowered = use.lower()
    if "dry" in lowered or "secondary" in lowered:
        return "Secondary"
    for choice in ("Mash", "Primary", "Bottling"):
        if choice.lower() in lowered:
            return choice
    return "Boil"


def _recipe_type(recipe: Recipe) -> str:
    additions = {classify(f.name) for f in recipe.fermentables}
    mashed = any(addition == "mash" for _, addition in additions)
    extract = any(kind == "extract" for kind, _ in additions)
    if mashed:
        return "Partial Mash" if extract else "All Grain"
    return "Extract"


def _fermentable_type(fermentable: Fermentable) -> str:
    if not mentions(fermentable.name, BOIL_WORDS):
        return "Grain"
    if _DRY_EXTRACT_RE.search(fermentable.name):
        return "Dry Extract"
    if _SUGAR_RE.search(fermentable.name):
        return "Sugar"
    return "Extract"


def _boil_time(recipe: Recipe) -> float:
    times = [spice.time for spice in recipe.spices if not spice.dry() and spice.time > 0]
    return max(times) if times else 60.0


def _style_type(recipe: Recipe) -> str:
    """A STYLE's TYPE where the style names none (or one outside the list): by the first yeast."""
    if recipe.style is not None and recipe.style.type:
        return "Mixed"
    kind = recipe.yeast[0].type.strip().lower() if recipe.yeast else ""
    return {"lager": "Lager", "wheat": "Wheat", "wine": "Mead", "champagne": "Mead"}.get(kind, "Ale")


def _export_style(parent: Element, recipe: Recipe) -> None:
    """The recipe's STYLE; one with nothing named and the default ranges when it has none."""
    style = recipe.style if recipe.style is not None else Style()
    default = Style.beerxml_default()
    node = SubElement(parent, "STYLE")
    if recipe.style is None:
        _add(node, _PLACEHOLDER, "TRUE")
    _add(node, "NAME", style.name or "")
    _add(node, "VERSION", "1")
    _add(node, "CATEGORY", style.category or "")
    _add(node, "CATEGORY_NUMBER", style.category_number or "")
    _add(node, "STYLE_LETTER", style.style_letter or "")
    _add(node, "STYLE_GUIDE", style.style_guide or "")
    # A style without a TYPE gets one from the yeast, and an empty KEGDASH_TYPE saying so.
    _add_choice(node, "TYPE", style.type or "", STYLE_TYPES, _style_type(recipe))
    for key in ("og", "fg", "ibu", "color", "abv", "carb"):
        pair = getattr(style, key) or getattr(default, key)
        _add(node, f"{key.upper()}_MIN", pair[0])
        _add(node, f"{key.upper()}_MAX", pair[1])


def _export_mash(parent: Element, recipe: Recipe) -> None:
    """The recipe's MASH; for a mashed recipe without one, the single infusion Brauhaus assumes
    (2.75 l/kg at 68 °C for 60 minutes), marked so that import reads it back as none."""
    grain_weight = recipe.grain_weight()
    mash = recipe.mash
    node = SubElement(parent, "MASH")
    if mash is None:
        mash = Mash(name="Single Infusion", steps=[MashStep(water_ratio=2.75, temp=68.0, time=60.0)])
        _add(node, _PLACEHOLDER, "TRUE")
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
        _add_choice(item, "TYPE", step.type, STEP_TYPES, "Infusion")
        decoction = _standard(step.type, STEP_TYPES, "Infusion") == "Decoction"
        _add(item, "DECOCTION_AMT" if decoction else "INFUSE_AMOUNT", step.water_ratio * grain_weight)
        _add(item, "STEP_TEMP", step.temp)
        _add(item, "STEP_TIME", step.time)
        _add(item, "END_TEMP", step.end_temp)
        _add(item, "RAMP_TIME", step.ramp_time)
        _add(item, "DESCRIPTION", step.description(True, grain_weight))


def _export_recipe(parent: Element, recipe: Recipe) -> None:
    node = SubElement(parent, "RECIPE")
    kind = _recipe_type(recipe)
    _add(node, "NAME", recipe.name)
    _add(node, "VERSION", "1")
    _add(node, "TYPE", kind)
    _add(node, "BREWER", recipe.author)
    _add(node, "BATCH_SIZE", recipe.batch_size)
    _add(node, "BOIL_SIZE", recipe.boil_size)
    _add(node, "BOIL_TIME", _boil_time(recipe))
    _add(node, "EFFICIENCY", recipe.mash_efficiency)
    for tag, attr in _RECIPE_NUMBERS.items():
        if tag not in ("batch_size", "boil_size", "efficiency"):
            _add(node, tag.upper(), getattr(recipe, attr))
    _export_style(node, recipe)

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
            _add_choice(item, "USE", spice.use, HOP_USES, _hop_use(spice.use))
            _add(item, "TIME", spice.time)
            _add_choice(item, "FORM", spice.form, HOP_FORMS, "Pellet")
        else:
            item = SubElement(miscs, "MISC")
            _add(item, "NAME", spice.name)
            _add(item, "VERSION", "1")
            _add(item, "TYPE", "Other")
            _add_choice(item, "USE", spice.use, MISC_USES, _misc_use(spice.use))
            _add(item, "TIME", spice.time)
            _add(item, "AMOUNT", spice.weight)
            _add(item, "AMOUNT_IS_WEIGHT", "TRUE")
            # BeerXML has no misc FORM: a non-standard element, which other programs ignore.
            _add(item, "FORM", spice.form)

    yeasts = SubElement(node, "YEASTS")
    for yeast in recipe.yeast:
        item = SubElement(yeasts, "YEAST")
        form = _standard(yeast.form, YEAST_FORMS, "Liquid")
        _add(item, "NAME", yeast.name)
        _add(item, "VERSION", "1")
        _add_choice(item, "TYPE", yeast.type, YEAST_TYPES, "Ale")
        _add_choice(item, "FORM", yeast.form, YEAST_FORMS, "Liquid")
        _add(item, "AMOUNT", _DRY_YEAST_KG if form == "Dry" else _LIQUID_YEAST_L)
        _add(item, "AMOUNT_IS_WEIGHT", "TRUE" if form == "Dry" else "FALSE")
        _add(item, "ATTENUATION", yeast.attenuation)

    SubElement(node, "WATERS")
    if recipe.mash is not None or kind != "Extract":
        _export_mash(node, recipe)


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
