import os
import stat
import tomllib
from pathlib import Path

import pytest

from kegdash.config import ConfigError, load_settings, save_server_address


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    return path


def test_defaults(tmp_path):
    s = load_settings(environ={}, config_file=tmp_path / "missing.toml")
    assert (s.host, s.port, s.units, s.kegboard) == ("127.0.0.1", 8000, "metric", ())
    assert s.effective_database_url.endswith("kegdash.sqlite")
    assert s.sources["port"] == "default"


def test_layers_override_in_order(tmp_path):
    path = write(tmp_path, '[server]\nport = 9000\nhost = "0.0.0.0"\n[serial]\nkegboard = ["/dev/a"]\n')
    s = load_settings(environ={}, config_file=path)
    assert (s.port, s.host, s.kegboard) == (9000, "0.0.0.0", ("/dev/a",))
    s = load_settings(environ={"KEGDASH_PORT": "9100"}, config_file=path)
    assert s.port == 9100 and s.host == "0.0.0.0"
    assert s.sources["port"] == "environment KEGDASH_PORT"
    s = load_settings({"port": 9200, "host": None}, environ={"KEGDASH_PORT": "9100"},
                      config_file=path)
    assert s.port == 9200 and s.host == "0.0.0.0" and s.sources["port"] == "command line"


def test_hotplug_is_on_unless_the_file_or_environment_turns_it_off(tmp_path):
    assert load_settings(environ={}, config_file=tmp_path / "none.toml").hotplug is True
    path = write(tmp_path, "[serial]\nhotplug = false\n")
    assert load_settings(environ={}, config_file=path).hotplug is False
    assert load_settings(environ={"KEGDASH_HOTPLUG": "on"}, config_file=path).hotplug is True
    missing = tmp_path / "none.toml"
    assert load_settings(environ={"KEGDASH_HOTPLUG": "0"}, config_file=missing).hotplug is False


def test_demo_uses_its_own_database(tmp_path):
    s = load_settings({"demo": True}, environ={}, config_file=tmp_path / "none.toml")
    assert s.effective_database_url.endswith("demo.sqlite")


@pytest.mark.parametrize(
    ("text", "env", "needle"),
    [
        ("[server]\nport = 70000\n", {}, "port"),
        ("[server]\nport = true\n", {}, "port"),
        ("[ui]\nunits = \"furlongs\"\n", {}, "units"),
        ("not toml ===", {}, "config.toml"),
        ("", {"KEGDASH_PORT": "eighty"}, "KEGDASH_PORT"),
        ("[serial]\nhotplug = \"sometimes\"\n", {}, "hotplug"),
        ("", {"KEGDASH_HOTPLUG": "2"}, "KEGDASH_HOTPLUG"),
    ],
)
def test_bad_values_name_setting_and_source(tmp_path, text, env, needle):
    with pytest.raises(ConfigError, match=needle):
        load_settings(environ=env, config_file=write(tmp_path, text))


FULL = """# kegdash on the bar's mini PC
[database]
url = "sqlite:////srv/kegdash.sqlite"   # backed up nightly
[server]
host = "127.0.0.1"   # "0.0.0.0" lets tablets # reach it
port = 8000
[serial]
kegboard = [
  "/dev/serial/by-id/usb-kegboard",
]
[ui]
units = "us"
[plugins.later]
answer = 42
"""


def test_saved_address_keeps_every_other_key_and_comment(tmp_path):
    path = write(tmp_path, FULL)
    assert save_server_address("0.0.0.0", 9000, path) == path
    text = path.read_text()
    assert text == FULL.replace('host = "127.0.0.1"', 'host = "0.0.0.0"').replace("8000", "9000")
    before = tomllib.loads(FULL)
    before["server"] = {"host": "0.0.0.0", "port": 9000}
    assert tomllib.loads(text) == before
    s = load_settings(environ={}, config_file=path)
    assert (s.host, s.port, s.units) == ("0.0.0.0", 9000, "us")
    assert s.kegboard == ("/dev/serial/by-id/usb-kegboard",)


