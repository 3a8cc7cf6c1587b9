"""The brewhouse's read side: plain values for the window, the web pages and the APIs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from peewee import fn

from kegdash.brewing.colors import srm_to_css, srm_to_name
from kegdash.brewing.models import StoredRecipe


@dataclass(frozen=True, slots=True)
class RecipeFigures:
    """What a tap board shows of a beer brewed here: bitterness and colour."""

    ibu: float | None
    srm: float | None
    color_css: str | None
    color_name: str | None


def public_recipe_figures(names: Iterable[str]) -> dict[str, RecipeFigures]:
    """Lower-cased recipe name → figures of the most recently changed *public* recipe of that
    name. Private recipes are never consulted: a tap board hangs on a public TV."""
    wanted = sorted({name.lower() for name in names})
    if not wanted:
        return {}
    rows = (StoredRecipe.select(fn.LOWER(StoredRecipe.name).alias("key"), StoredRecipe.ibu,
                                StoredRecipe.color)
            .where(fn.LOWER(StoredRecipe.name).in_(wanted)
                   & (StoredRecipe.private == False))  # noqa: E712
            .order_by(StoredRecipe.modified, StoredRecipe.id).dicts())
    return {  # later rows win
        row["key"]: RecipeFigures(
            ibu=row["ibu"], srm=row["color"],
            color_css=srm_to_css(row["color"]) if row["color"] is not None else None,
            color_name=srm_to_name(row["color"]) if row["color"] is not None else None)
        for row in rows
    }
