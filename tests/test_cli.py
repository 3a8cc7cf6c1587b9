"""The command line, in-process for admin tasks and as a real process for ``serve``."""

import json
import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from kegdash.cli import main


@pytest.fixture
def kd(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"

    def run(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
        if stdin is not None:
            import io

            sys.stdin = io.StringIO(stdin)
        try:
            code = main([*args, "--database", url])
        finally:
            sys.stdin = sys.__stdin__
        out, err = capsys.readouterr()
        return code, out, err

    return run


def last_line(out: str) -> str:
    return out.strip().splitlines()[-1]


def test_setting_up_a_bar_from_the_command_line(kd):
    code, out, _ = kd("admin", "create-user", "mikey", "--staff", "--email", "m@example.com")
    assert code == 0 and len(last_line(out)) == 40, "a staff user's API key is printed last"
    code, out, _ = kd("admin", "add-tap", "Main tap", "--meter", "kegboard.flow0", "--json")
    assert code == 0 and json.loads(out) == {"tap": "Main tap", "meter": "kegboard.flow0", "id": 1}
    code, out, _ = kd("admin", "start-keg", "kegboard.flow0", "--beverage", "Racer 5",
                      "--abv", "7.2", "--size", "corny", "--json")
    assert code == 0 and json.loads(out)["volume_ml"] == 18927.06
    code, out, _ = kd("admin", "end-keg", "Main tap")
    assert code == 0 and last_line(out) == "1"
    code, out, _ = kd("admin", "start-keg", "1", "--beverage", "Stout", "--size", "20L")
    assert code == 0
    code, out, _ = kd("admin", "add-thermo", "kegboard.thermo-01", "--tap", "1")
    assert code == 0
    code, out, _ = kd("admin", "add-token", "core.rfid", "0A1B2C", "mikey")
    assert code == 0 and last_line(out) == "core.rfid|0a1b2c"
    code, out, _ = kd("admin", "api-key", "mikey")
    assert code == 0 and len(last_line(out)) == 40
    code, out, _ = kd("admin", "set-privacy", "members")
    assert code == 0 and last_line(out) == "members"


def test_beekeeping_units(kd):
    from kegdash.site_settings import get_setting

    code, out, _ = kd("admin", "set-units", "--temperature", "C")
    assert code == 0 and last_line(out) == "C lb"
    code, out, _ = kd("admin", "set-units", "--weight", "kg")
    assert code == 0 and last_line(out) == "C kg" and get_setting("beekeeping_weight_unit") == "kg"
    code, _, err = kd("admin", "set-units")
    assert code == 1 and "needs --temperature" in err


def test_setting_up_an_apiary_from_the_command_line(kd):
    kd("admin", "create-user", "beeman")
    code, out, _ = kd("admin", "license-key", "beeman")
    assert code == 0 and len(last_line(out)) == 32
    code, out, _ = kd("admin", "add-apiary", "Ridge", "--owner", "beeman", "--lat", "42.3",
                      "--lon", "-71.1", "--country", "US")
    apiary = last_line(out)
    assert code == 0 and len(apiary) == 32
    code, out, _ = kd("admin", "add-hive", apiary, "Hive 1")
    hive = last_line(out)
    assert code == 0 and len(hive) == 32
    code, out, _ = kd("admin", "add-device", hive, "AA:BB:CC", "--vendor", "BroodMinder", "--json")
    assert code == 0 and json.loads(out)["api_id"] == "AA:BB:CC"
    code, _, err = kd("admin", "add-device", hive, "AA:BB:CC")
    assert code == 1 and "already registered" in err


def test_export_readings_csv(kd, tmp_path):
    import csv

    kd("demo-data")
    code, out, _ = kd("admin", "export-readings", "--device", "aa:bb:02")
    rows = list(csv.DictReader(out.splitlines()))
    assert code == 0 and len(rows) > 2000 and {r["device_id"] for r in rows} == {"AA:BB:02"}
    assert 30 < float(rows[0]["temperature_c"]) < 40 and rows[0]["humidity_pct"]
    first_ts = int(rows[0]["timestamp"])
    target = tmp_path / "out.csv"
    code, out, _ = kd("admin", "export-readings", "--since", str(first_ts), "--until",
                      str(first_ts + 3600), "--output", str(target))
    written = list(csv.DictReader(target.read_text().splitlines()))
    assert code == 0 and last_line(out) == str(len(written)) == "15"  # 3 devices × 5 quarter-hours
    code, _, err = kd("admin", "export-readings", "--device", "nope")
    assert code == 1 and "no device 'nope'" in err


def test_prune_readings_rolls_old_readings_up_once_and_says_what_it_did(kd):
    from kegdash.accounts.views import by_username
    from kegdash.apiary.readings import store_reading
    from kegdash.apiary.retention import horizon

    code, out, _ = kd("admin", "prune-readings")
    assert code == 0 and out == "readings_raw_months is not set: every raw reading is kept\n"
    code, _, err = kd("admin", "setting", "readings_raw_months", "0")
    assert code == 1 and "whole months from 1 to 1200, or null to keep every raw reading" in err
    kd("admin", "create-user", "bee")
    kd("admin", "setting", "readings_raw_months", "2")
    edge = horizon(2, int(time.time()))
    for ts in (edge - 7200, edge - 7000, edge - 10, edge):  # stored in the database kd left open
        store_reading(by_username("bee"), {"device_id": "scale", "timestamp": ts, "weight": 40.5})
    code, out, _ = kd("admin", "prune-readings")
    when = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(edge))
    assert code == 0 and out == (f"readings_raw_months: 2; readings before {when} are kept hourly\n"
                                 "3 readings rolled into 2 hourly rows\n")
    code, out, _ = kd("admin", "prune-readings", "--json")
    assert code == 0 and json.loads(out) == {"months": 2, "horizon": edge, "readings": 0, "hours": 0,
                                             "partitions": [], "busy": False}


def test_add_client_prints_id_then_secret(kd):
    code, out, _ = kd("admin", "add-client", "Tablet", "--redirect-uri", "https://t.example/cb")
    lines = out.strip().splitlines()
    assert code == 0 and len(lines[-2]) == 24 and len(lines[-1]) == 40


def test_password_from_stdin(kd):
    from kegdash.accounts.users import authenticate

    code, _, _ = kd("admin", "create-user", "anna", "--password-stdin", stdin="s3cret pass\n")
    assert code == 0 and authenticate("anna", "s3cret pass") is not None
    code, _, err = kd("admin", "create-user", "empty", "--password-stdin", stdin="\n")
    assert code == 1 and "empty password" in err


def test_a_forgotten_password_is_set_again_and_old_sessions_end(kd):
    from kegdash.accounts import web_sessions
    from kegdash.accounts.users import authenticate, get_user

    kd("admin", "create-user", "anna", "--password-stdin", stdin="first pass\n")
    session = web_sessions.open_session(get_user("anna"))
    code, out, _ = kd("admin", "set-password", "anna", stdin="second pass\n")
    assert code == 0 and out.strip().splitlines()[-1] == "changed"
    assert authenticate("anna", "first pass") is None and authenticate("anna", "second pass")
    assert web_sessions.session_user(session) is None
    code, _, err = kd("admin", "set-password", "anna", stdin="\n")
    assert code == 1 and "empty password" in err and authenticate("anna", "second pass")
    code, _, err = kd("admin", "set-password", "ghost", stdin="x\n")
    assert code == 1 and "no such user" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("admin", "api-key", "ghost"), "no such user"),
        (("admin", "start-keg", "9", "--beverage", "x"), "no tap"),
        (("admin", "add-tap", "T", "--meter", "m", "--ml-per-tick", "-1"), "ml per tick"),
        (("admin", "add-hive", "nope", "H"), "no apiary"),
        (("admin", "create-user", "bad name"), "invalid username"),
    ],
)
def test_user_errors_are_one_line_without_traceback(kd, args, message):
    code, out, err = kd(*args)
    assert code == 1 and message in err
    assert "Traceback" not in err and err.count("\n") == 1


