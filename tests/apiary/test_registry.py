import pytest

from kegdash.accounts.users import AccountError, create_user
from kegdash.apiary.models import Device, Hive, Reading
from kegdash.apiary.registry import (
    ApiaryError,
    add_apiary,
    add_device,
    add_hive,
    create_license_key,
    issue_license_key,
    set_license_enabled,
)
from kegdash.apiary.views import license_key_rows, owner_for_license_key


def test_license_keys(database):
    owner = create_user("beeman")
    key = issue_license_key(owner)
    assert key.isalnum() and owner_for_license_key(key).username == "beeman"
    assert owner_for_license_key(key + "x") is None
    assert owner_for_license_key("") is None


def test_tree_and_device_ids_unique_per_owner(database):
    owner, other = create_user("beeman"), create_user("other")
    apiary = add_apiary("Ridge", owner, latitude=42.0, longitude=-71.0, country_code="US")
    assert apiary.country_code == "us"
    hive = add_hive(apiary.uuid, "Hive 1")
    device = add_device(hive.uuid, "AA:BB:CC", vendor="BroodMinder")
    assert device.owner_id == owner.id
    with pytest.raises(ApiaryError, match="already registered"):
        add_device(hive.uuid, "AA:BB:CC")
    other_hive = add_hive(add_apiary("Elsewhere", other).uuid, "H")
    assert add_device(other_hive.uuid, "AA:BB:CC").owner_id == other.id


@pytest.mark.parametrize(("lat", "lon"), [(91, 0), (0, 181), (-90.5, 0)])
def test_coordinates_checked(database, lat, lon):
    with pytest.raises(ApiaryError, match="itude"):
        add_apiary("Bad", create_user("b"), latitude=lat, longitude=lon)


def test_deleting_a_hive_unassigns_its_devices_and_keeps_readings(database):
    owner = create_user("beeman")
    hive = add_hive(add_apiary("Ridge", owner).uuid, "H")
    device = add_device(hive.uuid, "AA:BB:CC")
    Reading.create(device=device, ts=1_700_000_000, temperature=35.0)
    Hive.get_by_id(hive.id).delete_instance()
    assert Device.get_by_id(device.id).hive_id is None
    assert Reading.select().count() == 1


def test_duplicate_reading_key_refused(database):
    import peewee

    hive = add_hive(add_apiary("Ridge", create_user("beeman")).uuid, "H")
    device = add_device(hive.uuid, "AA:BB:CC")
    Reading.create(device=device, ts=1_700_000_000, temperature=35.0)
    with pytest.raises(peewee.IntegrityError):
        Reading.create(device=device, ts=1_700_000_000, temperature=36.0)


def test_mac_style_ids_are_one_device_however_written(database):
    owner = create_user("beeman")
    hive = add_hive(add_apiary("Ridge", owner).uuid, "H")
    device = add_device(hive.uuid, "aa-bb-cc")
    assert (device.api_id, device.name) == ("AA:BB:CC", "aa-bb-cc")  # the name is as written
    for spelling in ("AA:BB:CC", "aa:bb:cc", "Aa-bB:cc"):
        with pytest.raises(ApiaryError, match="already registered"):
            add_device(hive.uuid, spelling)
    assert add_device(hive.uuid, "scale-3").api_id == "scale-3"
    assert add_device(hive.uuid, "Scale-3").api_id == "Scale-3"  # not MAC-style: as written


def test_licence_keys_can_be_disabled_and_enabled_again(database):
    create_user("bee")
    key = create_license_key("bee")
    (row,) = license_key_rows()
    assert (row.owner, row.prefix, row.enabled) == ("bee", key[:8], True)
    set_license_enabled(row.key_id, False)
    assert owner_for_license_key(key) is None and not license_key_rows()[0].enabled
    set_license_enabled(row.key_id, True)
    assert owner_for_license_key(key).username == "bee"


def test_unknown_licence_keys_and_users_are_refused(database):
    with pytest.raises(ApiaryError, match="#98"):
        set_license_enabled(98, False)
    with pytest.raises(AccountError):
        create_license_key("nobody")
