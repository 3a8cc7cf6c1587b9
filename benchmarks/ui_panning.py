"""Frame time while panning a year of hive readings, and memory under simulated traffic (offscreen).

Targets (issue 8): panning stays fluid (a frame well under 16 ms would be 60 fps; under 50 ms is
usable on a bar screen), and memory does not grow with traffic.

1. Panning: one hive with a year of 5-minute readings (≈105 k rows × temperature, humidity,
   weight). The Hives page loads "All" (the apiary domain's down-sampled series, as shipped), then
   the x axis is panned a week at a time and each frame is rendered; then the same with the raw
   year put straight into the curves (the worst case, pyqtgraph's own down-sampling only).
2. Memory: the whole window on the demo database, the API server, and a simulated Kegboard and
   hive gateway played ``--speed`` times faster for ``--seconds`` (default 60 s × 60 = an hour
   of traffic); resident memory is printed at the start, every quarter, and at the end.

Run: ``.venv/bin/python benchmarks/ui_panning.py [--seconds S] [--speed X] [--frames N]``
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from kegdash import db, events  # noqa: E402
from kegdash.accounts.users import create_user  # noqa: E402
from kegdash.apiary.models import Reading  # noqa: E402
from kegdash.apiary.registry import add_apiary, add_device, add_hive  # noqa: E402
from kegdash.config import Settings  # noqa: E402
from kegdash.demo_data import load_demo_data  # noqa: E402
from kegdash.hw.devices import DeviceManager  # noqa: E402
from kegdash.server.app import build_app  # noqa: E402
from kegdash.ui.bridge import EventBridge  # noqa: E402
from kegdash.ui.hives_page import SPANS  # noqa: E402
from kegdash.ui.main_window import PAGES, MainWindow  # noqa: E402
from kegdash.ui.server_slot import ServerSlot  # noqa: E402

STEP = 300
WEEK = 7 * 86400


def rss_mb() -> float:
    """Resident set size now (Linux /proc), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def year_of_readings() -> None:
    owner = create_user("bench")
    hive = add_hive(add_apiary("Bench", owner).uuid, "Year hive")
    device = add_device(hive.uuid, "bench:01")
    end = int(time.time()) // STEP * STEP
    rows = [(device.id, ts, 34.5 + (ts % 86400) / 86400, 55.0 + (ts % 7200) / 720, 40 + (ts - end) / 3e6, 3)
            for ts in range(end - 365 * 86400, end + 1, STEP)]
    fields = [Reading.device, Reading.ts, Reading.temperature, Reading.humidity, Reading.weight,
              Reading.source]
    with db.database.atomic():
        for offset in range(0, len(rows), 5000):
            Reading.insert_many(rows[offset:offset + 5000], fields=fields).execute()


def wait(app: QApplication, predicate, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise SystemExit("timed out waiting for the window")
        app.processEvents()


def pan(app: QApplication, window: MainWindow, frames: int) -> list[float]:
    """Move the shared x axis a week per frame and let Qt paint it as it would on a screen (the
    event loop's pass paints the views; a ``grab`` would render a second time); ms per frame."""
    page = window.hives_page
    plot = page.graphs.plots["temperature"]
    plot.autoRange()  # the whole year, whatever an earlier run left in view
    app.processEvents()
    (x0, x1) = plot.viewRange()[0]
    width = 30 * 86400
    times = []
    for n in range(frames):
        left = x0 + (n * WEEK) % max(x1 - x0 - width, WEEK)
        started = time.perf_counter()
        plot.setXRange(left, left + width, padding=0)
        app.processEvents()
        times.append((time.perf_counter() - started) * 1000)
    return times


def report(name: str, times: list[float]) -> None:
    ordered = sorted(times)
    p95 = ordered[int(len(ordered) * 0.95) - 1]
    print(f"{name}: median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, "
          f"max {max(times):.1f} ms per frame over {len(times)} frames")


def panning(app: QApplication, bridge: EventBridge, frames: int) -> None:
    year_of_readings()
    window = MainWindow(bridge, "-", "bench", Settings())
    window.resize(1280, 800)
    window.show()
    window.nav.setCurrentRow(PAGES.index("Hives"))
    page = window.hives_page
    page.reload_hives()
    wait(app, lambda: page.hive.count() > 0)  # the overview's cards are read
    page.show_hive(page.hive.itemData(0))
    page.span_group.button([name for name, _ in SPANS].index("All")).click()
    wait(app, lambda: page.shown_request is not None and page.shown_request == page._request)
    print(f"year hive: {page.status.text()}")
    report("pan, down-sampled series (as shipped)", pan(app, window, frames))
    raw = list(Reading.select(Reading.ts, Reading.temperature, Reading.humidity, Reading.weight).tuples())
    for index, field in enumerate(("temperature", "humidity", "weight"), start=1):
        page.graphs.curves[field].setData([r[0] for r in raw], [r[index] for r in raw])
    report(f"pan, raw year ({len(raw)} points × 3 series)", pan(app, window, frames))
    window.close()
    window.deleteLater()


def traffic(app: QApplication, bridge: EventBridge, seconds: float, speed: float) -> None:
    load_demo_data()
    slot = ServerSlot(build_app(), "127.0.0.1", 0)
    slot.start()
    devices = DeviceManager()
    devices.add_simulated(speed=speed)
    devices.start()
    window = MainWindow(bridge, slot.server.url, "bench", Settings(), devices=devices,
                        restart_server=slot.restart)
    window.resize(1280, 800)
    window.show()
    drinks = []
    unsubscribe = events.bus.subscribe(
        lambda event: drinks.append(1) if isinstance(event, events.DrinkPoured) else None)
    samples = [(0.0, rss_mb())]
    started = time.monotonic()
    print(f"traffic: {seconds:.0f} s at {speed:g}× = {seconds * speed / 3600:.1f} h simulated; "
          f"RSS at start {samples[0][1]:.1f} MiB")

    def sample() -> None:
        gc.collect()
        elapsed = time.monotonic() - started
        samples.append((elapsed, rss_mb()))
        print(f"  after {elapsed:5.0f} s: RSS {samples[-1][1]:.1f} MiB, {len(drinks)} drinks poured")
        window.nav.setCurrentRow((window.nav.currentRow() + 1) % len(PAGES))  # exercise every page
        if len(samples) > 4:
            app.quit()

    timer = QTimer()
    timer.timeout.connect(sample)
    timer.start(int(seconds * 1000 / 4))
    app.exec()
    timer.stop()
    unsubscribe()
    window.close()
    devices.stop()
    slot.stop()
    first_quarter = samples[1][1]
    print(f"RSS start {samples[0][1]:.1f} MiB, after the first quarter {first_quarter:.1f} MiB, "
          f"end {samples[-1][1]:.1f} MiB (growth after warm-up {samples[-1][1] - first_quarter:+.1f} MiB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the traffic run")
    parser.add_argument("--speed", type=float, default=60.0, help="simulator time factor")
    parser.add_argument("--frames", type=int, default=120, help="frames per panning run")
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory(prefix="kegdash-bench-") as home:
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, home)
        bridge = EventBridge(events.bus)
        database = db.open_database(f"sqlite:///{home}/year.sqlite")
        panning(app, bridge, args.frames)
        database.close()
        database = db.open_database(f"sqlite:///{home}/traffic.sqlite")
        traffic(app, bridge, args.seconds, args.speed)
        database.close()
        bridge.detach()


if __name__ == "__main__":
    main()
