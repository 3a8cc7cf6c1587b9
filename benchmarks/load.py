"""Load on loopback: ``kegdash serve`` in its own process, ``wrk`` at 50 keep-alive connections.

Four endpoints, ``GET /api/taps``, drink posts, hive uploads (rate limit raised) and recipe
calculations: first one after the other for a fixed time each (the targets apply to these), then
all four at once with the connections shared out. ``GET /api/version`` goes first, alone: it does
almost nothing, so its rate is the ceiling the server and Bottle set. Prints req/s and p50/p99
per endpoint and the server process's CPU time per request (user + system, from /proc: unlike
req/s it hardly moves when other work shares the machine), then checks the database: keg
totals equal the sum of drinks, and every acknowledged drink and upload is stored. Exit status
1 if a check fails or wrk is missing; targets that are missed are reported. With
``--server-cpu N`` the server runs on one CPU (``kegdash serve --cpu N``): its threads take turns
with Python's GIL, and on one CPU each turn is cheap (``kegdash/cpu_affinity.py``).

    .venv/bin/python benchmarks/load.py [--duration 10] [--connections 50] [--server-cpu N]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

WRK_DIR = Path(__file__).resolve().parent / "wrk"
TARGETS = {"GET /api/taps": 5000, "POST /api/taps/<id>": 1500}
P99_TARGET_MS = 100.0


@dataclass
class Result:
    name: str
    requests: int
    rps: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    socket_errors: int
    acknowledged: int | None
    cpu_us: float | None = None
    """The server process's CPU time per request in this phase, when /proc tells it."""


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def parse_wrk(name: str, out: str) -> Result:
    """The numbers of one ``wrk --latency`` summary."""
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    acknowledged = re.search(r"acknowledged: (\d+)", out)
    return Result(
        name=name,
        requests=int(re.search(r"(\d+) requests in", out)[1]),
        rps=float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]),
        # Anchored: "Req/Sec ... 78.50%" in the thread stats must not pass for the 50th percentile.
        p50_ms=_ms(re.search(r"^\s+50%\s+(\S+)", out, re.M)[1]),
        p99_ms=_ms(re.search(r"^\s+99%\s+(\S+)", out, re.M)[1]),
        non_2xx=int(non_2xx[1]) if non_2xx else 0,
        socket_errors=sum(int(n) for n in errors.groups()) if errors else 0,
        acknowledged=int(acknowledged[1]) if acknowledged else None,
    )


def prepare(url: str) -> dict[str, str]:
    """A tap with a keg, a staff key, a licence key; the Beekeeping rate limit at its maximum."""
    from kegdash.accounts.keys import issue_api_key
    from kegdash.accounts.users import create_user
    from kegdash.apiary.registry import issue_license_key
    from kegdash.bar import taps
    from kegdash.db import close_database, open_database
    from kegdash.site_settings import set_setting

    open_database(url)
    staff = create_user("loadstaff", is_staff=True)
    tap = taps.add_tap("Load tap", "kegboard.flow0")
    taps.start_keg(tap.id, "Load Lager", size="half-barrel")
    set_setting("beekeeping_rate_per_second", 10_000)
    env = {"KEGDASH_API_KEY": issue_api_key(staff), "KEGDASH_LICENSE_KEY": issue_license_key(staff),
           "KEGDASH_TS_BASE": str(int(time.time()) - 10_000_000), "KEGDASH_WRK_DIR": str(WRK_DIR),
           "TAP_ID": str(tap.id)}
    close_database()
    return env