def test_start_keg_with_unknown_size(kd):
    kd("admin", "add-tap", "T", "--meter", "kegboard.flow0")
    code, _, err = kd("admin", "start-keg", "T", "--beverage", "x", "--size", "keg-o-matic")
    assert code == 1 and "unknown keg size" in err and "half-barrel" in err


def test_bad_arguments_exit_2(kd):
    with pytest.raises(SystemExit) as exc:
        kd("admin", "add-tap", "T")  # --meter missing
    assert exc.value.code == 2


def test_every_command_has_help(capsys):
    from kegdash.cli import build_parser

    admin = next(a for a in build_parser()._subparsers._group_actions[0].choices.items()
                 if a[0] == "admin")[1]
    tasks = admin._subparsers._group_actions[0].choices
    for task_name in tasks:
        with pytest.raises(SystemExit) as exc:
            main(["admin", task_name, "--help"])
        assert exc.value.code == 0, task_name
        assert f"usage: kegdash admin {task_name}" in capsys.readouterr().out
    for args in (["--help"], ["serve", "--help"], ["admin", "--help"], ["demo-data", "--help"],
                 ["run", "--help"], ["simulate", "--help"], ["self-test", "--help"]):
        with pytest.raises(SystemExit) as exc:
            main(args)
        assert exc.value.code == 0
        assert "usage: kegdash" in capsys.readouterr().out


