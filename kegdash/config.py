"""Machine settings: defaults < TOML file < ``KEGDASH_*`` environment < command-line flags.

Site-wide rules the APIs enforce (privacy mode, session timeout, Beekeeping units, ...) are not
here: they live in the database (``kegdash.site_settings``) so that every process agrees.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
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


def config_path(environ: Mapping[str, str] | None = None) -> Path:
    """The TOML file kegdash reads (and the Settings page writes); it need not exist."""
    environ = os.environ if environ is None else environ
    return Path(environ.get("KEGDASH_CONFIG") or config_dir() / "config.toml")


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
    hotplug: bool = True
    """Read boards plugged in while kegdash runs; off where other Arduino-class devices (a
    fermentation controller) share the machine, since opening such a port resets the board."""
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
    "hotplug": "KEGDASH_HOTPLUG",
    "units": "KEGDASH_UNITS",
}
_TOML_KEYS = {
    ("database", "url"): "database_url",
    ("server", "host"): "host",
    ("server", "port"): "port",
    ("serial", "kegboard"): "kegboard",
    ("serial", "hive_gateway"): "hive_gateway",
    ("serial", "hotplug"): "hotplug",
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
        if name == "hotplug":
            if isinstance(value, bool):
                return value
            words = {"1": True, "true": True, "yes": True, "on": True,
                     "0": False, "false": False, "no": False, "off": False}
            if isinstance(value, str) and value.strip().lower() in words:
                return words[value.strip().lower()]
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
    path = config_file or config_path(environ)
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


# --- writing the [server] address back ---------------------------------------------------------

_HEADER = re.compile(r"\s*\[\[?\s*([^\]]*?)\s*\]")
_SERVER_KEY = re.compile(r"\s*(host|port)\s*=(.*)$", re.DOTALL)


def _toml_string(text: str) -> str:
    """A TOML basic string; control characters and DEL are escaped, as TOML requires."""
    escaped = "".join("\\" + ch if ch in '"\\' else f"\\u{ord(ch):04x}" if ch < " " or ch == "\x7f"
                      else ch for ch in text)
    return f'"{escaped}"'


def _comment_of(value: str) -> str:
    """The trailing ``# comment`` of a one-line value, if any: the first ``#`` before which the
    text parses as a value (one inside a string leaves the string unterminated)."""
    for index, char in enumerate(value):
        if char == "#":
            before = value[:index]
            try:
                tomllib.loads(f"v = {before}")
            except tomllib.TOMLDecodeError:
                continue
            return before[len(before.rstrip()):] + value[index:].rstrip("\r\n")
    return ""


def _with_server(text: str, values: dict[str, str]) -> str:
    """``text`` with ``[server]`` host and port set: lines replaced in place (keeping their
    comments), added under the header, or a new table at the end; everything else untouched."""
    lines = (text if text.endswith("\n") or not text else text + "\n").splitlines(keepends=True)
    section, header_at, todo = "", None, dict(values)
    for index, line in enumerate(lines):
        header = _HEADER.match(line)
        if header:
            section = header.group(1) if not line.lstrip().startswith("[[") else ""
            if section == "server" and header_at is None:
                header_at = index
            continue
        key = _SERVER_KEY.match(line) if section == "server" else None
        if key and key.group(1) in todo:
            lines[index] = f"{key.group(1)} = {todo.pop(key.group(1))}{_comment_of(key.group(2))}\n"
    added = [f"{key} = {value}\n" for key, value in todo.items()]
    if header_at is not None:
        lines[header_at + 1:header_at + 1] = added
    elif added:
        lines += (["\n"] if lines else []) + ["[server]\n"] + added
    return "".join(lines)


def save_server_address(host: str, port: int, path: Path | None = None) -> Path:
    """Write ``[server] host`` and ``port`` into the config file so the next start listens there
    too (environment variables and flags still override it). Other keys and comments stay as they
    were; the file is replaced atomically, so a crash leaves the old or the new file, never half.
    Returns the file; raises ConfigError saying why it could not be written."""
    path = (path or config_path()).resolve()  # a symlinked config keeps its link
    port = _coerce("port", port, "port")
    values = {"host": _toml_string(host), "port": str(port)}
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    except OSError as exc:
        raise ConfigError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"cannot read {path}: {exc}") from None
    try:
        before = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML ({exc}); not overwriting it") from None
    server = before.get("server", {})
    if not isinstance(server, dict):
        raise ConfigError(f"{path}: server is not a table; not overwriting it")
    updated = _with_server(text, values)
    expected = {**before, "server": {**server, "host": host, "port": port}}
    try:
        ok = tomllib.loads(updated) == expected
    except tomllib.TOMLDecodeError:
        ok = False
    if not ok:
        raise ConfigError(f"cannot update [server] in {path} automatically; set host = "
                          f"{values['host']} and port = {port} there by hand")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise ConfigError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(updated)
            out.flush()
            os.fsync(out.fileno())
        if text:
            os.chmod(temp, path.stat().st_mode & 0o7777)
        os.replace(temp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise ConfigError(f"cannot write {path}: {exc.strerror or exc}") from None
    return path
