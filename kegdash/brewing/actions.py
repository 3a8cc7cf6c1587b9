"""The activity feed: who created or updated a recipe, joined, or followed someone.

Actions about a private recipe are private themselves, so the feed queries apply the same
rule as recipe lists: a private action is shown only to its own user, and only when asked.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from kegdash.accounts.models import User
from kegdash.accounts.views import Principal
from kegdash.brewing.models import Action

USER_JOINED = "user-joined"
USER_FOLLOWED = "user-followed"
RECIPE_CREATED = "recipe-created"
RECIPE_UPDATED = "recipe-updated"

ACTION_SORTS = ("created", "-created")


def now_ms() -> dt.datetime:
    """Now in naive UTC to the millisecond, so feeds sort by time and print as ``…:51.275Z``."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    return now.replace(microsecond=now.microsecond // 1000 * 1000)


def record_action(user: User | Principal, type_: str, *, target_id: str | None = None,
                  data: dict[str, Any] | None = None, private: bool = False) -> Action:
    """Append one action to the feed (call inside the caller's transaction)."""
    return Action.create(user=user.id, type=type_, target_id=target_id, private=private,
                         data=json.dumps(data or {}), created=now_ms())


def find_actions(
    *,
    viewer: Principal | None = None,
    show_private: bool = False,
    ids: Sequence[str] | None = None,
    user_ids: Sequence[str] | None = None,
    offset: int = 0,
    limit: int = 20,
    sort: str = "-created",
) -> list[Action]:
    """Public actions, plus ``viewer``'s own private ones when ``show_private``; filters ANDed."""
    if sort not in ACTION_SORTS:
        raise ValueError(f"sort must be one of {', '.join(ACTION_SORTS)}")
    visible = Action.private == False  # noqa: E712 (peewee expression)
    if show_private and viewer is not None:
        visible = visible | ((Action.private == True) & (Action.user == viewer.id))  # noqa: E712
    query = Action.select(Action, User).join(User).where(visible)
    if ids is not None:
        query = query.where(Action.public_id.in_(list(ids)))
    if user_ids is not None:
        query = query.where(User.public_id.in_(list(user_ids)))
    order = (Action.created, Action.id) if sort == "created" else (Action.created.desc(),
                                                                    Action.id.desc())
    return list(query.order_by(*order).offset(offset).limit(limit))


def action_data(action: Action) -> dict[str, Any]:
    """The stored summary (a JSON object) of an action."""
    return json.loads(action.data or "{}")


def refresh_recipe_actions(recipe_public_id: str, data: dict[str, Any], private: bool) -> None:
    """Rewrite earlier actions about a recipe so the feed shows its current name and numbers."""
    (Action.update(data=json.dumps(data), private=private)
     .where(Action.target_id == recipe_public_id)
     .where(Action.type.in_([RECIPE_CREATED, RECIPE_UPDATED]))
     .execute())


def delete_actions_about(target_ids: Sequence[str]) -> int:
    """Drop actions that name deleted recipes or users, so the feed leaks nothing about them."""
    if not target_ids:
        return 0
    return Action.delete().where(Action.target_id.in_(list(target_ids))).execute()

