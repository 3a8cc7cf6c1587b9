"""Start-up to the first painted window: ``kegdash run --demo --port 0``, offscreen.

Target (issue 8): < 2 s on this machine. Each run is a fresh process (interpreter, imports,
database, simulators, API server, window) timed from spawn until it reports its first paint
(``KEGDASH_EXIT_AFTER_PAINT=1``, after which it quits). The first run also builds the demo
database and is reported apart as the cold start.

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

TARGET_MS = 2000


def one_run(env: dict[str, str]) -> tuple[float, str]:
    """(ms from spawn to the first-paint line, that line)."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "kegdash", "run", "--demo", "--port", "0"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for line in proc.stdout:
        if line.startswith("first paint"):
            elapsed = (time.perf_counter() - started) * 1000
            break
    else:
        proc.wait(30)
        raise SystemExit(f"kegdash exited ({proc.returncode}) without painting:\n{proc.stderr.read()}")
    if proc.wait(30) != 0:
        raise SystemExit(f"kegdash exited with {proc.returncode}:\n{proc.stderr.read()}")
    return elapsed, line.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="warm runs after the cold one")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kegdash-bench-") as home:
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", KEGDASH_EXIT_AFTER_PAINT="1",
                   KEGDASH_DATA_DIR=os.path.join(home, "data"),
                   KEGDASH_CONFIG_DIR=os.path.join(home, "config"), XDG_CONFIG_HOME=home)
        cold, line = one_run(env)
        print(f"cold start (builds the demo database): {cold:.0f} ms  [{line}]")
        warm = []
        for _ in range(args.runs):
            elapsed, line = one_run(env)
            warm.append(elapsed)
            print(f"warm start: {elapsed:.0f} ms  [{line}]")
    median = statistics.median(warm)
    verdict = "ok" if median < TARGET_MS else "OVER TARGET"
    print(f"median of {len(warm)} warm starts: {median:.0f} ms (min {min(warm):.0f}, max {max(warm):.0f}); "
          f"target < {TARGET_MS} ms: {verdict}")


if __name__ == "__main__":
    main()
