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


NAME_MAX = 200
ZIPCODE_MAX = 20
"""The columns' widths (models.py): PostgreSQL refuses longer values, SQLite would keep them."""


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


def _apiary_fields(name: str, zipcode: str, country_code: str, latitude: float | None,
                   longitude: float | None, public: bool) -> dict[str, object]:
    """An apiary's editable columns, checked: the same rules for a new apiary and an edit."""
    name, zipcode, country = name.strip(), zipcode.strip(), country_code.strip().lower()
    if not name:
        raise ApiaryError("an apiary needs a name")
    if len(name) > NAME_MAX:
        raise ApiaryError(f"an apiary name has at most {NAME_MAX} characters")
    if len(zipcode) > ZIPCODE_MAX:
        raise ApiaryError(f"a postcode has at most {ZIPCODE_MAX} characters")
    if country and not (len(country) == 2 and country.isascii() and country.isalpha()):
        raise ApiaryError(f"a country is a two-letter code such as DE or US, not {country_code!r}")
    if latitude is not None and not -90 <= latitude <= 90:
        raise ApiaryError(f"latitude must be between -90 and 90, not {latitude}")
    if longitude is not None and not -180 <= longitude <= 180:
        raise ApiaryError(f"longitude must be between -180 and 180, not {longitude}")
    return {"name": name, "zipcode": zipcode, "country_code": country, "latitude": latitude,
            "longitude": longitude, "is_read_public": public}


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
    return Apiary.create(owner=owner.id, **_apiary_fields(name, zipcode, country_code, latitude,
                                                          longitude, public))


def edit_apiary(
    apiary_uuid: str,
    name: str,
    *,
    zipcode: str = "",
    country_code: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    public: bool = False,
) -> None:
    """Replace an apiary's name, location, country and visibility (its owner stays)."""
    fields = _apiary_fields(name, zipcode, country_code, latitude, longitude, public)
    if not Apiary.update(**fields).where(Apiary.uuid == apiary_uuid).execute():
        raise ApiaryError(f"no apiary {apiary_uuid!r}")


def _hive_name(name: str) -> str:
    name = name.strip()
    if not name:
        raise ApiaryError("a hive needs a name")
    if len(name) > NAME_MAX:
        raise ApiaryError(f"a hive name has at most {NAME_MAX} characters")
    return name


def add_hive(apiary_uuid: str, name: str) -> Hive:
    apiary = Apiary.get_or_none(Apiary.uuid == apiary_uuid)
    if apiary is None:
        raise ApiaryError(f"no apiary {apiary_uuid!r}")
    return Hive.create(apiary=apiary, name=_hive_name(name))


def edit_hive(hive_uuid: str, name: str, *, apiary_uuid: str | None = None) -> None:
    """Rename a hive, and move it to another apiary of the same owner when ``apiary_uuid`` is
    given (its sensors and readings go with it). Another owner's apiary is refused: the hive's
    sensors belong to its owner."""
    hive = Hive.select(Hive, Apiary).join(Apiary).where(Hive.uuid == hive_uuid).first()
    if hive is None:
        raise ApiaryError(f"no hive {hive_uuid!r}")
    apiary = hive.apiary
    if apiary_uuid is not None and apiary_uuid != apiary.uuid:
        apiary = Apiary.get_or_none(Apiary.uuid == apiary_uuid)
        if apiary is None:
            raise ApiaryError(f"no apiary {apiary_uuid!r}")
        if apiary.owner_id != hive.apiary.owner_id:
            raise ApiaryError(f"{apiary.name} belongs to another beekeeper than {hive.name}")
    Hive.update(name=_hive_name(name), apiary=apiary.id).where(Hive.id == hive.id).execute()


def _device_texts(name: str, vendor: str, model: str) -> dict[str, str]:
    fields = {"name": name.strip(), "vendor": vendor.strip(), "model": model.strip()}
    for field, value in fields.items():
        width = Device._meta.fields[field].max_length
        if len(value) > width:
            raise ApiaryError(f"a sensor's {field} has at most {width} characters")
    return fields


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
                **_device_texts(name.strip() or written, vendor, model),
            )
    except peewee.IntegrityError:
        raise ApiaryError(f"device {api_id!r} is already registered to this owner") from None


def edit_device(device_uuid: str, *, name: str, vendor: str = "", model: str = "") -> None:
    """Rename a sensor and say what it is; its device id, owner and readings stay. An empty
    name goes back to the device id (a sensor always has a name to be listed by)."""
    device = Device.get_or_none(Device.uuid == device_uuid)
    if device is None:
        raise ApiaryError(f"no sensor {device_uuid!r}")
    fields = _device_texts(name.strip() or device.api_id, vendor, model)
    Device.update(**fields).where(Device.id == device.id).execute()


def assign_device(device_uuid: str, hive_uuid: str | None) -> None:
    """Put a sensor in a hive, readings and all (the hive's plots and alerts then include every
    reading it ever sent), or take it out of its hive (``None``: unassigned, readings kept).
    The hive must be in an apiary of the sensor's owner: that is whose licence key or gateway
    files its readings."""
    device = Device.get_or_none(Device.uuid == device_uuid)
    if device is None:
        raise ApiaryError(f"no sensor {device_uuid!r}")
    hive_id = None
    if hive_uuid is not None:
        hive = Hive.select(Hive, Apiary).join(Apiary).where(Hive.uuid == hive_uuid).first()
        if hive is None:
            raise ApiaryError(f"no hive {hive_uuid!r}")
        if hive.apiary.owner_id != device.owner_id:
            raise ApiaryError(f"sensor {device.api_id} belongs to another beekeeper than "
                              f"{hive.apiary.name}")
        hive_id = hive.id
    Device.update(hive=hive_id).where(Device.id == device.id).execute()
