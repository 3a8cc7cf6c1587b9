"""The Beekeeping.io dialect over real HTTP (cheroot on 127.0.0.1)."""

from __future__ import annotations

import json
import time
import urllib.parse

import pytest

from kegdash import events
from kegdash.accounts.users import create_user
from kegdash.apiary.models import Apiary, Device, LicenseKey, Reading
from kegdash.apiary.registry import add_apiary, add_device, add_hive, issue_license_key
from kegdash.server import beekeeping_limits
from kegdash.site_settings import set_setting

ENVELOPE_KEYS = {"status_code", "status_string", "code", "description", "result"}
TS = 1_700_000_000


@pytest.fixture
def bee(http):
    """An owner with a licence key, a private apiary → hive → device; rate limit out of the way."""
    set_setting("beekeeping_rate_per_second", 10_000)
    owner = create_user("beeman")
    apiary = add_apiary("Beachtree Apiary", owner, zipcode="02653", country_code="US",
                        latitude=41.798919, longitude=-69.940394)
    hive = add_hive(apiary.uuid, "Hive 2 (quilt)")
    device = add_device(hive.uuid, "aa:bb:cc", vendor="BroodMinder", model="1.0", name="Sensor 1")

    class Bee:
        pass

    bee = Bee()
    bee.http, bee.owner, bee.key = http, owner, issue_license_key(owner)
    bee.apiary, bee.hive, bee.device = apiary, hive, device

    def call(action, method="GET", body=None, content_type=None, **params):
        path = f"/api_v1/{action}"
        if params:
            path += "?" + urllib.parse.urlencode(params)
        headers = {"Content-Type": content_type} if content_type else {}
        status, headers, raw = http.request(method, path, data=body, headers=headers)
        data = json.loads(raw)
        assert set(data) == ENVELOPE_KEYS
        assert data["code"] == status
        assert data["status_code"] == (1 if status == 200 else 0)
        return status, data, headers

    def upload(**params):
        return call("data_upload", license_key=bee.key, **params)

    bee.call, bee.upload = call, upload
    return bee


def readings():
    return list(Reading.select().order_by(Reading.ts).dicts())


def test_seed_curl_example_with_the_missing_ampersand_fixed(bee):
    status, _, data = bee.http.request(
        "GET", f"/api_v1/data_upload?license_key={bee.key}&device_id=abcdef&temperature=62&humidity=55")
    body = json.loads(data)
    assert status == 200 and body["status_code"] == 1 and body["description"] == "Data uploaded OK"
    [row] = readings()
    assert row["temperature"] == pytest.approx((62 - 32) * 5 / 9)  # °F by default, stored °C
    assert row["humidity"] == 55
    device = Device.get(Device.api_id == "abcdef")
    assert device.hive_id is None and device.owner_id == bee.owner.id  # auto-registered, unassigned
    assert body["result"]["device_uuid"] == device.uuid and body["result"]["device_created"] == "1"


def test_seed_curl_example_as_printed_is_a_bad_key(bee):
    status, data, _ = bee.call("data_upload", license_key=f"{bee.key}device_id=abcdef", temperature="62")
    assert status == 403 and readings() == []


def test_every_field_is_accepted_and_stored_in_canonical_units(bee):
    status, data, _ = bee.upload(
        device_id="aa:bb:cc", vendor_id="broodmonder", model_id="42v1", firmware_id="1.4.2",
        timestamp=str(TS), temperature="95", temperature_high="96.8", temperature_average="95",
        temperature_low="93.2", humidity="61.5", humidity_high="70", humidity_average="60",
        humidity_low="50", weight="110.5", signal_wifi="72", signal_bluetooth="40", battery="87")
    assert status == 200, data
    assert data["result"] == {"device_uuid": bee.device.uuid, "api_id": "AA:BB:CC", "timestamp": str(TS),
                              "duplicate": "0", "device_created": "0"}
    [row] = readings()
    expected = {
        "temperature": 35.0, "temperature_high": 36.0, "temperature_average": 35.0, "temperature_low": 34.0,
        "humidity": 61.5, "humidity_high": 70.0, "humidity_average": 60.0, "humidity_low": 50.0,
        "weight": 110.5 * 0.45359237, "signal_wifi": 72.0, "signal_bluetooth": 40.0, "battery": 87.0,
    }
    for name, value in expected.items():
        assert row[name] == pytest.approx(value), name
    assert row["ts"] == TS and row["device"] == bee.device.id and row["source"] == Reading.SOURCE_HTTP
    device = Device.get_by_id(bee.device.id)
    assert (device.vendor, device.model, device.firmware) == ("BroodMinder", "42v1", "1.4.2")
    assert device.last_reading_ts == TS


