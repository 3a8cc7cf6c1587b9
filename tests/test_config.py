from pathlib import Path

import pytest

from kegdash.config import ConfigError, load_settings


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
    ],
)
def test_bad_values_name_setting_and_source(tmp_path, text, env, needle):
    with pytest.raises(ConfigError, match=needle):
        load_settings(environ=env, config_file=write(tmp_path, text))
