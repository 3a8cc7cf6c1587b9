"""The brewhouse's read side on a real SQLite file: the window's recipe list, Tapline's recipe,
action and profile views, and the tap board's figures, each with the privacy rule applied."""

import dataclasses

import pytest

from kegdash.accounts.users import create_user, deactivate_user
from kegdash.accounts.views import principal
from kegdash.brewing import Recipe, actions, calculate, profiles, views
from kegdash.brewing import recipes as store

PALE = {"name": "Pale Ale", "description": "Bright", "style": {"name": "American Pale Ale"},
        "fermentables": [{"name": "Pale malt", "weight": 4.5}]}


@pytest.fixture
def people(database):
    return principal(create_user("anna")), principal(create_user("bob"))


def names(rows):
    return [row.name for row in rows]


def test_recipe_rows_sort_by_name_ignoring_case(people):
    anna, _ = people
    for name in ("cherry", "Banana", "apple", "Date"):
        store.create_recipe(anna, {"name": name})
    assert names(views.recipe_rows(anna, "", "name", 0, 10)) == ["apple", "Banana", "cherry", "Date"]
    assert names(views.recipe_rows(anna, "", "-name", 0, 10)) == ["Date", "cherry", "Banana", "apple"]
    assert names(views.recipe_rows(anna, "", "name", 1, 2)) == ["Banana", "cherry"]
    assert names(views.recipe_rows(anna, "", "-modified", 0, 10)) == ["Date", "apple", "Banana",
                                                                       "cherry"]
    assert names(views.recipe_rows(anna, "", "modified", 0, 1)) == ["cherry"]


def test_recipe_rows_never_list_another_users_private_recipe(people):
    anna, bob = people
    store.create_recipe(anna, {"name": "Anna's secret"}, private=True)
    store.create_recipe(bob, {"name": "Bob's secret"}, private=True)
    store.create_recipe(bob, {"name": "Bob's public"})
    for sort in ("name", "-name", "modified", "-modified"):
        assert sorted(names(views.recipe_rows(anna, "", sort, 0, 10))) == ["Anna's secret",
                                                                             "Bob's public"]
    assert names(views.recipe_rows(anna, "secret", "name", 0, 10)) == ["Anna's secret"]
    assert views.count_recipe_rows(anna, "") == 2 and views.count_recipe_rows(anna, "secret") == 1
    assert names(views.recipe_rows(None, "", "name", 0, 10)) == ["Bob's public"]
    assert views.count_recipe_rows(None, "") == 1


def test_a_recipe_row_carries_what_the_list_shows(people):
    anna, _ = people
    saved = store.create_recipe(anna, PALE, private=True)
    (row,) = views.recipe_rows(anna, "pale", "name", 0, 10)
    assert (row.public_id, row.name, row.brewer, row.style, row.private) == (
        saved.public_id, "Pale Ale", "anna", "American Pale Ale", True)
    assert (row.og, row.fg, row.ibu, row.abv, row.modified) == (saved.og, saved.fg, saved.ibu,
                                                                 saved.abv, saved.modified)


def test_recipe_view_holds_the_engine_recipe_owner_and_numbers(people):
    anna, _ = people
    saved = store.create_recipe(anna, PALE)
    view = views.recipe(saved.public_id)
    assert view.recipe.to_dict() == Recipe.from_dict({**PALE, "author": "anna"}).to_dict()
    assert view.owner == views.UserRef(public_id=anna.public_id, name="anna", image="")
    assert (view.slug, view.private, view.parent) == ("pale-ale", False, None)
    assert view.og == calculate(view.recipe).og and view.created == saved.created
    with pytest.raises(dataclasses.FrozenInstanceError):
        view.name = "changed"


def test_a_private_recipe_is_only_its_owners_on_request(people):
    anna, bob = people
    secret = store.create_recipe(anna, PALE, private=True)
    assert views.recipe(secret.public_id, viewer=anna, show_private=True).private
    for viewer, show_private in ((anna, False), (bob, True), (None, True)):
        with pytest.raises(store.RecipeNotFound):
            views.recipe(secret.public_id, viewer=viewer, show_private=show_private)