def test_product_id_is_model_id(bee):
    assert bee.upload(device_id="aa:bb:cc", product_id="abc-1", timestamp=str(TS))[0] == 200
    assert Device.get_by_id(bee.device.id).model == "abc-1"


def test_missing_timestamp_means_now(bee):
    before = int(time.time())
    status, data, _ = bee.upload(device_id="aa:bb:cc", temperature="95")
    after = int(time.time())
    assert status == 200
    [row] = readings()
    assert before <= row["ts"] <= after and data["result"]["timestamp"] == str(row["ts"])


@pytest.mark.parametrize("text", ["nan", "NaN", "inf", "-inf", "1e3", "1_0", " 12 ", "12 ", ".5", "5.",
                                  "+5", "0x10", "١٢", "", "12,5"])
def test_strict_number_syntax(bee, text):
    status, data, _ = bee.upload(device_id="aa:bb:cc", humidity=text, battery="50")
    assert status == 400
    assert data["result"] == {"field": "humidity"} and "humidity" in data["description"]
    assert readings() == []


@pytest.mark.parametrize(("field", "value"), [
    ("temperature", "158.1"), ("temperature", "-40.1"), ("temperature_high", "200"),
    ("humidity", "100.1"), ("humidity_low", "-1"), ("weight", "-1"), ("weight", "662"),
    ("signal_wifi", "101"), ("signal_bluetooth", "-70"), ("battery", "100.5"),
    ("timestamp", "1420070399"), ("timestamp", "1700000000000"), ("device_id", "a b"),
    ("vendor_id", "x" * 65), ("firmware_id", "1.0/beta"),
])
def test_out_of_range_or_malformed_fields_refuse_the_whole_upload(bee, field, value):
    params = {"device_id": "aa:bb:cc", "temperature": "95", "weight": "100", field: value}
    status, data, _ = bee.upload(**params)
    assert status == 400 and data["result"] == {"field": field}, data
    assert field in data["description"]
    assert readings() == [] and Device.select().count() == 1


def test_ranges_are_named_in_the_clients_units(bee):
    assert "outside -40 .. 158 °F" in bee.upload(device_id="x", temperature="159")[1]["description"]
    assert "661.4 lb" in bee.upload(device_id="x", weight="700")[1]["description"]


def test_bounds_are_inclusive(bee):
    status, _, _ = bee.upload(device_id="aa:bb:cc", temperature="158", humidity="100", battery="0",
                              signal_wifi="100", weight="0", timestamp="1420070400")
    assert status == 200


def test_timestamp_after_now_plus_five_minutes_refused(bee):
    now = int(time.time())
    assert bee.upload(device_id="aa:bb:cc", temperature="95", timestamp=str(now + 600))[0] == 400
    assert bee.upload(device_id="aa:bb:cc", temperature="95", timestamp=str(now + 200))[0] == 200


def test_every_bad_field_is_named(bee):
    status, data, _ = bee.upload(device_id="aa:bb:cc", temperature="nan", battery="101")
    assert status == 400 and set(data["result"]["field"].split(",")) == {"temperature", "battery"}


def test_inconsistent_triple_refused(bee):
    status, data, _ = bee.upload(device_id="aa:bb:cc", temperature_high="90", temperature_low="95")
    assert status == 400 and "temperature_high" in data["result"]["field"]
    assert readings() == []


def test_missing_device_id(bee):
    status, data, _ = bee.upload(temperature="95")
    assert status == 400 and data["result"] == {"field": "device_id"}


def test_duplicated_field_refused(bee):
    status, _, data = bee.http.request(
        "GET", f"/api_v1/data_upload?license_key={bee.key}&device_id=aa:bb:cc&temperature=90&temperature=95")
    body = json.loads(data)
    assert status == 400 and body["result"] == {"field": "temperature"} and readings() == []


def test_unknown_parameters_are_ignored(bee):
    assert bee.upload(device_id="aa:bb:cc", temperature="95", sample="4711", battery_charge="3")[0] == 200


