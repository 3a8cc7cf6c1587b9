"""Brewing engine: Brauhaus-compatible recipe maths, conversions and BeerXML.

Pure functions and value objects (no database, no I/O, no Qt, no Bottle) so the
recipe editor can recompute on every keystroke and the Tapline API can answer
without saving anything.  Numbers equal Brauhaus.js 1.1.1's, quirks included.
"""

from kegdash.brewing.beerxml import parse_beerxml, to_beerxml
from kegdash.brewing.calc import RecipeResults, bitterness, calculate, grade, scale
from kegdash.brewing.colors import convert_colors
from kegdash.brewing.durations import convert_durations, display_duration, parse_duration
from kegdash.brewing.errors import BeerXmlError, BrewingError, ConversionError, RecipeError
from kegdash.brewing.recipe import Fermentable, Mash, MashStep, Recipe, Spice, Style, Yeast
from kegdash.brewing.timeline import timeline

__all__ = [
    "BeerXmlError",
    "BrewingError",
    "ConversionError",
    "Fermentable",
    "Mash",
    "MashStep",
    "Recipe",
    "RecipeError",
    "RecipeResults",
    "Spice",
    "Style",
    "Yeast",
    "bitterness",
    "calculate",
    "convert_colors",
    "convert_durations",
    "display_duration",
    "grade",
    "parse_beerxml",
    "parse_duration",
    "scale",
    "timeline",
    "to_beerxml",
]
