"""A checker of BeerXML 1.0's element rules, written from the standard's tables.

For every record kegdash writes (RECIPE, STYLE, FERMENTABLE, HOP, MISC, YEAST, WATER, MASH,
MASH_STEP) it knows each standard tag: whether it is required ("Yes", or "Conditional" with the
condition the standard states) and its format (Integer, Floating Point/Percentage and the unit
formats, Boolean as TRUE/FALSE in capitals, List with its case-sensitive values, Text). A
document passes when tags are upper case, every record has each required tag exactly once, every
standard tag present has a value of its format, and record sets hold only their records.
Non-standard tags are allowed (the standard says importers ignore them).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

TEXT, INT, FLOAT, BOOL = "text", "integer", "float", "boolean"

# tag: (required, format); format may be a tuple of list values. required: True, False or the
# name of a condition in CONDITIONS.
RECORDS: dict[str, dict[str, tuple[object, object]]] = {
    "RECIPE": {
        "NAME": (True, TEXT), "VERSION": (True, INT),
        "TYPE": (True, ("Extract", "Partial Mash", "All Grain")),
        "STYLE": (True, "STYLE"), "EQUIPMENT": (False, "EQUIPMENT"), "BREWER": (True, TEXT),
        "ASST_BREWER": (False, TEXT), "BATCH_SIZE": (True, FLOAT), "BOIL_SIZE": (True, FLOAT),
        "BOIL_TIME": (True, FLOAT), "EFFICIENCY": ("not extract", FLOAT),
        "HOPS": (True, ["HOP"]), "FERMENTABLES": (True, ["FERMENTABLE"]),
        "MISCS": (True, ["MISC"]), "YEASTS": (True, ["YEAST"]), "WATERS": (True, ["WATER"]),
        "MASH": ("not extract", "MASH"), "NOTES": (False, TEXT), "TASTE_NOTES": (False, TEXT),
        "TASTE_RATING": (False, FLOAT), "OG": (False, FLOAT), "FG": (False, FLOAT),
        "FERMENTATION_STAGES": (False, INT), "PRIMARY_AGE": (False, FLOAT),
        "PRIMARY_TEMP": (False, FLOAT), "SECONDARY_AGE": (False, FLOAT),
        "SECONDARY_TEMP": (False, FLOAT), "TERTIARY_AGE": (False, FLOAT),
        "TERTIARY_TEMP": (False, FLOAT), "AGE": (False, FLOAT), "AGE_TEMP": (False, FLOAT),
        "DATE": (False, TEXT), "CARBONATION": (False, FLOAT), "FORCED_CARBONATION": (False, BOOL),
        "PRIMING_SUGAR_NAME": (False, TEXT), "CARBONATION_TEMP": (False, FLOAT),
        "PRIMING_SUGAR_EQUIV": (False, FLOAT), "KEG_PRIMING_FACTOR": (False, FLOAT),
    },
    "STYLE": {
        "NAME": (True, TEXT), "CATEGORY": (True, TEXT), "VERSION": (True, INT),
        "CATEGORY_NUMBER": (True, TEXT), "STYLE_LETTER": (True, TEXT),
        "STYLE_GUIDE": (True, TEXT),
        "TYPE": (True, ("Lager", "Ale", "Mead", "Wheat", "Mixed", "Cider")),
        **{f"{key}_{end}": (key in ("OG", "FG", "IBU", "COLOR"), FLOAT)
           for key in ("OG", "FG", "IBU", "COLOR", "CARB", "ABV") for end in ("MIN", "MAX")},
        "NOTES": (False, TEXT), "PROFILE": (False, TEXT), "INGREDIENTS": (False, TEXT),
        "EXAMPLES": (False, TEXT),
    },
    "FERMENTABLE": {
        "NAME": (True, TEXT), "VERSION": (True, INT),
        "TYPE": (True, ("Grain", "Sugar", "Extract", "Dry Extract", "Adjunct")),
        "AMOUNT": (True, FLOAT), "YIELD": (True, FLOAT), "COLOR": (True, FLOAT),
        "ADD_AFTER_BOIL": (False, BOOL), "ORIGIN": (False, TEXT), "SUPPLIER": (False, TEXT),
        "NOTES": (False, TEXT), "COARSE_FINE_DIFF": (False, FLOAT), "MOISTURE": (False, FLOAT),
        "DIASTATIC_POWER": (False, FLOAT), "PROTEIN": (False, FLOAT),
        "MAX_IN_BATCH": (False, FLOAT), "RECOMMEND_MASH": (False, BOOL),
        "IBU_GAL_PER_LB": (False, FLOAT),
    },
    "HOP": {
        "NAME": (True, TEXT), "VERSION": (True, INT), "ALPHA": (True, FLOAT),
        "AMOUNT": (True, FLOAT), "USE": (True, ("Boil", "Dry Hop", "Mash", "First Wort", "Aroma")),
        "TIME": (True, FLOAT), "NOTES": (False, TEXT),
        "TYPE": (False, ("Bittering", "Aroma", "Both")), "FORM": (False, ("Pellet", "Plug", "Leaf")),
        "BETA": (False, FLOAT), "HSI": (False, FLOAT), "ORIGIN": (False, TEXT),
        "SUBSTITUTES": (False, TEXT), "HUMULENE": (False, FLOAT),
        "CARYOPHYLLENE": (False, FLOAT), "COHUMULONE": (False, FLOAT), "MYRCENE": (False, FLOAT),
    },
    "MISC": {
        "NAME": (True, TEXT), "VERSION": (True, INT),
        "TYPE": (True, ("Spice", "Fining", "Water Agent", "Herb", "Flavor", "Other")),
        "USE": (True, ("Boil", "Mash", "Primary", "Secondary", "Bottling")),
        "TIME": (True, FLOAT), "AMOUNT": (True, FLOAT), "AMOUNT_IS_WEIGHT": (False, BOOL),
        "USE_FOR": (False, TEXT), "NOTES": (False, TEXT),
    },
    "YEAST": {
        "NAME": (True, TEXT), "VERSION": (True, INT),
        "TYPE": (True, ("Ale", "Lager", "Wheat", "Wine", "Champagne")),
        "FORM": (True, ("Liquid", "Dry", "Slant", "Culture")), "AMOUNT": (True, FLOAT),
        "AMOUNT_IS_WEIGHT": (False, BOOL), "LABORATORY": (False, TEXT),
        "PRODUCT_ID": (False, TEXT), "MIN_TEMPERATURE": (False, FLOAT),
        "MAX_TEMPERATURE": (False, FLOAT),
        "FLOCCULATION": (False, ("Low", "Medium", "High", "Very High")),
        "ATTENUATION": (False, FLOAT), "NOTES": (False, TEXT), "BEST_FOR": (False, TEXT),
        "TIMES_CULTURED": (False, INT), "MAX_REUSE": (False, INT),
        "ADD_TO_SECONDARY": (False, BOOL),
    },
    "WATER": {
        "NAME": (True, TEXT), "VERSION": (True, INT), "AMOUNT": (True, FLOAT),
        **{ion: (True, FLOAT) for ion in ("CALCIUM", "BICARBONATE", "SULFATE", "CHLORIDE",
                                          "SODIUM", "MAGNESIUM")},
        "PH": (False, FLOAT), "NOTES": (False, TEXT),
    },
    "MASH": {
        "NAME": (True, TEXT), "VERSION": (True, INT), "GRAIN_TEMP": (True, FLOAT),
        "MASH_STEPS": (True, ["MASH_STEP"]), "NOTES": (False, TEXT), "TUN_TEMP": (False, FLOAT),
        "SPARGE_TEMP": (False, FLOAT), "PH": (False, FLOAT), "TUN_WEIGHT": (False, FLOAT),
        "TUN_SPECIFIC_HEAT": (False, FLOAT), "EQUIP_ADJUST": (False, BOOL),
    },
    "MASH_STEP": {
        "NAME": (True, TEXT), "VERSION": (True, INT),
        "TYPE": (True, ("Infusion", "Temperature", "Decoction")),
        "INFUSE_AMOUNT": ("infusion", FLOAT), "STEP_TEMP": (True, FLOAT),
        "STEP_TIME": (True, FLOAT), "RAMP_TIME": (False, FLOAT), "END_TEMP": (False, FLOAT),
    },
    "EQUIPMENT": {"NAME": (True, TEXT), "VERSION": (True, INT), "BOIL_SIZE": (True, FLOAT),
                  "BATCH_SIZE": (True, FLOAT)},
}

# "Conditional" in the standard: EFFICIENCY "is required for Partial Mash and All Grain
# recipes", "No Mash record is needed for Extract type brews"; INFUSE_AMOUNT is "Required only
# for infusion steps".
CONDITIONS = {
    "not extract": lambda record: record.findtext("TYPE") != "Extract",
    "infusion": lambda record: record.findtext("TYPE") == "Infusion",
}


def _format_problem(text: str, fmt: object) -> str | None:
    if isinstance(fmt, tuple):
        return None if text in fmt else f"{text!r} is not one of {', '.join(fmt)}"
    if fmt == INT:
        return None if text.strip().lstrip("-").isdigit() else f"{text!r} is not an integer"
    if fmt == FLOAT:
        try:
            float(text)
        except ValueError:
            return f"{text!r} is not a number"
        return None
    if fmt == BOOL:
        return None if text in ("TRUE", "FALSE") else f"{text!r} is not TRUE or FALSE"
    return None


def _check(record: ET.Element, path: str, problems: list[str]) -> None:
    rules = RECORDS[record.tag]
    seen: dict[str, int] = {}
    for child in record:
        if child.tag != child.tag.upper():
            problems.append(f"{path}/{child.tag}: tag names are upper case")
        seen[child.tag] = seen.get(child.tag, 0) + 1
    for tag, (required, _) in rules.items():
        count = seen.get(tag, 0)
        needed = CONDITIONS[required](record) if isinstance(required, str) else required
        if needed and count == 0:
            problems.append(f"{path}/{tag} is required")
        if count > 1:
            problems.append(f"{path}/{tag} appears {count} times")
    for child in record:
        if child.tag not in rules:
            continue  # a non-standard tag: importers ignore it
        fmt = rules[child.tag][1]
        where = f"{path}/{child.tag}"
        if isinstance(fmt, list):
            for i, item in enumerate(child, 1):
                if item.tag not in fmt:
                    problems.append(f"{where}/{item.tag}: a {child.tag} set holds {fmt[0]} only")
                else:
                    _check(item, f"{where}/{item.tag}[{i}]", problems)
        elif isinstance(fmt, str) and fmt in RECORDS:
            _check(child, where, problems)
        elif len(child):
            problems.append(f"{where} holds elements where a value belongs")
        else:
            problem = _format_problem(child.text or "", fmt)
            if problem:
                problems.append(f"{where}: {problem}")


def problems(document: str | bytes) -> list[str]:
    """Everything in a BeerXML RECIPES document that breaks BeerXML 1.0's element rules."""
    data = document.encode("utf-8") if isinstance(document, str) else document
    root = ET.fromstring(data)
    found: list[str] = []
    if root.tag != "RECIPES":
        return [f"the root is {root.tag}, not RECIPES"]
    for i, record in enumerate(root, 1):
        if record.tag != "RECIPE":
            found.append(f"RECIPES/{record.tag}: a RECIPES set holds RECIPE only")
        else:
            _check(record, f"RECIPE[{i}]", found)
    return found
