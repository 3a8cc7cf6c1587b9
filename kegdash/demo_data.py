"""The demo data set: a bar with three kegs on four taps, drinkers, weeks of pours, two recipes,
and an apiary with three hives and a month of sensor readings.

The fixed parts come from ``resources/demo/demo.json``; pours and readings are generated from a
fixed seed so every demo database looks the same and tests can rely on it.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import random

from kegdash.accounts.keys import issue_api_key
from kegdash.accounts.models import User
from kegdash.accounts.users import create_user, get_user
from kegdash.accounts.views import principal
from kegdash.apiary.models import Apiary, Device, Reading
from kegdash.apiary.registry import add_apiary, add_device, add_hive
from kegdash.bar.drinks import record_drink
from kegdash.bar.models import Keg, Tap
from kegdash.bar.taps import add_auth_token, add_tap, add_thermo_sensor, start_keg
from kegdash.brewing.models import Action, StoredRecipe
from kegdash.brewing.recipes import create_recipe
from kegdash.db import database, utcnow
from kegdash.resources import resource_path

READING_INTERVAL_S = 15 * 60
DAYS_OF_READINGS = 30
HISTORY_DAYS = 21
"""The bar's pours go back three weeks, to the day before today."""
OPEN_HOURS = (17.0, 23.5)
"""The bar's evenings, local time: every pour of the history falls in one."""
DAY_STARTS_AT = dt.timedelta(hours=6)
"""The bar's day, as on its till, begins at 6 in the morning: at 1 am it is still last night,
whose evening is tonight's, not history (else the first pours of a demo started just after
midnight would join the history's last evening)."""


class DemoDataError(RuntimeError):
    """The demo set would mix with existing data."""


def has_data() -> bool:
    """Whether the window has anything to show yet: a tap, a keg, a recipe or an apiary. It
    asks every domain, so it lives here, above them, beside the data set offered instead."""
    return any(model.select().exists() for model in (Tap, Keg, StoredRecipe, Apiary))


def prepare_demo() -> dict[str, int] | None:
    """A demo database is filled once, on its first start (while it has no tap): the counts of
    what was made, or None when it was filled before."""
    if Tap.select().exists():
        return None
    return load_demo_data()


def load_demo_data(now: dt.datetime | None = None, seed: int = 2026) -> dict[str, int]:
    """Load the demo set into an empty bar; returns how many rows of each kind were made."""
    if Tap.select().exists() or Keg.select().exists():
        raise DemoDataError("the database already has taps or kegs; demo data needs an empty bar")
    spec = json.loads(resource_path("demo", "demo.json").read_text(encoding="utf-8"))
    now = now or utcnow()
    rng = random.Random(seed)
    counts = {"users": 0, "taps": 0, "drinks": 0, "recipes": 0, "readings": 0}
    for entry in spec["users"]:
        user = create_user(entry["username"], email=entry["email"], is_staff=entry.get("staff", False))
        if user.is_staff:
            issue_api_key(user)
        counts["users"] += 1
    users = list(User.select().where(User.username.in_([u["username"] for u in spec["users"]])))

    pours: list[tuple[dt.datetime, Tap, float]] = []
    for entry in spec["taps"]:
        tap = add_tap(entry["name"], entry["meter"], entry["ml_per_tick"])
        counts["taps"] += 1
        if "keg" in entry:
            pours += _keg_history(tap, entry["keg"], now, rng)
    # Drinks go in as the evenings happened, every tap's together, so each evening is one
    # drinking session and the session timeout separates the evenings.
    for when, tap, volume in sorted(pours, key=lambda pour: pour[0]):
        record_drink(tap.id, ticks=round(volume / tap.ml_per_tick), volume_ml=volume,
                     user=rng.choice(users + [None, None]), pour_time=when,
                     duration=int(volume / 40))
    counts["drinks"] = len(pours)
    for entry in spec["thermo_sensors"]:
        add_thermo_sensor(entry["name"], entry.get("tap"))
    for entry in spec["tokens"]:
        add_auth_token(entry["device"], entry["value"], get_user(entry["user"]))
    for entry in spec["recipes"]:
        _add_recipe(entry, now)
        counts["recipes"] += 1
    counts["readings"] = _apiary(spec["apiary"], now, rng)
    return counts


