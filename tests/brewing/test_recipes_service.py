"""Stored recipes without HTTP: slugs, clones, privacy, the feed and the saved event."""

import pytest

from kegdash import events
from kegdash.accounts.users import create_user
from kegdash.brewing import actions
from kegdash.brewing import recipes as store
from kegdash.brewing.errors import RecipeError
from kegdash.brewing.models import Action

PALE = {"name": "Pale Ale", "fermentables": [{"name": "Pale malt", "weight": 4.5}]}


@pytest.mark.parametrize(("name", "slug"), [
    ("Test recipe", "test-recipe"), ("Märzen Öl", "marzen-ol"), ("Dunkel & Co.", "dunkel-and-co"),
    ("100% Brett", "100-brett"), ("Schwarzbier (Dark)", "schwarzbier-dark"), ("日本", "recipe"),
    ("  --Hop_Bomb--  ", "hop-bomb"), ("", "recipe"), ("Straße", "strasse"),
])
def test_slugify(name, slug):
    assert store.slugify(name) == slug


@pytest.mark.parametrize(("slug", "following"), [
    ("test-recipe", "test-recipe-1"), ("test-recipe-1", "test-recipe-2"), ("ipa-2013", "ipa-2014"),
    ("beer1", "beer2"), ("recipe-9", "recipe-10"),
])
def test_next_slug(slug, following):
    assert store.next_slug(slug) == following


def test_create_caches_numbers_records_action_and_publishes_after_commit(database):
    anna = create_user("anna")
    seen = []
    unsubscribe = events.bus.subscribe(seen.append)
    try:
        row = store.create_recipe(anna, PALE)
    finally:
        unsubscribe()
    assert row.slug == "pale-ale" and row.og > 1 and row.abv > 0
    assert seen == [events.RecipeSaved(recipe_id=row.public_id, recipe_name="Pale Ale", change="created")]
    action = Action.get(Action.target_id == row.public_id)
    assert action.type == actions.RECIPE_CREATED
    assert actions.action_data(action)["og"] == row.og
    assert store.stored_recipe(row).author == "anna"


def test_bad_recipe_data_raises_engine_error_and_stores_nothing(database):
    anna = create_user("anna")
    with pytest.raises(RecipeError, match="weight"):
        store.create_recipe(anna, {"fermentables": [{"name": "Malt", "weight": "x"}]})
    assert store.find_recipes() == [] and Action.select().count() == 0


def test_slug_collisions_and_rename(database):
    anna = create_user("anna")
    first = store.create_recipe(anna, PALE)
    second = store.create_recipe(anna, PALE)
    assert second.slug == "pale-ale-1"
    renamed = store.update_recipe(anna, second.public_id, data={**PALE, "name": "Bitter"})
    assert renamed.slug == "bitter"
    untouched = store.update_recipe(anna, first.public_id, private=False)
    assert untouched.slug == "pale-ale"


def test_privacy_and_ownership(database):
    anna, bob = create_user("anna"), create_user("bob")
    secret = store.create_recipe(anna, PALE, private=True)
    with pytest.raises(store.RecipeNotFound):
        store.get_recipe(secret.public_id, viewer=bob, show_private=True)
    with pytest.raises(store.RecipeNotFound):
        store.get_recipe(secret.public_id, viewer=anna)
    assert store.get_recipe(secret.public_id, viewer=anna, show_private=True).id == secret.id
    assert store.find_recipes(viewer=bob, show_private=True) == []
    assert [r.id for r in store.find_recipes(viewer=anna, show_private=True)] == [secret.id]
    assert actions.find_actions(viewer=bob, show_private=True, user_ids=[anna.public_id]) == []
    assert actions.find_actions(viewer=anna, user_ids=[anna.public_id]) == []
    mine = actions.find_actions(viewer=anna, show_private=True, user_ids=[anna.public_id])
    assert [a.target_id for a in mine] == [secret.public_id]
    public = store.create_recipe(anna, PALE)
    with pytest.raises(store.NotRecipeOwner):
        store.delete_recipe(bob, public.public_id)
    with pytest.raises(store.RecipeInputError, match="parent"):
        store.create_recipe(bob, PALE, parent_id=secret.public_id, show_private=True)


def test_clone_filter_and_delete(database):
    anna, bob = create_user("anna"), create_user("bob")
    parent = store.create_recipe(anna, PALE)
    clone = store.create_recipe(bob, PALE, parent_id=parent.public_id)
    assert clone.parent_id == parent.id
    assert [r.id for r in store.find_recipes(parent_ids=[parent.public_id])] == [clone.id]
    store.delete_recipe(anna, parent.public_id)
    assert Action.select().where(Action.target_id == parent.public_id).count() == 0
    assert store.get_recipe(clone.public_id).parent_id is None


def test_sorting_and_paging(database):
    anna = create_user("anna")
    made = [store.create_recipe(anna, {"name": name}) for name in ("b", "a", "c")]
    assert [r.name for r in store.find_recipes(sort="name")] == ["a", "b", "c"]
    assert [r.name for r in store.find_recipes(sort="-name", limit=2)] == ["c", "b"]
    assert [r.id for r in store.find_recipes(sort="created")] == [r.id for r in made]
    assert [r.name for r in store.find_recipes(sort="name", offset=2)] == ["c"]
    with pytest.raises(ValueError, match="sort"):
        store.find_recipes(sort="random")


def test_update_without_author_keeps_the_stored_one(database):
    anna = create_user("anna")
    row = store.create_recipe(anna, {**PALE, "author": "Anna K."})
    updated = store.update_recipe(anna, row.public_id, data={**PALE, "name": "Pale Ale II"})
    assert store.stored_recipe(updated).author == "Anna K."
    updated = store.update_recipe(anna, row.public_id, data={**PALE, "author": ""})
    assert store.stored_recipe(updated).author == ""
