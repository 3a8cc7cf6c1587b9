"""Limits that hold across instances on one PostgreSQL database (``shared_windows``): the
Beekeeping rate limit and the password throttle count in the database, not per process."""

from __future__ import annotations

import threading
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import pytest
from postgres_db import needs_postgres, opened

from kegdash import db as kdb
from kegdash import shared_windows
from kegdash.accounts.throttle import PasswordThrottle
from kegdash.accounts.users import create_user
from kegdash.apiary.registry import issue_license_key
from kegdash.server.app import build_app
from kegdash.server.runner import ApiServer

pytestmark = needs_postgres


@pytest.fixture
def database():
    with opened() as db:
        yield db


@pytest.fixture
def two_instances(database):
    """Two API servers with their own apps (own rate limiters), as two processes would have."""
    servers = [ApiServer(build_app(), "127.0.0.1", 0, threads=4) for _ in range(2)]
    for server in servers:
        server.start()
    yield servers
    for server in servers:
        server.stop()


def test_ten_uploads_from_one_address_over_two_instances_get_five_through(two_instances):
    from conftest import Http

    licence = issue_license_key(create_user("beeman"))
    clients = [Http(server.url) for server in two_instances]

    def upload(n: int) -> int:
        query = urllib.parse.urlencode({"license_key": licence, "device_id": "scale-1",
                                        "timestamp": 1_700_000_000 + n, "weight": "40"})
        return clients[n % 2].request("GET", f"/api_v1/data_upload?{query}")[0]

    with ThreadPoolExecutor(10) as pool:
        statuses = list(pool.map(upload, range(10)))
    assert set(statuses) <= {200, 429}
    assert 1 <= statuses.count(200) <= 5, statuses


def test_one_window_admits_its_limit_however_many_threads_race_for_it(database):
    barrier = threading.Barrier(12)

    def hit(_: int) -> bool:
        barrier.wait()
        try:
            return shared_windows.hit("race", 5, 60.0).allowed
        finally:
            kdb.release_connection()

    with ThreadPoolExecutor(12) as pool:
        assert sum(pool.map(hit, range(12))) == 5
    window = shared_windows.peek("race", 60.0)
    assert len(window.times) == 5 and window.wait(5, 60.0) > 59


def test_password_failures_on_one_instance_lock_the_name_on_the_other(database):
    on_a, on_b = PasswordThrottle(per_name=3, per_address=100), PasswordThrottle(per_name=3, per_address=100)
    for address in ("192.0.2.1", "192.0.2.2", "192.0.2.3"):
        on_a.failed(address, "Alice")
    assert on_b.wait_seconds("198.51.100.9", "alice") > 14 * 60  # one count per name, any spelling
    assert on_b.wait_seconds("198.51.100.9", "bob") == 0
    on_b.succeeded("alice")
    assert on_a.wait_seconds("192.0.2.1", "Alice") == 0


def test_an_address_failing_on_both_instances_is_counted_once(database):
    on_a, on_b = PasswordThrottle(per_name=100, per_address=4), PasswordThrottle(per_name=100, per_address=4)
    for n in range(4):
        (on_a if n % 2 else on_b).failed("192.0.2.1", f"user{n}")
    assert on_a.wait_seconds("192.0.2.1", None) > 0 and on_b.wait_seconds("192.0.2.1", "x") > 0
    on_b.succeeded("user1")  # a success clears the name, never the address
    assert on_a.wait_seconds("192.0.2.1", None) > 0
