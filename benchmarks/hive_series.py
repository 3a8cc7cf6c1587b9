"""Series query time: one device's year of 5-minute readings among many devices' rows.

Target (issue 6): < 50 ms for a chart's query.  Builds a temporary SQLite database with
``--devices`` devices × ``--days`` days @ 5 min (default 20 × 365 ≈ 2.1 M rows; the issue's
500 devices is ``--devices 500``, ≈ 52 M rows, about 3 GB and a few minutes to build), then times
``device_series`` for the views a chart offers, for the first device and for the last.

Run: ``.venv/bin/python benchmarks/hive_series.py [--devices N] [--days D]``
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from kegdash import db
from kegdash.accounts.users import create_user
from kegdash.apiary.models import Device
from kegdash.apiary.series import bucket_seconds, device_series

STEP = 300
END = 1_735_689_600  # 2025-01-01T00:00:00Z


def build(devices: int, days: int) -> int:
    """Fill the table in key order through one prepared INSERT; returns the first device's id."""
    owner = create_user("bench")
    rng = random.Random(1)
    start = END - days * 86400
    first = 0
    sql = ("INSERT INTO reading (device_id, ts, temperature, humidity, weight, source) "
           "VALUES (?, ?, ?, ?, ?, 1)")
    for n in range(devices):
        device = Device.create(owner=owner, api_id=f"dev-{n}", name=f"dev-{n}")
        first = first or device.id
        rows = ((device.id, ts, 34.5 + rng.random(), 50 + rng.random() * 30, 40 + rng.random() * 20)
                for ts in range(start, END, STEP))
        with db.database.atomic():
            db.database.cursor().executemany(sql, rows)
    return first


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=20)
    parser.add_argument("--days", type=int, default=365)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db.open_database(f"sqlite:///{Path(tmp) / 'bench.sqlite'}")
        began = time.perf_counter()
        first = build(args.devices, args.days)
        rows = args.devices * len(range(END - args.days * 86400, END, STEP))
        size = sum(f.stat().st_size for f in Path(tmp).glob("bench.sqlite*")) / 2**30
        print(f"{rows:,} rows for {args.devices} devices ({size:.1f} GiB) built in "
              f"{time.perf_counter() - began:.0f} s")
        print("first query of each view, then the best of 5 more (ms)")
        for device, which in ((first, "first device"), (first + args.devices - 1, "last device")):
            for label, days in (("2 days (raw)", 2), ("7 days", 7), ("30 days", 30),
                                ("90 days", 90), ("1 year", 365)):
                span = min(days, args.days) * 86400
                times, points = [], 0
                for _ in range(6):
                    t = time.perf_counter()
                    points = len(device_series(device, "weight", END - span, END))
                    times.append(time.perf_counter() - t)
                width = bucket_seconds(END - span, END)
                print(f"{which:<13} {label:<13} bucket {width or 'raw':>6} s {points:>5} points "
                      f"{times[0] * 1000:7.1f} {min(times[1:]) * 1000:7.1f}")
        db.close_database()

if __name__ == "__main__":
    main()
