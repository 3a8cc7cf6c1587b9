"""The tap board: each tap's card from the bar, with bitterness and colour from the brewhouse.

Beverages have no IBU or colour of their own; when a *public* recipe has a beverage's name, its
figures are shown ("where known"), and private recipes are never consulted, since the board
hangs on a public TV. That pairing needs both the bar and the brewhouse, which know nothing of
each other (the domain packages are independent), so it lives here, above the domain and
beside ``demo_data``: the one place where a tap meets a recipe. The web tap list and the
window's Taps page both read the board from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from kegdash.bar import views as bar_views
from kegdash.bar.views import TapCard
from kegdash.brewing import views as brewing_views
from kegdash.brewing.views import RecipeFigures


@dataclass(frozen=True, slots=True)
class BoardTap:
    """A tap's card and, where a public recipe of its beverage's name exists, its figures."""

    card: TapCard
    recipe: RecipeFigures | None


def tap_state(card: TapCard, low_fraction: float) -> str:
    """What a tap's card says first: ``empty`` (no keg), ``kicked`` (nothing left), ``low``
    (below the site's ``low_keg_fraction``) or ``ok``; one rule for every screen of the bar."""
    if card.keg_id is None:
        return "empty"
    if card.fraction <= 0:
        return "kicked"
    return "low" if card.fraction < low_fraction else "ok"


def _with_figures(cards: list[TapCard]) -> list[BoardTap]:
    names = {card.beverage for card in cards if card.keg_id is not None}
    figures = brewing_views.public_recipe_figures(names)
    return [BoardTap(card=card, recipe=figures.get(card.beverage.lower())
                     if card.keg_id is not None else None)
            for card in cards]


def board() -> list[BoardTap]:
    """Every tap in display order."""
    return _with_figures(bar_views.tap_cards())


def board_tap(tap_id: int) -> BoardTap | None:
    """One tap, or None if there is no such tap."""
    card = bar_views.tap_card(tap_id)
    return _with_figures([card])[0] if card is not None else None
