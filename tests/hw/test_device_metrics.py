"""Serial frames good and bad in ``/metrics``, from a simulated Kegboard on a real pty."""

from __future__ import annotations

from polling import wait_for
from prometheus_client.exposition import generate_latest
from prometheus_client.parser import text_string_to_metric_families

from kegdash.hw import device_metrics
from kegdash.hw.devices import DeviceManager
from kegdash.metrics import REGISTRY


def frames() -> dict[tuple[str, str, str], float]:
    text = generate_latest(REGISTRY).decode()
    return {(s.labels["device"], s.labels["kind"], s.labels["result"]): s.value
            for family in text_string_to_metric_families(text) if family.name == "kegdash_serial_frames"
            for s in family.samples}


def test_a_kegboards_good_and_bad_frames_are_counted(database):
    manager = DeviceManager(lambda: [])
    device_metrics.watch(manager)
    (link,) = manager.add_simulated(("kegboard",), speed=50)
    manager.start()
    try:
        assert wait_for(lambda: frames().get((link.device, "kegboard", "good"), 0) > 0)
        counters = link.status.counters
        assert frames()[(link.device, "kegboard", "bad")] == (
            counters["crc_errors"] + counters["length_errors"] + counters["malformed"])
    finally:
        manager.stop()