def test_celsius_and_kilograms_setting(bee):
    set_setting("beekeeping_temperature_unit", "C")
    set_setting("beekeeping_weight_unit", "kg")
    assert bee.upload(device_id="aa:bb:cc", temperature="35.5", weight="48.35", timestamp=str(TS))[0] == 200
    [row] = readings()
    assert row["temperature"] == 35.5 and row["weight"] == 48.35
    status, data, _ = bee.upload(device_id="aa:bb:cc", temperature="95")  # 95 °C: not a hive
    assert status == 400 and "outside -40 .. 70 °C" in data["description"]


def test_duplicates_are_idempotent_and_the_first_wins(bee):
    first = bee.upload(device_id="aa:bb:cc", temperature="95", timestamp=str(TS))
    again = bee.upload(device_id="aa:bb:cc", temperature="100", timestamp=str(TS))
    assert first[0] == again[0] == 200
    assert first[1]["result"]["duplicate"] == "0" and again[1]["result"]["duplicate"] == "1"
    [row] = readings()
    assert row["temperature"] == pytest.approx(35.0)


def test_event_published_for_new_readings_only(bee):
    seen = []
    unsubscribe = events.bus.subscribe(seen.append)
    try:
        bee.upload(device_id="aa:bb:cc", temperature="95", timestamp=str(TS))
        bee.upload(device_id="aa:bb:cc", temperature="95", timestamp=str(TS))
    finally:
        unsubscribe()
    stored = [event for event in seen if isinstance(event, events.ReadingStored)]
    assert len(stored) == 1 and stored[0].ts == TS and stored[0].device_uuid == bee.device.uuid


def test_post_form_and_json(bee):
    form = urllib.parse.urlencode({"license_key": bee.key, "device_id": "aa:bb:cc",
                                   "temperature": "95", "timestamp": str(TS)}).encode()
    status, data, _ = bee.call("data_upload", "POST", form, "application/x-www-form-urlencoded")
    assert status == 200, data
    body = json.dumps({"license_key": bee.key, "device_id": "aa:bb:cc", "temperature": 96.8,
                       "humidity": "60", "timestamp": TS + 300}).encode()
    status, data, _ = bee.call("data_upload", "POST", body, "application/json")
    assert status == 200, data
    assert [r["ts"] for r in readings()] == [TS, TS + 300]
    assert readings()[1]["temperature"] == pytest.approx(36.0)


@pytest.mark.parametrize(("body", "field"), [
    (b'{"device_id": "aa:bb:cc", "temperature": 1e3}', "temperature"),
    (b'{"device_id": "aa:bb:cc", "temperature": NaN}', "temperature"),
    (b'{"device_id": "aa:bb:cc", "temperature": true}', "temperature"),
    (b'{"device_id": "aa:bb:cc", "temperature": {"v": 1}}', "temperature"),
    (b'{"device_id": "aa:bb:cc", "battery": 5, "battery": 6}', "battery"),
    (b'[1, 2]', "body"),
    (b'{"device_id": ', "body"),
])
def test_post_json_is_as_strict_as_the_query(bee, body, field):
    status, data, _ = bee.call("data_upload", "POST", body, "application/json", license_key=bee.key)
    assert status == 400 and data["result"] == {"field": field} and readings() == []


def test_licence_key_given_in_query_and_body_is_a_duplicate(bee):
    form = urllib.parse.urlencode({"license_key": bee.key, "device_id": "aa:bb:cc"}).encode()
    status, data, _ = bee.call("data_upload", "POST", form, "application/x-www-form-urlencoded",
                               license_key=bee.key)
    assert status == 400 and data["result"] == {"field": "license_key"}


def test_trailing_slash_is_optional(bee):
    status, _, raw = bee.http.request(
        "GET", f"/api_v1/data_upload/?license_key={bee.key}&device_id=aa:bb:cc&temperature=95")
    assert status == 200 and json.loads(raw)["status_code"] == 1


def test_licence_errors(bee):
    assert bee.call("data_upload", device_id="aa:bb:cc")[0] == 401
    assert bee.call("data_upload", license_key="", device_id="aa:bb:cc")[0] == 401
    assert bee.call("data_upload", license_key="nope", device_id="aa:bb:cc")[0] == 403
    LicenseKey.update(enabled=False).execute()
    status, data, _ = bee.upload(device_id="aa:bb:cc", temperature="95")
    assert status == 403 and data["result"] is None
    assert bee.call("get_apiary_detail", uuid=bee.apiary.uuid)[0] == 401
    assert readings() == []


