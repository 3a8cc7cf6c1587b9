import pytest

from kegdash.accounts.key_admin import (
    KeyAdminError,
    create_api_key,
    create_license_key,
    license_key_rows,
    revoke_api_key,
    set_license_enabled,
)
from kegdash.accounts.keys import user_for_api_key
from kegdash.accounts.users import AccountError, create_user
from kegdash.accounts.views import api_key_rows
from kegdash.apiary.registry import owner_for_license_key


def test_create_list_and_revoke_api_keys(database):
    create_user("ann")
    first = create_api_key("ann")
    second = create_api_key("ann")
    rows = api_key_rows()
    assert [(r.username, r.prefix) for r in rows] == [("ann", second[:8]), ("ann", first[:8])]
    assert rows[0].revoked is None and rows[1].revoked is not None  # a new key replaces the old
    assert user_for_api_key(second).username == "ann"
    revoke_api_key(rows[0].key_id)
    assert user_for_api_key(second) is None
    revoked_at = api_key_rows()[0].revoked
    assert revoked_at is not None
    revoke_api_key(rows[0].key_id)
    assert {r.revoked for r in api_key_rows() if r.key_id == rows[0].key_id} == {revoked_at}


def test_licence_keys_can_be_disabled_and_enabled_again(database):
    create_user("bee")
    key = create_license_key("bee")
    (row,) = license_key_rows()
    assert (row.owner, row.prefix, row.enabled) == ("bee", key[:8], True)
    set_license_enabled(row.key_id, False)
    assert owner_for_license_key(key) is None and not license_key_rows()[0].enabled
    set_license_enabled(row.key_id, True)
    assert owner_for_license_key(key).username == "bee"


def test_unknown_keys_and_users_are_refused(database):
    with pytest.raises(KeyAdminError, match="#99"):
        revoke_api_key(99)
    with pytest.raises(KeyAdminError, match="#98"):
        set_license_enabled(98, False)
    with pytest.raises(AccountError):
        create_api_key("nobody")
    with pytest.raises(AccountError):
        create_license_key("nobody")
