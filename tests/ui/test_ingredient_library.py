"""The built-in library: malts, hops, yeasts and the BJCP 2015 styles the picker offers."""

from __future__ import annotations

from kegdash.brewing import Style
from kegdash.brewing.beerxml import STYLE_TYPES
from kegdash.ui.ingredient_library import library, style_label


def test_styles_are_labelled_by_code_and_found_by_name():
    styles = library().styles
    assert len(styles) == 83
    labels = list(styles)
    assert labels[:2] == ["1A American Light Lager", "1B American Lager"]
    assert labels[-1] == "26D Belgian Dark Strong Ale"
    apa = styles["18B American Pale Ale"]
    assert (apa.category, apa.style_guide, apa.type, apa.og, apa.ibu, apa.color) == (
        "Pale American Ale", "BJCP 2015", "Ale", (1.045, 1.06), (30, 50), (5, 10))
    assert library().find_style("american pale ale") is apa
    assert library().find_style(" 18B American Pale Ale ") is apa
    assert library().find_style("My house ale") is None
    assert style_label(Style(name="My house ale")) == "My house ale"


def test_every_style_has_sane_ranges_and_a_beerxml_type():
    for label, style in library().styles.items():
        assert style.type in STYLE_TYPES, label
        assert label == f"{style.category_number}{style.style_letter} {style.name}"
        for key, low, high in (("og", 1.0, 1.14), ("fg", 0.995, 1.045), ("ibu", 0, 120),
                               ("color", 1, 40), ("abv", 2, 14.5)):
            span = getattr(style, key)
            assert low <= span[0] <= span[1] <= high, (label, key)
        assert style.fg[1] < style.og[1], label
