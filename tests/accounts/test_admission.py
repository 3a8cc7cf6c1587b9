"""Admission: the registration policy per privacy mode, and the operator admitting or refusing
self-registered accounts (the Settings page and ``kegdash admin`` call these)."""

import pytest

from kegdash.accounts import admission, views, web_sessions
from kegdash.accounts.admission import AdmissionError, RegistrationClosed
from kegdash.accounts.models import User
from kegdash.accounts.users import AccountError, create_user
from kegdash.site_settings import set_setting


@pytest.mark.parametrize("privacy, chosen, policy", [
    ("public", None, "approval"), ("members", None, "approval"), ("staff", None, "closed"),
    ("staff", "open", "open"), ("public", "closed", "closed"),
])
def test_the_policy_is_the_setting_or_the_privacy_modes_default(database, privacy, chosen, policy):
    set_setting("privacy", privacy)
    set_setting("registration", chosen)
    assert admission.registration_policy() == policy


def test_a_registration_is_pending_admitted_or_refused_by_the_policy(database):
    assert admission.admission_for_registration("newbie") == User.PENDING
    set_setting("registration", "open")
    assert admission.admission_for_registration("newbie") == User.ADMITTED
    with pytest.raises(AccountError, match="reserved"):
        admission.admission_for_registration("operator")
    set_setting("registration", "closed")
    with pytest.raises(RegistrationClosed):
        admission.admission_for_registration("newbie")


def test_operator_made_accounts_are_members_and_pending_ones_are_not(database):
    create_user("barkeep", is_staff=True, admission=User.PENDING)
    create_user("regular")
    create_user("newbie", email="New@Example.com", admission=User.PENDING)
    assert views.by_username("regular").is_member and views.by_username("barkeep").is_member
    assert not views.by_username("newbie").is_member
    assert [(a.username, a.email) for a in admission.pending_accounts()] == [
        ("barkeep", None), ("newbie", "new@example.com")]


def test_admit_and_refuse(database):
    create_user("newbie", password="pw", admission=User.PENDING)
    create_user("spammer", password="pw", admission=User.PENDING)
    session = web_sessions.open_session(views.by_username("spammer"))
    assert admission.admit("newbie").is_member
    assert admission.admit("newbie").is_member  # again: nothing changes
    refused = admission.refuse("spammer")
    assert not refused.is_active and not refused.is_member
    assert web_sessions.session_user(session) is None
    assert admission.pending_accounts() == []
    with pytest.raises(AdmissionError, match="already a member"):
        admission.refuse("newbie")
    assert admission.admit("spammer").is_member and views.by_username("spammer").is_active
    with pytest.raises(AccountError, match="no such user"):
        admission.admit("nobody")
