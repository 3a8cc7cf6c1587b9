"""The apiary's read side: plain values for the window, the Beekeeping.io API and the command
line, so none of them queries the apiary's tables.

Everything returned is a frozen dataclass (numpy arrays inside the plot series), safe to hand
from a worker thread to the GUI thread. Temperatures are °C, weights kg, times UTC epoch seconds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
from peewee import JOIN, fn

from kegdash.accounts.models import User
from kegdash.accounts.passwords import fingerprint
from kegdash.accounts.views import Principal, principal
from kegdash.apiary import series
from kegdash.apiary.models import Apiary, Device, Hive, HourlyReading, LicenseKey, Reading
from kegdash.prepared import PreparedQuery, slot

# --- licence keys and owners ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LicenseKeyRow:
    """One Beekeeping licence key as the Settings page lists it (the key itself is never stored)."""

    key_id: int
    owner: str
    prefix: str
    created: dt.datetime
    enabled: bool


def license_key_rows() -> list[LicenseKeyRow]:
    """Every Beekeeping licence key, newest first."""
    query = (LicenseKey.select(LicenseKey, User.username).join(User)
             .order_by(LicenseKey.created.desc(), LicenseKey.id.desc()))
    return [LicenseKeyRow(k.id, k.owner.username, k.prefix, k.created, k.enabled) for k in query]


# Every upload runs this; prepared (prepared.py) because building its SQL cost more than running it.
_OWNER_BY_KEY_HASH = PreparedQuery(lambda: (
    User.select().join(LicenseKey)
    .where((LicenseKey.key_hash == slot("key_hash")) & LicenseKey.enabled)
    .limit(1)
))


def owner_for_license_key(key: str) -> Principal | None:
    """The owner of an enabled licence key (active or not: the caller decides), or None."""
    if not key or len(key) > 200:
        return None
    user = _OWNER_BY_KEY_HASH.one(key_hash=fingerprint(key))
    return principal(user) if user is not None else None


# Every serial reading runs this.
_HIVE_DEVICE_OWNERS = PreparedQuery(lambda: (
    User.select().join(Device, on=(Device.owner == User.id))
    .where((Device.api_id == slot("api_id")) & Device.hive.is_null(False)).limit(2)
))


def hive_device_owners(api_id: str) -> list[Principal]:
    """Whose hive holds a device with this id (stored spelling), at most two owners.

    A gateway's reading has no licence key to say whose it is. Only devices placed in a hive
    count, which the operator does (``kegdash admin add-device``, the window): an unassigned
    device is what any licence holder's upload makes (``readings.store_reading``), so counting
    those would let one upload with a serial sensor's id make its readings ambiguous.
    """
    return [principal(user) for user in _HIVE_DEVICE_OWNERS.all(api_id=api_id)]


# --- hives and their sensors ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HiveChoice:
    """A hive the Hives page offers."""

    id: int
    uuid: str
    name: str
    apiary: str

    @property
    def label(self) -> str:
        return f"{self.apiary} / {self.name}"


def hive_choices() -> list[HiveChoice]:
    """Every hive that has at least one sensor, by apiary and hive name."""
    query = (Hive.select(Hive.id, Hive.uuid, Hive.name, Apiary.name).join(Apiary).switch(Hive)
             .join(Device).distinct().order_by(Apiary.name, Hive.name, Hive.id))
    return [HiveChoice(h.id, h.uuid, h.name, h.apiary.name) for h in query]


def all_hives() -> list[HiveChoice]:
    """Every hive, with a sensor or not, by apiary and hive name (the overview shows a hive
    that still needs a sensor too)."""
    query = (Hive.select(Hive.id, Hive.uuid, Hive.name, Apiary.name).join(Apiary)
             .order_by(Apiary.name, Hive.name, Hive.id))
    return [HiveChoice(h.id, h.uuid, h.name, h.apiary.name) for h in query]


@dataclass(frozen=True, slots=True)
class Sensor:
    """One sensor of a hive, and whether it measures the brood nest."""

    id: int
    uuid: str
    name: str
    in_brood: bool
    """Every sensor whose name does not say it is outside ("out" in it), or a hive's only one."""


