"""Moving the API on the Settings page: the address is written to the config file for the next
start, other keys stay, the environment and flags still win, and a file that cannot be written is
a message, not a crash."""

import socket
import tomllib

import pytest
from polling import serves

from kegdash.config import Settings, load_settings
from kegdash.server.app import build_app
from kegdash.ui.main_window import MainWindow
from kegdash.ui.server_slot import ServerSlot


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def moving(qtbot, bridge):
    """Build windows whose Settings page moves a real API server (stopped afterwards)."""
    slot = ServerSlot(build_app(), "127.0.0.1", 0)
    url = slot.start()
    made = []

    def make(settings: Settings | None = None) -> MainWindow:
        window = MainWindow(bridge, url, "sqlite:///test.sqlite", settings or Settings(port=0),
                            restart_server=slot.restart)
        qtbot.addWidget(window)
        made.append(window)
        return window

    yield make
    for window in made:
        window.close()
    slot.stop()


def test_a_moved_server_is_saved_for_the_next_start(moving, tmp_path, monkeypatch):
    config = tmp_path / "kegdash" / "config.toml"
    config.parent.mkdir()
    config.write_text('[database]\nurl = "sqlite:////srv/bar.sqlite"\n[server]\nport = 8000  # old\n'
                      '[ui]\nunits = "us"\n')
    monkeypatch.setenv("KEGDASH_CONFIG", str(config))
    page = moving().settings_page
    assert str(config) in page.address_hint.text()
    port = free_port()
    page.host.setText(" 127.0.0.1 ")
    page.port.setValue(port)
    page.restart_button.click()

    assert page.message.property("kind") == "info"
    assert page.message.text() == (f"API server now listening on http://127.0.0.1:{port}; saved in "
                                   f"{config} for the next start.")
    assert tomllib.loads(config.read_text()) == {"database": {"url": "sqlite:////srv/bar.sqlite"},
                                                 "server": {"host": "127.0.0.1", "port": port},
                                                 "ui": {"units": "us"}}
    assert f"port = {port}  # old" in config.read_text()
    again = load_settings(environ={"KEGDASH_CONFIG": str(config)})
    assert (again.host, again.port, again.units) == ("127.0.0.1", port, "us")
    assert load_settings(environ={"KEGDASH_CONFIG": str(config), "KEGDASH_PORT": "9999"}).port == 9999


def test_the_message_says_when_environment_or_flags_will_override_the_file(moving, tmp_path, monkeypatch):
    config = tmp_path / "config.toml"
    monkeypatch.setenv("KEGDASH_CONFIG", str(config))
    settings = Settings(port=0, sources={"host": "command line", "port": "environment KEGDASH_PORT"})
    page = moving(settings).settings_page
    page.port.setValue(free_port())
    page.restart_button.click()
    assert page.message.text().endswith("(--host and KEGDASH_PORT will still override it).")
    assert config.exists()


def test_a_config_file_that_cannot_be_written_is_a_message(moving, tmp_path, monkeypatch):
    blocker = tmp_path / "kegdash"
    blocker.write_text("a file where the config folder should be")
    monkeypatch.setenv("KEGDASH_CONFIG", str(blocker / "config.toml"))
    window = moving()
    page = window.settings_page
    port = free_port()
    page.port.setValue(port)
    page.restart_button.click()
    moved = f"http://127.0.0.1:{port}"
    assert serves(moved) and window.api_label.text() == f"API: {moved}"  # the move itself worked
    assert page.message.property("kind") == "error"
    said = page.message.text()
    assert said.startswith(f"API server now listening on {moved}, but the address was not saved")
    assert "Not a directory" in said and str(blocker / "config.toml") in said


def test_a_refused_move_writes_nothing(moving, tmp_path, monkeypatch):
    config = tmp_path / "config.toml"
    monkeypatch.setenv("KEGDASH_CONFIG", str(config))
    page = moving().settings_page
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        page.port.setValue(squatter.getsockname()[1])
        page.restart_button.click()
    assert page.message.property("kind") == "error" and "cannot listen" in page.message.text()
    assert not config.exists()
