import pytest

from kegdash.accounts.keys import create_client, issue_api_key, user_for_api_key
from kegdash.accounts.models import ApiKey, Authorization, User
from kegdash.accounts.passwords import hash_password, verify_password
from kegdash.accounts.users import AccountError, authenticate, create_user, get_user


def test_password_hash_is_salted_scrypt():
    a, b = hash_password("hunter22"), hash_password("hunter22")
    assert a != b and a.startswith("scrypt$16384$8$1$")
    assert verify_password("hunter22", a)
    assert not verify_password("hunter23", a)


@pytest.mark.parametrize("stored", [None, "", "md5$x", "scrypt$1$2", "scrypt$a$b$c$d$e"])
def test_verify_never_raises_on_garbage(stored):
    assert verify_password("x", stored) is False


def test_usernames_are_unique(database):
    create_user("mikey")
    with pytest.raises(AccountError, match="already taken"):
        create_user("mikey")
    assert User.select().count() == 1


@pytest.mark.parametrize("name", ["", "has space", "x" * 31, "semi;colon"])
def test_bad_usernames_refused(database, name):
    with pytest.raises(AccountError, match="invalid username"):
        create_user(name)


def test_bad_email_refused(database):
    with pytest.raises(AccountError, match="e-mail"):
        create_user("mikey", email="not-an-address")


def test_authenticate(database):
    create_user("mikey", password="pa55word")
    create_user("nopass")
    assert authenticate("mikey", "pa55word").username == "mikey"
    assert authenticate("mikey", "wrong") is None
    assert authenticate("ghost", "pa55word") is None
    assert authenticate("nopass", "") is None


def test_public_ids_are_24_hex(database):
    user = create_user("mikey")
    assert len(user.public_id) == 24 and int(user.public_id, 16) >= 0


def test_api_key_lookup_and_revocation(database):
    user = create_user("mikey", is_staff=True)
    first = issue_api_key(user)
    assert user_for_api_key(first).username == "mikey"
    second = issue_api_key(user)
    assert user_for_api_key(first) is None, "a reset key must stop working"
    assert user_for_api_key(second).username == "mikey"
    assert user_for_api_key("") is None and user_for_api_key("x" * 500) is None
    assert first not in {k.key_hash for k in ApiKey.select()}, "keys are never stored in clear"


def test_deleting_a_user_cascades_to_keys_and_authorizations(database):
    user = create_user("mikey")
    issue_api_key(user)
    client, _ = create_client("app")
    Authorization.create(token="t" * 40, user=user, client=client)
    get_user("mikey").delete_instance()
    assert ApiKey.select().count() == 0
    assert Authorization.select().count() == 0


def test_client_secret_is_hashed(database):
    client, secret = create_client("Tablet", redirect_uri="https://example.com/cb")
    assert len(secret) == 40 and secret not in client.secret_hash
    assert verify_password(secret, client.secret_hash)
    with pytest.raises(ValueError):
        create_client("  ")