def hive_sensors(hive_id: int) -> list[Sensor]:
    """The hive's sensors by name (a sensor without a name goes by its device id)."""
    devices = list(Device.select(Device.id, Device.uuid, Device.name, Device.api_id)
                   .where(Device.hive == hive_id).order_by(Device.name, Device.id))
    names = [device.name or device.api_id for device in devices]
    return [Sensor(device.id, device.uuid, name, len(devices) == 1 or "out" not in name.lower())
            for device, name in zip(devices, names, strict=True)]


@dataclass(frozen=True, slots=True)
class SensorRow:
    """A hive sensor as the Devices page lists it; ``hive`` is None while it is unassigned."""

    uuid: str
    api_id: str
    vendor: str
    hive: str | None
    last_reading_ts: int | None


def sensor_rows() -> list[SensorRow]:
    """Every hive sensor, by device id."""
    query = Device.select(Device, Hive).join(Hive, JOIN.LEFT_OUTER).order_by(Device.api_id, Device.id)
    return [SensorRow(d.uuid, d.api_id, d.vendor, d.hive.name if d.hive_id else None,
                      d.last_reading_ts) for d in query]


# --- setting up apiaries, hives and sensors ---------------------------------------------------


@dataclass(frozen=True, slots=True)
class DeviceSetup:
    """A sensor as the setup dialogs show it."""

    uuid: str
    api_id: str
    name: str
    vendor: str
    model: str
    owner: str
    """The account its readings are filed under (its licence key's or gateway's)."""
    last_reading_ts: int | None


@dataclass(frozen=True, slots=True)
class HiveSetup:
    uuid: str
    name: str
    devices: tuple[DeviceSetup, ...]


@dataclass(frozen=True, slots=True)
class ApiarySetup:
    uuid: str
    name: str
    zipcode: str
    country_code: str
    """Two lower-case letters, or empty."""
    latitude: float | None
    longitude: float | None
    public: bool
    owner: str
    hives: tuple[HiveSetup, ...]


@dataclass(frozen=True, slots=True)
class ApiarySetups:
    """The whole apiary → hive → sensor tree, and the sensors in no hive."""

    apiaries: tuple[ApiarySetup, ...]
    unassigned: tuple[DeviceSetup, ...]
    """Sensors that reported, or were registered, but sit in no hive: newest reading first, so a
    sensor just switched on is at the top."""


def apiary_setups() -> ApiarySetups:
    """Every apiary with its hives and sensors by name, and the unassigned sensors (three queries)."""
    devices = (Device.select(Device, User.username).join(User)
               .order_by(Device.name, Device.api_id, Device.id))
    by_hive: dict[int | None, list[DeviceSetup]] = {}
    for d in devices:
        by_hive.setdefault(d.hive_id, []).append(DeviceSetup(
            d.uuid, d.api_id, d.name or d.api_id, d.vendor, d.model, d.owner.username, d.last_reading_ts))
    hives: dict[int, list[HiveSetup]] = {}
    for h in Hive.select().order_by(Hive.name, Hive.id):
        hives.setdefault(h.apiary_id, []).append(HiveSetup(h.uuid, h.name, tuple(by_hive.get(h.id, ()))))
    apiaries = tuple(
        ApiarySetup(a.uuid, a.name, a.zipcode, a.country_code, a.latitude, a.longitude,
                    a.is_read_public, a.owner.username, tuple(hives.get(a.id, ())))
        for a in Apiary.select(Apiary, User.username).join(User).order_by(Apiary.name, Apiary.id))
    unassigned = sorted(by_hive.get(None, ()), key=lambda d: -(d.last_reading_ts or 0))
    return ApiarySetups(apiaries, tuple(unassigned))


@dataclass(frozen=True, slots=True)
class SetupCounts:
    """How far the setup has come: what an empty Hives page offers next."""

    apiaries: int
    hives: int
    unassigned: int
    """Sensors in no hive (their readings are kept, but plotted nowhere)."""


def setup_counts() -> SetupCounts:
    return SetupCounts(Apiary.select().count(), Hive.select().count(),
                       Device.select().where(Device.hive.is_null()).count())


# --- plot series -------------------------------------------------------------------------------

SERIES_FIELDS = ("temperature", "humidity", "weight")