def test_unknown_path_and_wrong_method_answer_in_the_envelope(bee):
    status, _, raw = bee.http.request("GET", "/api_v1/nothing")
    assert status == 404 and set(json.loads(raw)) == ENVELOPE_KEYS
    status, _, raw = bee.http.request("PUT", "/api_v1/data_upload", data=b"")
    assert status == 405 and json.loads(raw)["code"] == 405


def test_apiary_detail(bee):
    status, data, _ = bee.call("get_apiary_detail", license_key=bee.key, uuid=bee.apiary.uuid)
    assert status == 200 and data["description"] == "Apiary queried OK"
    assert data["result"] == {
        "apiary_uuid": bee.apiary.uuid, "zipcode": "02653", "apiary_name": "Beachtree Apiary",
        "latitude": "41.79891900", "longitude": "-69.94039400", "country_code": "us",
        "is_read_public": "0", "privilege": "2",
    }


def test_hive_detail_follows_the_last_reading(bee):
    status, data, _ = bee.call("get_hive_detail", license_key=bee.key, uuid=bee.hive.uuid)
    assert status == 200 and data["result"]["data_last_received"] == ""
    bee.upload(device_id="aa:bb:cc", temperature="95", timestamp="1455157203")
    status, data, _ = bee.call("get_hive_detail", license_key=bee.key, uuid=bee.hive.uuid)
    assert data["description"] == "Hive queried OK"
    assert data["result"] == {
        "uuid": bee.hive.uuid, "name": "Hive 2 (quilt)", "data_last_received": "2016-02-11 02:20:03",
        "data_last_received_timestamp": "1455157203", "apiary_uuid": bee.apiary.uuid,
        "zipcode": "02653", "apiary_name": "Beachtree Apiary", "country_code": "us", "privilege": "2",
    }


def test_device_detail_in_utc(bee):
    bee.upload(device_id="aa:bb:cc", temperature="95", timestamp="1455157203")
    status, data, _ = bee.call("get_device_detail", license_key=bee.key, uuid=bee.device.uuid)
    assert status == 200 and data["description"] == "Device queried OK"
    result = data["result"]
    assert result.pop("created") == Device.get_by_id(bee.device.id).created.strftime("%Y-%m-%d %H:%M:%S")
    assert result == {
        "uuid": bee.device.uuid, "name": "Sensor 1", "vendor": "BroodMinder", "model": "1.0",
        "firmware": "", "api_id": "AA:BB:CC", "data_last_received": "2016-02-11 02:20:03",
        "data_last_received_timestamp": "1455157203", "hive_uuid": bee.hive.uuid,
        "hive_name": "Hive 2 (quilt)", "apiary_uuid": bee.apiary.uuid, "apiary_name": "Beachtree Apiary",
        "zipcode": "02653", "country_code": "us", "privilege": "2",
    }
    assert all(isinstance(value, str) for value in result.values())


def test_other_owners_private_objects_are_not_found_and_public_ones_are_read_only(bee):
    stranger_key = issue_license_key(create_user("stranger"))
    for action, uuid in (("get_apiary_detail", bee.apiary.uuid), ("get_hive_detail", bee.hive.uuid),
                         ("get_device_detail", bee.device.uuid)):
        assert bee.call(action, license_key=stranger_key, uuid=uuid)[0] == 404
    Apiary.update(is_read_public=True).execute()
    for action, uuid in (("get_apiary_detail", bee.apiary.uuid), ("get_hive_detail", bee.hive.uuid),
                         ("get_device_detail", bee.device.uuid)):
        status, data, _ = bee.call(action, license_key=stranger_key, uuid=uuid)
        assert status == 200 and data["result"]["privilege"] == "1"
    assert bee.call("get_apiary_detail", license_key=stranger_key, uuid=bee.apiary.uuid)[1][
        "result"]["is_read_public"] == "1"


def test_unassigned_devices_are_never_shown_to_other_licences(bee):
    Apiary.update(is_read_public=True).execute()
    bee.upload(device_id="new-sensor", temperature="95")
    device = Device.get(Device.api_id == "new-sensor")
    status, data, _ = bee.call("get_device_detail", license_key=bee.key, uuid=device.uuid)
    assert status == 200 and data["result"]["privilege"] == "2"
    assert data["result"]["hive_uuid"] == "" and data["result"]["apiary_uuid"] == ""
    stranger_key = issue_license_key(create_user("stranger"))
    assert bee.call("get_device_detail", license_key=stranger_key, uuid=device.uuid)[0] == 404


