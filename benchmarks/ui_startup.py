"""Start-up of the window from source, offscreen: to its first paint, and to the first page's data.

Target (issue 23): first paint < 1 s. Each run is a fresh process (``python -m kegdash run
--port 0``: interpreter, imports, window; then, off the GUI thread, database, readers, pages, API)
timed from spawn until it reports its first paint and then its first page's data shown
(``KEGDASH_STARTUP_PROBE=1``, after which it quits). Two set-ups, each in a fresh folder: an empty
database (the first run's welcome), and ``--demo``, whose first run fills the demo database
(the cold start, reported apart) before the warm runs.

Run: ``.venv/bin/python benchmarks/ui_startup.py [--runs N]``
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

TARGET_MS = 1000
WAIT_S = 300


def one_run(env: dict[str, str], args: list[str]) -> tuple[float, float]:
    """(ms from spawn to the first paint, ms from spawn to the data shown)."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "kegdash", "run", "--port", "0", *args],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen: dict[str, float] = {}
    for line in proc.stdout:
        for what in ("first paint", "data shown", "opening failed"):
            if line.startswith(what):
                seen[what] = (time.perf_counter() - started) * 1000
    code = proc.wait(WAIT_S)
    if code != 0 or "opening failed" in seen or len(seen) != 2:
        raise SystemExit(f"kegdash exited ({code}) after {sorted(seen)}:\n{proc.stderr.read()}")
    return seen["first paint"], seen["data shown"]


def summary(name: str, runs: list[tuple[float, float]]) -> str:
    lines = []
    for index, what in enumerate(("first paint", "data shown")):
        values = [run[index] for run in runs]
        lines.append(f"{name}, {what}: median {statistics.median(values):.0f} ms "
                     f"(min {min(values):.0f}, max {max(values):.0f}, {len(values)} runs)")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each set-up (after the cold one)")
    args = parser.parse_args()
    results: dict[str, list[tuple[float, float]]] = {}
    for name, extra in (("empty database", []), ("demo", ["--demo"])):
        with tempfile.TemporaryDirectory(prefix="kegdash-bench-") as home:
            env = dict(os.environ, QT_QPA_PLATFORM="offscreen", KEGDASH_STARTUP_PROBE="1",
                       KEGDASH_DATA_DIR=os.path.join(home, "data"),
                       KEGDASH_CONFIG_DIR=os.path.join(home, "config"), XDG_CONFIG_HOME=home)
            if extra:
                paint, shown = one_run(env, extra)
                print(f"demo, cold start (fills the demo database): first paint {paint:.0f} ms, "
                      f"data shown {shown:.0f} ms", flush=True)
            runs = results[name] = []
            for _ in range(args.runs):
                runs.append(one_run(env, extra))
                print(f"{name}: first paint {runs[-1][0]:.0f} ms, data shown {runs[-1][1]:.0f} ms",
                      flush=True)
    for name, runs in results.items():
        print(summary(name, runs))
    paints = [run[0] for runs in results.values() for run in runs]
    verdict = "ok" if statistics.median(paints) < TARGET_MS else "OVER TARGET"
    print(f"first paint, all runs: median {statistics.median(paints):.0f} ms; "
          f"target < {TARGET_MS} ms: {verdict}")


if __name__ == "__main__":
    main()
