"""Value objects for the Brauhaus JSON recipe format.

`Recipe.from_dict` accepts what Brauhaus.js accepts (missing keys take the
Brauhaus defaults, unknown keys are ignored) but refuses values Brauhaus would
silently turn into garbage (a string weight, a list where a number belongs),
naming the field so the API can answer 400.  `to_dict` writes the keys of
Brauhaus's `toJSON`, in its order.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any, Final

from kegdash.brewing import units
from kegdash.brewing.errors import RecipeError
from kegdash.brewing.jsmath import div, floor, js_str, json_number, to_fixed, truthy
from kegdash.brewing.memo import memo, remember
from kegdash.units import c_to_f

# Brauhaus classifies fermentables, prices and spices by words in their names, with
# case-insensitive regexes of alternatives (/candi|candy|…/i). A JavaScript regex without the u
# flag folds ASCII letters only, so a name matches a word when its ASCII-lowered text contains
# it: substring searches, a tenth of the time of re.IGNORECASE alternations.
STEEP_WORDS: Final = ("biscuit", "black", "cara", "chocolate", "crystal", "munich", "roast",
                      "special b", "specialb", "toast", "victory", "vienna")  # /special ?b/
BOIL_WORDS: Final = ("candi", "candy", "dme", "dry", "extract", "honey", "lme", "liquid", "sugar",
                     "syrup", "turbinado")
_DRY_PRICE_WORDS: Final = ("dry", "dme")
_LIQUID_PRICE_WORDS: Final = ("liquid", "lme")
DRY_SPICE_WORDS: Final = ("primary", "secondary", "dry")
_LAB_YEAST_WORDS: Final = ("wyeast", "white labs", "wlp")
_ASCII_LOWER: Final = {code: code + 32 for code in range(ord("A"), ord("Z") + 1)}


def mentions(text: str, words: tuple[str, ...]) -> bool:
    """Whether ``text`` contains one of ``words`` (lower case) in any ASCII case."""
    return _contains(_ascii_lower(text), words)


def _ascii_lower(text: str) -> str:
    return text.lower() if text.isascii() else text.translate(_ASCII_LOWER)


def _contains(lowered: str, words: tuple[str, ...]) -> bool:
    return any(word in lowered for word in words)


_CLASSES: Final[dict[str, tuple[str, str]]] = memo()


def classify(name: str) -> tuple[str, str]:
    """(type, addition) of a fermentable name: ("grain"|"extract", "mash"|"steep"|"boil")."""
    found = _CLASSES.get(name)
    return found if found is not None else remember(_CLASSES, name, _classify(name))


def _classify(name: str) -> tuple[str, str]:
    lowered = _ascii_lower(name)
    kind = "extract" if _contains(lowered, BOIL_WORDS) else "grain"
    if "mash" in lowered:
        addition = "mash"
    elif "steep" in lowered:
        addition = "steep"
    elif "boil" in lowered or kind == "extract":
        addition = "boil"
    elif _contains(lowered, STEEP_WORDS):
        addition = "steep"
    else:
        addition = "mash"
    return kind, addition


# ---------------------------------------------------------------- parsing helpers


def _require_object(value: Any, path: str) -> dict:
    if not isinstance(value, dict):
        raise RecipeError(f"{path} must be an object")
    return value


def _number(data: dict, key: str, default: float, path: str) -> float:
    if key not in data:
        return default
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise RecipeError(f"{path}{key} must be a number")
    try:
        number = float(value)
    except OverflowError:
        number = math.inf if value > 0 else -math.inf
    if number != number:
        raise RecipeError(f"{path}{key} must be a number")
    return number


def _optional_number(data: dict, key: str, path: str) -> float | None:
    if data.get(key) is None:
        return None
    return _number(data, key, 0.0, path)


def _string(data: dict, key: str, default: str, path: str) -> str:
    if key not in data:
        return default
    value = data[key]
    if not isinstance(value, str):
        raise RecipeError(f"{path}{key} must be a string")
    return value


def _items(data: dict, key: str, path: str) -> list:
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise RecipeError(f"{path}{key} must be an array")
    return value


def _num_out(value: float | None) -> float | int | None:
    return None if value is None else json_number(value)


# ---------------------------------------------------------------- ingredients


@dataclass(slots=True)
class Fermentable:
    """Malt, extract or sugar: weight in kg, yield in % of sucrose, colour in °SRM."""

    name: str = "New Fermentable"
    weight: float = 1.0
    yield_: float = 75.0
    color: float = 2.0
    late: bool = False

    @classmethod
    def from_dict(cls, data: Any, path: str = "fermentable.") -> Fermentable:
        """Build from Brauhaus JSON; `late` follows JavaScript truthiness."""
        data = _require_object(data, path.rstrip("."))
        return cls(
            name=_string(data, "name", "New Fermentable", path),
            weight=_number(data, "weight", 1.0, path),
            yield_=_number(data, "yield", 75.0, path),
            color=_number(data, "color", 2.0, path),
            late=truthy(data.get("late", False)),
        )

    def to_dict(self) -> dict:
        """Brauhaus `toJSON` keys: name, weight, yield, color, late."""
        return {
            "name": self.name,
            "weight": json_number(self.weight),
            "yield": json_number(self.yield_),
            "color": json_number(self.color),
            "late": self.late,
        }

    def type(self) -> str:
        """The kind by name: "extract" for sugars and extracts, else "grain"."""
        return classify(self.name)[0]

    def addition(self) -> str:
        """When it goes in: "mash", "steep" or "boil" (by name, as Brauhaus does)."""
        return classify(self.name)[1]

    def weight_lb(self) -> float:
        """Weight in pounds."""
        return units.kg_to_lb(self.weight)

    def ppg(self) -> float:
        """Gravity points per pound per gallon at 100 % efficiency."""
        return units.yield_to_ppg(self.yield_)

    def gu(self, liters: float = 1.0) -> float:
        """Gravity units in `liters` of wort at 100 % efficiency."""
        return div(self.ppg() * self.weight_lb(), units.liters_to_gallons(liters))

    def price(self) -> float:
        """Rough price in USD (per-kg rate chosen by name)."""
        if mentions(self.name, _DRY_PRICE_WORDS):
            return self.weight * 8.80
        if mentions(self.name, _LIQUID_PRICE_WORDS):
            return self.weight * 6.60
        return self.weight * 4.40


@dataclass(slots=True)
class Spice:
    """A hop (aa > 0) or other spice: weight in kg, aa in %, time in minutes."""

    name: str = "New Spice"
    weight: float = 0.025
    aa: float = 0.0
    use: str = "boil"
    time: float = 60.0
    form: str = "pellet"

    @classmethod
    def from_dict(cls, data: Any, path: str = "spice.") -> Spice:
        """Build from Brauhaus JSON (missing keys take Brauhaus defaults)."""
        data = _require_object(data, path.rstrip("."))
        return cls(
            name=_string(data, "name", "New Spice", path),
            weight=_number(data, "weight", 0.025, path),
            aa=_number(data, "aa", 0.0, path),
            use=_string(data, "use", "boil", path),
            time=_number(data, "time", 60.0, path),
            form=_string(data, "form", "pellet", path),
        )

    def to_dict(self) -> dict:
        """Brauhaus `toJSON` keys: name, weight, aa, use, time, form."""
        return {
            "name": self.name,
            "weight": json_number(self.weight),
            "aa": json_number(self.aa),
            "use": self.use,
            "time": json_number(self.time),
            "form": self.form,
        }

    def dry(self) -> bool:
        """True for additions after the boil (use mentions primary, secondary or dry)."""
        return mentions(self.use, DRY_SPICE_WORDS)

    def utilization_factor(self) -> float:
        """1.15 for exactly "pellet" (case-sensitive, as Brauhaus), else 1.0."""
        return 1.15 if self.form == "pellet" else 1.0

    def weight_lb(self) -> float:
        """Weight in pounds."""
        return units.kg_to_lb(self.weight)

    def price(self) -> float:
        """Rough price in USD."""
        return self.weight * 17.64


@dataclass(slots=True)
class Yeast:
    """A yeast: type (ale, lager, …), form (liquid, dry, …), apparent attenuation %."""

    name: str = "New Yeast"
    type: str = "ale"
    form: str = "liquid"
    attenuation: float = 75.0

    @classmethod
    def from_dict(cls, data: Any, path: str = "yeast.") -> Yeast:
        """Build from Brauhaus JSON (missing keys take Brauhaus defaults)."""
        data = _require_object(data, path.rstrip("."))
        return cls(
            name=_string(data, "name", "New Yeast", path),
            type=_string(data, "type", "ale", path),
            form=_string(data, "form", "liquid", path),
            attenuation=_number(data, "attenuation", 75.0, path),
        )

    def to_dict(self) -> dict:
        """Brauhaus `toJSON` keys: name, type, form, attenuation."""
        return {
            "name": self.name,
            "type": self.type,
            "form": self.form,
            "attenuation": json_number(self.attenuation),
        }

    def price(self) -> float:
        """Price per packet in USD: lab cultures cost more."""
        return 7.00 if mentions(self.name, _LAB_YEAST_WORDS) else 3.50


@dataclass(slots=True)
class MashStep:
    """One mash step: water ratio in l/kg, temperatures in °C, times in minutes."""

    name: str = "Saccharification"
    type: str = "Infusion"
    water_ratio: float = 3.0
    temp: float = 68.0
    end_temp: float | None = None
    time: float = 60.0
    ramp_time: float | None = None

    @classmethod
    def from_dict(cls, data: Any, path: str = "step.") -> MashStep:
        """Build from Brauhaus JSON (missing keys take Brauhaus defaults)."""
        data = _require_object(data, path.rstrip("."))
        return cls(
            name=_string(data, "name", "Saccharification", path),
            type=_string(data, "type", "Infusion", path),
            water_ratio=_number(data, "waterRatio", 3.0, path),
            temp=_number(data, "temp", 68.0, path),
            end_temp=_optional_number(data, "endTemp", path),
            time=_number(data, "time", 60.0, path),
            ramp_time=_optional_number(data, "rampTime", path),
        )

    def to_dict(self) -> dict:
        """Brauhaus `toJSON` keys: name, type, waterRatio, temp, endTemp, time, rampTime."""
        return {
            "name": self.name,
            "type": self.type,
            "waterRatio": json_number(self.water_ratio),
            "temp": json_number(self.temp),
            "endTemp": _num_out(self.end_temp),
            "time": json_number(self.time),
            "rampTime": _num_out(self.ramp_time),
        }

    def description(self, si_units: bool = True, grain_weight: float | None = None) -> str:
        """The step as Brauhaus words it (temperatures printed as JS numbers, no degree sign)."""
        return mash_step_words(self.type, self.water_ratio, self.temp, self.time, si_units,
                               grain_weight)


def mash_step_words(kind: str, water_ratio: float, temp: float, time: float, si_units: bool,
                    grain_weight: float | None) -> str:
    """``MashStep.description`` from the numbers it prints: the timeline words its steps without
    building one."""
    if si_units:
        degrees, ratio, weight = f"{js_str(temp)}C", water_ratio, grain_weight
    else:
        degrees = f"{js_str(c_to_f(temp))}F"
        ratio = units.liters_per_kg_to_quarts_per_lb(water_ratio)
        weight = units.kg_to_lb(grain_weight) if grain_weight is not None else None
    minutes = js_str(time)
    if kind == "Temperature":
        return f"Stop heating and hold for {minutes} minutes at {degrees}"
    if kind not in ("Infusion", "Decoction"):
        return f"Unknown mash step type '{kind}'!"
    if weight is not None:
        amount = f"{to_fixed(ratio * weight, 1)}{'l' if si_units else 'qt'}"
    else:
        amount = f"{to_fixed(ratio, 1)}{'l per kg' if si_units else 'qt per lb'} of grain"
    if kind == "Infusion":
        return f"Infuse {amount} for {minutes} minutes at {degrees}"
    return f"Add {amount} boiled water to reach {degrees} and hold for {minutes} minutes"


@dataclass(slots=True)
class Mash:
    """Mash profile; grain/sparge temperature, pH and notes are carried, not used in maths."""

    name: str = ""
    grain_temp: float = 23.0
    sparge_temp: float = 76.0
    ph: float | None = None
    notes: str = ""
    steps: list[MashStep] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data: Any, path: str = "mash.") -> Mash:
        """Build from Brauhaus JSON (missing keys take Brauhaus defaults)."""
        data = _require_object(data, path.rstrip("."))
        return cls(
            name=_string(data, "name", "", path),
            grain_temp=_number(data, "grainTemp", 23.0, path),
            sparge_temp=_number(data, "spargeTemp", 76.0, path),
            ph=_optional_number(data, "ph", path),
            notes=_string(data, "notes", "", path),
            steps=[
                MashStep.from_dict(item, f"{path}steps[{i}].")
                for i, item in enumerate(_items(data, "steps", path))
            ],
        )

    def to_dict(self) -> dict:
        """Brauhaus `toJSON` keys: name, grainTemp, spargeTemp, ph, notes, steps."""
        return {
            "name": self.name,
            "grainTemp": json_number(self.grain_temp),
            "spargeTemp": json_number(self.sparge_temp),
            "ph": _num_out(self.ph),
            "notes": self.notes,
            "steps": [step.to_dict() for step in self.steps],
        }


_STYLE_RANGES = ("og", "fg", "ibu", "color", "abv", "carb")
# (JSON key, attribute): the style guide's identifiers, kept so BeerXML style fields survive
# import → export (BeerXML 1.0 requires them in every STYLE).
_STYLE_TEXTS = (("name", "name"), ("category", "category"), ("categoryNumber", "category_number"),
                ("styleLetter", "style_letter"), ("styleGuide", "style_guide"), ("type", "type"))


@dataclass(slots=True)
class Style:
    """Target style.  Brauhaus stores a free object; keys it does not know are kept in `extra`."""

    name: str | None = None
    category: str | None = None
    category_number: str | None = None
    style_letter: str | None = None
    style_guide: str | None = None
    type: str | None = None
    og: tuple[float, float] | None = None
    fg: tuple[float, float] | None = None
    ibu: tuple[float, float] | None = None
    color: tuple[float, float] | None = None
    abv: tuple[float, float] | None = None
    carb: tuple[float, float] | None = None
    extra: dict = field(default_factory=dict)

    @classmethod
    def beerxml_default(cls) -> Style:
        """The ranges brauhaus-beerxml starts from before reading a STYLE element."""
        return cls(
            og=(1.0, 1.15),
            fg=(1.0, 1.15),
            ibu=(0.0, 150.0),
            color=(0.0, 500.0),
            abv=(0.0, 14.0),
            carb=(1.0, 4.0),
        )

    @classmethod
    def from_dict(cls, data: Any, path: str = "style.") -> Style:
        """Build from a JSON style object; ranges must be [min, max] numbers."""
        data = _require_object(data, path.rstrip("."))
        style = cls()
        texts = dict(_STYLE_TEXTS)
        for key, value in data.items():
            if key in texts:
                setattr(style, texts[key], _string(data, key, "", path))
            elif key in _STYLE_RANGES:
                if not isinstance(value, list) or len(value) != 2:
                    raise RecipeError(f"{path}{key} must be an array of two numbers")
                pair = {"min": value[0], "max": value[1]}
                low = _number(pair, "min", 0.0, f"{path}{key}.")
                high = _number(pair, "max", 0.0, f"{path}{key}.")
                setattr(style, key, (low, high))
            else:
                style.extra[key] = value
        return style

    def to_dict(self) -> dict:
        """Only the keys that are set, ranges as [min, max]."""
        out: dict[str, Any] = {}
        for key, attr in _STYLE_TEXTS:
            if getattr(self, attr) is not None:
                out[key] = getattr(self, attr)
        for key in _STYLE_RANGES:
            pair = getattr(self, key)
            if pair is not None:
                out[key] = [json_number(pair[0]), json_number(pair[1])]
        out.update(self.extra)
        return out


# ---------------------------------------------------------------- recipe

_RECIPE_NUMBERS = (
    # (JSON key, attribute, Brauhaus default)
    ("boilSize", "boil_size", 10.0),
    ("batchSize", "batch_size", 20.0),
    ("servingSize", "serving_size", 0.355),
    ("steepEfficiency", "steep_efficiency", 50.0),
    ("steepTime", "steep_time", 20.0),
    ("mashEfficiency", "mash_efficiency", 75.0),
    ("bottlingTemp", "bottling_temp", 0.0),
    ("bottlingPressure", "bottling_pressure", 0.0),
    ("primaryDays", "primary_days", 14.0),
    ("primaryTemp", "primary_temp", 20.0),
    ("secondaryDays", "secondary_days", 0.0),
    ("secondaryTemp", "secondary_temp", 0.0),
    ("tertiaryDays", "tertiary_days", 0.0),
    ("tertiaryTemp", "tertiary_temp", 0.0),
    ("agingDays", "aging_days", 14.0),
    ("agingTemp", "aging_temp", 20.0),
)


@dataclass(slots=True)
class Recipe:
    """A Brauhaus recipe.  Sizes in litres, temperatures in °C, durations in days."""

    name: str = "New Recipe"
    description: str = "Recipe description"
    author: str = "Anonymous Brewer"
    boil_size: float = 10.0
    batch_size: float = 20.0
    serving_size: float = 0.355
    steep_efficiency: float = 50.0
    steep_time: float = 20.0
    mash_efficiency: float = 75.0
    style: Style | None = None
    ibu_method: str = "tinseth"
    fermentables: list[Fermentable] = field(default_factory=list)
    spices: list[Spice] = field(default_factory=list)
    yeast: list[Yeast] = field(default_factory=list)
    mash: Mash | None = None
    bottling_temp: float = 0.0
    bottling_pressure: float = 0.0
    primary_days: float = 14.0
    primary_temp: float = 20.0
    secondary_days: float = 0.0
    secondary_temp: float = 0.0
    tertiary_days: float = 0.0
    tertiary_temp: float = 0.0
    aging_days: float = 14.0
    aging_temp: float = 20.0

    @classmethod
    def from_dict(cls, data: Any) -> Recipe:
        """Build from a Brauhaus JSON object; raises RecipeError naming the bad field."""
        data = _require_object(data, "recipe")
        recipe = cls(
            name=_string(data, "name", "New Recipe", ""),
            description=_string(data, "description", "Recipe description", ""),
            author=_string(data, "author", "Anonymous Brewer", ""),
            ibu_method=_string(data, "ibuMethod", "tinseth", ""),
            style=None if data.get("style") is None else Style.from_dict(data["style"]),
            mash=None if data.get("mash") is None else Mash.from_dict(data["mash"]),
            fermentables=[
                Fermentable.from_dict(item, f"fermentables[{i}].")
                for i, item in enumerate(_items(data, "fermentables", ""))
            ],
            spices=[
                Spice.from_dict(item, f"spices[{i}].")
                for i, item in enumerate(_items(data, "spices", ""))
            ],
            yeast=[
                Yeast.from_dict(item, f"yeast[{i}].")
                for i, item in enumerate(_items(data, "yeast", ""))
            ],
        )
        for key, attr, default in _RECIPE_NUMBERS:
            setattr(recipe, attr, _number(data, key, default, ""))
        return recipe

    @classmethod
    def from_json(cls, text: str) -> Recipe:
        """Build from a JSON string (Brauhaus accepts recipes as strings too)."""
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise RecipeError(f"recipe is not valid JSON: {exc}") from None
        return cls.from_dict(data)

    def to_dict(self) -> dict:
        """The 25 keys of Brauhaus's `Recipe.toJSON`, in its order."""
        numbers = {key: json_number(getattr(self, attr)) for key, attr, _ in _RECIPE_NUMBERS}
        return {
            "name": self.name,
            "description": self.description,
            "author": self.author,
            "boilSize": numbers["boilSize"],
            "batchSize": numbers["batchSize"],
            "servingSize": numbers["servingSize"],
            "steepEfficiency": numbers["steepEfficiency"],
            "steepTime": numbers["steepTime"],
            "mashEfficiency": numbers["mashEfficiency"],
            "style": None if self.style is None else self.style.to_dict(),
            "ibuMethod": self.ibu_method,
            "fermentables": [item.to_dict() for item in self.fermentables],
            "spices": [item.to_dict() for item in self.spices],
            "yeast": [item.to_dict() for item in self.yeast],
            "mash": None if self.mash is None else self.mash.to_dict(),
            "bottlingTemp": numbers["bottlingTemp"],
            "bottlingPressure": numbers["bottlingPressure"],
            "primaryDays": numbers["primaryDays"],
            "primaryTemp": numbers["primaryTemp"],
            "secondaryDays": numbers["secondaryDays"],
            "secondaryTemp": numbers["secondaryTemp"],
            "tertiaryDays": numbers["tertiaryDays"],
            "tertiaryTemp": numbers["tertiaryTemp"],
            "agingDays": numbers["agingDays"],
            "agingTemp": numbers["agingTemp"],
        }

    def grain_weight(self) -> float:
        """kg of fermentables whose name does not look like an extract or sugar."""
        weight = 0.0
        for fermentable in self.fermentables:
            if classify(fermentable.name)[0] == "grain":
                weight += fermentable.weight
        return weight

    def bottle_count(self) -> float:
        """Whole servings in the batch (a float: Infinity when servingSize is 0)."""
        return floor(div(self.batch_size, self.serving_size))
