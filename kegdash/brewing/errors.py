"""One exception family for the brewing engine.

The Tapline API turns any `BrewingError` into a 400 answer whose text is the
message, so every message names the field or property at fault.
"""


class BrewingError(ValueError):
    """Base class: bad input to a brewing function (message names the field)."""


class RecipeError(BrewingError):
    """A recipe value has the wrong type or an unknown setting."""


class ConversionError(BrewingError):
    """A duration or colour conversion got a bad value or format."""


class BeerXmlError(BrewingError):
    """BeerXML that is malformed, too large or hostile."""
