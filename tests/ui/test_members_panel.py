"""Who may join, on the Settings page: the ``registration`` rule applied like the other site
settings, and the accounts waiting to join admitted or refused from the page, with the list read
again when the page is shown."""

from held_up import FirstCallHeldUp

from kegdash.accounts import admission
from kegdash.accounts.admission import admission_for_registration, pending_accounts
from kegdash.accounts.users import create_user
from kegdash.accounts.views import by_username
from kegdash.site_settings import get_setting
from kegdash.ui.main_window import PAGES
from kegdash.ui.members_panel import NOBODY


def register(name: str, email: str | None = None) -> None:
    """Register as ``POST /v1/users`` does: the admission is what the registration rule gives."""
    create_user(name, email=email, password="pw", admission=admission_for_registration(name))


def show_settings(qtbot, window):
    """Open the Settings page (from another page, so it is shown anew) and wait for its read."""
    page = window.settings_page
    window.nav.setCurrentRow(0)
    with qtbot.waitSignal(page.loaded):
        window.nav.setCurrentRow(PAGES.index("Settings"))
    return page


def listed(page) -> list[str]:
    return list(page.members.buttons)


def applied(qtbot, page) -> None:
    page.apply_button.click()
    qtbot.waitUntil(lambda: page.message.text() == "Saved." and not page.edited_fields())


def test_who_may_join_is_applied_and_shown_again(qtbot, window, make_window):
    page = show_settings(qtbot, window)
    assert page.registration.currentData() is None
    assert page.registration.currentText() == "By API privacy: Approval"
    page.privacy.setCurrentIndex(page.privacy.findData("staff"))  # the unset rule follows it
    assert page.registration.currentText() == "By API privacy: Closed"
    page.revert_button.click()

    page.registration.setCurrentIndex(page.registration.findData("open"))
    assert page.pending.text() == "1 change not applied yet: Who may join"
    assert get_setting("registration") is None
    applied(qtbot, page)
    assert get_setting("registration") == "open"
    register("newbie")
    assert by_username("newbie").is_member and pending_accounts() == []

    other = make_window().settings_page
    qtbot.waitUntil(lambda: bool(other.stored))
    assert other.registration.currentData() == "open"
    other.registration.setCurrentIndex(0)
    applied(qtbot, other)
    assert get_setting("registration") is None and admission.registration_policy() == "approval"


def test_a_pending_account_is_admitted_from_the_page(qtbot, window):
    register("newbie", "New@Example.com")
    page = show_settings(qtbot, window)
    assert listed(page) == ["newbie"] and page.members.empty.isHidden()
    row = [page.members.grid.itemAtPosition(0, c).widget().text() for c in range(3)]
    assert row[:2] == ["newbie", "new@example.com"] and row[2].startswith("registered ")

    page.members.buttons["newbie"][0].click()
    qtbot.waitUntil(lambda: page.message.text() == "newbie is a member now." and not listed(page))
    assert pending_accounts() == [] and by_username("newbie").is_member
    assert listed(page) == [] and not page.members.empty.isHidden()
    assert page.members.at_once.isHidden()  # no buttons, nothing to explain


def test_a_pending_account_is_refused_only_once_confirmed(qtbot, window):
    register("spammer")
    register("newbie")
    page = show_settings(qtbot, window)
    assert listed(page) == ["spammer", "newbie"] and "spammer" in page.users
    page.members.confirm = lambda *words: False
    page.members.buttons["spammer"][1].click()
    assert [a.username for a in pending_accounts()] == ["spammer", "newbie"]

    page.members.confirm = lambda *words: True
    page.members.buttons["spammer"][1].click()
    qtbot.waitUntil(lambda: page.message.text() == "spammer was refused; the account is deactivated."
                    and "spammer" not in listed(page))
    refused = by_username("spammer")
    assert not refused.is_active and not refused.is_member
    assert [a.username for a in pending_accounts()] == ["newbie"] == listed(page)
    assert "spammer" not in page.users  # nor offered for keys or as the operator any more


def test_the_list_is_read_again_when_the_page_is_shown(qtbot, window):
    page = show_settings(qtbot, window)
    assert listed(page) == [] and page.members.empty.text() == NOBODY
    register("newbie")
    register("later")
    assert listed(show_settings(qtbot, window)) == ["newbie", "later"]
    admission.admit("newbie")  # by ``kegdash admin admit`` or another window
    assert listed(show_settings(qtbot, window)) == ["later"]


def test_an_older_read_that_finishes_last_does_not_overwrite_a_newer_one(qtbot, window,
                                                                        monkeypatch):
    page = show_settings(qtbot, window)
    held = FirstCallHeldUp(pending_accounts)  # the first read has the list, then waits
    monkeypatch.setattr("kegdash.ui.settings_page.pending_accounts", held)
    page.reload()
    qtbot.waitUntil(lambda: len(held.answers) == 1)
    register("newbie")
    with qtbot.waitSignal(page.loaded):
        page.reload()
    assert listed(page) == ["newbie"]
    held.release.set()
    qtbot.waitUntil(lambda: not window.runner.pending())
    assert held.answers[0] == [] and len(held.answers) == 2
    assert listed(page) == ["newbie"]


def test_a_refusal_that_came_too_late_is_said_in_words(qtbot, window):
    register("newbie")
    page = show_settings(qtbot, window)
    admission.admit("newbie")  # meanwhile, elsewhere
    page.members.confirm = lambda *words: True
    page.members.buttons["newbie"][1].click()
    qtbot.waitUntil(lambda: not listed(page))
    assert page.message.text() == ("Could not refuse newbie: newbie is already a member; "
                                   "deactivate the account to shut it out.")
    assert by_username("newbie").is_member
