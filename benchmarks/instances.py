"""Tap lists and drink posts spread over several ``kegdash serve`` on one database.

Several instances on one PostgreSQL database is how kegdash grows past one process (README,
"Running for many bars or apiaries"); this measures what that gives on the machine at hand.
Each instance gets its share of the connections from a ``wrk`` of its own, as a proxy would
spread them; the phases and their checks are ``load.py``'s (keg totals equal the drinks, every
acknowledged drink stored). A database given must be empty: the script fills it. Without one,
the instances share a new SQLite file, which shows what the one process leaves unused (its
threads wait for Python's GIL), though several instances on one SQLite file are not a supported
set-up: live pours and the password and rate throttles stay inside each process.

    .venv/bin/python benchmarks/instances.py [--database postgresql://…] [--instances 2]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile

from load import (
    Result,
    check,
    prepare,
    print_table,
    read_wrk,
    report_integrity,
    run_wrk,
    start_server,
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="an empty database's URL (default: a new SQLite file)")
    parser.add_argument("--instances", type=int, default=2)
    parser.add_argument("--duration", type=int, default=8, help="seconds per phase")
    parser.add_argument("--connections", type=int, default=50, help="in all, shared out")
    args = parser.parse_args()
    wrk = shutil.which("wrk")
    if wrk is None:
        print("wrk is not installed (Debian: apt-get install wrk)", file=sys.stderr)
        return 1
    if args.database is not None:
        return measure(wrk, args, args.database)
    with tempfile.TemporaryDirectory(prefix="kegdash-instances-") as tmp:
        return measure(wrk, args, f"sqlite:///{tmp}/instances.sqlite")


def measure(wrk: str, args: argparse.Namespace, database: str) -> int:
    env = prepare(database)
    servers = [start_server(database) for _ in range(args.instances)]
    share = max(1, args.connections // args.instances)
    endpoints = [("GET /api/taps", "/api/taps", None),
                 ("POST /api/taps/<id>", f"/api/taps/{env['TAP_ID']}", "drink.lua")]
    totals: list[Result] = []
    try:
        for endpoint in endpoints:
            running = [run_wrk(wrk, 1, share, args.duration, base, endpoint,
                               {**env, "KEGDASH_DEVICE_PREFIX": "instances"})
                       for _, base in servers]
            results = [read_wrk(endpoint[0], process) for process in running]
            print_table(f"{endpoint[0]} on {args.instances} instance(s), {share} connections "
                        f"each, {args.duration} s", results)
            print(f"in all: {sum(r.rps for r in results):.0f} req/s")
            totals += results
    finally:
        for server, _ in servers:
            server.terminate()
            server.wait(timeout=30)
    problems = check(database, totals)
    return report_integrity(problems)


if __name__ == "__main__":
    sys.exit(main())