def test_demo_data_loads_once(kd):
    code, out, _ = kd("demo-data", "--json")
    counts = json.loads(out)
    assert code == 0 and counts["taps"] == 4 and counts["readings"] > 8000
    code, _, err = kd("demo-data")
    assert code == 1 and "empty bar" in err


# --- kegdash serve as a real process -------------------------------------------------------

POISON_QT = "raise ImportError('kegdash serve must not import PySide6')\n"


def _serve(tmp_path, *args: str) -> subprocess.Popen:
    poison = tmp_path / "poison"
    (poison / "PySide6").mkdir(parents=True)
    (poison / "PySide6" / "__init__.py").write_text(POISON_QT)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(poison), *sys.path]))
    return subprocess.Popen(
        [sys.executable, "-m", "kegdash", "serve", "--database",
         f"sqlite:///{tmp_path / 'serve.sqlite'}", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )


def test_serve_on_ephemeral_port_without_qt_and_stops_on_sigterm(tmp_path):
    import urllib.request

    proc = _serve(tmp_path, "--port", "0")
    try:
        line = proc.stdout.readline()
        assert "serving on http://127.0.0.1:" in line, proc.stderr.read()
        url = line.split("serving on ", 1)[1].split()[0]
        with urllib.request.urlopen(url + "/api/version", timeout=5) as resp:
            assert json.loads(resp.read())["result"]["server_name"] == "kegdash"
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=15)
        assert proc.returncode == 0 and "kegdash stopped" in out
        assert "PySide6" not in err
    finally:
        proc.kill()
        proc.communicate()


def test_serve_on_taken_port_is_a_one_line_error(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = _serve(tmp_path, "--port", str(port))
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 1
    errors = [line for line in err.splitlines() if "error" in line]
    assert errors == [f"kegdash: error: cannot listen on 127.0.0.1:{port}: "
                      "[Errno 98] Address already in use"], err
    assert "Traceback" not in err


def _allowed_cpus(pid: int) -> dict[str, str]:
    """Each thread's Cpus_allowed_list, by thread id."""
    allowed = {}
    for task in os.scandir(f"/proc/{pid}/task"):
        with open(f"{task.path}/status") as status:
            allowed[task.name] = next(line.split(":")[1].strip() for line in status
                                      if line.startswith("Cpus_allowed_list:"))
    return allowed


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity") or len(os.sched_getaffinity(0)) < 2,
                    reason="needs Linux and two CPUs")