def test_a_parent_is_named_only_to_who_may_see_it(people):
    anna, bob = people
    secret = store.create_recipe(anna, PALE, private=True)
    clone = store.create_recipe(anna, {"name": "Clone"}, parent_id=secret.public_id,
                                show_private=True)
    mine = views.recipe(clone.public_id, viewer=anna, show_private=True)
    assert mine.parent == views.ParentRef(
        public_id=secret.public_id, slug="pale-ale", name="Pale Ale", description="Bright",
        owner=views.UserRef(anna.public_id, "anna", ""), og=secret.og, fg=secret.fg,
        ibu=secret.ibu, abv=secret.abv, color=secret.color)
    assert views.recipe(clone.public_id, viewer=bob, show_private=True).parent is None
    assert views.recipe(clone.public_id, viewer=anna).parent is None
    # The parentIds filter reveals a hidden parent no more than the parent field does.
    assert views.recipe_list(viewer=bob, show_private=True, parent_ids=[secret.public_id]) == []
    assert [v.public_id for v in views.recipe_list(viewer=anna, show_private=True,
                                                   parent_ids=[secret.public_id])] == [clone.public_id]


def test_recipe_list_filters_and_pages_like_find_recipes(people):
    anna, bob = people
    made = [store.create_recipe(owner, {"name": name})
            for owner, name in ((anna, "b"), (bob, "a"), (anna, "c"))]
    assert names(views.recipe_list(sort="name")) == ["a", "b", "c"]
    assert names(views.recipe_list(user_ids=[anna.public_id], sort="-name")) == ["c", "b"]
    assert names(views.recipe_list(ids=[made[1].public_id])) == ["a"]
    assert names(views.recipe_list(sort="created", offset=1, limit=1)) == ["a"]


def test_action_list_hides_private_actions_from_others(people):
    anna, bob = people
    secret = store.create_recipe(anna, PALE, private=True)
    public = store.create_recipe(anna, {"name": "Open"})
    newest, oldest = views.action_list(viewer=anna, show_private=True, sort="-created")
    assert (newest.target_id, newest.private) == (public.public_id, False)
    assert (oldest.target_id, oldest.private) == (secret.public_id, True)
    assert newest.type == actions.RECIPE_CREATED and newest.data["name"] == "Open"
    assert newest.user == views.UserRef(anna.public_id, "anna", "")
    for viewer, show_private in ((bob, True), (anna, False), (None, True)):
        seen = views.action_list(viewer=viewer, show_private=show_private)
        assert [a.target_id for a in seen] == [public.public_id]


def test_profiles_count_public_recipes_and_list_follows_in_order(database):
    anna = profiles.register_user("anna", "anna@example.com", "pw", location=[13.4, 52.5])
    bob = profiles.register_user("bob", "bob@example.com", "pw")
    carl = profiles.register_user("carl", "carl@example.com", "pw")
    profiles.update_user(anna, following=[carl.public_id, bob.public_id])
    store.create_recipe(anna, PALE)
    store.create_recipe(anna, PALE, private=True)
    profile = views.profile(anna.public_id)
    assert profile.following == (carl.public_id, bob.public_id) and profile.recipe_count == 1
    assert profile.location == (13.4, 52.5) and profile.name == "anna"
    assert not hasattr(profile, "email")
    listed = views.profile_list(sort="recipeCount")
    assert [(p.name, p.recipe_count) for p in listed] == [("bob", 0), ("carl", 0), ("anna", 1)]
    assert views.profile_list(names=["bob"])[0].following == () and listed[0].location is None
    assert views.user_location(anna) == (13.4, 52.5) and views.user_location(bob) is None


def test_an_inactive_users_profile_is_not_found(database):
    user = create_user("gone")
    deactivate_user(user)
    with pytest.raises(profiles.UserNotFound):
        views.profile(user.public_id)
    assert views.profile_list() == []


def test_public_recipe_figures_ignore_private_recipes_and_take_the_latest(people):
    anna, bob = people
    store.create_recipe(anna, {**PALE, "spices": [{"aa": 5, "weight": 0.02}]})
    later = store.create_recipe(bob, {**PALE, "spices": [{"aa": 9, "weight": 0.03}]})
    store.create_recipe(bob, {"name": "Hidden Stout"}, private=True)
    figures = views.public_recipe_figures(["PALE ALE", "hidden stout", "Unknown"])
    assert list(figures) == ["pale ale"]
    assert figures["pale ale"].ibu == later.ibu and figures["pale ale"].srm == later.color
    assert figures["pale ale"].color_css is not None and figures["pale ale"].color_name
    assert views.public_recipe_figures([]) == {}
