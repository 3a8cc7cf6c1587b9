"""What hostile clients do to everyone else: ``kegdash serve`` in its own process, an attack
running against it, and ``GET /api/version`` timed from a well-behaved client meanwhile.

Attacks (each for ``--duration`` seconds, or until the server has cut the slow ones off):
  slow-headers  ten connections sending a header a byte every 0.2 s
  slow-bodies   ten connections sending a body a byte every 0.2 s
  chunked-1k    ten clients uploading 1 MB in 1 KiB chunks, again and again (the Beekeeping
                dialect refuses it, 413 over 64 KiB, once the server has it whole)
  chunked-1b    the same in 1-byte chunks (the server refuses past its chunk cap)
  idle          100 keep-alive connections opened and left silent
Prints, per attack: how many of its requests ended, and in how long (median/max), and the
median and worst ``GET /api/version`` time during it.

    .venv/bin/python benchmarks/hostile_clients.py [--duration 5]
"""

from __future__ import annotations

import argparse
import http.client
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable

UPLOAD_HEAD = (b"POST /api_v1/data_upload HTTP/1.1\r\nHost: kegdash\r\n"
               b"Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")


def start_server(url: str) -> tuple[subprocess.Popen, int]:
    server = subprocess.Popen(
        [sys.executable, "-m", "kegdash", "serve", "--port", "0", "--database", url],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    match = re.search(r"serving on http://[^:]+:(\d+)", server.stdout.readline())
    if match is None:
        server.kill()
        raise SystemExit("kegdash serve did not start")
    return server, int(match[1])


def trickle(port: int, prefix: bytes, drip: bytes, stop: threading.Event) -> list[float]:
    """Send ``prefix``, then ``drip`` a byte every 0.2 s until the server closes (the seconds
    that took) or ``stop`` is set."""
    started = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        sock.sendall(prefix)
        for byte in drip:
            if stop.wait(0.2):
                break
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                break
    return [time.perf_counter() - started]


def chunked_body(size: int, chunk: int) -> bytes:
    """A JSON string of ``size`` bytes in chunks of ``chunk``, with the chunked framing; built
    once, before the clock starts, so the prober does not wait on this process's own GIL."""
    body = b'"' + b"a" * (size - 2) + b'"'
    pieces = [body[i:i + chunk] for i in range(0, size, chunk)]
    return b"".join(b"%x\r\n%s\r\n" % (len(piece), piece) for piece in pieces) + b"0\r\n\r\n"


def chunked_uploads(port: int, framed: bytes, stop: threading.Event) -> list[float]:
    """Send chunked uploads, one after the other until ``stop``; the seconds each took until it
    was answered or cut off."""
    took = []
    while not stop.is_set():
        started = time.perf_counter()
        with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
            try:
                sock.sendall(UPLOAD_HEAD)
                for n in range(0, len(framed), 65536):
                    sock.sendall(framed[n:n + 65536])
                sock.recv(100)
            except OSError:  # refused and closed: what the chunk cap does
                pass
        took.append(time.perf_counter() - started)
    return took


def idle(port: int, count: int, stop: threading.Event) -> list[float]:
    socks = [socket.create_connection(("127.0.0.1", port)) for _ in range(count)]
    stop.wait()
    for sock in socks:
        sock.close()
    return []


def version_times(port: int, stop: threading.Event, times: list[float]) -> None:
    while not stop.is_set():
        started = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            conn.request("GET", "/api/version")
            conn.getresponse().read()
            times.append(time.perf_counter() - started)
        except OSError:
            times.append(float("inf"))
        finally:
            conn.close()
        stop.wait(0.05)


def run(port: int, name: str, attackers: list[Callable[[threading.Event], list[float]]],
        duration: float) -> None:
    stop, done = threading.Event(), threading.Event()
    spent: list[float] = []
    times: list[float] = []
    prober = threading.Thread(target=version_times, args=(port, done, times))
    prober.start()
    threads = [threading.Thread(target=lambda a=a: spent.extend(a(stop))) for a in attackers]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + duration
    while time.monotonic() < deadline and any(t.is_alive() for t in threads):
        time.sleep(0.05)
    stop.set()
    for thread in threads:
        thread.join()
    done.set()
    prober.join()
    each = f"{len(spent)}: {statistics.median(spent):.2f}/{max(spent):.2f} s" if spent else "-"
    print(f"{name:14} {each:>22} {statistics.median(times) * 1000:10.1f} "
          f"{max(times) * 1000:10.1f}  ({len(times)} probes)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=5.0, help="seconds per attack at most")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kegdash-hostile-") as tmp:
        server, port = start_server(f"sqlite:///{tmp}/hostile.sqlite")
        try:
            header = b"GET /api/version HTTP/1.1\r\nHost: kegdash\r\n"
            body = UPLOAD_HEAD.replace(b"Transfer-Encoding: chunked", b"Content-Length: 10000")
            kilo, single = chunked_body(1_000_000, 1024), chunked_body(1_000_000, 1)
            attacks = {
                "slow-headers": [lambda s: trickle(port, header, b"X-Slow: " + b"a" * 1000, s)] * 10,
                "slow-bodies": [lambda s: trickle(port, body, b"1" * 1000, s)] * 10,
                "chunked-1k": [lambda s: chunked_uploads(port, kilo, s)] * 10,
                "chunked-1b": [lambda s: chunked_uploads(port, single, s)] * 10,
                "idle": [lambda s: idle(port, 100, s)],
            }
            print(f"{'attack':14} {'requests: median/max':>22} {'median ms':>10} "
                  f"{'worst ms':>10}  (GET /api/version meanwhile)")
            for name, attackers in attacks.items():
                run(port, name, attackers, args.duration)
        finally:
            server.terminate()
            server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
