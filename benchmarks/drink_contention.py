"""Pours under contention, in-process: many threads call ``record_drink`` at once on one SQLite file.

The HTTP server's own queueing is left out (``benchmarks/load.py`` measures it with wrk), so the
numbers are those of the write path alone: how long a pour waits for and spends in its
transaction when every thread writes. Prints pours/s and p50/p99/max per pour, then checks that
every acknowledged pour is stored once and the keg's total equals the sum of its drinks.

    .venv/bin/python benchmarks/drink_contention.py [--threads 50] [--duration 10]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time

from load import report_integrity


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=50)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds")
    args = parser.parse_args()

    from kegdash.bar import taps
    from kegdash.bar.drinks import record_drink
    from kegdash.bar.models import Drink, Keg
    from kegdash.db import close_thread_connection, open_database

    with tempfile.TemporaryDirectory(prefix="kegdash-contention-") as tmp:
        open_database(f"sqlite:///{tmp}/contention.sqlite")
        tap = taps.add_tap("Contention tap", "kegboard.flow0")
        taps.start_keg(tap.id, "Contention Lager", size="half-barrel")
        latencies: list[list[float]] = [[] for _ in range(args.threads)]
        acked: list[set[int]] = [set() for _ in range(args.threads)]
        start = threading.Barrier(args.threads + 1)
        stop = threading.Event()

        def pour(n: int) -> None:
            start.wait()
            try:
                while not stop.is_set():
                    began = time.perf_counter()
                    drink = record_drink(tap.id, ticks=10).drink
                    latencies[n].append(time.perf_counter() - began)
                    acked[n].add(drink.id)
            finally:
                close_thread_connection()

        threads = [threading.Thread(target=pour, args=(n,)) for n in range(args.threads)]
        for thread in threads:
            thread.start()
        start.wait()
        began = time.perf_counter()
        time.sleep(args.duration)
        stop.set()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began

        every = sorted(t for per_thread in latencies for t in per_thread)
        ids = set().union(*acked)
        print(f"{args.threads} threads, {elapsed:.1f} s: {len(every) / elapsed:.0f} pours/s, "
              f"p50 {every[len(every) // 2] * 1000:.1f} ms, "
              f"p99 {every[int(len(every) * 0.99)] * 1000:.1f} ms, max {every[-1] * 1000:.1f} ms")
        keg = Keg.get_by_id(taps.find_tap(tap.id).current_keg_id)
        stored = [d.volume_ml for d in Drink.select().where(Drink.keg == keg.id)]
        stored_ids = {d.id for d in Drink.select(Drink.id)}
        problems = []
        if len(ids) != len(every) or not ids <= stored_ids:
            problems.append(f"{len(every)} acknowledged, {len(ids & stored_ids)} of them stored")
        if abs(keg.served_ml - sum(stored)) > 1e-6 * max(1.0, sum(stored)):
            problems.append(f"keg served {keg.served_ml} != sum of drinks {sum(stored)}")
    return report_integrity(problems)


if __name__ == "__main__":
    sys.exit(main())
