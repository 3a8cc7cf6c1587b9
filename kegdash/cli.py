"""The ``kegdash`` command line: the window, the headless server, admin tasks and demo data.

User mistakes end with one line on stderr and a non-zero exit, never a traceback. What a
command creates (a key, a uuid, a client secret) is printed last on stdout for scripts.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import importlib.metadata
import json
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kegdash import __version__, fmt
from kegdash.config import ConfigError, Settings, load_settings
from kegdash.cpu_affinity import AffinityError, run_on_cpu

if TYPE_CHECKING:
    from kegdash.apiary.alerts import HiveAlert

log = logging.getLogger("kegdash")


class CommandError(Exception):
    """A failure to report in one line and exit 1."""


def _db_parent() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--database", metavar="URL", dest="database_url",
                        help="sqlite:///path or postgresql://user@host/db "
                             "(default: kegdash.sqlite in the user data folder)")
    return parent


def _server_parent() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--host", help="address the API listens on (default 127.0.0.1)")
    parent.add_argument("--port", type=int, help="API port; 0 picks a free one (default 8000)")
    parent.add_argument("--demo", action="store_true",
                        help="use the separate demo database, filled with demo data")
    return parent


def build_parser() -> argparse.ArgumentParser:
    db = _db_parent()
    server = _server_parent()
    parser = argparse.ArgumentParser(
        prog="kegdash", description="Taps, kegs, hives and recipes, with their HTTP APIs.")
    parser.add_argument("--version", action="version", version=f"kegdash {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = sub.add_parser("run", parents=[db, server], help="open the dashboard window (the default)",
                         description="Open the dashboard window with its embedded API server.")
    run.add_argument("--kiosk", action="store_true",
                     help="open full screen with only the tap cards, for a bar screen "
                          "(Esc or F11 leaves it)")
    serve = sub.add_parser("serve", parents=[db, server], help="run the API server without a window",
                           description="Serve the three APIs headless until SIGINT or SIGTERM.")
    serve.add_argument("--kegboard", action="append", metavar="DEVICE",
                       help="serial device of a Kegboard (repeatable)")
    serve.add_argument("--hive-gateway", action="append", metavar="DEVICE",
                       help="serial device of a hive gateway (repeatable)")
    serve.add_argument("--cpu", type=int, metavar="N",
                       help="run on one CPU, the N-th of those this process may use (0 is the "
                            "first): Python runs one thread at a time, and handing over between "
                            "CPUs costs more than small requests (Linux; one N per instance when "
                            "several share a machine)")
    simulate = sub.add_parser(
        "simulate", help="a virtual Kegboard or hive gateway on a pseudo-terminal",
        description="Open a pseudo-terminal, print its path, and send realistic traffic to it "
                    "until Ctrl-C; point kegdash serve --kegboard/--hive-gateway at the path.")
    simulate.add_argument("device", choices=["kegboard", "hive"])
    simulate.add_argument("--link", metavar="PATH", help="also make PATH a symlink to the pty")
    simulate.add_argument("--seed", type=int, help="random seed, for repeatable traffic")
    simulate.add_argument("--speed", type=float, default=1.0,
                          help="time factor (2 = twice as fast; the reader's pour timeouts keep "
                               "their length, so above 1.5 two pours on one meter may join)")
    check = sub.add_parser("self-test", help="check this installation end to end, headless",
                           description="Scratch database, each API on a free port, the window "
                                       "rendered offscreen to a PNG; exit 0 if all of it works.")
    check.add_argument("--keep", metavar="PATH", help="write the window's PNG to PATH")
    check.add_argument("--headless", action="store_true",
                       help="leave the window out: for an install without the gui extra")
    demo = sub.add_parser("demo-data", parents=[db], help="load the demo data set",
                          description="Load taps, kegs, drinkers, pours, recipes and an apiary "
                                      "with a month of readings into an empty database.")
    demo.add_argument("--json", action="store_true", help="print the counts as JSON")

    admin = sub.add_parser("admin", help="operator tasks without the window",
                           description="Create users, keys, taps, kegs, apiaries and clients; "
                                       "admit members.")
    tasks = admin.add_subparsers(dest="task", metavar="TASK", required=True)

    def task(name: str, help_text: str) -> argparse.ArgumentParser:
        p = tasks.add_parser(name, parents=[db], help=help_text, description=help_text)
        p.add_argument("--json", action="store_true", help="print the result as JSON")
        return p

    p = task("create-user", "create a user (staff users get a Kegbot API key, printed last)")
    p.add_argument("name")
    p.add_argument("--email")
    p.add_argument("--password-stdin", action="store_true",
                   help="read the password from the first line of standard input")
    p.add_argument("--staff", action="store_true")
    p.add_argument("--superuser", action="store_true")
    p = task("set-password", "set a user's password from the first line of standard input "
                             "(a forgotten one, say); their web sessions end")
    p.add_argument("user")
    p = task("deactivate-user", "shut a user out: logins, API keys, tokens and web sessions "
                                "stop working; their drinks, recipes and hives stay")
    p.add_argument("user")
    p = task("reactivate-user", "let a deactivated user back in")
    p.add_argument("user")
    task("pending", "self-registered accounts waiting to be admitted as members, oldest first; "
                    "one line each, nothing when there is none")
    p = task("admit", "make an account a member (a refused one is reactivated too)")
    p.add_argument("user")
    p = task("refuse", "turn a pending account away: it is deactivated and stays refused")
    p.add_argument("user")
    p = task("api-key", "issue a new Kegbot API key for a user (revokes the old one)")
    p.add_argument("user")
    p = task("add-tap", "add a tap on a flow meter")
    p.add_argument("name")
    p.add_argument("--meter", required=True, help="meter name, e.g. kegboard.flow0")
    p.add_argument("--ml-per-tick", type=float, default=0.367107)
    p = task("start-keg", "put a new keg on a tap")
    p.add_argument("tap", help="tap id, name or meter name")
    p.add_argument("--beverage", required=True)
    p.add_argument("--abv", type=float)
    p.add_argument("--style", default="")
    p.add_argument("--size", default="half-barrel",
                   help="half-barrel, import, quarter, euro-half, sixth, corny, mini, euro-30, "
                        "euro-50, or litres such as 20L")
    p = task("end-keg", "take the keg off a tap")
    p.add_argument("tap")
    p = task("add-thermo", "add a thermo sensor")
    p.add_argument("name", help="sensor name, e.g. kegboard.thermo-28ff4a1b2c3d4e5f")
    p.add_argument("--tap", help="tap this sensor measures")
    p = task("add-token", "assign an RFID or iButton token to a user")
    p.add_argument("device", help="core.rfid or core.onewire")
    p.add_argument("value", help="token value, lower-case hex")
    p.add_argument("user")
    p = task("license-key", "issue a Beekeeping.io licence key for a user")
    p.add_argument("user")
    p = task("add-apiary", "add an apiary (prints its uuid)")
    p.add_argument("name")
    p.add_argument("--owner", required=True)
    p.add_argument("--zipcode", default="")
    p.add_argument("--country", default="", help="two-letter country code")
    p.add_argument("--lat", type=float)
    p.add_argument("--lon", type=float)
    p.add_argument("--public", action="store_true", help="other licences may read it")
    p = task("add-hive", "add a hive to an apiary (prints its uuid)")
    p.add_argument("apiary_uuid")
    p.add_argument("name")
    p = task("add-device", "add a sensor device to a hive (prints its uuid)")
    p.add_argument("hive_uuid")
    p.add_argument("api_id", help="the device id it uploads with, e.g. AA:BB:CC")
    p.add_argument("--vendor", default="")
    p.add_argument("--model", default="")
    p = task("add-client", "register a Tapline client application (prints id and secret)")
    p.add_argument("name")
    p.add_argument("--redirect-uri", default="")
    p = task("set-privacy", "who may read the Kegbot API")
    p.add_argument("mode", choices=["public", "members", "staff"])
    p = task("export-readings", "hive readings as CSV in °C, %%, kg (to stdout or --output)")
    p.add_argument("--device", help="one device, by uuid or device id")
    p.add_argument("--since", type=int, metavar="EPOCH", help="first timestamp (Unix seconds)")
    p.add_argument("--until", type=int, metavar="EPOCH", help="last timestamp (Unix seconds)")
    p.add_argument("--output", metavar="FILE", help="write to FILE and print the row count")
    p = task("hive-alerts", "current and recent hive alerts (swarm, brood, spike, silent, "
                            "battery) from the raw readings, with the hive_* site settings as "
                            "thresholds; one line per alert, nothing when there is none (for cron)")
    p.add_argument("--hive", metavar="UUID", help="one hive (default: every hive with a sensor)")
    p.add_argument("--since", type=int, metavar="EPOCH",
                   help="alerts on at any time since then (Unix seconds; default 24 hours ago)")
    task("prune-readings", "roll hive readings older than the readings_raw_months site setting "
                           "into hourly min/avg/max and delete them, now (the server does it hourly)")
    p = task("set-units", "units the Beekeeping.io API reads and writes (kegdash stores °C and kg)")
    p.add_argument("--temperature", choices=["C", "F"])
    p.add_argument("--weight", choices=["kg", "lb"])
    p = task("setting", "show every site setting, one, or set one; VALUE is JSON (5, true, "
                        '["10.0.0.2"], {"10.0.0.9": 50}) or else plain text')
    p.add_argument("key", nargs="?")
    p.add_argument("value", nargs="?")
    return parser


SECRET_SETTINGS = frozenset({"web_session_secret"})
"""Site settings ``admin setting`` neither shows nor sets: they are keys, not preferences."""


def _site_setting(args: argparse.Namespace) -> None:
    from kegdash.site_settings import DEFAULTS, get_settings, set_setting

    known = [key for key in DEFAULTS if key not in SECRET_SETTINGS]
    if args.key is not None and args.key not in known:
        raise CommandError(f"unknown site setting {args.key!r}; known: {', '.join(known)}")
    if args.value is not None:
        try:
            value = json.loads(args.value)
        except json.JSONDecodeError:
            value = args.value
        try:
            set_setting(args.key, value)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
    values = get_settings(*([args.key] if args.key else known))
    if args.json:
        print(json.dumps(values))
        return
    for key, value in values.items():
        print(f"{key}: {json.dumps(value)}")


def _utc(ts: int) -> str:
    return dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _alert_text(alert: HiveAlert) -> str:
    """What an alert found, in °C, kg and %."""
    v = alert.values
    match alert.kind:
        case "swarm":
            text = f"weight fell {v['from_kg']:.2f} -> {v['to_kg']:.2f} kg ({v['drop_kg']:.2f} kg)"
        case "brood":
            text = f"{v['last_c']:.1f} °C at the last reading, {v['min_c']:.1f}-{v['max_c']:.1f} °C"
        case "spike":
            text = f"{v['from_c']:.1f} -> {v['to_c']:.1f} °C"
        case "silent":
            text = f"no reading for {fmt.duration(v['silent_s'])}"
        case _:  # battery
            text = f"{v['last_pct']:.0f} % (lowest {v['min_pct']:.0f} %)"
    return f"{alert.sensor_name}: {text}" if alert.sensor_name else text


def _hive_alerts(args: argparse.Namespace) -> None:
    from kegdash.apiary.alerts import alerts

    now = int(time.time())
    since = now - 86400 if args.since is None else args.since
    if since > now:
        raise CommandError(f"--since {since} is in the future")
    try:
        found = alerts(since, hive_uuid=args.hive)
    except LookupError as exc:
        raise CommandError(exc.args[0]) from None
    if args.json:
        print(json.dumps({"since": since, "now": now, "alerts": [
            {**dataclasses.asdict(alert), "ongoing": alert.ongoing} for alert in found]}))
        return
    for alert in found:
        end = "ongoing" if alert.ongoing else _utc(alert.end_ts)
        print(f"{_utc(alert.start_ts)} - {end}  {alert.hive_name} ({alert.hive_uuid})  "
              f"{alert.kind}  {_alert_text(alert)}")


def _prune_readings(args: argparse.Namespace) -> None:
    from kegdash.apiary.retention import SETTING, prune_readings

    report = prune_readings()
    if args.json:
        print(json.dumps(dataclasses.asdict(report)))
    elif report.months is None:
        print(f"{SETTING} is not set: every raw reading is kept")
    elif report.busy:
        print("another kegdash instance is rolling up the readings now; nothing done")
    else:
        print(f"{SETTING}: {report.months}; readings before {_utc(report.horizon)} are kept hourly")
        print(f"{report.readings} readings rolled into {report.hours} hourly rows")
        if report.partitions:
            print(f"partitions dropped: {', '.join(report.partitions)}")


def _pending(args: argparse.Namespace) -> None:
    from kegdash.accounts.admission import pending_accounts

    found = pending_accounts()
    if args.json:
        print(json.dumps({"pending": [dataclasses.asdict(account) for account in found]},
                         default=str))
        return
    for account in found:
        print(f"{account.joined:%Y-%m-%d %H:%M} UTC  {account.username}  {account.email or ''}"
              .rstrip())


def _settings(args: argparse.Namespace) -> Settings:
    keys = ("database_url", "host", "port", "kegboard", "hive_gateway")
    overrides: dict[str, Any] = {k: getattr(args, k, None) for k in keys}
    overrides["demo"] = getattr(args, "demo", False) or None
    return load_settings(overrides)


def _open(settings: Settings) -> None:
    from kegdash.db import open_database

    open_database(settings.effective_database_url)


def _emit(args: argparse.Namespace, data: dict[str, Any], last: str) -> None:
    """Print ``data`` as JSON with --json, else a readable line per item and ``last`` at the end."""
    if getattr(args, "json", False):
        print(json.dumps(data, default=str))
        return
    for key, value in data.items():
        if key != last:
            print(f"{key}: {value}")
    print(data[last])


def _stdin_password(what: str) -> str:
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise CommandError(f"{what}: standard input gave an empty password")
    return password


def cmd_admin(args: argparse.Namespace) -> None:
    from kegdash import db, events, pg_bus

    _open(_settings(args))
    # On PostgreSQL, running instances see what the task changed at once (a setting, a keg).
    with pg_bus.sent_at_once(db.database.obj, events.bus):
        _admin_task(args)


def _admin_task(args: argparse.Namespace) -> None:
    from kegdash.accounts import admission
    from kegdash.accounts.keys import create_client, issue_api_key
    from kegdash.accounts.users import (
        create_user,
        deactivate_user,
        get_user,
        reactivate_user,
        set_password,
    )
    from kegdash.apiary import registry
    from kegdash.bar import taps
    from kegdash.site_settings import get_setting, set_setting

    t = args.task
    if t == "create-user":
        password = _stdin_password("--password-stdin") if args.password_stdin else None
        user = create_user(args.name, email=args.email, password=password,
                           is_staff=args.staff, is_superuser=args.superuser)
        data: dict[str, Any] = {"username": user.username, "id": user.public_id}
        if user.is_staff:
            data["api_key"] = issue_api_key(user)
        _emit(args, data, "api_key" if user.is_staff else "username")
    elif t == "set-password":
        user = get_user(args.user)
        set_password(user, _stdin_password("set-password"))
        _emit(args, {"username": user.username, "password": "changed"}, "password")
    elif t in ("deactivate-user", "reactivate-user"):
        user = get_user(args.user)
        (deactivate_user if t == "deactivate-user" else reactivate_user)(user)
        _emit(args, {"username": user.username, "active": user.is_active}, "active")
    elif t == "pending":
        _pending(args)
    elif t in ("admit", "refuse"):
        account = (admission.admit if t == "admit" else admission.refuse)(args.user)
        _emit(args, {"username": account.username, "active": account.is_active,
                     "member": account.is_member}, "member")
    elif t == "api-key":
        _emit(args, {"username": args.user, "api_key": issue_api_key(get_user(args.user))},
              "api_key")
    elif t == "add-tap":
        tap = taps.add_tap(args.name, args.meter, args.ml_per_tick)
        _emit(args, {"tap": tap.name, "meter": tap.meter_name, "id": tap.id}, "id")
    elif t == "start-keg":
        keg = taps.start_keg(args.tap, args.beverage, size=args.size, abv=args.abv,
                             style=args.style)
        _emit(args, {"beverage": keg.beverage.name, "volume_ml": keg.full_volume_ml,
                     "keg_id": keg.id}, "keg_id")
    elif t == "end-keg":
        keg = taps.end_keg(args.tap)
        _emit(args, {"served_ml": round(keg.served_ml, 1), "keg_id": keg.id}, "keg_id")
    elif t == "add-thermo":
        sensor = taps.add_thermo_sensor(args.name, args.tap)
        _emit(args, {"name": sensor.name, "id": sensor.id}, "id")
    elif t == "add-token":
        token = taps.add_auth_token(args.device, args.value, get_user(args.user))
        _emit(args, {"user": args.user, "token": f"{token.device}|{token.value}"}, "token")
    elif t == "license-key":
        key = registry.issue_license_key(get_user(args.user))
        _emit(args, {"username": args.user, "license_key": key}, "license_key")
    elif t == "add-apiary":
        apiary = registry.add_apiary(args.name, get_user(args.owner), zipcode=args.zipcode,
                                     country_code=args.country, latitude=args.lat,
                                     longitude=args.lon, public=args.public)
        _emit(args, {"name": apiary.name, "uuid": apiary.uuid}, "uuid")
    elif t == "add-hive":
        hive = registry.add_hive(args.apiary_uuid, args.name)
        _emit(args, {"name": hive.name, "uuid": hive.uuid}, "uuid")
    elif t == "add-device":
        device = registry.add_device(args.hive_uuid, args.api_id, vendor=args.vendor,
                                     model=args.model)
        _emit(args, {"api_id": device.api_id, "uuid": device.uuid}, "uuid")
    elif t == "add-client":
        client, secret = create_client(args.name, redirect_uri=args.redirect_uri)
        data = {"name": client.name, "client_id": client.public_id, "client_secret": secret}
        if args.json:
            print(json.dumps(data))
        else:
            print(f"name: {client.name}")
            print(client.public_id)
            print(secret)
    elif t == "set-privacy":
        set_setting("privacy", args.mode)
        _emit(args, {"privacy": args.mode}, "privacy")
    elif t == "export-readings":
        from kegdash.apiary.export import export_readings_csv

        query = {"device": args.device, "since": args.since, "until": args.until}
        try:
            if args.output:
                with open(args.output, "w", newline="", encoding="utf-8") as out:
                    rows = export_readings_csv(out, **query)
                _emit(args, {"file": args.output, "rows": rows}, "rows")
            else:
                export_readings_csv(sys.stdout, **query)
        except LookupError as exc:
            raise CommandError(exc.args[0]) from None
    elif t == "hive-alerts":
        _hive_alerts(args)
    elif t == "prune-readings":
        _prune_readings(args)
    elif t == "set-units":
        if args.temperature is None and args.weight is None:
            raise CommandError("set-units needs --temperature C|F and/or --weight kg|lb")
        if args.temperature:
            set_setting("beekeeping_temperature_unit", args.temperature)
        if args.weight:
            set_setting("beekeeping_weight_unit", args.weight)
        units = f"{get_setting('beekeeping_temperature_unit')} {get_setting('beekeeping_weight_unit')}"
        _emit(args, {"units": units}, "units")
    elif t == "setting":
        _site_setting(args)


def cmd_demo_data(args: argparse.Namespace) -> None:
    from kegdash.demo_data import load_demo_data

    settings = _settings(args)
    _open(settings)
    counts = load_demo_data()
    if args.json:
        print(json.dumps(counts))
    else:
        print(", ".join(f"{n} {kind}" for kind, n in counts.items()))


def cmd_serve(args: argparse.Namespace) -> None:
    from kegdash.db import redact
    from kegdash.demo_data import prepare_demo
    from kegdash.server.app import build_app
    from kegdash.server.runner import ApiServer

    settings = _settings(args)
    where = ""
    if args.cpu is not None:
        try:
            where = f", on CPU {run_on_cpu(args.cpu)}"
        except AffinityError as exc:
            raise CommandError(str(exc)) from None
    _open(settings)
    if settings.demo:
        prepare_demo()
    server = ApiServer(build_app(), settings.host, settings.port)
    server.start()
    upkeep = _upkeep()
    devices = start_devices(settings)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    print(f"kegdash {__version__} serving on {server.url} "
          f"(database {redact(settings.effective_database_url)}{where})", flush=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        devices.stop()
        server.stop()
        for service in upkeep:
            service.stop()
    print("kegdash stopped", flush=True)


def gui_install_hint(prefix: str = sys.prefix) -> str:
    """The command that gives this install the window (PySide6 and pyqtgraph, the ``gui``
    extra): pip's extra, or in a venv pipx made (it leaves its ``pipx_metadata.json`` there)
    ``pipx inject`` with the extra's requirements: pipx cannot add an extra to what it
    installed from a file."""
    venv = Path(prefix)
    if (venv / "pipx_metadata.json").is_file():
        try:
            requires = importlib.metadata.requires("kegdash") or []
        except importlib.metadata.PackageNotFoundError:
            requires = []
        gui = [req.split(";")[0].strip() for req in requires if 'extra == "gui"' in req]
        if gui:
            return f"pipx inject {venv.name} " + " ".join(f"'{req}'" for req in gui)
    return "pip install 'kegdash[gui]'"


QT_PACKAGES = ("PySide6", "shiboken6", "pyqtgraph")


def cmd_run(args: argparse.Namespace) -> int:
    try:
        from kegdash.ui.app import run_window
    except ImportError as exc:
        if (exc.name or "").split(".")[0] not in QT_PACKAGES and "shiboken" not in str(exc):
            raise  # shiboken names no module when a Qt module it imports fails
        if isinstance(exc, ModuleNotFoundError):
            raise CommandError("the window needs the gui extra, which this install lacks: "
                               f"{gui_install_hint()} "
                               "(kegdash serve runs without it)") from None
        raise CommandError(f"Qt is installed but does not load ({exc}); "
                           "the README lists the system libraries it needs") from None
    from kegdash.ui.display_check import missing_display

    reason = missing_display(os.environ)
    if reason is not None:
        raise CommandError(f"{reason}; `kegdash serve` runs the API without a window")

    # The window paints first; it opens the database, fills a demo and starts the readers after
    # and the upkeep (on PostgreSQL, shared with other instances) once the database is open.
    upkeep: list[Any] = []

    def start_services(settings: Settings):
        upkeep.extend(_upkeep())
        return start_devices(settings)

    try:
        return run_window(_settings(args), kiosk=args.kiosk, start_devices=start_services)
    finally:
        for service in upkeep:
            service.stop()


def _upkeep() -> list[Any]:
    """The services a server or window runs beside its work, each with ``stop()``: the old
    readings' roll-up (``apiary.retention``) and, on PostgreSQL, the event bus shared with the
    other instances (``pg_bus``) and the readings' coming monthly partitions (``pg_partitions``)."""
    from kegdash import db, events, pg_bus, pg_partitions
    from kegdash.apiary.retention import ReadingPruner

    pruner = ReadingPruner()
    started = [pg_bus.relay_for(db.database.obj, events.bus),
               pg_partitions.keeper_for(db.database.obj, "reading", "ts"), pruner]
    pruner.start()
    return [service for service in started if service is not None]