def test_a_mac_style_device_id_in_any_spelling_is_the_registered_device(bee):
    for ts, spelling in ((TS, "aa-bb-cc"), (TS + 1, "AA:BB:CC"), (TS + 2, "Aa:bB-cc")):
        status, data, _ = bee.upload(device_id=spelling, temperature="95", timestamp=str(ts))
        assert status == 200 and data["result"]["device_created"] == "0"
        assert (data["result"]["device_uuid"], data["result"]["api_id"]) == (bee.device.uuid, "AA:BB:CC")
    status, data, _ = bee.upload(device_id="aa-bb-cc", temperature="96", timestamp=str(TS))
    assert data["result"]["duplicate"] == "1"  # the same reading, whatever the spelling
    assert Device.select().count() == 1 and [r["device"] for r in readings()] == [bee.device.id] * 3
    status, data, _ = bee.upload(device_id="scale-A", temperature="95")
    assert data["result"]["api_id"] == "scale-A" and data["result"]["device_created"] == "1"
    status, data, _ = bee.upload(device_id="SCALE-a", temperature="95")  # not MAC-style: another id
    assert data["result"]["device_created"] == "1"


def test_uploads_go_to_the_licence_owners_own_device(bee):
    """The same api_id under another owner is another device; no one writes into others' hives."""
    stranger = create_user("stranger")
    status, data, _ = bee.call("data_upload", license_key=issue_license_key(stranger), device_id="aa:bb:cc",
                               temperature="95")
    assert status == 200 and data["result"]["device_uuid"] != bee.device.uuid
    assert Device.get(Device.uuid == data["result"]["device_uuid"]).owner_id == stranger.id


def test_unknown_and_missing_uuid(bee):
    status, data, _ = bee.call("get_hive_detail", license_key=bee.key, uuid="f" * 32)
    assert status == 404 and data["result"] is None
    status, data, _ = bee.call("get_device_detail", license_key=bee.key)
    assert status == 400 and data["result"] == {"field": "uuid"}


# --------------------------------------------------------------------------- rate limit


@pytest.fixture
def frozen_clock(monkeypatch):
    """The limiter's monotonic clock, moved only by the test (so no test depends on timing)."""
    now = [1000.0]
    monkeypatch.setattr(beekeeping_limits, "monotonic", lambda: now[0])
    return now


def lower(headers):
    """Header names are case-insensitive (Bottle sends ``X-Ratelimit-Limit``)."""
    return {key.lower(): value for key, value in headers.items()}


def test_rate_limit_sixth_request_in_a_second_refused_then_allowed(bee, frozen_clock):
    set_setting("beekeeping_rate_per_second", 5)
    path = f"/api_v1/data_upload?license_key={bee.key}&device_id=aa:bb:cc&temperature=95"
    remaining = []
    for _ in range(5):
        status, headers, _ = bee.http.request("GET", path, headers={"X-Forwarded-For": "6.6.6.6"})
        headers = lower(headers)
        assert status == 200
        assert headers["x-ratelimit-limit"] == "5"
        remaining.append(int(headers["x-ratelimit-remaining"]))
    assert remaining == [4, 3, 2, 1, 0]
    # A client-supplied X-Forwarded-For changes nothing, and the licence key is not even looked at.
    status, headers, raw = bee.http.request("GET", "/api_v1/data_upload?license_key=guess",
                                            headers={"X-Forwarded-For": "7.7.7.7"})
    body, headers = json.loads(raw), lower(headers)
    assert status == 429 and body["code"] == 429 and body["status_code"] == 0 and body["result"] is None
    assert set(body) == ENVELOPE_KEYS and "5 requests per second" in body["description"]
    assert headers["retry-after"] == "1" and headers["x-ratelimit-remaining"] == "0"
    assert int(headers["x-ratelimit-reset"]) >= int(time.time())
    frozen_clock[0] += 0.5
    assert bee.http.request("GET", path)[0] == 429
    frozen_clock[0] += 0.51
    status, headers, _ = bee.http.request("GET", path)
    assert status == 200 and lower(headers)["x-ratelimit-remaining"] == "4"  # all five aged out


def test_rate_limit_allowance_is_a_site_setting(bee, frozen_clock):
    set_setting("beekeeping_rate_per_second", 2)
    path = f"/api_v1/get_apiary_detail?license_key={bee.key}&uuid={bee.apiary.uuid}"
    assert [bee.http.request("GET", path)[0] for _ in range(3)] == [200, 200, 429]


