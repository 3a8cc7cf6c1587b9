"""Every curl example of seeds 000/001, run with the real curl against the test server.

Hosts become the test server; ids in paths become the ids of this set-up (the seed's site had
2716 drinks). Protected examples carry a staff key, as the seed's access notes require.
"""

import json
import shutil
import subprocess

import pytest

from kegdash.accounts.keys import issue_api_key
from kegdash.accounts.users import create_user
from kegdash.bar.drinks import record_drink
from kegdash.bar.taps import add_auth_token, add_tap, add_thermo_sensor, start_keg

pytestmark = pytest.mark.skipif(shutil.which("curl") is None, reason="needs the curl program")


def curl(*args: str) -> tuple[int, dict]:
    done = subprocess.run(["curl", "-s", "-w", "\n%{http_code}", *args], capture_output=True,
                          text=True, timeout=20, check=True)
    body, _, status = done.stdout.rpartition("\n")
    return int(status), json.loads(body)


def test_seed_curl_examples(api_server, database):
    base = api_server.url
    key = issue_api_key(create_user("boss", is_staff=True))
    mikey = create_user("mikey")
    tap = add_tap("main tap", "kegboard.flow0", ml_per_tick=0.371118802)
    add_thermo_sensor("kegboard.thermo-1", tap.id)
    keg = start_keg(tap.id, "Racer 5", size="half-barrel")
    add_auth_token("rfid", "1234", mikey)
    add_auth_token("test", "testval", mikey)
    first = record_drink(tap.id, ticks=1321, user=mikey).drink
    auth = ["-H", f"X-Kegbot-Api-Key: {key}"]

    # seed 000, "Quick Examples"
    status, body = curl(f"{base}/api/taps")
    assert status == 200 and body["result"]["taps"][0]["tap"]["meter_name"] == "kegboard.flow0"
    status, body = curl(f"{base}/api/taps/kegboard.flow0", "-F", "ticks=100", *auth)
    assert status == 200 and body["result"]["drink"]["user_id"] is None
    assert body["result"]["drink"]["ticks"] == 100
    status, body = curl(f"{base}/api/taps/kegboard.flow0", "-F", "ticks=100", "-F",
                        "username=mikey", *auth)
    assert status == 200 and body["result"]["drink"]["user_id"] == "mikey"
    status, body = curl(f"{base}/api/auth-tokens/rfid.1234/?api_key={key}")
    assert status == 200 and body["result"]["token"]["id"] == "rfid|1234"
    # Without the key the protected examples are refused, as the seed's access notes say.
    status, body = curl(f"{base}/api/taps/kegboard.flow0", "-F", "ticks=100")
    assert status == 401 and body["error"]["code"] == "NoAuthTokenError"

    # seed 001, "API Endpoints"
    status, body = curl(f"{base}/api/drinks/?start=2000")
    assert status == 200 and body["result"]["paging"] == {"total": 3, "limit": 100, "pos": 3}
    status, body = curl(f"{base}/api/drinks/{first.id}/")
    assert status == 200 and body["result"]["drink"]["id"] == first.id
    assert body["result"]["user"]["username"] == "mikey"
    status, body = curl(f"{base}/api/taps/")
    assert status == 200 and len(body["result"]["taps"]) == 1
    status, body = curl(f"{base}/api/taps/kegboard.flow0/")
    assert status == 200 and body["result"]["keg"]["id"] == keg.id
    status, body = curl(f"{base}/api/kegs/")
    assert status == 200 and [k["id"] for k in body["result"]["kegs"]] == [keg.id]
    status, body = curl(f"{base}/api/kegs/{keg.id}/")
    assert status == 200 and len(body["result"]["drinks"]) == 3
    status, body = curl(f"{base}/api/kegs/{keg.id}/drinks/")
    assert status == 200 and len(body["result"]["drinks"]) == 3
    status, body = curl(f"{base}/api/kegs/{keg.id}/sessions/")
    assert status == 200 and len(body["result"]["sessions"]) == 1
    status, body = curl(f"{base}/api/users/mikey/")
    assert status == 200 and body["result"]["user"]["username"] == "mikey"
    status, body = curl(f"{base}/api/users/mikey/drinks/")
    assert status == 200 and len(body["result"]["drinks"]) == 2
    status, body = curl("-F", f"api_key={key}", f"{base}/api/auth-tokens/test.testval/")
    assert status == 200
    assert body["result"]["token"]["id"] == "test|testval"
    assert body["result"]["token"]["auth_device"] == "test"
    assert body["result"]["token"]["token_value"] == "testval"
    status, body = curl(f"{base}/api/thermo-sensor/kegboard.thermo-1/", "-F", "temp_c=3.5",
                        *auth)
    assert status == 200 and body["result"]["last_temp"] == 3.5
    status, body = curl(f"{base}/api/thermo-sensors/kegboard.thermo-1/")
    assert status == 200 and body["result"]["sensor"]["sensor_name"] == "kegboard.thermo-1"
    status, body = curl(f"{base}/api/tap/kegboard.flow0/", "-F", "ticks=10", "-F",
                        "spilled=true", *auth)
    assert status == 200
    assert body["result"]["keg"]["spilled_ml"] == pytest.approx(10 * 0.371118802)