@dataclass(frozen=True, slots=True)
class HiveSeries:
    """One hive's readings per field: epoch seconds and values, NaN rows where data is missing."""

    x: dict[str, np.ndarray]
    y: dict[str, np.ndarray]
    bucket_s: int
    """0 for raw readings, else the width the readings were averaged over (x is its centre)."""
    last_ts: int
    """Readings after this time are new to the plot."""

    def extended(self, new: HiveSeries) -> HiveSeries:
        """These points followed by ``new``'s (raw readings that arrived since)."""
        return HiveSeries(
            x={f: np.concatenate([self.x[f], new.x[f]]) for f in SERIES_FIELDS},
            y={f: np.concatenate([self.y[f], new.y[f]]) for f in SERIES_FIELDS},
            bucket_s=self.bucket_s, last_ts=max(self.last_ts, new.last_ts))


@dataclass(frozen=True, slots=True)
class SensorSeries:
    """What the pooled hive series hides: one sensor's own temperature curve, filled only when
    the hive has several sensors (inside and outside: their average would mean nothing)."""

    uuid: str
    name: str
    x: np.ndarray
    y: np.ndarray

    def extended(self, x: np.ndarray, y: np.ndarray) -> SensorSeries:
        return SensorSeries(self.uuid, self.name, np.concatenate([self.x, x]), np.concatenate([self.y, y]))


@dataclass(frozen=True, slots=True)
class HiveView:
    """Everything the Hives page plots for one hive and span."""

    series: HiveSeries
    sensors: tuple[SensorSeries, ...]

    def extended(self, new: HiveView) -> HiveView:
        """This view with the readings of ``new`` (from :func:`readings_after`) appended."""
        added = {sensor.uuid: sensor for sensor in new.sensors}
        return HiveView(self.series.extended(new.series), tuple(
            sensor.extended(added[sensor.uuid].x, added[sensor.uuid].y) if sensor.uuid in added
            else sensor for sensor in self.sensors))


def first_reading_ts(hive_id: int) -> int | None:
    """When the hive's first reading was taken, raw or since rolled into an hour row."""
    raw = Reading.select(fn.MIN(Reading.ts)).join(Device).where(Device.hive == hive_id).scalar()
    hourly = (HourlyReading.select(fn.MIN(HourlyReading.hour)).join(Device)
              .where(Device.hive == hive_id).scalar())
    return min((ts for ts in (raw, hourly) if ts is not None), default=None)


def _break_gaps(rows: np.ndarray) -> np.ndarray:
    """Insert a NaN row wherever the step is over three times the usual one, so lines break."""
    if len(rows) < 3:
        return rows
    steps = np.diff(rows[:, 0])
    limit = 3 * float(np.median(steps))
    gaps = np.nonzero(steps > limit)[0]
    if not len(gaps):
        return rows
    filler = np.full((len(gaps), rows.shape[1]), np.nan)
    filler[:, 0] = rows[gaps, 0] + steps[gaps] / 2
    return np.insert(rows, gaps + 1, filler, axis=0)


def _curve(points: list[series.Point], bucket: int) -> tuple[np.ndarray, np.ndarray]:
    """Bucket centres and averages, with NaN breaks at gaps."""
    rows = _break_gaps(np.array([(p.ts + bucket / 2, p.avg) for p in points],
                                dtype=float).reshape(-1, 2))
    return rows[:, 0], rows[:, 1]


def pooled_curve(device_ids: list[int], field: str, start: int, end: int,
                 bucket: int) -> tuple[np.ndarray, np.ndarray]:
    """Some sensors' ``field`` pooled over ``[start, end)`` in ``bucket``-wide averages (bucket
    centres), with NaN breaks at gaps; empty without sensors."""
    if not device_ids:
        return np.empty(0), np.empty(0)
    return _curve(series.sensors_series(device_ids, field, start, end, bucket=bucket), bucket)


def _raw(points: list[series.Point]) -> tuple[np.ndarray, np.ndarray]:
    return (np.array([p.ts for p in points], dtype=float),
            np.array([p.avg for p in points], dtype=float))


