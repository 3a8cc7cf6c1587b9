"""Tapline profiles without HTTP: registration feeds the activity feed, edits and follows act for a
Principal, and deleting a user leaves nothing in the feed that names them or their recipes."""

import pytest

from kegdash.accounts.models import User
from kegdash.accounts.passwords import verify_password
from kegdash.accounts.users import AccountError
from kegdash.accounts.views import Principal
from kegdash.brewing import actions, profiles
from kegdash.brewing import recipes as store
from kegdash.brewing.models import Action


def register(name: str) -> Principal:
    return profiles.register_user(name, f"{name}@Example.com", "pw")


def test_registering_records_user_joined_and_answers_a_principal(database):
    anna = register("anna")
    assert isinstance(anna, Principal) and anna.username == "anna" and anna.is_active
    (joined,) = actions.find_actions()
    assert (joined.type, joined.user_id, actions.action_data(joined)["name"]) == (
        actions.USER_JOINED, anna.id, "anna")
    assert User.get_by_id(anna.id).image_url == profiles.gravatar_url("anna@example.com")
    with pytest.raises(AccountError, match="already taken"):
        register("anna")


def test_edits_and_follows_act_for_a_principal(database):
    anna, bob, carl = register("anna"), register("bob"), register("carl")
    profiles.update_user(anna, name="anna2", email="NEW@example.com", password="new-pw",
                         location=[1.5, 2.5], add_following=[bob.public_id, carl.public_id])
    row = User.get_by_id(anna.id)
    assert (row.username, row.email, row.longitude, row.latitude) == ("anna2", "new@example.com",
                                                                      1.5, 2.5)
    assert verify_password("new-pw", row.password_hash)
    assert profiles.following_ids(anna) == [bob.public_id, carl.public_id]
    followed = [a.target_id for a in actions.find_actions(sort="created")
                if a.type == actions.USER_FOLLOWED]
    assert followed == [bob.public_id, carl.public_id]
    profiles.update_user(anna, remove_following=[bob.public_id])
    assert profiles.following_ids(anna) == [carl.public_id]
    with pytest.raises(AccountError, match="themselves"):
        profiles.update_user(anna, add_following=[anna.public_id])
    with pytest.raises(AccountError, match="not found"):
        profiles.update_user(anna, following=["0" * 24])
    with pytest.raises(AccountError, match="already taken"):
        profiles.update_user(carl, name="bob")


def test_deleting_a_user_drops_feed_entries_about_them_and_their_recipes(database):
    anna, bob = register("anna"), register("bob")
    profiles.update_user(bob, add_following=[anna.public_id])
    recipe = store.create_recipe(anna, {"name": "Pale Ale"})
    profiles.delete_user(anna)
    assert User.get_or_none(User.id == anna.id) is None
    assert Action.select().where(Action.target_id.in_([anna.public_id, recipe.public_id])).count() == 0
    assert [a.type for a in actions.find_actions()] == [actions.USER_JOINED]  # bob's
    assert profiles.following_ids(bob) == []
