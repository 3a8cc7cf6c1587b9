"""PostgreSQL, the other database kegdash runs on: the migrations, and the APIs' hot paths over
real HTTP (their SQL is prepared once per database, so it must be right for this dialect too).

Needs an empty database the tests may wipe, named by ``KEGDASH_TEST_POSTGRES`` (``.ci/run``
starts one); without it these tests are skipped.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
import time
import urllib.parse

import pytest
from playhouse.reflection import Introspector
from polling import wait_for
from postgres_db import needs_postgres, opened

from kegdash import db as kdb
from kegdash.accounts.keys import issue_api_key
from kegdash.accounts.users import create_user
from kegdash.apiary.models import Reading
from kegdash.apiary.registry import issue_license_key
from kegdash.bar.drinks import record_drink
from kegdash.bar.models import Drink, DrinkingSession, Keg
from kegdash.bar.taps import add_tap, start_keg
from kegdash.hw import hv1
from kegdash.hw.hive_reader import HiveGatewayProtocol
from kegdash.hw.serial_link import SerialLink
from kegdash.hw.simulators import Pty
from kegdash.schema import ALL_MODELS
from kegdash.site_settings import set_setting

pytestmark = needs_postgres


@pytest.fixture
def database():
    """In place of conftest's SQLite file (so ``http`` serves from PostgreSQL)."""
    with opened() as db:
        yield db


def test_migrations_make_exactly_the_models(database):
    postgres = kdb.database.obj
    assert isinstance(postgres, kdb.peewee.PostgresqlDatabase)
    introspected = Introspector.from_database(postgres).introspect()
    for model in ALL_MODELS:
        table = model._meta.table_name
        expected = {field.column_name for field in model._meta.sorted_fields}
        assert set(introspected.columns[table]) == expected, table
    assert kdb.migrate(postgres) == []
    types = dict(postgres.execute_sql(
        "SELECT table_name || '.' || column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'public' AND data_type IN ('real', 'double precision')").fetchall())
    assert types["keg.served_ml"] == types["drink.volume_ml"] == types["recipe.og"] == "double precision"
    assert types["reading.weight"] == "real"  # readings keep 4 bytes: sensors give fewer digits


def test_pours_uploads_and_tap_list_over_http(database, http):
    staff = create_user("barkeep", is_staff=True)
    key, licence = issue_api_key(staff), issue_license_key(staff)
    tap = add_tap("Main", "kegboard.flow0")
    start_keg(tap.id, "Pils", size="corny")
    set_setting("beekeeping_rate_exempt_loopback", True)
    failures = []

    def pour() -> None:
        for _ in range(20):
            status, _, body = http.request(
                "POST", f"/api/taps/{tap.id}", data=b"ticks=100",
                headers={"X-Kegbot-Api-Key": key,
                         "Content-Type": "application/x-www-form-urlencoded"})
            if status != 200:
                failures.append(body)

    threads = [threading.Thread(target=pour) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    (keg,) = Keg.select()
    served = keg.served_ml
    drinks = [d.volume_ml for d in Drink.select()]
    assert len(drinks) == 80 and served == pytest.approx(sum(drinks))
    assert sum(s.volume_ml for s in DrinkingSession.select()) == pytest.approx(sum(drinks))

    status, body = http.json("GET", "/api/taps")
    assert status == 200
    assert body["result"]["taps"][0]["keg"]["served_ml"] == pytest.approx(served)

    query = urllib.parse.urlencode({"license_key": licence, "device_id": "scale-1",
                                    "timestamp": 1_700_000_000, "weight": "88.2"})
    answers = [http.json("GET", f"/api_v1/data_upload?{query}") for _ in range(2)]
    assert [(status, body["result"]["duplicate"]) for status, body in answers] == [
        (200, "0"), (200, "1")]
    (reading,) = Reading.select()
    assert reading.weight == pytest.approx(88.2 * 0.45359237)

    status, _, body = http.request("POST", f"/api/taps/{tap.id}", data=b"ticks=10",
                                   headers={"X-Kegbot-Api-Key": "not-a-key"})
    assert status == 401 and json.loads(body)["error"]["code"] == "BadAuthTokenError"


def test_pours_on_many_taps_at_once_share_one_session(database):
    """Each pour reads "is a session open?" then writes; without a lock, pours on different kegs
    (no row in common) each started a session of their own. Every round pours a day after the
    last, so every round has to start a session."""
    taps = [add_tap(f"Tap {n}", f"kegboard.flow{n}") for n in range(8)]
    for tap in taps:
        start_keg(tap.id, f"Beer {tap.id}", size="corny")
    errors = []

    def pour(tap_id: int, barrier: threading.Barrier, when: dt.datetime) -> None:
        try:
            barrier.wait()
            record_drink(tap_id, ticks=10, pour_time=when)
        except Exception as exc:
            errors.append(exc)
        finally:
            kdb.database.close()

    rounds = [dt.datetime(2026, 11, day, 20, 0) for day in range(1, 9)]
    for when in rounds:
        barrier = threading.Barrier(len(taps))
        threads = [threading.Thread(target=pour, args=(tap.id, barrier, when)) for tap in taps]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
    sessions = list(DrinkingSession.select().order_by(DrinkingSession.start))
    assert [s.start for s in sessions] == rounds
    for session in sessions:
        drinks = Drink.select().where(Drink.session == session.id)
        assert drinks.count() == len(taps)
        assert session.volume_ml == pytest.approx(sum(d.volume_ml for d in drinks))


def test_a_serial_reader_gives_its_connection_back_when_it_stops(database, tmp_path):
    """Reader threads come and go (hot-plug); each must not keep a pooled connection for good."""
    create_user("beeman")
    set_setting("operator", "beeman")  # the reader files readings under the window's operator
    pool = kdb.database.obj

    def server_connections() -> int:
        return pool.execute_sql("SELECT count(*) FROM pg_stat_activity "
                                "WHERE datname = current_database()").fetchone()[0]

    before = server_connections()
    pty = Pty(tmp_path / "hive0")
    link = SerialLink(pty.device, HiveGatewayProtocol())
    link.start()
    try:
        line = hv1.encode_line({"device_id": "aa:bb:01", "timestamp": int(time.time()),
                                "temperature": 34.6})
        assert wait_for(lambda: link.status.state == "connected")
        pty.write(line.encode())
        assert wait_for(lambda: Reading.select().where(Reading.device.is_null(False)).count() == 1)
    finally:
        link.stop()
        pty.close()
    assert not link.running
    # Connections other threads gave back close on the server a moment later.
    assert wait_for(lambda: pool.close_idle() or server_connections() == before)


def test_kegdash_connections_run_without_jit_unless_the_url_says(database):
    """JIT compiling cost more than running kegdash's short queries (a device's year of readings:
    114 ms of JIT for ~60 ms of work); a URL's own ``options`` wins."""
    assert kdb.database.execute_sql("SHOW jit").fetchone()[0] == "off"
    url = os.environ["KEGDASH_TEST_POSTGRES"]
    own = kdb.make_database(url + ("&" if "?" in url else "?") + "options=-c%20jit%3Don")
    own.connect()
    try:
        assert own.execute_sql("SHOW jit").fetchone()[0] == "on"
    finally:
        own.close_all()  # a pool: close() would only put the connection back
