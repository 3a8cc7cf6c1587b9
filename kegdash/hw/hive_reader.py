"""A hive gateway on a serial port: HV1 lines in, readings stored as the HTTP upload stores them.

Lines are validated by the HV1 decoder with the serial policy (a bad value drops only its
field); readings are filed by :func:`kegdash.apiary.readings.store_reading`. The gateway is the
operator's, and so are its devices: a reading goes to the owner of the hive its device was
placed in, else to the operator account (as an unassigned device, so a new sensor's data is
kept until the beekeeper puts it in a hive). Devices that licence holders' uploads registered
without a hive do not count: one upload with a serial sensor's id must not take its readings.
"""

from __future__ import annotations

import logging
from collections import Counter

from kegdash.accounts.views import Principal, by_username
from kegdash.apiary.readings import SOURCE_SERIAL, store_reading
from kegdash.apiary.views import hive_device_owners
from kegdash.hw.hv1 import Hv1Decoder, Hv1Reading
from kegdash.site_settings import get_setting

log = logging.getLogger(__name__)


class HiveGatewayProtocol:
    kind = "hive-gateway"

    def __init__(self, source: int = SOURCE_SERIAL) -> None:
        self.decoder = Hv1Decoder()
        self.source = source
        self.results: Counter[str] = Counter()
        self.heard: tuple[float, Hv1Reading] | None = None
        """The latest reading from the gateway and when (epoch s), for the Devices page."""
        self.batteries: dict[str, float] = {}
        """Device id → its latest battery level (%), of the sensors this gateway relays."""

    def on_connect(self, port) -> None:
        self.decoder.reset()

    def on_disconnect(self) -> None:
        """Nothing to release: the decoder keeps its sequence state for the next connection."""

    def on_data(self, data: bytes, now: float) -> None:
        for reading in self.decoder.feed(data, int(now)):
            self.heard = (now, reading)
            if "battery" in reading.values:
                self.batteries[reading.device_id] = reading.values["battery"]
            self._store(reading)

    def on_idle(self, now: float) -> None:
        """HV1 has no timeouts; readings are stored as their lines arrive."""

    def counters(self) -> dict[str, object]:
        return {**self.decoder.stats.as_dict(), **self.results}

    def _owner(self, api_id: str) -> Principal | None:
        owners = hive_device_owners(api_id)
        if len(owners) == 1:
            return owners[0]
        if len(owners) > 1:
            self.results["ambiguous_device"] += 1
            log.warning("device %s is in the hives of several owners; reading dropped", api_id)
            return None
        return by_username(get_setting("operator"))

    def _store(self, reading: Hv1Reading) -> None:
        if not reading.values:
            self.results["empty_readings"] += 1
            return
        owner = self._owner(reading.device_id)
        if owner is None:
            self.results["no_owner"] += 1
            return
        clean = {"device_id": reading.device_id, "timestamp": reading.timestamp, **reading.values}
        result = store_reading(owner, clean, source=self.source)
        self.results["stored" if result.stored else "duplicates_in_db"] += 1
        if result.device_created:
            log.info("new hive device %s registered unassigned for %s", reading.device_id,
                     owner.username)


