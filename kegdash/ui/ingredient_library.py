"""The built-in ingredient library (``resources/ingredients.json``) and the BJCP 2015 styles
(``resources/styles/bjcp-2015.json``) the recipe editor offers.

Malt colours are kept in degrees Lovibond as maltsters publish them; the engine computes in
SRM, so ``Malt.srm`` converts with the engine's own formula. Styles are offered as "18B American
Pale Ale" (code and name), the way the BJCP guidelines and BeerSmith list them. Loaded once and
cached: the editor asks for it every time a row is added.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

from kegdash.brewing import Fermentable, Spice, Style, Yeast
from kegdash.brewing.colors import lovibond_to_srm
from kegdash.resources import resource_path


@dataclass(frozen=True)
class Malt:
    name: str
    lovibond: float
    yield_: float

    @property
    def srm(self) -> float:
        """The colour in SRM (the engine's unit); very pale malts clamp at 0 rather than go negative."""
        return max(0.0, round(lovibond_to_srm(self.lovibond), 2))

    def fill(self, item: Fermentable) -> None:
        """Copy name, colour and yield onto a fermentable, keeping its weight."""
        item.name, item.color, item.yield_ = self.name, self.srm, self.yield_


@dataclass(frozen=True)
class Hop:
    name: str
    aa: float

    def fill(self, item: Spice) -> None:
        """Copy name and alpha acid onto a spice, keeping weight, use and time."""
        item.name, item.aa = self.name, self.aa


@dataclass(frozen=True)
class YeastStrain:
    name: str
    type: str
    form: str
    attenuation: float

    def fill(self, item: Yeast) -> None:
        item.name, item.type, item.form, item.attenuation = (self.name, self.type, self.form,
                                                             self.attenuation)


def style_label(style: Style) -> str:
    """How the style picker names a style: "18B American Pale Ale", or the bare name without a
    code (a style typed by hand or imported without one)."""
    code = f"{style.category_number or ''}{style.style_letter or ''}"
    name = style.name or ""
    return f"{code} {name}" if code and name else name


@dataclass(frozen=True)
class Library:
    malts: dict[str, Malt]
    hops: dict[str, Hop]
    yeasts: dict[str, YeastStrain]
    styles: dict[str, Style]
    """Picker label ("18B American Pale Ale") → style, in guideline order."""

    def find_style(self, text: str) -> Style | None:
        """The library style a picker text names: its label, or its name in any case."""
        text = text.strip()
        if text in self.styles:
            return self.styles[text]
        lowered = text.lower()
        return next((style for style in self.styles.values()
                     if (style.name or "").lower() == lowered), None)


@lru_cache(maxsize=1)
def library() -> Library:
    """The parsed library (cached; the file ships with kegdash and does not change at run time)."""
    data = json.loads(resource_path("ingredients.json").read_text(encoding="utf-8"))
    guide = json.loads(resource_path("styles", "bjcp-2015.json").read_text(encoding="utf-8"))
    styles = [Style.from_dict(entry) for entry in guide["styles"]]
    return Library(
        malts={m["name"]: Malt(m["name"], float(m["color"]), float(m["yield"])) for m in data["malts"]},
        hops={h["name"]: Hop(h["name"], float(h["aa"])) for h in data["hops"]},
        yeasts={y["name"]: YeastStrain(y["name"], y["type"], y["form"], float(y["attenuation"]))
                for y in data["yeasts"]},
        styles={style_label(style): style for style in styles},
    )