def test_saved_address_is_overridden_by_environment_and_flags(tmp_path):
    path = tmp_path / "config.toml"
    save_server_address("0.0.0.0", 9000, path)
    s = load_settings({"port": 9300}, environ={"KEGDASH_HOST": "10.0.0.5"}, config_file=path)
    assert (s.host, s.port) == ("10.0.0.5", 9300)
    assert s.sources["host"] == "environment KEGDASH_HOST" and s.sources["port"] == "command line"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", '[server]\nhost = "::1"\nport = 0\n'),
        ('[ui]\nunits = "us"', '[ui]\nunits = "us"\n\n[server]\nhost = "::1"\nport = 0\n'),
        ("[server]\nport = 1 # old\n[ui]\n", '[server]\nhost = "::1"\nport = 0 # old\n[ui]\n'),
        ("[server]", '[server]\nhost = "::1"\nport = 0\n'),
    ],
)
def test_saved_address_goes_into_or_after_the_server_table(tmp_path, text, expected):
    path = write(tmp_path, text)
    save_server_address("::1", 0, path)
    assert path.read_text() == expected


def test_saved_host_is_quoted(tmp_path):
    path = tmp_path / "config.toml"
    odd = 'a"b\\c\x7f\x01\u00e9 # not a comment'
    save_server_address(odd, 8080, path)
    assert tomllib.loads(path.read_text())["server"] == {"host": odd, "port": 8080}


@pytest.mark.parametrize("text", ["not toml ===", "server.port = 8000\n", "server = 5\n"])
def test_a_file_it_cannot_edit_safely_is_left_alone(tmp_path, text):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match="config.toml"):
        save_server_address("0.0.0.0", 9000, path)
    assert path.read_text() == text and os.listdir(tmp_path) == ["config.toml"]


def test_a_bad_port_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="port"):
        save_server_address("0.0.0.0", 70000, tmp_path / "config.toml")
    assert not (tmp_path / "config.toml").exists()


def test_the_config_folder_is_made_and_a_link_and_mode_are_kept(tmp_path):
    fresh = tmp_path / "new" / "kegdash" / "config.toml"
    save_server_address("127.0.0.1", 8001, fresh)
    assert load_settings(environ={}, config_file=fresh).port == 8001

    real = write(tmp_path, FULL)
    real.chmod(0o640)
    link = tmp_path / "linked.toml"
    link.symlink_to(real)
    save_server_address("127.0.0.1", 8002, link)
    assert link.is_symlink() and load_settings(environ={}, config_file=real).port == 8002
    assert stat.S_IMODE(real.stat().st_mode) == 0o640


def test_an_unwritable_config_folder_is_a_clear_error(tmp_path):
    blocker = tmp_path / "kegdash"
    blocker.write_text("a file where the config folder should be")
    with pytest.raises(ConfigError, match="cannot read .*kegdash/config.toml: Not a directory"):
        save_server_address("0.0.0.0", 9000, blocker / "config.toml")
    assert blocker.read_text() == "a file where the config folder should be"


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_config_folder_is_a_clear_error(tmp_path):
    folder = tmp_path / "kegdash"
    folder.mkdir()
    path = write(folder, FULL)
    folder.chmod(0o500)
    try:
        with pytest.raises(ConfigError, match="cannot write .*: Permission denied"):
            save_server_address("0.0.0.0", 9000, path)
    finally:
        folder.chmod(0o700)
    assert path.read_text() == FULL and os.listdir(folder) == ["config.toml"]


def test_a_failed_replace_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    path = write(tmp_path, FULL)

    def disk_full(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(ConfigError, match="No space left on device"):
        save_server_address("0.0.0.0", 9000, path)
    assert path.read_text() == FULL and os.listdir(tmp_path) == ["config.toml"]
