"""Wire shapes of the Tapline dialect: users, recipes, actions and authorizations as the seed shows.

Keys are written in the seed's (alphabetical) order. E-mail addresses, password hashes and
internal integer ids never appear; the only e-mail on the wire is ``/v1/profile``'s, added by
the route when the token has ``user:email``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kegdash.accounts import profiles
from kegdash.accounts.models import Authorization, User
from kegdash.brewing import colors, units
from kegdash.brewing.actions import action_data
from kegdash.brewing.calc import calculate
from kegdash.brewing.jsmath import json_number
from kegdash.brewing.models import Action, StoredRecipe
from kegdash.brewing.recipes import stored_recipe, visible_to
from kegdash.brewing.timeline import timeline
from kegdash.units import c_to_f

LITERS_PER_US_FL_OZ = 0.0295735295625


def iso(moment: dt.datetime | None) -> str | None:
    """ISO 8601 UTC with milliseconds and ``Z``: ``2013-11-02T17:25:51.275Z``."""
    if moment is None:
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def user_ref(user: User) -> dict[str, Any]:
    """The short form embedded in recipes and actions."""
    return {"id": user.public_id, "image": user.image_url, "name": user.username}


def location(user: User) -> list[float] | None:
    """``[longitude, latitude]``, or null for a user who never gave one."""
    if user.longitude is None or user.latitude is None:
        return None
    return [json_number(user.longitude), json_number(user.latitude)]


def users(rows: list[User]) -> list[dict[str, Any]]:
    """Public user objects (no e-mail), with real recipe counts."""
    counts = profiles.recipe_counts(rows)
    return [user(row, counts.get(row.id, 0)) for row in rows]


def user(row: User, recipe_count: int | None = None) -> dict[str, Any]:
    if recipe_count is None:
        recipe_count = profiles.recipe_counts([row]).get(row.id, 0)
    return {
        "confirmed": row.confirmed,
        "created": iso(row.joined),
        "following": profiles.following_ids(row),
        "id": row.public_id,
        "image": row.image_url,
        "location": location(row),
        "name": row.username,
        "recipeCount": recipe_count,
    }


def _recipe_data(row: StoredRecipe, detail: bool) -> dict[str, Any]:
    recipe = stored_recipe(row)
    data = recipe.to_dict()
    data.update({
        "agingTempF": json_number(c_to_f(recipe.aging_temp)),
        "batchSizeGallons": json_number(units.liters_to_gallons(recipe.batch_size)),
        "boilSizeGallons": json_number(units.liters_to_gallons(recipe.boil_size)),
        "bottlingTempF": json_number(c_to_f(recipe.bottling_temp)),
        "primaryTempF": json_number(c_to_f(recipe.primary_temp)),
        "secondaryTempF": json_number(c_to_f(recipe.secondary_temp)),
        "servingSizeOz": json_number(recipe.serving_size / LITERS_PER_US_FL_OZ),
        "tertiaryTempF": json_number(c_to_f(recipe.tertiary_temp)),
    })
    if detail:
        results = calculate(recipe)
        calc = results.to_dict(timeline=timeline(recipe, True))
        calc.pop("grainWeight")
        data.update(calc)
        data.update({
            "colorEbc": json_number(colors.srm_to_ebc(results.color)),
            "colorLovibond": json_number(colors.srm_to_lovibond(results.color)),
            "colorRgb": colors.srm_to_rgb(results.color),
            "timelineImperial": [[json_number(m), text] for m, text in timeline(recipe, False)],
        })
    return dict(sorted(data.items()))


def _parent(row: StoredRecipe, populate: bool, detail: bool, viewer: User | None,
            show_private: bool) -> Any:
    """The parent's id (or its summary when populated) — null if the caller may not see it."""
    parent = row.parent if row.parent_id is not None else None
    if parent is None or not visible_to(parent, viewer, show_private):
        return None
    if not populate:
        return parent.public_id
    out: dict[str, Any] = {
        "description": stored_recipe(parent).description,
        "id": parent.public_id,
        "name": parent.name,
        "slug": parent.slug,
        "user": user_ref(parent.owner),
    }
    if detail:
        color = parent.color
        out.update({
            "abv": parent.abv, "color": color, "fg": parent.fg, "ibu": parent.ibu, "og": parent.og,
            "colorEbc": None if color is None else json_number(colors.srm_to_ebc(color)),
            "colorLovibond": None if color is None else json_number(colors.srm_to_lovibond(color)),
            "colorRgb": None if color is None else colors.srm_to_rgb(color),
        })
    return dict(sorted(out.items()))


def recipe(row: StoredRecipe, *, detail: bool = False, populate_parent: bool = False,
           viewer: User | None = None, show_private: bool = False) -> dict[str, Any]:
    """A stored recipe as the seed shows it; ``detail`` adds the engine's numbers to ``data``."""
    return {
        "created": iso(row.created),
        "data": _recipe_data(row, detail),
        "id": row.public_id,
        "parent": _parent(row, populate_parent, detail, viewer, show_private),
        "private": row.private,
        "slug": row.slug,
        "user": user_ref(row.owner),
    }


def action(row: Action) -> dict[str, Any]:
    out: dict[str, Any] = {
        "created": iso(row.created),
        "data": action_data(row),
        "id": row.public_id,
        "private": row.private,
    }
    if row.target_id is not None:
        out["targetId"] = row.target_id
    out["type"] = row.type
    out["user"] = user_ref(row.user)
    return out


def authorization(auth: Authorization) -> dict[str, Any]:
    return {
        "clientId": auth.client.public_id,
        "created": iso(auth.created),
        "id": auth.public_id,
        "scopes": auth.scopes,
        "token": auth.token,
        "userId": auth.user.public_id,
    }