def test_serve_on_one_cpu_keeps_every_thread_there(tmp_path):
    allowed = sorted(os.sched_getaffinity(0))
    cpu = allowed[-1]  # the last one: not where a process lands by default
    proc = _serve(tmp_path, "--port", "0", "--cpu", str(len(allowed) - 1))
    try:
        line = proc.stdout.readline()
        assert "serving on http://127.0.0.1:" in line, proc.stderr.read()
        assert line.rstrip().endswith(f", on CPU {cpu})")
        allowed = _allowed_cpus(proc.pid)
        assert len(allowed) >= 6  # main, I/O, four workers
        assert set(allowed.values()) == {str(cpu)}
    finally:
        proc.kill()
        proc.communicate()


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="needs Linux")
def test_serve_on_a_cpu_it_may_not_use_is_a_one_line_error(tmp_path):
    count = len(os.sched_getaffinity(0))
    proc = _serve(tmp_path, "--port", "0", "--cpu", str(count))
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 1 and "serving" not in out
    assert [line for line in err.splitlines() if "error" in line] == [
        f"kegdash: error: --cpu {count}: this process may use {count} CPU(s), "
        f"so 0 to {count - 1}"], err


def test_serve_says_a_missing_kegboard_is_not_there_and_keeps_looking(tmp_path):
    device = tmp_path / "ttyNOPE"
    proc = _serve(tmp_path, "--port", "0", "--kegboard", str(device))
    try:
        assert "serving on" in proc.stdout.readline()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and "no such device" not in (line := proc.stderr.readline()):
            pass
        assert line.rstrip().endswith(f"{device}: no such device (not plugged in, or another name); "
                                      "kegdash keeps looking for it and reads it as soon as it opens")
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=15)
        assert proc.returncode == 0 and "no such device" not in err, "said once, not at every try"
    finally:
        proc.kill()
        proc.communicate()


def test_python_dash_m_version():
    out = subprocess.run([sys.executable, "-m", "kegdash", "--version"], capture_output=True,
                         text=True, check=True).stdout
    from kegdash import __version__

    assert out.strip() == f"kegdash {__version__}"


