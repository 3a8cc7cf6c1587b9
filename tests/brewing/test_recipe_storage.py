import peewee
import pytest

from kegdash.accounts.users import create_user
from kegdash.brewing.models import Action, StoredRecipe


def test_slug_unique_per_owner_not_globally(database):
    anna, bob = create_user("anna"), create_user("bob")
    StoredRecipe.create(owner=anna, slug="pale-ale", name="Pale Ale")
    StoredRecipe.create(owner=bob, slug="pale-ale", name="Pale Ale")
    with pytest.raises(peewee.IntegrityError):
        StoredRecipe.create(owner=anna, slug="pale-ale", name="Pale Ale again")


def test_deleting_parent_keeps_clone_and_owner_delete_cascades(database):
    anna, bob = create_user("anna"), create_user("bob")
    parent = StoredRecipe.create(owner=anna, slug="a", name="A")
    clone = StoredRecipe.create(owner=bob, slug="a", name="A", parent=parent)
    Action.create(type="recipe-created", user=anna, target_id=parent.public_id)
    anna.delete_instance()
    assert StoredRecipe.get_by_id(clone.id).parent_id is None
    assert Action.select().count() == 0
