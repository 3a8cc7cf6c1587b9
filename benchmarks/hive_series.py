"""Series query time: one device's year of 5-minute readings among many devices' rows.

Target (issue 6): < 50 ms for a chart's query.  Builds a temporary SQLite database with
``--devices`` devices × ``--days`` days @ 5 min (default 20 × 365 ≈ 2.1 M rows; the issue's
500 devices is ``--devices 500``, ≈ 52 M rows, several GB and minutes to build), then times
``device_series`` for the views a chart offers.

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
from kegdash.apiary.models import Device, Reading
from kegdash.apiary.series import bucket_seconds, device_series

STEP = 300
END = 1_735_689_600  # 2025-01-01T00:00:00Z


def build(devices: int, days: int) -> int:
    owner = create_user("bench")
    rng = random.Random(1)
    start = END - days * 86400
    first = 0
    for n in range(devices):
        device = Device.create(owner=owner, api_id=f"dev-{n}", name=f"dev-{n}")
        first = first or device.id
        rows = [
            (device.id, ts, 34.5 + rng.random(), 50 + rng.random() * 30, 40 + rng.random() * 20, 1)
            for ts in range(start, END, STEP)
        ]
        fields = [Reading.device, Reading.ts, Reading.temperature, Reading.humidity, Reading.weight,
                  Reading.source]
        with db.database.atomic():
            for offset in range(0, len(rows), 5000):
                Reading.insert_many(rows[offset:offset + 5000], fields=fields).execute()
    return first


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=20)
    parser.add_argument("--days", type=int, default=365)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db.open_database(f"sqlite:///{Path(tmp) / 'bench.sqlite'}")
        began = time.perf_counter()
        device = build(args.devices, args.days)
        rows = Reading.select().count()
        print(f"{rows:,} rows for {args.devices} devices built in {time.perf_counter() - began:.1f} s")
        for label, span in (("2 days (raw)", 2), ("7 days", 7), ("30 days", 30), ("90 days", 90),
                            ("1 year", 365)):
            span = min(span, args.days) * 86400
            best, points = float("inf"), 0
            for _ in range(5):
                t = time.perf_counter()
                points = len(device_series(device, "weight", END - span, END))
                best = min(best, time.perf_counter() - t)
            width = bucket_seconds(END - span, END)
            print(f"{label:<14} bucket {width or 'raw':>6} s  {points:>5} points  {best * 1000:7.1f} ms")
        db.close_database()


if __name__ == "__main__":
    main()