def test_limiter_is_per_key_and_forgets_idle_clients(frozen_clock):
    limiter = beekeeping_limits.RateLimiter()
    assert [limiter.hit("a", 2).allowed for _ in range(3)] == [True, True, False]
    assert limiter.hit("b", 2).allowed
    for i in range(10_000):
        limiter.hit(f"10.0.{i // 256}.{i % 256}", 5)
    assert len(limiter) == 10_002
    frozen_clock[0] += 1.0
    limiter.hit("c", 5)
    assert len(limiter) == 1
    verdict = limiter.hit("a", 2)
    assert verdict.allowed and verdict.remaining == 1 and verdict.reset_after == pytest.approx(1.0)


def test_deactivated_owner_and_oversized_body(bee):
    from kegdash.accounts.models import User

    body = json.dumps({"device_id": "aa:bb:cc", "firmware_id": "x" * 70_000}).encode()
    status, data, _ = bee.call("data_upload", "POST", body, "application/json", license_key=bee.key)
    assert status == 413 and readings() == []
    User.update(is_active=False).execute()
    assert bee.upload(device_id="aa:bb:cc", temperature="95")[0] == 403


def test_per_ip_allowance_and_loopback_exemption(bee, frozen_clock):
    set_setting("beekeeping_rate_per_second", 2)
    path = f"/api_v1/get_apiary_detail?license_key={bee.key}&uuid={bee.apiary.uuid}"
    set_setting("beekeeping_rate_allowances", {"127.0.0.1": 4})
    assert [bee.http.request("GET", path)[0] for _ in range(5)] == [200] * 4 + [429]
    set_setting("beekeeping_rate_exempt_loopback", True)
    statuses = [bee.http.request("GET", path) for _ in range(10)]
    assert {status for status, _, _ in statuses} == {200}
    assert "x-ratelimit-limit" not in lower(statuses[0][1])


def test_forwarded_for_is_trusted_only_from_a_configured_proxy(bee, frozen_clock):
    set_setting("beekeeping_rate_per_second", 1)
    path = f"/api_v1/get_apiary_detail?license_key={bee.key}&uuid={bee.apiary.uuid}"
    spoof = {"X-Forwarded-For": "9.9.9.9"}
    assert [bee.http.request("GET", path, headers=spoof)[0] for _ in range(2)] == [200, 429]
    set_setting("beekeeping_trusted_proxies", ["127.0.0.1"])
    frozen_clock[0] += 1.1
    for client in ("9.9.9.9", "8.8.8.8"):  # behind the proxy each client has its own window
        assert bee.http.request("GET", path, headers={"X-Forwarded-For": f"1.1.1.1, {client}"})[0] == 200
    assert bee.http.request("GET", path, headers={"X-Forwarded-For": "9.9.9.9"})[0] == 429


@pytest.mark.parametrize(("key", "value"), [
    ("beekeeping_rate_allowances", {"not-an-ip": 5}),
    ("beekeeping_rate_allowances", {"10.0.0.1": 0}),
    ("beekeeping_trusted_proxies", ["proxy.example"]),
    ("beekeeping_rate_exempt_loopback", "yes"),
])
def test_bad_rate_settings_refused(database, key, value):
    with pytest.raises(ValueError, match=key):
        set_setting(key, value)


@pytest.mark.parametrize("action", ["data_upload", "get_device_detail"])
@pytest.mark.parametrize("query", ["license_key=%ff", "license_key={key}&uuid=%c3%28",
                                   "license_key={key}&%ff=1", "license_key={key}&device_id=aa%e2%82"])
def test_invalid_utf8_in_the_query_is_a_400_in_the_envelope(bee, action, query):
    """Before: Bottle's decode() raised and the answer was a 500."""
    path = f"/api_v1/{action}?" + query.format(key=bee.key)
    for method in ("GET", "POST"):
        status, _, raw = bee.http.request(method, path, b"temperature=90",
                                          {"Content-Type": "application/x-www-form-urlencoded"})
        data = json.loads(raw)
        assert status == 400 and set(data) == ENVELOPE_KEYS and data["code"] == 400, (method, raw)
        assert data["result"] == {"field": "query"}
    assert Reading.select().count() == 0


def test_invalid_utf8_in_a_form_body_is_a_400_too(bee):
    status, _, raw = bee.http.request("POST", f"/api_v1/data_upload?license_key={bee.key}",
                                      b"device_id=aa:bb:cc&temperature=90&name=%ff",
                                      {"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 400 and json.loads(raw)["code"] == 400
