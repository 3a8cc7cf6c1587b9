"""What a tap list display shows: one entry per tap, from the same tables the window reads.

Only what is on the bar anyway goes in (beverage, style, strength, colour, keg level, last
pour's volume and time): never who poured, so the list can hang on a public TV. Beverages have
no IBU or colour of their own; when a *public* recipe has the beverage's name, its figures are
used ("where known"). Private recipes are never consulted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peewee import JOIN, fn

from kegdash.bar.models import Beverage, Drink, Keg, Tap, ThermoLog
from kegdash.brewing.colors import srm_to_css, srm_to_name
from kegdash.brewing.models import StoredRecipe


@dataclass(frozen=True)
class TapListEntry:
    """One tap; ``keg_id`` is None for an empty tap (then only ``tap_id`` and ``name`` matter)."""

    tap_id: int
    name: str
    keg_id: int | None = None
    beverage: str = ""
    style: str = ""
    abv: float | None = None
    ibu: float | None = None
    srm: float | None = None
    color_css: str | None = None
    color_name: str | None = None
    full_ml: float = 0.0
    remaining_ml: float = 0.0
    fraction: float = 0.0
    last_pour_ml: float | None = None
    last_pour_time: dt.datetime | None = None
    temp_c: float | None = None


def _recipe_figures(names: set[str]) -> dict[str, tuple[float | None, float | None]]:
    """(IBU, SRM) of the most recently changed public recipe per lower-cased name."""
    if not names:
        return {}
    rows = (StoredRecipe.select(fn.LOWER(StoredRecipe.name).alias("key"), StoredRecipe.ibu,
                                StoredRecipe.color)
            .where(fn.LOWER(StoredRecipe.name).in_(sorted(names))
                   & (StoredRecipe.private == False))  # noqa: E712
            .order_by(StoredRecipe.modified, StoredRecipe.id).dicts())
    return {row["key"]: (row["ibu"], row["color"]) for row in rows}  # later rows win


def _latest_temp(sensor_id: int | None) -> float | None:
    if sensor_id is None:
        return None
    return (ThermoLog.select(ThermoLog.temp_c).where(ThermoLog.sensor == sensor_id)
            .order_by(ThermoLog.time.desc()).scalar())


def tap_list() -> list[TapListEntry]:
    """Every tap in display order with what its keg holds and how full it is."""
    taps = list(Tap.select(Tap, Keg, Beverage)
                .join(Keg, JOIN.LEFT_OUTER, on=(Tap.current_keg == Keg.id))
                .join(Beverage, JOIN.LEFT_OUTER)
                .order_by(Tap.position, Tap.id))
    figures = _recipe_figures({t.current_keg.beverage.name.lower() for t in taps if t.current_keg_id})
    entries = []
    for tap in taps:
        temp = _latest_temp(tap.thermo_sensor_id)
        if tap.current_keg_id is None:
            entries.append(TapListEntry(tap_id=tap.id, name=tap.name, temp_c=temp))
            continue
        keg = tap.current_keg
        last = (Drink.select(Drink.volume_ml, Drink.pour_time)
                .where((Drink.keg == keg.id) & Drink.is_valid)
                .order_by(Drink.pour_time.desc(), Drink.id.desc()).first())
        ibu, srm = figures.get(keg.beverage.name.lower(), (None, None))
        entries.append(TapListEntry(
            tap_id=tap.id, name=tap.name, keg_id=keg.id, beverage=keg.beverage.name,
            style=keg.beverage.style, abv=keg.beverage.abv, ibu=ibu, srm=srm,
            color_css=srm_to_css(srm) if srm is not None else None,
            color_name=srm_to_name(srm) if srm is not None else None,
            full_ml=keg.full_volume_ml, remaining_ml=max(0.0, keg.remaining_ml),
            fraction=min(1.0, max(0.0, keg.percent_full)),
            last_pour_ml=last.volume_ml if last else None,
            last_pour_time=last.pour_time if last else None, temp_c=temp,
        ))
    return entries