def _hive_series(curves: dict[str, tuple[np.ndarray, np.ndarray]], bucket: int,
                 last_ts: int) -> HiveSeries:
    return HiveSeries(x={f: x for f, (x, _) in curves.items()},
                      y={f: y for f, (_, y) in curves.items()}, bucket_s=bucket, last_ts=last_ts)


def hive_view(hive_id: int, start_ts: int, end_ts: int) -> HiveView:
    """The hive's temperature, humidity and weight over ``[start_ts, end_ts]`` from the
    down-sampled query (bucket averages, so a year stays ~1500 points; raw readings up to two
    days), gaps as NaN breaks, plus one temperature curve per sensor on the same buckets when
    there are several. A start of 0 means "from the first reading"."""
    if start_ts <= 0:
        start_ts = first_reading_ts(hive_id) or end_ts
    bucket = series.bucket_seconds(start_ts, end_ts + 1)
    pooled = _hive_series({
        field: _curve(series.hive_series(hive_id, field, start_ts, end_ts + 1, bucket=bucket), bucket)
        for field in SERIES_FIELDS}, bucket, end_ts)
    sensors = hive_sensors(hive_id)

    def own_curve(sensor: Sensor) -> tuple[np.ndarray, np.ndarray]:
        if len(sensors) < 2:
            return np.empty(0), np.empty(0)
        return _curve(series.device_series(sensor.id, "temperature", start_ts, end_ts + 1,
                                           bucket=bucket), bucket)

    return HiveView(pooled, tuple(SensorSeries(s.uuid, s.name, *own_curve(s)) for s in sensors))


def readings_after(hive_id: int, after_ts: int) -> HiveView:
    """Raw readings newer than ``after_ts``: what a live plot appends without reloading."""
    points = {field: series.hive_series(hive_id, field, after_ts + 1, 2**62, bucket=0)
              for field in SERIES_FIELDS}
    last_ts = max([after_ts, *(found[-1].ts for found in points.values() if found)])
    new = _hive_series({field: _raw(found) for field, found in points.items()}, 0, last_ts)
    sensors = hive_sensors(hive_id)
    if len(sensors) < 2:
        return HiveView(new, ())
    return HiveView(new, tuple(
        SensorSeries(s.uuid, s.name, *_raw(series.device_series(s.id, "temperature", after_ts + 1,
                                                                2**62, bucket=0)))
        for s in sensors))


# --- latest values ---------------------------------------------------------------------------

LATEST_SCAN = 100
"""How many of a sensor's newest readings are searched for each field's latest value: a sensor
sends the same fields every time, so a field missing from all of them is not being measured."""


@dataclass(frozen=True, slots=True)
class Latest:
    """One field's newest value, when and from which sensor."""

    value: float
    ts: int
    sensor: str


@dataclass(frozen=True, slots=True)
class HiveLatest:
    """A hive's newest readings, for an overview of every hive."""

    hive_id: int
    hive_uuid: str
    hive: str
    apiary: str
    temperature: Latest | None
    """The newest of the brood sensors (see :class:`Sensor`), never an outside one's."""
    humidity: Latest | None
    weight: Latest | None
    battery: Latest | None
    """The lowest of the sensors' newest battery levels: the one that needs a look first."""


_LATEST_FIELDS = ("temperature", "humidity", "weight", "battery")


def _sensor_latest(sensor: Sensor) -> dict[str, Latest]:
    rows = (Reading.select(Reading.ts, *(getattr(Reading, f) for f in _LATEST_FIELDS))
            .where(Reading.device == sensor.id).order_by(Reading.ts.desc())
            .limit(LATEST_SCAN).tuples())
    found: dict[str, Latest] = {}
    for ts, *values in rows:
        for field, value in zip(_LATEST_FIELDS, values, strict=True):
            if value is not None and field not in found:
                found[field] = Latest(value, ts, sensor.name)
        if len(found) == len(_LATEST_FIELDS):
            break
    return found


def _newest(latest: list[tuple[Sensor, dict[str, Latest]]], field: str,
            brood_only: bool = False) -> Latest | None:
    found = [values[field] for sensor, values in latest
             if field in values and (sensor.in_brood or not brood_only)]
    return max(found, key=lambda v: v.ts, default=None)


