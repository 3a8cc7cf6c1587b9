from kegdash.accounts.users import create_user
from kegdash.apiary.models import Device
from kegdash.apiary.registry import add_apiary, add_device, add_hive
from kegdash.ui.queries import sensor_rows


def test_sensor_rows_name_the_hive_or_say_unassigned(database):
    owner = create_user("beeman")
    hive = add_hive(add_apiary("Ridge", owner).uuid, "Hive 1")
    add_device(hive.uuid, "aa:bb:01")
    Device.create(owner=owner, api_id="aa:bb:99")
    rows = {api_id: hive_name for _, api_id, _, hive_name, _ in sensor_rows()}
    assert rows == {"AA:BB:01": "Hive 1", "aa:bb:99": "(unassigned)"}
