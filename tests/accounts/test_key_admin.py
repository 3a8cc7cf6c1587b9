import pytest

from kegdash.accounts.key_admin import (
    KeyAdminError,
    create_api_key,
    revoke_api_key,
)
from kegdash.accounts.keys import user_for_api_key
from kegdash.accounts.users import AccountError, create_user
from kegdash.accounts.views import api_key_rows


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


def test_unknown_keys_and_users_are_refused(database):
    with pytest.raises(KeyAdminError, match="#99"):
        revoke_api_key(99)
    with pytest.raises(AccountError):
        create_api_key("nobody")