def start_server(url: str, cpu: int | None = None) -> tuple[subprocess.Popen, str]:
    """``kegdash serve`` on a free port (on CPU ``cpu`` only, if given) and its URL."""
    server = subprocess.Popen(
        [sys.executable, "-m", "kegdash", "serve", "--port", "0", "--database", url,
         *(["--cpu", str(cpu)] if cpu is not None else [])],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = server.stdout.readline()
    match = re.search(r"serving on (http://\S+)", line)
    if match is None:
        server.kill()
        raise SystemExit(f"kegdash serve did not start: {line!r}")
    return server, match[1]


def check(url: str, results: list[Result]) -> list[str]:
    """Keg totals against drinks, acknowledged requests against stored rows."""
    from kegdash.apiary.models import Reading
    from kegdash.bar.models import Drink, Keg
    from kegdash.db import close_database, open_database

    open_database(url)
    problems = []
    try:
        for keg in Keg.select():
            poured = sum(d.volume_ml for d in Drink.select().where(Drink.keg == keg.id, Drink.is_valid))
            print(f"keg {keg.id}: served_ml {keg.served_ml:.3f}, sum of drinks {poured:.3f}")
            if abs(keg.served_ml - poured) > 1e-6 * max(1.0, poured):
                problems.append(f"keg {keg.id}: served {keg.served_ml} != drinks {poured}")
        for name, count in (("POST /api/taps/<id>", Drink.select().count()),
                            ("GET /api_v1/data_upload", Reading.select().count())):
            counts = [r.acknowledged for r in results if r.name == name]
            acked = None if None in counts else sum(counts)
            print(f"{name}: {acked} acknowledged, {count} stored")
            if acked is None or count < acked:
                problems.append(f"{name}: {acked} acknowledged but only {count} stored")
    finally:
        close_database()
    return problems


def report_integrity(problems: list[str]) -> int:
    """Print each failed check and the verdict; the exit status (1 if any check failed)."""
    for line in problems:
        print(f"FAILED: {line}")
    print("integrity: " + ("FAILED" if problems else "ok"))
    return 1 if problems else 0


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process so far (Linux /proc), None elsewhere."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def per_request(spent: float | None, results: list[Result]) -> float | None:
    requests = sum(r.requests for r in results)
    return None if spent is None or not requests else spent / requests * 1e6


def run_wrk(wrk: str, threads: int, connections: int, duration: int, base: str, endpoint: tuple,
            env: dict[str, str]) -> subprocess.Popen:
    name, path, script = endpoint
    cmd = [wrk, f"-t{threads}", f"-c{connections}", f"-d{duration}s",
           "--latency", "--timeout", "5s"]
    if script:
        cmd += ["-s", str(WRK_DIR / script)]
    return subprocess.Popen([*cmd, base + path], env=env, stdout=subprocess.PIPE, text=True)


def read_wrk(name: str, process: subprocess.Popen) -> Result:
    out, _ = process.communicate()
    if process.returncode != 0:
        raise SystemExit(f"wrk failed for {name}:\n{out}")
    try:
        return parse_wrk(name, out)
    except (TypeError, AttributeError):
        raise SystemExit(f"cannot read wrk's summary for {name}:\n{out}") from None


def print_table(title: str, results: list[Result]) -> None:
    print(f"\n{title}\n")
    print(f"{'endpoint':28} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8} "
          f"{'sock err':>8} {'CPU µs/req':>10}")
    for r in results:
        cpu = f"{r.cpu_us:10.0f}" if r.cpu_us is not None else f"{'-':>10}"
        print(f"{r.name:28} {r.rps:9.0f} {r.p50_ms:8.2f} {r.p99_ms:8.2f} {r.non_2xx:8d} "
              f"{r.socket_errors:8d} {cpu}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per phase")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads, one at a time")
    parser.add_argument("--server-cpu", type=int, metavar="N",
                        help="run kegdash serve with --cpu N (on that CPU only)")
    args = parser.parse_args()
    wrk = shutil.which("wrk")
    if wrk is None:
        print("wrk is not installed (Debian: apt-get install wrk)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory(prefix="kegdash-load-") as tmp:
        url = f"sqlite:///{tmp}/load.sqlite"
        env = {**os.environ, **prepare(url)}
        server, base = start_server(url, args.server_cpu)
        endpoints = [
            ("GET /api/taps", "/api/taps", None),
            ("POST /api/taps/<id>", f"/api/taps/{env['TAP_ID']}", "drink.lua"),
            ("GET /api_v1/data_upload", "/api_v1/data_upload", "upload.lua"),
            ("POST /v1/calculate/recipe", "/v1/calculate/recipe", "recipe.lua"),
        ]
        ceiling = ("GET /api/version", "/api/version", None)
        try:
            alone = []
            for e in [ceiling, *endpoints]:
                before = cpu_seconds(server.pid)
                result = read_wrk(e[0], run_wrk(wrk, args.threads, args.connections,
                                                args.duration, base, e,
                                                {**env, "KEGDASH_DEVICE_PREFIX": "alone"}))
                after = cpu_seconds(server.pid)
                spent = None if before is None or after is None else after - before
                result.cpu_us = per_request(spent, [result])
                alone.append(result)
            # All four at once, the connections shared out: what a busy bar looks like. One wrk
            # thread each, so the four load generators take no more CPU than the one above.
            share = max(1, args.connections // len(endpoints))
            before = cpu_seconds(server.pid)
            running = [run_wrk(wrk, 1, share, args.duration, base, e,
                               {**env, "KEGDASH_DEVICE_PREFIX": "mixed"}) for e in endpoints]
            mixed = [read_wrk(e[0], p) for e, p in zip(endpoints, running, strict=True)]
            after = cpu_seconds(server.pid)
            spent = None if before is None or after is None else after - before
            mixed_cpu = per_request(spent, mixed)
        finally:
            server.terminate()
            server.wait(timeout=30)
        print_table(f"kegdash serve; one endpoint at a time, wrk {args.threads} threads, "
                    f"{args.connections} connections, {args.duration} s each", alone)
        print_table(f"all four at once, wrk 1 thread and {share} connections each, "
                    f"{args.duration} s", mixed)
        if mixed_cpu is not None:
            print(f"\nserver CPU per request, all four at once: {mixed_cpu:.0f} µs")
        print()
        missed = [f"{r.name}: {r.rps:.0f} req/s < {TARGETS[r.name]}" for r in alone
                  if r.name in TARGETS and r.rps < TARGETS[r.name]]
        missed += [f"{r.name}: p99 {r.p99_ms:.1f} ms >= {P99_TARGET_MS:g}" for r in alone
                   if r.p99_ms >= P99_TARGET_MS]
        missed += [f"{r.name}: {r.non_2xx} non-2xx, {r.socket_errors} socket errors"
                   for r in alone + mixed if r.non_2xx or r.socket_errors]
        problems = check(url, alone + mixed)
    for line in missed:
        print(f"below target: {line}")
    return report_integrity(problems)


if __name__ == "__main__":
    sys.exit(main())
