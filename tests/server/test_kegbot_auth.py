"""Who a Kegbot API key stands for (the routes' refusals are in test_kegbot_api.py)."""

import pytest

from kegdash.accounts.keys import issue_api_key
from kegdash.accounts.users import create_user, deactivate_user
from kegdash.accounts.views import principal
from kegdash.server.kegbot_auth import authorize
from kegdash.server.kegbot_errors import KegbotError
from kegdash.site_settings import set_setting


def test_a_key_stands_for_its_owner_as_a_principal(database):
    boss = create_user("boss", is_staff=True)
    member = create_user("member")
    assert authorize(issue_api_key(boss), protected=True) == principal(boss)
    member_key = issue_api_key(member)
    assert authorize(member_key, protected=False) == principal(member)
    with pytest.raises(KegbotError) as refused:
        authorize(member_key, protected=True)
    assert (refused.value.status, refused.value.code) == (403, "PermissionDeniedError")
    set_setting("privacy", "staff")
    with pytest.raises(KegbotError):
        authorize(member_key, protected=False)


def test_a_key_of_an_inactive_or_unknown_user_is_bad(database):
    member = create_user("member")
    key = issue_api_key(member)
    deactivate_user(member)
    for bad in (key, "not-a-key"):
        with pytest.raises(KegbotError) as refused:
            authorize(bad, protected=False)
        assert (refused.value.status, refused.value.code) == (401, "BadAuthTokenError")
