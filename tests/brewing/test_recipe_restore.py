"""Undoing a recipe delete puts back the same recipe: id, slug, times, parent, clones and feed."""

import pytest

from kegdash import events
from kegdash.accounts.users import create_user
from kegdash.brewing import actions
from kegdash.brewing import recipes as store
from kegdash.brewing.models import Action, StoredRecipe

PALE = {"name": "Pale Ale", "fermentables": [{"name": "Pale malt", "weight": 4.5}]}
COLUMNS = ("public_id", "owner_id", "slug", "name", "private", "parent_id", "data", "og", "fg",
           "ibu", "abv", "color", "created", "modified")


def columns(public_id: str) -> dict:
    row = StoredRecipe.get(StoredRecipe.public_id == public_id)
    return {name: getattr(row, name) for name in COLUMNS}


def feed_about(public_id: str) -> list[tuple]:
    query = Action.select().where(Action.target_id == public_id).order_by(Action.id)
    return [(a.public_id, a.type, a.user_id, a.private, a.data, a.created) for a in query]


def test_restore_puts_back_the_same_recipe_its_clones_and_feed(database):
    anna, bob = create_user("anna"), create_user("bob")
    base = store.create_recipe(bob, {"name": "Base"})
    recipe = store.create_recipe(anna, PALE, private=True, parent_id=base.public_id)
    store.update_recipe(anna, recipe.public_id, data={**PALE, "name": "Pale Ale II"},
                        show_private=True)
    clone = store.create_recipe(anna, {"name": "Clone"}, parent_id=recipe.public_id,
                                show_private=True)
    before, feed = columns(recipe.public_id), feed_about(recipe.public_id)
    assert before["slug"] == "pale-ale-ii" and len(feed) == 2

    deleted = store.delete_recipe(anna, recipe.public_id, show_private=True)
    assert StoredRecipe.get_by_id(clone.id).parent_id is None
    assert feed_about(recipe.public_id) == []
    seen = []
    unsubscribe = events.bus.subscribe(seen.append)
    try:
        restored = store.restore_recipe(deleted)
    finally:
        unsubscribe()

    assert restored.public_id == recipe.public_id
    after = columns(recipe.public_id)
    assert {k: v for k, v in after.items() if k != "parent_id"} == {
        k: v for k, v in before.items() if k != "parent_id"}
    assert restored.parent.public_id == base.public_id
    assert StoredRecipe.get_by_id(clone.id).parent_id == restored.id
    assert feed_about(recipe.public_id) == feed
    assert store.get_recipe(recipe.public_id, viewer=anna, show_private=True).name == "Pale Ale II"
    assert seen == [events.RecipeSaved(recipe_id=recipe.public_id, recipe_name="Pale Ale II",
                                       change="created")]


def test_restore_yields_to_what_changed_meanwhile(database):
    anna = create_user("anna")
    base = store.create_recipe(anna, {"name": "Base"})
    recipe = store.create_recipe(anna, PALE, parent_id=base.public_id)
    moved, kept = (store.create_recipe(anna, {"name": name}, parent_id=recipe.public_id)
                   for name in ("Moved", "Kept"))
    deleted = store.delete_recipe(anna, recipe.public_id)
    store.delete_recipe(anna, base.public_id)
    other = store.create_recipe(anna, {"name": "Other"})
    store.update_recipe(anna, moved.public_id, parent_id=other.public_id)
    store.create_recipe(anna, PALE)  # takes the slug "pale-ale"
    squatter = store.create_recipe(anna, {"name": "Squatter"})
    StoredRecipe.update(public_id=recipe.public_id).where(StoredRecipe.id == squatter.id).execute()
    old_feed = feed_about(recipe.public_id)

    restored = store.restore_recipe(deleted)

    assert restored.public_id != recipe.public_id and len(restored.public_id) == 24
    assert restored.slug == "pale-ale-1" and restored.parent_id is None
    assert restored.created == deleted.row["created"]
    assert StoredRecipe.get_by_id(moved.id).parent_id == other.id
    assert StoredRecipe.get_by_id(kept.id).parent_id == restored.id
    assert feed_about(recipe.public_id) == old_feed
    (created,) = feed_about(restored.public_id)
    assert created[1] == actions.RECIPE_CREATED and created[5] == deleted.actions[0]["created"]


def test_restore_refuses_when_the_owner_is_gone(database):
    anna = create_user("anna")
    deleted = store.delete_recipe(anna, store.create_recipe(anna, PALE).public_id)
    anna.delete_instance()
    with pytest.raises(store.RecipeInputError, match="owner"):
        store.restore_recipe(deleted)
    assert StoredRecipe.select().count() == 0 and Action.select().count() == 0
