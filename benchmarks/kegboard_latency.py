"""Latency from a meter frame written to a pty until the pour-progress event (target p99 < 20 ms).

Runs the real reader thread on a real pseudo-terminal against a temporary SQLite database.
Usage: python benchmarks/kegboard_latency.py [frames]
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from kegdash import events
from kegdash.bar.taps import add_tap, start_keg
from kegdash.db import open_database
from kegdash.hw import kbsp
from kegdash.hw.kegboard_reader import KegboardProtocol
from kegdash.hw.serial_link import SerialLink
from kegdash.hw.simulators import Pty


def main(frames: int = 500) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="kegdash-bench-"))
    open_database(f"sqlite:///{tmp / 'bench.sqlite'}")
    tap = add_tap("Bench", "kegboard.flow0", 0.367107)
    start_keg(tap.id, "Bench Ale", size="half-barrel")
    pty = Pty()
    link = SerialLink(pty.device, KegboardProtocol())
    arrived = threading.Event()
    unsubscribe = events.bus.subscribe(
        lambda event: arrived.set() if isinstance(event, events.PourProgress) else None)
    link.start()
    while link.status.state != "connected":
        time.sleep(0.01)
    pty.write(kbsp.encode(kbsp.MeterStatus("flow0", 0)))  # baseline
    time.sleep(0.2)
    latencies = []
    for i in range(1, frames + 1):
        arrived.clear()
        start = time.perf_counter()
        pty.write(kbsp.encode(kbsp.MeterStatus("flow0", i * 10)))
        if not arrived.wait(1.0):
            raise SystemExit(f"frame {i}: no pour-progress event within 1 s")
        latencies.append((time.perf_counter() - start) * 1000)
        time.sleep(0.005)
    unsubscribe()
    link.stop()
    pty.close()
    latencies.sort()
    p = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]  # noqa: E731
    print(f"meter frame -> pour_progress event over a pty, {frames} frames")
    print(f"  p50 {p(0.50):.2f} ms   p90 {p(0.90):.2f} ms   p99 {p(0.99):.2f} ms   "
          f"max {latencies[-1]:.2f} ms   mean {statistics.mean(latencies):.2f} ms   (target p99 < 20 ms)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500)
