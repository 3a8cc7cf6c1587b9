import socket

import pytest
from held_up import FirstCallHeldUp
from polling import serves
from PySide6.QtWidgets import QApplication

from kegdash.accounts.key_admin import create_api_key
from kegdash.accounts.keys import user_for_api_key
from kegdash.accounts.models import ApiKey
from kegdash.accounts.users import create_user
from kegdash.accounts.views import api_key_rows
from kegdash.apiary.views import license_key_rows, owner_for_license_key
from kegdash.config import Settings
from kegdash.server.app import build_app
from kegdash.ui.main_window import PAGES, MainWindow
from kegdash.ui.server_slot import ServerSlot


@pytest.fixture
def page(qtbot, make_window):
    create_user("ann")
    create_user("bob")
    window = make_window()
    page = window.settings_page
    qtbot.waitUntil(lambda: page.api_key_user.count() == 2)
    return page


def test_api_key_is_shown_once_copied_and_revoked(qtbot, page):
    page.api_key_user.setCurrentIndex(page.api_key_user.findData("bob"))
    page.create_api_key_button.click()  # made off the GUI thread, then the page reads again
    qtbot.waitUntil(lambda: page.api_keys.rowCount() == 1)
    key = page.new_key.key.text()
    assert user_for_api_key(key).username == "bob" and not page.new_key.isHidden()
    assert page.new_key.label.text() == "New API key for bob — copy it now; it is shown only this once:"
    assert page.message.isHidden()  # a banner would sit over the key
    page.new_key.copy.click()
    assert QApplication.clipboard().text() == key
    assert [page.api_keys.item(0, c).text() for c in (0, 1, 3)] == ["bob", key[:8] + "…", ""]
    assert key not in "".join(page.api_keys.item(0, c).text() for c in range(4))

    page.confirm = lambda *words: False
    page.api_keys.selectRow(0)
    page.revoke_button.click()
    assert user_for_api_key(key) is not None
    page.confirm = lambda *words: True
    page.revoke_button.click()
    qtbot.waitUntil(lambda: page.api_keys.item(0, 3).text() != "")
    assert user_for_api_key(key) is None and api_key_rows()[0].revoked is not None
    assert page.message.text() == "API key revoked."
    page.reload()
    assert page.new_key.isHidden() and page.new_key.key.text() == ""


def test_a_read_begun_before_a_new_key_does_not_hide_it(qtbot, page, monkeypatch):
    held = FirstCallHeldUp(api_key_rows)  # this read has its rows (none yet), then waits
    monkeypatch.setattr("kegdash.ui.settings_page.api_key_rows", held)
    page.reload()
    qtbot.waitUntil(lambda: len(held.answers) == 1)
    page.create_api_key_button.click()
    qtbot.waitUntil(lambda: page.api_keys.rowCount() == 1)
    held.release.set()
    qtbot.waitUntil(lambda: not page.runner.pending())
    assert held.answers[0] == [] and page.api_keys.rowCount() == 1


def test_a_new_key_is_scrolled_into_view(qtbot, page):
    window = page.window()
    window.resize(1000, 600)
    window.show()
    window.nav.setCurrentRow(PAGES.index("Settings"))
    qtbot.waitExposed(window)
    page.scroll.verticalScrollBar().setValue(0)  # the top of the page: the keys are far below
    assert page.new_key.visibleRegion().isEmpty()
    page.create_license_button.click()
    qtbot.waitUntil(lambda: not page.new_key.isHidden() and not page.new_key.visibleRegion().isEmpty())
    assert page.scroll.verticalScrollBar().value() > 0


def test_revoke_needs_a_selection(qtbot, page):
    page.revoke_button.click()
    assert page.message.text() == "Select an API key first."


def test_licence_key_created_and_disabled(qtbot, page):
    page.license_owner.setCurrentIndex(page.license_owner.findData("ann"))
    page.create_license_button.click()
    qtbot.waitUntil(lambda: page.license_keys.rowCount() == 1)
    key = page.new_key.key.text()
    assert owner_for_license_key(key).username == "ann"
    page.license_keys.selectRow(0)
    page.toggle_license_button.click()
    qtbot.waitUntil(lambda: page.license_keys.item(0, 3).text() == "disabled")
    assert owner_for_license_key(key) is None and page.message.text() == "Licence key disabled."
    page.license_keys.selectRow(0)
    page.toggle_license_button.click()
    qtbot.waitUntil(lambda: page.license_keys.item(0, 3).text() == "enabled")
    assert license_key_rows()[0].enabled and page.message.text() == "Licence key enabled."


def test_a_key_change_the_database_refuses_is_said(qtbot, page):
    create_api_key("ann")
    page.reload()
    qtbot.waitUntil(lambda: page.api_keys.rowCount() == 1)
    key_id = api_key_rows()[0].key_id
    ApiKey.delete().execute()  # meanwhile, elsewhere
    page.api_keys.selectRow(0)
    page.confirm = lambda *words: True
    page.revoke_button.click()
    qtbot.waitUntil(lambda: page.message.text() == f"no API key #{key_id}")
    assert page.message.property("kind") == "error"
    qtbot.waitUntil(lambda: page.api_keys.rowCount() == 0)  # and the table shows what is stored


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_restart_server_in_place_and_refuse_a_taken_port(qtbot, bridge, tmp_path, monkeypatch):
    monkeypatch.setenv("KEGDASH_CONFIG", str(tmp_path / "config.toml"))  # a move is saved there
    slot = ServerSlot(build_app(), "127.0.0.1", 0)
    first = slot.start()
    window = MainWindow(bridge, first, "sqlite:///test.sqlite", Settings(port=0),
                       restart_server=slot.restart)
    qtbot.addWidget(window)
    page = window.settings_page
    try:
        new_port = free_port()
        page.port.setValue(new_port)
        page.restart_button.click()
        moved = f"http://127.0.0.1:{new_port}"
        assert window.api_label.text() == f"API: {moved}" and page.server.text() == moved
        assert serves(moved)
        with socket.socket() as again:  # the old port is free again
            again.bind(("127.0.0.1", int(first.rsplit(":", 1)[1])))

        with socket.socket() as squatter:
            squatter.bind(("127.0.0.1", 0))
            squatter.listen()
            page.port.setValue(squatter.getsockname()[1])
            page.restart_button.click()
            assert page.message.property("kind") == "error"
            said = page.message.text()
            assert "cannot listen" in said and f"keeps running on {moved}" in said
            assert window.api_label.text() == f"API: {moved}" and serves(moved)

        page.port.setValue(new_port)  # the same address again: a plain restart
        page.restart_button.click()
        assert serves(moved) and slot.server.running
    finally:
        window.close()
        slot.stop()
    assert not slot.server.running


def test_a_failed_move_on_the_same_port_brings_the_old_server_back(qtbot):
    slot = ServerSlot(build_app(), "127.0.0.1", 0)
    url = slot.start()
    port = int(url.rsplit(":", 1)[1])
    try:
        with pytest.raises(Exception, match="cannot listen"):
            slot.restart("192.0.2.1", port)  # an address this machine does not have
        assert slot.server.running and serves(url)
    finally:
        slot.stop()


def test_restart_is_disabled_without_a_server(qtbot, make_window):
    assert not make_window().settings_page.restart_button.isEnabled()
