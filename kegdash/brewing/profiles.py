"""Tapline's user profiles: registration, the user list, following, profile edits, deletion.

They live with the brewhouse because each of them feeds the Tapline activity feed (``user-joined``,
``user-followed``) or counts or deletes recipes; what is purely an account (creating a user,
passwords, deactivation) stays in ``accounts``, which knows nothing of brewing. The services take
the acting user as a ``Principal``.

A user's location is ``[longitude, latitude]`` (Tapline's order); the user list can be sorted
by distance from a point (great-circle, computed here so SQLite needs no maths extension).
Deleting a user removes everything that would otherwise keep naming them: recipes, actions,
authorizations, follows, and feed entries about them or their recipes.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence

import peewee

from kegdash.accounts.admission import admission_for_registration
from kegdash.accounts.models import Follow, User
from kegdash.accounts.passwords import hash_password
from kegdash.accounts.users import AccountError, create_user, rename_user
from kegdash.accounts.views import Principal, principal
from kegdash.brewing import actions
from kegdash.brewing.models import StoredRecipe
from kegdash.db import database

USER_SORTS = ("created", "-created", "name", "-name", "location", "recipeCount", "-recipeCount")
MAX_FOLLOWING = 100


class UserNotFound(LookupError):
    """No user with that id."""


def gravatar_url(email: str) -> str:
    """Tapline's default image: Gravatar by the e-mail's MD5, ``SIZE`` to be replaced by clients."""
    digest = hashlib.md5(email.strip().lower().encode("utf-8"), usedforsecurity=False).hexdigest()
    return f"https://www.gravatar.com/avatar/{digest}?s=SIZE&d=retro"


def register_user(name: str, email: str, password: str, *, image: str | None = None,
                  location: Sequence[float] | None = None) -> Principal:
    """Create a user and record ``user-joined``; AccountError if the name is taken or reserved,
    RegistrationClosed if nobody may register. Whether the account is a member at once is the
    registration policy's to say (``accounts.admission``)."""
    lon, lat = (location[0], location[1]) if location else (None, None)
    with database.atomic():
        admission = admission_for_registration(name)
        if User.select().where(User.username == name).exists():
            raise AccountError(f"User name {name} already taken!")
        user = create_user(name, email=email, password=password, longitude=lon, latitude=lat,
                           image_url=image or gravatar_url(email), admission=admission)
        actions.record_action(user, actions.USER_JOINED,
                              data={"name": user.username, "image": user.image_url})
    return principal(user)


def get_user(public_id: str) -> User:
    """An active user by public id, else UserNotFound."""
    user = User.get_or_none((User.public_id == public_id) & (User.is_active == True))  # noqa: E712
    if user is None:
        raise UserNotFound("User not found")
    return user


def following_ids(user: User | Principal) -> list[str]:
    """Public ids of the users ``user`` follows, in the order they were followed."""
    return followed_by([user.id]).get(user.id, [])


def followed_by(user_ids: Sequence[int]) -> dict[int, list[str]]:
    """User id → public ids of the users they follow, in the order they were followed."""
    if not user_ids:
        return {}
    rows = (Follow.select(Follow.follower, User.public_id)
            .join(User, on=(Follow.followed == User.id))
            .where(Follow.follower.in_(list(user_ids))).order_by(Follow.created, Follow.id).tuples())
    out: dict[int, list[str]] = {}
    for follower, public_id in rows:
        out.setdefault(follower, []).append(public_id)
    return out


def recipe_counts(user_ids: Sequence[int]) -> dict[int, int]:
    """Public recipes per user id (the original never updated its counter; this one is counted)."""
    ids = list(user_ids)
    if not ids:
        return {}
    rows = (StoredRecipe.select(StoredRecipe.owner, peewee.fn.COUNT(StoredRecipe.id).alias("n"))
            .where(StoredRecipe.owner.in_(ids) & (StoredRecipe.private == False))  # noqa: E712
            .group_by(StoredRecipe.owner).tuples())
    return {owner: count for owner, count in rows}


