"""Machine settings: defaults < TOML file < ``KEGDASH_*`` environment < command-line flags.

Site-wide rules the APIs enforce (privacy mode, session timeout, Beekeeping units, ...) are not
here: they live in the database (``kegdash.site_settings``) so that every process agrees.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import platformdirs

APP_NAME = "kegdash"
UNITS = ("metric", "us")


class ConfigError(ValueError):
    """A setting has a value kegdash cannot use; the message names the setting and its source."""


def config_dir() -> Path:
    return Path(os.environ.get("KEGDASH_CONFIG_DIR") or platformdirs.user_config_dir(APP_NAME))


def data_dir() -> Path:
    return Path(os.environ.get("KEGDASH_DATA_DIR") or platformdirs.user_data_dir(APP_NAME))


def default_database_url(demo: bool = False) -> str:
    name = "demo.sqlite" if demo else "kegdash.sqlite"
    return f"sqlite:///{data_dir() / name}"


@dataclass(frozen=True)
class Settings:
    """Everything a kegdash process needs to know before it opens the database."""

    database_url: str = ""
    host: str = "127.0.0.1"
    port: int = 8000
    kegboard: tuple[str, ...] = ()
    hive_gateway: tuple[str, ...] = ()
    units: str = "metric"
    demo: bool = False
    sources: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def effective_database_url(self) -> str:
        return self.database_url or default_database_url(self.demo)


_ENV = {
    "database_url": "KEGDASH_DATABASE",
    "host": "KEGDASH_HOST",
    "port": "KEGDASH_PORT",
    "kegboard": "KEGDASH_KEGBOARD",
    "hive_gateway": "KEGDASH_HIVE_GATEWAY",
    "units": "KEGDASH_UNITS",
}
_TOML_KEYS = {
    ("database", "url"): "database_url",
    ("server", "host"): "host",
    ("server", "port"): "port",
    ("serial", "kegboard"): "kegboard",
    ("serial", "hive_gateway"): "hive_gateway",
    ("ui", "units"): "units",
}


def _coerce(name: str, value: Any, source: str) -> Any:
    try:
        if name == "port":
            if isinstance(value, bool):
                raise ValueError
            port = int(value)
            if not 0 <= port <= 65535:
                raise ValueError
            return port
        if name in ("kegboard", "hive_gateway"):
            if isinstance(value, str):
                return tuple(part.strip() for part in value.split(",") if part.strip())
            if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
                return tuple(value)
            raise ValueError
        if name == "units":
            if value not in UNITS:
                raise ValueError
            return value
        if not isinstance(value, str):
            raise ValueError
        return value
    except ValueError:
        raise ConfigError(f"{source}: invalid value {value!r} for {name}") from None


def _from_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            doc = tomllib.load(fh)
    except FileNotFoundError:
        return {}
    except (tomllib.TOMLDecodeError, OSError) as exc:
        raise ConfigError(f"{path}: {exc}") from None
    found = {}
    for (section, key), name in _TOML_KEYS.items():
        table = doc.get(section)
        if isinstance(table, dict) and key in table:
            found[name] = _coerce(name, table[key], f"{path} [{section}] {key}")
    return found


def load_settings(
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    config_file: Path | None = None,
) -> Settings:
    """Merge the four layers; ``overrides`` are the CLI flags that were actually given."""
    environ = os.environ if environ is None else environ
    path = config_file or Path(environ.get("KEGDASH_CONFIG") or config_dir() / "config.toml")
    values: dict[str, Any] = {}
    sources: dict[str, str] = {f.name: "default" for f in fields(Settings)}
    for name, value in _from_toml(path).items():
        values[name], sources[name] = value, f"file {path}"
    for name, var in _ENV.items():
        if var in environ and environ[var] != "":
            values[name] = _coerce(name, environ[var], f"environment {var}")
            sources[name] = f"environment {var}"
    for name, value in (overrides or {}).items():
        if value is None:
            continue
        values[name] = _coerce(name, value, f"--{name.replace('_', '-')}") if name in _ENV else value
        sources[name] = "command line"
    return replace(Settings(), **values, sources=sources)