def start_devices(settings: Settings):
    """Readers for the configured ports and, unless turned off, for boards plugged in later; in
    demo mode, simulated devices on ptys as well."""
    from kegdash.hw import device_metrics
    from kegdash.hw.devices import DeviceManager

    devices = DeviceManager(hotplug=settings.hotplug)
    device_metrics.watch(devices)
    for device in settings.kegboard:
        devices.add_kegboard(device)
    for device in settings.hive_gateway:
        devices.add_hive_gateway(device)
    if settings.demo:
        from kegdash.hw.simulators import SimulatedBar

        devices.add_simulated(bar=SimulatedBar(change_kegs=True))
    devices.start()
    return devices


def cmd_simulate(args: argparse.Namespace) -> None:
    from kegdash.hw.simulators import Pty, Simulator

    if args.speed <= 0:
        raise CommandError("--speed must be above 0")
    simulator = Simulator(args.device, Pty(Path(args.link) if args.link else None), seed=args.seed,
                          speed=args.speed)
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    simulator.start()
    print(simulator.pty.device, flush=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        simulator.stop()


def cmd_self_test(args: argparse.Namespace) -> int:
    from kegdash.self_test import run_self_test

    return run_self_test(keep=Path(args.keep) if args.keep else None, headless=args.headless)


COMMANDS: dict[str, Callable[[argparse.Namespace], Any]] = {
    "admin": cmd_admin,
    "demo-data": cmd_demo_data,
    "serve": cmd_serve,
    "run": cmd_run,
    "simulate": cmd_simulate,
    "self-test": cmd_self_test,
}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not argv or argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version"):
        argv = ["run", *argv]
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.command in ("serve", "run") else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        return COMMANDS[args.command](args) or 0
    # kegdash.db.DatabaseError is a RuntimeError (not imported here: `run` paints before peewee loads)
    except (CommandError, ConfigError, ValueError, RuntimeError, OSError) as exc:
        print(f"kegdash: error: {exc}", file=sys.stderr)
        return 1