def distance_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance (haversine, mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0088 * 2 * math.asin(min(1.0, math.sqrt(a)))


def find_users(
    *,
    ids: Sequence[str] | None = None,
    names: Sequence[str] | None = None,
    offset: int = 0,
    limit: int = 20,
    sort: str = "name",
    origin: tuple[float, float] | None = None,
) -> list[User]:
    """Active users matching the filters; ``sort="location"`` orders by distance from ``origin``
    (``(longitude, latitude)``; users without a location come last)."""
    if sort not in USER_SORTS:
        raise ValueError(f"sort must be one of {', '.join(USER_SORTS)}")
    query = User.select().where(User.is_active == True)  # noqa: E712
    if ids is not None:
        query = query.where(User.public_id.in_(list(ids)))
    if names is not None:
        query = query.where(User.username.in_(list(names)))
    key = sort.lstrip("-")
    if key in ("name", "created"):
        field = User.username if key == "name" else User.joined
        order = [field.desc(), User.id.desc()] if sort.startswith("-") else [field, User.id]
        return list(query.order_by(*order).offset(offset).limit(limit))
    users = list(query.order_by(User.id))
    if key == "recipeCount":
        counts = recipe_counts([user.id for user in users])
        sign = -1 if sort.startswith("-") else 1
        users.sort(key=lambda u: (sign * counts.get(u.id, 0), u.username))
    else:
        lon0, lat0 = origin or (0.0, 0.0)
        users.sort(key=lambda u: (u.longitude is None or u.latitude is None,
                                  distance_km(lon0, lat0, u.longitude, u.latitude)
                                  if u.longitude is not None and u.latitude is not None else 0.0,
                                  u.username))
    return users[offset: offset + limit]


def _follow(user: User, targets: Sequence[str]) -> None:
    """Follow each id not yet followed, recording ``user-followed`` for each new one."""
    current = following_ids(user)
    for target_id in targets:
        if target_id in current:
            continue
        if len(current) >= MAX_FOLLOWING:
            raise AccountError(f"following: at most {MAX_FOLLOWING} users")
        try:
            target = get_user(target_id)
        except UserNotFound:
            raise AccountError(f"following: user {target_id} not found") from None
        if target.id == user.id:
            raise AccountError("following: a user cannot follow themselves")
        Follow.create(follower=user, followed=target, created=actions.now_ms())
        current.append(target_id)
        actions.record_action(user, actions.USER_FOLLOWED, target_id=target.public_id,
                              data={"name": target.username, "image": target.image_url})


def _unfollow(user: User, targets: Sequence[str]) -> None:
    ids = [row.id for row in User.select(User.id).where(User.public_id.in_(list(targets)))]
    if ids:
        Follow.delete().where((Follow.follower == user.id) & Follow.followed.in_(ids)).execute()


def update_user(
    user: Principal,
    *,
    name: str | None = None,
    email: str | None = None,
    image: str | None = None,
    password: str | None = None,
    location: Sequence[float] | None = None,
    following: Sequence[str] | None = None,
    add_following: Sequence[str] | None = None,
    remove_following: Sequence[str] | None = None,
) -> None:
    """Apply the given changes in one transaction; AccountError (message names the field) if not."""
    lists = [value is not None for value in (following, add_following, remove_following)]
    if sum(lists) > 1:
        raise AccountError("Only one of following, addFollowing or removeFollowing can be given")
    with database.atomic():
        account = User.get_by_id(user.id)
        if name is not None and name != account.username:
            rename_user(account, name)
        if email is not None:
            account.email = email.lower()
        if image is not None:
            account.image_url = image
        if password is not None:
            account.password_hash = hash_password(password)
        if location is not None:
            account.longitude, account.latitude = location[0], location[1]
        account.save()
        if following is not None:
            keep = list(dict.fromkeys(following))
            gone = [uid for uid in following_ids(account) if uid not in keep]
            _unfollow(account, gone)
            _follow(account, keep)
        elif add_following is not None:
            _follow(account, list(dict.fromkeys(add_following)))
        elif remove_following is not None:
            _unfollow(account, remove_following)


def delete_user(user: Principal) -> None:
    """Delete the user with their recipes, actions, authorizations and follows (FK cascades),
    and drop other users' feed entries that name them or their recipes."""
    with database.atomic():
        recipe_ids = [row.public_id for row in
                      StoredRecipe.select(StoredRecipe.public_id).where(StoredRecipe.owner == user.id)]
        actions.delete_actions_about([user.public_id, *recipe_ids])
        User.delete().where(User.id == user.id).execute()