@pytest.mark.parametrize("kind", ["kegboard", "hive"])
def test_simulate_prints_a_pty_that_carries_valid_traffic(tmp_path, kind):
    import serial

    from kegdash.hw import hv1, kbsp

    link = tmp_path / f"{kind}0"
    proc = subprocess.Popen(
        [sys.executable, "-m", "kegdash", "simulate", kind, "--seed", "7", "--speed", "20",
         "--link", str(link)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == str(link)
        port = serial.Serial(str(link), timeout=0.2)
        data = bytearray()
        deadline = time.monotonic() + 5
        hello = kbsp.encode(kbsp.Hello(firmware_version=18))[:10]  # prefix and message id
        while time.monotonic() < deadline and (len(data) < 600 or kind == "kegboard" and hello not in data):
            data += port.read(256)
        port.close()
        if kind == "kegboard":
            decoder = kbsp.KbspDecoder()
            messages = decoder.feed(bytes(data))
            assert any(isinstance(m, kbsp.Hello) for m in messages)
            assert decoder.stats.crc_errors == 0 and len(messages) >= 3
        else:
            decoder = hv1.Hv1Decoder()
            readings = decoder.feed(bytes(data), int(time.time()))
            assert readings and {r.device_id for r in readings} <= {"AA:BB:01", "AA:BB:02", "AA:BB:03"}
            assert decoder.stats.bad_checksum == 0
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=10)
        assert proc.returncode == 0
        assert not link.exists(), "the symlink is removed on exit"
    finally:
        proc.kill()
        proc.communicate()


def test_site_settings_are_shown_and_set_as_json(kd):
    code, out, _ = kd("admin", "setting", "--json")
    shown = json.loads(out)
    assert code == 0 and shown["beekeeping_rate_per_second"] == 5
    assert "web_session_secret" not in shown, "a signing key is not a setting to print"
    code, out, _ = kd("admin", "setting", "beekeeping_rate_allowances", '{"10.0.0.9": 50}')
    assert code == 0 and out == 'beekeeping_rate_allowances: {"10.0.0.9": 50}\n'
    code, out, _ = kd("admin", "setting", "beekeeping_rate_exempt_loopback", "true", "--json")
    assert code == 0 and json.loads(out) == {"beekeeping_rate_exempt_loopback": True}
    code, out, _ = kd("admin", "setting", "operator", "brewer")  # plain text is a string
    assert code == 0 and out == 'operator: "brewer"\n'
    code, out, _ = kd("admin", "setting", "beekeeping_rate_allowances")
    assert code == 0 and out == 'beekeeping_rate_allowances: {"10.0.0.9": 50}\n'


def test_bad_site_settings_are_one_line_errors_and_change_nothing(kd):
    code, _, err = kd("admin", "setting", "beekeeping_rate_per_second", "0")
    assert code != 0 and "beekeeping_rate_per_second" in err and len(err.strip().splitlines()) == 1
    code, _, err = kd("admin", "setting", "beekeeping_trusted_proxies", '["not an address"]')
    assert code != 0 and "beekeeping_trusted_proxies" in err
    code, _, err = kd("admin", "setting", "no_such_thing", "1")
    assert code != 0 and "unknown site setting 'no_such_thing'" in err
    code, _, err = kd("admin", "setting", "web_session_secret", "00" * 32)
    assert code != 0 and "unknown site setting" in err
    code, out, _ = kd("admin", "setting", "--json")
    assert json.loads(out)["beekeeping_rate_per_second"] == 5
    assert json.loads(out)["beekeeping_trusted_proxies"] == []


def test_a_deactivated_user_is_shut_out_until_reactivated(kd):
    from kegdash.accounts.keys import user_for_api_key
    from kegdash.accounts.users import authenticate

    code, out, _ = kd("admin", "create-user", "mikey", "--staff", "--password-stdin", stdin="hops\n")
    key = last_line(out)
    code, out, _ = kd("admin", "deactivate-user", "mikey", "--json")
    assert code == 0 and json.loads(out) == {"username": "mikey", "active": False}
    assert authenticate("mikey", "hops") is None and not user_for_api_key(key).is_active
    code, out, _ = kd("admin", "reactivate-user", "mikey")
    assert code == 0 and last_line(out) == "True"
    assert authenticate("mikey", "hops") is not None
    code, _, err = kd("admin", "deactivate-user", "nobody")
    assert code != 0 and "nobody" in err


def test_hive_alerts_for_cron_and_monitoring(kd, capsys):
    from kegdash.apiary.models import Device, Reading

    code, out, _ = kd("admin", "hive-alerts")
    assert code == 0 and out == "", "nothing to say: nothing printed, so cron mails nothing"
    kd("admin", "create-user", "beeman")
    apiary = last_line(kd("admin", "add-apiary", "Ridge", "--owner", "beeman")[1])
    hive = last_line(kd("admin", "add-hive", apiary, "Hive 1")[1])
    kd("admin", "add-device", hive, "aa:bb:01")
    device = Device.get()
    now = int(time.time())
    last = now - 3 * 3600 - 1800  # silent for three and a half hours
    rows = [{"device": device.id, "ts": ts, "weight": 40.0 if ts < last - 3600 else 38.0,
             "battery": 50.0 if ts < last - 1800 else 15.0} for ts in range(now - 2 * 86400, last + 1, 300)]
    Reading.insert_many(rows).execute()

    code, out, _ = kd("admin", "hive-alerts")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 3
    swarm, battery, silent = (line.split("  ") for line in lines)
    assert swarm[1:] == [f"Hive 1 ({hive})", "swarm", "aa:bb:01: weight fell 40.00 -> 38.00 kg (2.00 kg)"]
    assert swarm[0] == f"{utc(last - 3900)} - {utc(last - 3600)}"
    assert battery[0] == f"{utc(last - 1800)} - ongoing"
    assert battery[2:] == ["battery", "aa:bb:01: 15 % (lowest 15 %)"]
    assert silent[0] == f"{utc(last)} - ongoing" and silent[2:] == ["silent", "no reading for 3 h"]

    code, out, _ = kd("admin", "hive-alerts", "--hive", hive, "--since", str(now - 600), "--json")
    found = json.loads(out)
    assert code == 0 and found["since"] == now - 600 and abs(found["now"] - now) < 60
    assert [(a["kind"], a["ongoing"], a["end_ts"]) for a in found["alerts"]] == [
        ("battery", True, None), ("silent", True, None)]  # the swarm had ended before
    assert found["alerts"][0] | {"start_ts": 0} == {
        "hive_id": 1, "hive_uuid": hive, "hive_name": "Hive 1", "kind": "battery", "start_ts": 0,
        "end_ts": None, "values": {"last_pct": 15.0, "min_pct": 15.0}, "sensor_uuid": device.uuid,
        "sensor_name": "aa:bb:01", "ongoing": True}

    kd("admin", "setting", "hive_silent_hours", "4")
    kd("admin", "setting", "hive_battery_low_percent", "10")
    code, out, _ = kd("admin", "hive-alerts", "--since", str(now - 600))
    assert code == 0 and out == ""

    code, _, err = kd("admin", "hive-alerts", "--hive", "nope")
    assert code == 1 and err == "kegdash: error: no hive 'nope'\n"
    code, _, err = kd("admin", "hive-alerts", "--since", str(now + 3600))
    assert code == 1 and "is in the future" in err and err.count("\n") == 1
    with pytest.raises(SystemExit):
        main(["admin", "hive-alerts", "--help"])
    shown = capsys.readouterr().out
    assert "--hive UUID" in shown and "--since EPOCH" in shown and "--json" in shown


def utc(ts: int) -> str:
    import datetime as dt

    return dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def test_admitting_and_refusing_self_registered_accounts(kd):
    from kegdash.accounts.views import by_username
    from kegdash.brewing.profiles import register_user

    assert kd("admin", "pending") == (0, "", "")  # nothing waiting: nothing printed (for cron)
    for name in ("hopeful", "spammer"):
        register_user(name, f"{name}@example.com", "pw")
    code, out, _ = kd("admin", "pending")
    lines = out.splitlines()
    assert code == 0 and [line.split()[3:] for line in lines] == [
        ["hopeful", "hopeful@example.com"], ["spammer", "spammer@example.com"]]
    code, out, _ = kd("admin", "pending", "--json")
    assert [a["username"] for a in json.loads(out)["pending"]] == ["hopeful", "spammer"]
    code, out, _ = kd("admin", "admit", "hopeful", "--json")
    assert code == 0 and json.loads(out) == {"username": "hopeful", "active": True, "member": True}
    code, out, _ = kd("admin", "refuse", "spammer")
    assert code == 0 and last_line(out) == "False"
    assert not by_username("spammer").is_active and kd("admin", "pending")[1] == ""
    code, _, err = kd("admin", "refuse", "hopeful")
    assert code == 1 and err.count("\n") == 1 and "already a member" in err
    code, out, _ = kd("admin", "admit", "spammer")  # a refusal can be undone
    assert code == 0 and by_username("spammer").is_member
    code, _, err = kd("admin", "admit", "nobody")
    assert code == 1 and err == "kegdash: error: no such user: 'nobody'\n"


def test_the_registration_policy_is_a_site_setting(kd):
    assert kd("admin", "setting", "registration")[1] == "registration: null\n"
    assert kd("admin", "setting", "registration", "closed")[0] == 0
    code, _, err = kd("admin", "setting", "registration", "invite-only")
    assert code == 1 and "registration" in err
