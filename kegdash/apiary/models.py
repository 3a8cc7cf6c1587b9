"""Apiary tables. Readings: °C, %, kg, integer UTC epoch seconds, keyed on (device, ts)."""

from __future__ import annotations

import uuid

import peewee

from kegdash.accounts.models import User
from kegdash.apiary.reading_fields import MEASUREMENT_FIELDS
from kegdash.db import BaseModel, utcnow


def new_uuid() -> str:
    """A 32-hex uuid, the form the Beekeeping.io examples show for apiaries, hives and devices."""
    return uuid.uuid4().hex


class LicenseKey(BaseModel):
    """A Beekeeping.io licence key; stored as SHA-256 and looked up by that hash."""

    owner = peewee.ForeignKeyField(User, backref="license_keys", on_delete="CASCADE")
    key_hash = peewee.CharField(max_length=64, unique=True)
    prefix = peewee.CharField(max_length=8)
    enabled = peewee.BooleanField(default=True)
    created = peewee.DateTimeField(default=utcnow)


class Apiary(BaseModel):
    uuid = peewee.CharField(max_length=32, unique=True, default=new_uuid)
    name = peewee.CharField(max_length=200)
    zipcode = peewee.CharField(max_length=20, default="")
    country_code = peewee.CharField(max_length=2, default="")
    latitude = peewee.DoubleField(null=True)
    longitude = peewee.DoubleField(null=True)
    is_read_public = peewee.BooleanField(default=False)
    owner = peewee.ForeignKeyField(User, backref="apiaries", on_delete="CASCADE")
    created = peewee.DateTimeField(default=utcnow)


class Hive(BaseModel):
    uuid = peewee.CharField(max_length=32, unique=True, default=new_uuid)
    name = peewee.CharField(max_length=200)
    apiary = peewee.ForeignKeyField(Apiary, backref="hives", on_delete="CASCADE")
    created = peewee.DateTimeField(default=utcnow)


class Device(BaseModel):
    """A hive sensor. Without a hive it is *unassigned* and shown to its owner only."""

    uuid = peewee.CharField(max_length=32, unique=True, default=new_uuid)
    api_id = peewee.CharField(max_length=64)
    owner = peewee.ForeignKeyField(User, backref="devices", on_delete="CASCADE")
    hive = peewee.ForeignKeyField(Hive, null=True, backref="devices", on_delete="SET NULL")
    name = peewee.CharField(max_length=200, default="")
    vendor = peewee.CharField(max_length=100, default="")
    model = peewee.CharField(max_length=100, default="")
    firmware = peewee.CharField(max_length=100, default="")
    product = peewee.CharField(max_length=100, default="")
    created = peewee.DateTimeField(default=utcnow)
    last_reading_ts = peewee.BigIntegerField(null=True)

    class Meta:
        indexes = ((("owner", "api_id"), True),)


class Reading(BaseModel):
    """One sensor reading; the primary key is the time-series index and makes duplicates free.

    The table is ``WITHOUT ROWID`` on SQLite (set in the migration, since PostgreSQL has no such
    clause), so the key is the storage order and range scans per device are sequential.
    """

    SOURCE_HTTP = 1
    SOURCE_SERIAL = 2
    SOURCE_SIMULATOR = 3

    device = peewee.ForeignKeyField(Device, backref="readings", on_delete="CASCADE")
    ts = peewee.BigIntegerField()
    temperature = peewee.FloatField(null=True)
    temperature_high = peewee.FloatField(null=True)
    temperature_average = peewee.FloatField(null=True)
    temperature_low = peewee.FloatField(null=True)
    humidity = peewee.FloatField(null=True)
    humidity_high = peewee.FloatField(null=True)
    humidity_average = peewee.FloatField(null=True)
    humidity_low = peewee.FloatField(null=True)
    weight = peewee.FloatField(null=True)
    signal_wifi = peewee.FloatField(null=True)
    signal_bluetooth = peewee.FloatField(null=True)
    battery = peewee.FloatField(null=True)
    source = peewee.SmallIntegerField(default=SOURCE_HTTP)

    class Meta:
        primary_key = peewee.CompositeKey("device", "ts")


class HourlyReading(BaseModel):
    """One device's readings of one UTC hour, kept once its raw readings passed the retention
    horizon (``apiary.retention``). Per measurement field ``<field>_min``, ``_max``, ``_sum``
    and ``_count`` (added below, one quartet per field): the average is sum / count, so coarser
    chart buckets average the hours exactly. A field the hour had no value of is NULL in all four.
    """

    device = peewee.ForeignKeyField(Device, backref="hourly_readings", on_delete="CASCADE")
    hour = peewee.BigIntegerField()
    """Start of the hour, UTC epoch seconds."""

    class Meta:
        table_name = "reading_hourly"
        primary_key = peewee.CompositeKey("device", "hour")


for _name in MEASUREMENT_FIELDS:
    HourlyReading._meta.add_field(f"{_name}_min", peewee.FloatField(null=True))
    HourlyReading._meta.add_field(f"{_name}_max", peewee.FloatField(null=True))
    HourlyReading._meta.add_field(f"{_name}_sum", peewee.DoubleField(null=True))
    HourlyReading._meta.add_field(f"{_name}_count", peewee.IntegerField(null=True))