def hive_latest(hive: HiveChoice, sensors: list[Sensor] | None = None) -> HiveLatest:
    """One hive's newest values (``sensors`` when the caller has them already); all None for a
    hive without a sensor or readings."""
    sensors = hive_sensors(hive.id) if sensors is None else sensors
    latest = [(sensor, _sensor_latest(sensor)) for sensor in sensors]
    batteries = [values["battery"] for _, values in latest if "battery" in values]
    return HiveLatest(
        hive.id, hive.uuid, hive.name, hive.apiary,
        temperature=_newest(latest, "temperature", brood_only=True),
        humidity=_newest(latest, "humidity"), weight=_newest(latest, "weight"),
        battery=min(batteries, key=lambda v: v.value, default=None))


# --- Beekeeping.io detail objects ------------------------------------------------------------

OWNER = 2
READER = 1
"""Privileges: the viewer owns the object, or may read it because its apiary is public."""


@dataclass(frozen=True, slots=True)
class ApiaryDetail:
    uuid: str
    name: str
    zipcode: str
    country_code: str
    latitude: float | None
    longitude: float | None
    is_read_public: bool
    privilege: int


@dataclass(frozen=True, slots=True)
class HiveDetail:
    uuid: str
    name: str
    last_reading_ts: int | None
    """The newest reading of any of its sensors."""
    apiary: ApiaryDetail
    privilege: int


@dataclass(frozen=True, slots=True)
class DeviceDetail:
    uuid: str
    created: dt.datetime
    name: str
    vendor: str
    model: str
    firmware: str
    api_id: str
    last_reading_ts: int | None
    hive_uuid: str | None
    hive_name: str | None
    apiary: ApiaryDetail | None
    """None while the device is unassigned."""
    privilege: int


def _privilege(owner_id: int, public: bool, viewer_id: int) -> int | None:
    if owner_id == viewer_id:
        return OWNER
    return READER if public else None


def _apiary_detail(apiary: Apiary, privilege: int) -> ApiaryDetail:
    return ApiaryDetail(apiary.uuid, apiary.name, apiary.zipcode, apiary.country_code,
                        apiary.latitude, apiary.longitude, apiary.is_read_public, privilege)


def apiary_detail(uuid: str, viewer_id: int) -> ApiaryDetail | None:
    """The apiary as ``viewer_id`` may see it; None when it does not exist or is another
    owner's private apiary (the two are not told apart)."""
    apiary = Apiary.get_or_none(Apiary.uuid == uuid)
    if apiary is None:
        return None
    privilege = _privilege(apiary.owner_id, apiary.is_read_public, viewer_id)
    return _apiary_detail(apiary, privilege) if privilege else None


def hive_detail(uuid: str, viewer_id: int) -> HiveDetail | None:
    """The hive as ``viewer_id`` may see it (its apiary decides); None as for apiaries."""
    hive = Hive.select(Hive, Apiary).join(Apiary).where(Hive.uuid == uuid).first()
    if hive is None:
        return None
    privilege = _privilege(hive.apiary.owner_id, hive.apiary.is_read_public, viewer_id)
    if not privilege:
        return None
    last = Device.select(fn.MAX(Device.last_reading_ts)).where(Device.hive == hive).scalar()
    return HiveDetail(hive.uuid, hive.name, last, _apiary_detail(hive.apiary, privilege), privilege)


def device_detail(uuid: str, viewer_id: int) -> DeviceDetail | None:
    """The device as ``viewer_id`` may see it: its owner always, others when its apiary is
    public. An unassigned device (no hive) is its owner's alone."""
    device = Device.get_or_none(Device.uuid == uuid)
    if device is None:
        return None
    hive = None
    if device.hive_id is not None:
        hive = Hive.select(Hive, Apiary).join(Apiary).where(Hive.id == device.hive_id).get()
    privilege = _privilege(device.owner_id, hive is not None and hive.apiary.is_read_public,
                           viewer_id)
    if not privilege:
        return None
    return DeviceDetail(
        device.uuid, device.created, device.name, device.vendor, device.model, device.firmware,
        device.api_id, device.last_reading_ts, hive.uuid if hive else None,
        hive.name if hive else None, _apiary_detail(hive.apiary, privilege) if hive else None,
        privilege)
