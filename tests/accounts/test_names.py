"""User names: one shape, one comparison key, and the names kept for the site."""

import pytest

from kegdash.accounts.names import name_key, reserved, well_formed
from kegdash.accounts.users import AccountError, check_chosen_name, create_user, rename_user
from kegdash.site_settings import set_setting


@pytest.mark.parametrize("a, b", [
    ("Admin", "admin"), ("ＡＤＭＩＮ", "admin"), ("ﬂoor", "floor"), ("Straße", "STRASSE"),
    ("x²", "x2"), ("ǅemal", "džemal"),
])
def test_look_alikes_share_a_key(a, b):
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize("name", ["alice\n", "alice\r", " alice", "ａlice", "al ice", "", "x" * 31,
                                  "аlice"])  # the last one starts with a Cyrillic а
def test_only_the_plain_shape_is_well_formed(name):
    assert not well_formed(name)


def test_reserved_names_include_the_operators_in_any_spelling(database):
    assert reserved("Admin") and reserved("GUEST") and reserved("operator")
    assert not reserved("barkeep")
    set_setting("operator", "BarKeep")
    assert reserved("barkeep") and not reserved("bar-keep")


def test_look_alikes_of_any_account_are_taken_whoever_creates_them(database):
    create_user("Alice")
    for name in ("alice", "ALICE"):
        with pytest.raises(AccountError, match="already taken"):
            create_user(name)
    bob = create_user("bob")
    with pytest.raises(AccountError, match="already taken"):
        rename_user(bob, "aLiCe")
    rename_user(bob, "Bob")  # one's own look-alike is fine
    assert (bob.username, bob.name_key) == ("Bob", "bob")


def test_a_chosen_name_is_checked_for_shape_and_reservation(database):
    check_chosen_name("brewer")
    for name, words in (("admin", "reserved"), ("Guest", "reserved"), ("bad name", "invalid")):
        with pytest.raises(AccountError, match=words):
            check_chosen_name(name)
    create_user("admin", is_superuser=True)  # the operator account itself is made this way
