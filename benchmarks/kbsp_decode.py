"""Decoder throughput: KBSP v1 frames/s and HV1 lines/s, pure Python, one core.

Target (issue 7): ≥ 100× what 115200 baud carries.  115200 baud 8N1 = 11,520 bytes/s;
a meter frame is 29 bytes, so ≈ 400 frames/s → target ≥ 40,000 frames/s.  An HV1 line of
~100 bytes at the same speed is ≈ 115 lines/s → target ≥ 11,500 lines/s.

Run: ``.venv/bin/python benchmarks/kbsp_decode.py``
"""

from __future__ import annotations

import random
import time

from kegdash.hw.hv1 import Hv1Decoder, encode_line
from kegdash.hw.kbsp import KbspDecoder, MeterStatus, TemperatureReading, encode

BAUD_BYTES_PER_S = 115200 / 10


def _rate(run, count: int, repeat: int = 5) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return count / best


def kbsp(chunk_size: int, frames: int = 20_000) -> tuple[float, int]:
    rng = random.Random(7)
    stream = b"".join(
        encode(MeterStatus(f"flow{i % 2}", rng.randrange(2**32)))
        if i % 10
        else encode(TemperatureReading("thermo-28ff4a1b02170386", 3_400_000))
        for i in range(frames)
    )
    chunks = [stream[i : i + chunk_size] for i in range(0, len(stream), chunk_size)]

    def run() -> None:
        decoder = KbspDecoder()
        got = 0
        for chunk in chunks:
            got += len(decoder.feed(chunk))
        assert got == frames and decoder.stats.garbage_bytes == 0

    return _rate(run, frames), len(stream) // frames


def hv1(chunk_size: int, lines: int = 20_000) -> tuple[float, int]:
    now = 1_717_300_000
    stream = "".join(
        encode_line(
            {
                "device_id": f"56:12:{i % 4:02X}",
                "seq": i % 65536,
                "timestamp": now - lines + i,
                "temperature": 34.6 + (i % 10) / 10,
                "humidity": 61.2,
                "weight": 48.35,
                "battery": 87,
            }
        )
        for i in range(lines)
    ).encode()
    chunks = [stream[i : i + chunk_size] for i in range(0, len(stream), chunk_size)]

    def run() -> None:
        decoder = Hv1Decoder()
        got = 0
        for chunk in chunks:
            got += len(decoder.feed(chunk, now))
        assert got == lines, decoder.stats

    return _rate(run, lines), len(stream) // lines


def main() -> None:
    line_rate = BAUD_BYTES_PER_S / 29
    print(f"115200 baud 8N1 = {BAUD_BYTES_PER_S:,.0f} bytes/s ≈ {line_rate:,.0f} meter frames/s")
    for size in (32, 256, 4096):
        rate, frame_len = kbsp(size)
        print(
            f"KBSP decode, {size:>4}-byte reads: {rate:>10,.0f} frames/s "
            f"({rate / line_rate:,.0f}× line rate, avg frame {frame_len} B)"
        )
    for size in (64, 256, 4096):
        rate, line_len = hv1(size)
        print(
            f"HV1 decode,  {size:>4}-byte reads: {rate:>10,.0f} lines/s "
            f"({rate / (BAUD_BYTES_PER_S / line_len):,.0f}× line rate, avg line {line_len} B)"
        )


if __name__ == "__main__":
    main()
