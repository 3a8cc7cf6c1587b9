import pytest

from kegdash.accounts.users import AccountError, create_user
from kegdash.apiary.models import Apiary, Device, Hive, Reading
from kegdash.apiary.readings import store_reading
from kegdash.apiary.registry import (
    ApiaryError,
    add_apiary,
    add_device,
    add_hive,
    assign_device,
    create_license_key,
    edit_apiary,
    edit_device,
    edit_hive,
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


@pytest.mark.parametrize(("fields", "refusal"), [
    ({"name": "  "}, "needs a name"),
    ({"name": "x" * 201}, "at most 200"),
    ({"zipcode": "1" * 21}, "at most 20"),
    ({"country_code": "Germany"}, "two-letter code"),  # once cut to "ge", which is Georgia
    ({"country_code": "D1"}, "two-letter code"),
    ({"latitude": 90.01}, "latitude"),
])
def test_new_and_edited_apiaries_follow_the_same_rules(database, fields, refusal):
    owner = create_user("beeman")
    apiary = add_apiary("Ridge", owner)
    values = {"name": "Ridge", **fields}
    with pytest.raises(ApiaryError, match=refusal):
        add_apiary(values.pop("name"), owner, **values)
    values = {"name": "Ridge", **fields}
    with pytest.raises(ApiaryError, match=refusal):
        edit_apiary(apiary.uuid, values.pop("name"), **values)
    assert Apiary.get_by_id(apiary.id).name == "Ridge"


def test_an_apiary_is_edited_in_place(database):
    owner = create_user("beeman")
    apiary = add_apiary("Ridge", owner, zipcode="02118", country_code="us", public=True)
    edit_apiary(apiary.uuid, " Linden Row ", zipcode="10115", country_code="DE", latitude=52.53,
                longitude=13.38)
    row = Apiary.get_by_id(apiary.id)
    assert (row.name, row.zipcode, row.country_code, row.latitude, row.longitude, row.is_read_public,
            row.owner_id, row.uuid) == ("Linden Row", "10115", "de", 52.53, 13.38, False, owner.id,
                                        apiary.uuid)
    with pytest.raises(ApiaryError, match="no apiary 'nope'"):
        edit_apiary("nope", "X")


def test_a_hive_is_renamed_and_moved_within_its_owner(database):
    owner, other = create_user("beeman"), create_user("other")
    ridge, acres = add_apiary("Ridge", owner), add_apiary("Acres", owner)
    hive = add_hive(ridge.uuid, "Hive 1")
    device = add_device(hive.uuid, "AA:BB:01")
    edit_hive(hive.uuid, "Queen Bee")
    assert (Hive.get_by_id(hive.id).name, Hive.get_by_id(hive.id).apiary_id) == ("Queen Bee", ridge.id)
    edit_hive(hive.uuid, "Queen Bee", apiary_uuid=acres.uuid)
    assert Hive.get_by_id(hive.id).apiary_id == acres.id
    assert Device.get_by_id(device.id).hive_id == hive.id  # its sensor went along
    with pytest.raises(ApiaryError, match="another beekeeper"):
        edit_hive(hive.uuid, "Queen Bee", apiary_uuid=add_apiary("Theirs", other).uuid)
    with pytest.raises(ApiaryError, match="needs a name"):
        edit_hive(hive.uuid, " ")
    with pytest.raises(ApiaryError, match="no apiary"):
        edit_hive(hive.uuid, "Q", apiary_uuid="nope")
    with pytest.raises(ApiaryError, match="no hive"):
        edit_hive("nope", "Q")
    assert Hive.get_by_id(hive.id).apiary_id == acres.id


def test_a_sensor_is_renamed_but_keeps_its_id(database):
    hive = add_hive(add_apiary("Ridge", create_user("beeman")).uuid, "H")
    device = add_device(hive.uuid, "aa-bb-cc")
    edit_device(device.uuid, name=" Brood frame 5 ", vendor="BroodMinder", model="T2")
    row = Device.get_by_id(device.id)
    assert (row.name, row.vendor, row.model, row.api_id) == ("Brood frame 5", "BroodMinder", "T2", "AA:BB:CC")
    edit_device(device.uuid, name="")
    assert Device.get_by_id(device.id).name == "AA:BB:CC"
    with pytest.raises(ApiaryError, match="vendor has at most 100"):
        edit_device(device.uuid, name="x", vendor="v" * 101)
    with pytest.raises(ApiaryError, match="no sensor"):
        edit_device("nope", name="x")


def test_a_sensor_that_reported_unassigned_is_put_in_a_hive_with_its_readings(database):
    owner, other = create_user("beeman"), create_user("other")
    hive = add_hive(add_apiary("Ridge", owner).uuid, "Hive 1")
    result = store_reading(owner, {"device_id": "aa-bb-09", "timestamp": 1_700_000_000, "weight": 41.0})
    assert result.device_created and Device.get_by_id(result.device_id).hive_id is None
    theirs = add_hive(add_apiary("Theirs", other).uuid, "Their hive")
    with pytest.raises(ApiaryError, match="AA:BB:09 belongs to another beekeeper than Theirs"):
        assign_device(result.device_uuid, theirs.uuid)
    assign_device(result.device_uuid, hive.uuid)
    assert Device.get_by_id(result.device_id).hive_id == hive.id
    assert Reading.select().join(Device).where(Device.hive == hive.id).count() == 1
    assign_device(result.device_uuid, None)  # out of the hive again, readings kept
    assert Device.get_by_id(result.device_id).hive_id is None and Reading.select().count() == 1
    with pytest.raises(ApiaryError, match="no hive"):
        assign_device(result.device_uuid, "nope")
    with pytest.raises(ApiaryError, match="no sensor"):
        assign_device("nope", hive.uuid)


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
