"""Flow-meter boards as Kegbot 1.x daemons register them: a controller (``kegboard``) and its
meters (``flow0`` → ``kegboard.flow0``).

Registering never creates or changes a tap. kegdash's operator adds taps with their meter names
and calibrates them; a registered meter is remembered so the daemon finds it again, and a tap
whose ``meter_name`` is ``<controller>.<port>`` uses it (``views.flow_meters``). So pycore's
default ``ticks_per_ml`` of 2.2 never overwrites a tap's calibration.
"""

from __future__ import annotations

import math

import peewee

from kegdash.bar import views
from kegdash.bar.models import Controller, FlowMeter
from kegdash.bar.taps import BarError, NotFound
from kegdash.bar.views import ControllerInfo, FlowMeterInfo
from kegdash.db import database

MAX_NAME = 100
"""The Kegbot 1.x limit of a name (a controller's, a port's), as kegdash's columns store it."""


def _name(value: str, what: str) -> str:
    value = value.strip()
    if not value or len(value) > MAX_NAME or "." in value or "/" in value:
        raise BarError(f"a {what} needs a name of 1 to {MAX_NAME} characters without '.' or '/'")
    return value


def add_controller(name: str, model_name: str = "", serial_number: str = "") -> ControllerInfo:
    """Register a board; its name is unique (a second registration is refused, as in 1.x)."""
    name = _name(name, "controller")
    if len(model_name) > MAX_NAME or len(serial_number) > MAX_NAME:
        raise BarError(f"model name and serial number are at most {MAX_NAME} characters")
    try:
        with database.atomic():
            row = Controller.create(name=name, model_name=model_name.strip(),
                                    serial_number=serial_number.strip())
    except peewee.IntegrityError:
        raise BarError(f"a controller named {name!r} exists already") from None
    return views.controller(row.id)


def add_flow_meter(controller_id: int, port_name: str, ticks_per_ml: float) -> FlowMeterInfo:
    """Register a port of a board; the port's name is unique on its board."""
    port_name = _name(port_name, "flow meter port")
    if not math.isfinite(ticks_per_ml) or not 0 < ticks_per_ml <= 10_000:
        raise BarError(f"ticks per ml must be above 0 and at most 10000, not {ticks_per_ml}")
    try:
        with database.atomic():
            if not Controller.select().where(Controller.id == controller_id).exists():
                raise NotFound(f"no controller {controller_id}")
            row = FlowMeter.create(controller=controller_id, port_name=port_name,
                                   ticks_per_ml=ticks_per_ml)
    except peewee.IntegrityError:
        raise BarError(f"controller {controller_id} has a port {port_name!r} already") from None
    return views.flow_meter(row.id)
