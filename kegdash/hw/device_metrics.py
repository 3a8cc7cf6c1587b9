"""Serial frames good and bad per device, for ``GET /metrics``, read at scrape time from the
counters each link's reader thread snapshots once a second (``SerialLink.status.counters``).

Good and bad per protocol: a Kegboard frame is good when its CRC and length check out
(``frames_ok``) and bad when refused for its CRC, its length or its content; an HV1 line is
good when it gave a reading, bad when it was refused for its checksum, form, values or size.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator

from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector

from kegdash.hw.devices import DeviceManager
from kegdash.metrics import REGISTRY

GOOD = {"kegboard": ("frames_ok",), "hive-gateway": ("readings",)}
BAD = {
    "kegboard": ("crc_errors", "length_errors", "malformed"),
    "hive-gateway": ("corrupt", "malformed", "bad_checksum", "overlong", "partial_discarded",
             "unsupported_version", "bad_timestamp", "bad_value", "out_of_range", "inconsistent"),
}


class DeviceCollector(Collector):
    """``kegdash_serial_frames_total{device, kind, result}`` over the watched device managers."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._managers: weakref.WeakSet[DeviceManager] = weakref.WeakSet()

    def watch(self, devices: DeviceManager) -> None:
        with self._lock:
            self._managers.add(devices)

    def collect(self) -> Iterator[CounterMetricFamily]:
        frames = CounterMetricFamily("kegdash_serial_frames", "Frames (Kegboard) and lines (hive "
                                     "gateway) read from serial devices", labels=["device", "kind", "result"])
        with self._lock:
            managers = list(self._managers)
        for devices in managers:
            for link in devices.links:
                kind, counters = link.status.kind, link.status.counters
                for result, names in (("good", GOOD.get(kind, ())), ("bad", BAD.get(kind, ()))):
                    total = sum(counters.get(name, 0) for name in names)
                    frames.add_metric([link.device, kind, result], total)
        yield frames


COLLECTOR = DeviceCollector()
REGISTRY.register(COLLECTOR)


def watch(devices: DeviceManager) -> None:
    """Report ``devices``'s links in ``/metrics`` while the manager lives."""
    COLLECTOR.watch(devices)
