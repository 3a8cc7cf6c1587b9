"""Wire shapes of the Tapline dialect: users, recipes, actions and authorizations as the seed shows.

Keys are written in the seed's (alphabetical) order. E-mail addresses, password hashes and
internal integer ids never appear; the only e-mail on the wire is ``/v1/profile``'s, added by
the route when the token has ``user:email``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from kegdash.accounts.views import AuthorizationView
from kegdash.brewing import colors, units
from kegdash.brewing.calc import calculate
from kegdash.brewing.jsmath import json_number
from kegdash.brewing.timeline import timeline
from kegdash.brewing.views import ActionView, ParentRef, Profile, RecipeView, UserRef
from kegdash.units import ML_PER_US_FL_OZ, c_to_f

LITERS_PER_US_FL_OZ = ML_PER_US_FL_OZ / 1000  # the same float as 0.0295735295625


def iso(moment: dt.datetime | None) -> str | None:
    """ISO 8601 UTC with milliseconds and ``Z``: ``2013-11-02T17:25:51.275Z``."""
    if moment is None:
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def user_ref(user: UserRef) -> dict[str, Any]:
    """The short form embedded in recipes and actions."""
    return {"id": user.public_id, "image": user.image, "name": user.name}


def user(profile: Profile) -> dict[str, Any]:
    """A public user object (no e-mail), with a real recipe count."""
    location = profile.location
    return {
        "confirmed": profile.confirmed,
        "created": iso(profile.created),
        "following": list(profile.following),
        "id": profile.public_id,
        "image": profile.image,
        "location": None if location is None else [json_number(location[0]),
                                                     json_number(location[1])],
        "name": profile.name,
        "recipeCount": profile.recipe_count,
    }


def _recipe_data(view: RecipeView, detail: bool) -> dict[str, Any]:
    recipe = view.recipe
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


def _parent(parent: ParentRef | None, populate: bool, detail: bool) -> Any:
    """The parent's id (or its summary when populated) — null if the caller may not see it."""
    if parent is None:
        return None
    if not populate:
        return parent.public_id
    out: dict[str, Any] = {
        "description": parent.description,
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


def recipe(view: RecipeView, *, detail: bool = False, populate_parent: bool = False) -> dict[str, Any]:
    """A stored recipe as the seed shows it; ``detail`` adds the engine's numbers to ``data``.
    The view names a parent only if the caller may see it."""
    return {
        "created": iso(view.created),
        "data": _recipe_data(view, detail),
        "id": view.public_id,
        "parent": _parent(view.parent, populate_parent, detail),
        "private": view.private,
        "slug": view.slug,
        "user": user_ref(view.owner),
    }


def action(view: ActionView) -> dict[str, Any]:
    out: dict[str, Any] = {
        "created": iso(view.created),
        "data": view.data,
        "id": view.public_id,
        "private": view.private,
    }
    if view.target_id is not None:
        out["targetId"] = view.target_id
    out["type"] = view.type
    out["user"] = user_ref(view.user)
    return out


def authorization(auth: AuthorizationView) -> dict[str, Any]:
    return {
        "clientId": auth.client_id,
        "created": iso(auth.created),
        "id": auth.public_id,
        "scopes": list(auth.scopes),
        "token": auth.token,
        "userId": auth.user.public_id,
    }
