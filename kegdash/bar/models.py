"""Bar tables. Volumes in ml, temperatures in °C, times naive UTC."""

from __future__ import annotations

import peewee

from kegdash.accounts.models import User
from kegdash.db import BaseModel, utcnow


class KegSize(BaseModel):
    slug = peewee.CharField(max_length=40, unique=True)
    name = peewee.CharField(max_length=100)
    volume_ml = peewee.DoubleField()


class Brewer(BaseModel):
    name = peewee.CharField(max_length=100, unique=True)
    country = peewee.CharField(max_length=100, default="")
    url = peewee.CharField(max_length=500, default="")


class Beverage(BaseModel):
    name = peewee.CharField(max_length=100, unique=True)
    style = peewee.CharField(max_length=100, default="")
    abv = peewee.DoubleField(null=True)
    calories_oz = peewee.DoubleField(null=True)
    brewer = peewee.ForeignKeyField(Brewer, null=True, backref="beverages", on_delete="SET NULL")


class ThermoSensor(BaseModel):
    name = peewee.CharField(max_length=100, unique=True)
    nice_name = peewee.CharField(max_length=100, default="")


class ThermoLog(BaseModel):
    """At most one row per sensor and minute (``time`` is rounded down; the latest wins)."""

    sensor = peewee.ForeignKeyField(ThermoSensor, backref="logs", on_delete="CASCADE")
    time = peewee.DateTimeField()
    temp_c = peewee.DoubleField()

    class Meta:
        indexes = ((("sensor", "time"), True),)


class Keg(BaseModel):
    ONLINE = "online"
    OFFLINE = "offline"

    size = peewee.ForeignKeyField(KegSize, backref="kegs", on_delete="RESTRICT")
    full_volume_ml = peewee.DoubleField()
    beverage = peewee.ForeignKeyField(Beverage, backref="kegs", on_delete="RESTRICT")
    description = peewee.TextField(default="")
    started = peewee.DateTimeField(default=utcnow, index=True)
    finished = peewee.DateTimeField(null=True)
    status = peewee.CharField(max_length=16, default=ONLINE, index=True)
    served_ml = peewee.DoubleField(default=0.0)
    spilled_ml = peewee.DoubleField(default=0.0)

    @property
    def remaining_ml(self) -> float:
        return self.full_volume_ml - self.served_ml - self.spilled_ml

    @property
    def percent_full(self) -> float:
        """Remaining as a fraction of full (1.0 = full), unclamped as the Kegbot seed shows."""
        return self.remaining_ml / self.full_volume_ml if self.full_volume_ml else 0.0


class Tap(BaseModel):
    name = peewee.CharField(max_length=100, unique=True)
    meter_name = peewee.CharField(max_length=100, unique=True)
    ml_per_tick = peewee.DoubleField(default=0.367107)
    current_keg = peewee.ForeignKeyField(
        Keg, null=True, unique=True, backref="taps", on_delete="SET NULL"
    )
    thermo_sensor = peewee.ForeignKeyField(
        ThermoSensor, null=True, backref="taps", on_delete="SET NULL"
    )
    relay_name = peewee.CharField(max_length=100, null=True)
    requires_auth = peewee.BooleanField(default=False)
    position = peewee.IntegerField(default=0)


class Controller(BaseModel):
    """A flow-meter board as a Kegbot 1.x daemon registers it (``kegboard``); its meters' names
    are ``<controller>.<port>``, the names kegdash's taps use (:attr:`Tap.meter_name`)."""

    name = peewee.CharField(max_length=100, unique=True)
    model_name = peewee.CharField(max_length=100, default="")
    serial_number = peewee.CharField(max_length=100, default="")


class FlowMeter(BaseModel):
    """A port of a controller. It is remembered, never turned into a tap: a tap whose meter name
    is ``<controller>.<port>`` uses it, and that tap's ``ml_per_tick`` is the calibration in
    force; ``ticks_per_ml`` is what the board reported, for a meter no tap uses yet."""

    controller = peewee.ForeignKeyField(Controller, backref="meters", on_delete="CASCADE")
    port_name = peewee.CharField(max_length=100)
    ticks_per_ml = peewee.DoubleField()

    class Meta:
        indexes = ((("controller", "port_name"), True),)


class DrinkingSession(BaseModel):
    """Site-wide: a drink joins the latest session whose end (last drink + timeout) is later."""

    start = peewee.DateTimeField(index=True)
    end = peewee.DateTimeField(index=True)
    volume_ml = peewee.DoubleField(default=0.0)


class AuthToken(BaseModel):
    """A drinker's RFID tag or iButton; ``device`` is e.g. ``core.rfid``, ``value`` lower-case hex."""

    device = peewee.CharField(max_length=64)
    value = peewee.CharField(max_length=128)
    user = peewee.ForeignKeyField(User, null=True, backref="auth_tokens", on_delete="SET NULL")
    nice_name = peewee.CharField(max_length=100, default="")
    enabled = peewee.BooleanField(default=True)
    created = peewee.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("device", "value"), True),)


class Drink(BaseModel):
    ticks = peewee.IntegerField()
    volume_ml = peewee.DoubleField()
    user = peewee.ForeignKeyField(User, null=True, backref="drinks", on_delete="SET NULL")
    keg = peewee.ForeignKeyField(Keg, null=True, backref="drinks", on_delete="RESTRICT")
    tap = peewee.ForeignKeyField(Tap, null=True, backref="drinks", on_delete="SET NULL")
    session = peewee.ForeignKeyField(
        DrinkingSession, null=True, backref="drinks", on_delete="SET NULL"
    )
    pour_time = peewee.DateTimeField(index=True)
    duration = peewee.IntegerField(default=0)
    auth_token = peewee.CharField(max_length=200, null=True)
    is_valid = peewee.BooleanField(default=True)
