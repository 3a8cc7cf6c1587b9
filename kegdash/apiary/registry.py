"""Licence keys and the apiary → hive → device tree an owner registers.

Owners are passed as anything with the account's ``id`` (a ``Principal`` or a ``User``) and
stored by id. The licence-key admin (create, enable, disable) lives here rather than in
``accounts``, which sits below the apiary and knows nothing of it.
"""

from __future__ import annotations

import peewee

from kegdash.accounts.passwords import fingerprint, new_secret
from kegdash.accounts.users import get_user
from kegdash.accounts.views import Principal
from kegdash.apiary.models import Apiary, Device, Hive, LicenseKey
from kegdash.apiary.reading_fields import normalise_device_id
from kegdash.db import database


class ApiaryError(ValueError):
    """A registration the apiary cannot accept; the message says why."""


def issue_license_key(owner: Principal) -> str:
    """A new alphanumeric licence key for ``owner`` (shown once; stored as its fingerprint)."""
    key = new_secret(16)
    LicenseKey.create(owner=owner.id, key_hash=fingerprint(key), prefix=key[:8])
    return key


def create_license_key(username: str) -> str:
    """A new licence key owned by ``username``; the full key, shown once. An unknown user
    raises ``AccountError``."""
    return issue_license_key(get_user(username))


def set_license_enabled(key_id: int, enabled: bool) -> None:
    """Disable a licence key (its gateways are refused) or enable it again."""
    if not LicenseKey.update(enabled=enabled).where(LicenseKey.id == key_id).execute():
        raise ApiaryError(f"no licence key #{key_id}")


def add_apiary(
    name: str,
    owner: Principal,
    *,
    zipcode: str = "",
    country_code: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    public: bool = False,
) -> Apiary:
    if not name.strip():
        raise ApiaryError("an apiary needs a name")
    if latitude is not None and not -90 <= latitude <= 90:
        raise ApiaryError(f"latitude must be between -90 and 90, not {latitude}")
    if longitude is not None and not -180 <= longitude <= 180:
        raise ApiaryError(f"longitude must be between -180 and 180, not {longitude}")
    return Apiary.create(
        name=name.strip(), owner=owner.id, zipcode=zipcode, country_code=country_code.lower()[:2],
        latitude=latitude, longitude=longitude, is_read_public=public,
    )


def add_hive(apiary_uuid: str, name: str) -> Hive:
    apiary = Apiary.get_or_none(Apiary.uuid == apiary_uuid)
    if apiary is None:
        raise ApiaryError(f"no apiary {apiary_uuid!r}")
    if not name.strip():
        raise ApiaryError("a hive needs a name")
    return Hive.create(apiary=apiary, name=name.strip())


def add_device(
    hive_uuid: str, api_id: str, *, vendor: str = "", model: str = "", name: str = ""
) -> Device:
    """Register a sensor in a hive; its owner is the apiary's owner. A MAC-style id is stored
    in its one spelling (``normalise_device_id``); the name defaults to the id as written."""
    hive = Hive.select(Hive, Apiary).join(Apiary).where(Hive.uuid == hive_uuid).first()
    if hive is None:
        raise ApiaryError(f"no hive {hive_uuid!r}")
    written = api_id.strip()
    if not written or len(api_id) > 64:
        raise ApiaryError(f"invalid device id {api_id!r}")
    try:
        with database.atomic():
            return Device.create(
                hive=hive, owner=hive.apiary.owner_id, api_id=normalise_device_id(written),
                vendor=vendor, model=model, name=name or written,
            )
    except peewee.IntegrityError:
        raise ApiaryError(f"device {api_id!r} is already registered to this owner") from None