def _keg_history(tap: Tap, keg_spec: dict, now: dt.datetime,
                 rng: random.Random) -> list[tuple[dt.datetime, Tap, float]]:
    """Start the tap's keg before the history and choose the pours that served it down to
    ``served_fraction``: 280-520 ml each, in the evenings, busier at the weekend."""
    keg = start_keg(tap.id, keg_spec["beverage"], size=keg_spec["size"], abv=keg_spec["abv"],
                    style=keg_spec["style"])
    Keg.update(started=now - dt.timedelta(days=HISTORY_DAYS + 1)).where(Keg.id == keg.id).execute()
    target = keg.full_volume_ml * keg_spec["served_fraction"]
    days = range(1, HISTORY_DAYS + 1)
    local_now = now.replace(tzinfo=dt.UTC).astimezone()
    today = (local_now - DAY_STARTS_AT).date()
    busy = [2 if (today - dt.timedelta(days=d)).weekday() in (4, 5) else 1 for d in days]
    pours = []
    served = 0.0
    while served < target:
        volume = min(rng.uniform(280, 520), target - served)
        if volume < 30:
            break
        pours.append((_evening(today, local_now.tzinfo, rng.choices(days, busy)[0], rng), tap, volume))
        served += volume
    return pours


def _evening(today: dt.date, zone: dt.tzinfo | None, days_back: int,
             rng: random.Random) -> dt.datetime:
    """A moment of the bar's evening ``days_back`` days before the bar's ``today``, as stored
    (naive UTC)."""
    day = dt.datetime.combine(today - dt.timedelta(days=days_back), dt.time(), tzinfo=zone)
    moment = day + dt.timedelta(hours=rng.uniform(*OPEN_HOURS))
    return moment.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)


def _add_recipe(entry: dict, now: dt.datetime) -> None:
    """Store a demo recipe as any save does (engine numbers, slug, feed action), dated ten days
    back so the feed and the list look lived in."""
    owner = principal(get_user(entry["owner"]))
    created = now - dt.timedelta(days=10)
    with database.atomic():
        recipe = create_recipe(owner, entry["data"], private=entry["private"])
        StoredRecipe.update(created=created, modified=now).where(
            StoredRecipe.id == recipe.id).execute()
        Action.update(created=created).where(Action.target_id == recipe.public_id).execute()


def _apiary(spec: dict, now: dt.datetime, rng: random.Random) -> int:
    owner = get_user(spec["owner"])
    apiary = add_apiary(spec["name"], owner, zipcode=spec["zipcode"],
                        country_code=spec["country_code"], latitude=spec["latitude"],
                        longitude=spec["longitude"], public=spec["public"])
    end = int(now.replace(tzinfo=dt.UTC).timestamp()) // READING_INTERVAL_S * READING_INTERVAL_S
    start = end - DAYS_OF_READINGS * 86400
    total = 0
    for hive_spec in spec["hives"]:
        hive = add_hive(apiary.uuid, hive_spec["name"])
        device = add_device(hive.uuid, hive_spec["device"], vendor=hive_spec["vendor"])
        rows = list(_readings(device, start, end, hive_spec["base_weight_kg"], rng))
        # The month ends at the hive's weight in demo.json, where the live simulator goes on.
        gain = rows[-1]["weight"] - hive_spec["base_weight_kg"]
        for row in rows:
            row["weight"] = round(row["weight"] - gain, 3)
        with database.atomic():
            for offset in range(0, len(rows), 500):
                Reading.insert_many(rows[offset:offset + 500]).execute()
        Device.update(last_reading_ts=rows[-1]["ts"]).where(Device.id == device.id).execute()
        total += len(rows)
    return total


def _readings(device: Device, start: int, end: int, base_weight: float, rng: random.Random):
    """Brood near 35 °C with a small daily swing, humidity, and weight growing with a nectar flow."""
    weight = base_weight
    for ts in range(start, end + 1, READING_INTERVAL_S):
        hour = (ts % 86400) / 3600
        daily = math.sin((hour - 9) / 24 * 2 * math.pi)
        weight += 0.004 + 0.02 * max(daily, 0) * rng.random() - 0.006 * rng.random()
        yield {
            "device": device.id, "ts": ts,
            "temperature": round(34.8 + 0.6 * daily + rng.gauss(0, 0.15), 2),
            "humidity": round(58 - 6 * daily + rng.gauss(0, 1.0), 1),
            "weight": round(weight, 3),
            "battery": round(max(20.0, 98 - (ts - start) / 86400 * 0.4), 1),
            "source": Reading.SOURCE_SIMULATOR,
        }
