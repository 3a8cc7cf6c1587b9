"""``/healthz`` and ``/metrics`` over real HTTP: health follows the database, metrics count what
the instance served and are shown only to the allowed networks."""

from __future__ import annotations

import json
import urllib.parse

import peewee
import pytest
from prometheus_client.parser import text_string_to_metric_families

from kegdash import db as kdb
from kegdash.accounts.keys import issue_api_key
from kegdash.accounts.users import create_user
from kegdash.apiary.registry import issue_license_key
from kegdash.bar.taps import add_tap, start_keg
from kegdash.site_settings import set_setting


def scrape(http) -> dict[tuple[str, tuple], float]:
    """(sample name, sorted labels) → value, from a real ``GET /metrics``."""
    status, headers, body = http.request("GET", "/metrics")
    assert status == 200, body
    assert headers["Content-Type"].startswith("text/plain; version=0.0.4")
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(body.decode())
            for sample in family.samples}


def test_healthz_is_ok_while_the_database_answers(http):
    status, headers, body = http.request("GET", "/healthz")
    assert (status, json.loads(body)) == (200, {"status": "ok"})
    assert headers["Content-Type"] == "application/json" and "X-RateLimit-Limit" not in headers


def test_healthz_is_503_when_the_database_is_unreachable(http, tmp_path):
    (tmp_path / "not-a-folder").write_text("")
    kdb.database.initialize(peewee.SqliteDatabase(str(tmp_path / "not-a-folder" / "x.sqlite")))
    status, _, body = http.request("GET", "/healthz")
    assert status == 503 and json.loads(body)["status"] == "unavailable"
    # /metrics needs no database: it still answers, by the settings' defaults (loopback)
    assert http.request("GET", "/metrics")[0] == 200


def test_healthz_is_not_rate_limited(http):
    set_setting("beekeeping_rate_per_second", 1)
    assert [http.request("GET", "/healthz")[0] for _ in range(5)] == [200] * 5


def test_metrics_count_requests_per_dialect_and_status_drinks_and_uploads(http):
    staff = create_user("barkeep", is_staff=True)
    key, licence = issue_api_key(staff), issue_license_key(staff)
    tap = add_tap("Main", "kegboard.flow0")
    start_keg(tap.id, "Pils", size="corny")
    before = scrape(http)

    assert http.request("GET", "/api/taps")[0] == 200
    assert http.request("GET", "/api/taps/999")[0] == 404
    assert http.request("POST", f"/api/taps/{tap.id}", data=b"ticks=100", headers={
        "X-Kegbot-Api-Key": key, "Content-Type": "application/x-www-form-urlencoded"})[0] == 200
    query = urllib.parse.urlencode({"license_key": licence, "device_id": "scale-1",
                                    "timestamp": 1_700_000_000, "weight": "88.2"})
    assert http.request("GET", f"/api_v1/data_upload?{query}")[0] == 200
    assert http.request("GET", f"/api_v1/data_upload?{query}")[0] == 200
    after = scrape(http)

    def grew(name: str, **labels: str) -> float:
        series = (name, tuple(sorted(labels.items())))
        return after.get(series, 0.0) - before.get(series, 0.0)

    requests = "kegdash_http_request_seconds_count"
    assert grew(requests, dialect="kegbot", status="200") == 2  # the tap list and the drink
    assert grew(requests, dialect="kegbot", status="404") == 1
    assert grew(requests, dialect="beekeeping", status="200") == 2
    assert grew("kegdash_http_request_seconds_bucket", dialect="kegbot", status="404", le="+Inf") == 1
    assert grew("kegdash_drinks_total") == 1 and grew("kegdash_drinks_volume_ml_total") > 0
    assert grew("kegdash_uploads_total", result="stored") == 1
    assert grew("kegdash_uploads_total", result="duplicate") == 1
    assert grew("kegdash_readings_stored_total") == 1
    assert ("kegdash_event_bus_lag_seconds_count", ()) in after


def test_metrics_only_for_the_allowed_networks_and_a_trusted_proxys_client(http):
    set_setting("metrics_allowed_networks", ["10.0.0.0/8"])
    status, _, body = http.request("GET", "/metrics")
    assert status == 403 and b"metrics_allowed_networks" in body
    # a client cannot claim an address: 127.0.0.1 is no trusted proxy yet
    assert http.request("GET", "/metrics", headers={"X-Forwarded-For": "10.1.2.3"})[0] == 403
    set_setting("beekeeping_trusted_proxies", ["127.0.0.1"])
    assert http.request("GET", "/metrics", headers={"X-Forwarded-For": "10.1.2.3"})[0] == 200
    assert http.request("GET", "/metrics", headers={"X-Forwarded-For": "10.1.2.3, 192.0.2.7"})[0] == 403
    set_setting("metrics_allowed_networks", [])
    assert http.request("GET", "/metrics", headers={"X-Forwarded-For": "10.1.2.3"})[0] == 403


@pytest.mark.parametrize("path", ["/healthz", "/metrics"])
def test_ops_paths_answer_get_only(http, path):
    assert http.request("POST", path, data=b"")[0] == 405


@pytest.mark.parametrize("value", [["10.0.0.1/8"], ["metrics.example"], "127.0.0.0/8", [8]])
def test_the_allowed_networks_must_be_networks(database, value):
    with pytest.raises(ValueError, match="metrics_allowed_networks"):
        set_setting("metrics_allowed_networks", value)
