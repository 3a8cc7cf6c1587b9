"""The tap board pairs the bar's tap cards with the brewhouse's public recipe figures."""

from kegdash import tap_board
from kegdash.accounts.users import create_user
from kegdash.bar import views as bar_views
from kegdash.bar.taps import add_tap, start_keg
from kegdash.brewing.models import StoredRecipe


def test_public_recipes_of_a_beverages_name_give_its_figures(database):
    brewer = create_user("brewer")
    for n in range(4):
        add_tap(f"Tap {n + 1}", f"kegboard.flow{n}")
    start_keg(1, "Pale Ale", size="corny")
    start_keg(2, "Secret Stout", size="corny")
    start_keg(3, "Lager", size="corny")
    StoredRecipe.create(owner=brewer, slug="pale", name="PALE ALE", ibu=38.4, color=7.5)
    StoredRecipe.create(owner=brewer, slug="stout", name="secret stout", ibu=60, color=40, private=True)
    StoredRecipe.create(owner=brewer, slug="pale-ale", name="Pale Ale", ibu=35.0, color=7.5,
                        private=True)  # private: never consulted, even when newer

    pale, stout, lager, empty = tap_board.board()
    assert [entry.card for entry in (pale, stout, lager, empty)] == bar_views.tap_cards()
    assert pale.recipe.ibu == 38.4 and pale.recipe.srm == 7.5 and pale.recipe.color_name == "gold"
    assert pale.recipe.color_css.startswith("rgb(")
    assert stout.recipe is None and lager.recipe is None and empty.recipe is None
    assert tap_board.board_tap(1) == pale and tap_board.board_tap(4) == empty
    assert tap_board.board_tap(99) is None


def test_one_rule_says_empty_kicked_low_or_ok():
    def card(keg_id, fraction):
        return bar_views.TapCard(tap_id=1, name="Tap 1", meter="kegboard.flow0", keg_id=keg_id,
                                 fraction=fraction)

    assert tap_board.tap_state(card(None, 0.0), 0.1) == "empty"
    assert tap_board.tap_state(card(3, 0.0), 0.1) == "kicked"
    assert tap_board.tap_state(card(3, 0.09), 0.1) == "low"
    assert tap_board.tap_state(card(3, 0.1), 0.1) == "ok"
    assert tap_board.tap_state(card(3, 0.09), 0.05) == "ok"
