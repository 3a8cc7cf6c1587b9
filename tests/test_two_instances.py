"""Two ``kegdash serve`` processes on one PostgreSQL database behave as one kegdash (issue 22):
a pour read by one shows on the other's tap list, a setting changed by ``kegdash admin`` applies
on both at once, the Beekeeping rate limit and the password throttle count over both, and
killing one under load loses nothing it acknowledged while the other keeps serving.

Both instances are started once for the module. They keep site settings cached for an hour,
so a changed setting can reach them only through the event relay (``pg_bus``), never through
an expired cache.
"""

from __future__ import annotations

import base64
import http.client
import json
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import Http
from polling import wait_for
from postgres_db import URL, emptied, needs_postgres

from kegdash import db as kdb
from kegdash import events, pg_bus
from kegdash.accounts.keys import create_client, issue_api_key
from kegdash.accounts.users import create_user
from kegdash.apiary.models import Device, Reading
from kegdash.apiary.registry import issue_license_key
from kegdash.bar import taps
from kegdash.bar.models import Drink, Keg
from kegdash.hw import kbsp
from kegdash.hw.simulators import Pty
from kegdash.site_settings import set_setting

pytestmark = needs_postgres

SETTINGS_CACHED_FOR_AN_HOUR = (
    "import sys\n"
    "from kegdash import cli, site_settings\n"
    "site_settings.CACHE_SECONDS = 3600.0\n"
    "sys.exit(cli.main())\n")
"""``kegdash`` whose site settings stay cached for an hour unless an event drops them."""
PROXIED_CLIENT = "203.0.113.7"
"""A client behind the trusted proxy (the test, on loopback), as nginx would forward it."""
ONEWIRE = bytes.fromhex("01a2b3c4d5e6f708")
"""An iButton: the pour it is on ends the moment it is taken away (no 10 s idle wait)."""
VISIBLE_WITHIN_S = 1.5
"""Issue 22: a pour read by one instance shows on another's tap list within this time."""


@dataclass
class Instance:
    process: subprocess.Popen
    log: Path
    url: str = ""

    @property
    def http(self) -> Http:
        return Http(self.url)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self, signum: int = signal.SIGTERM) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signum)
        code = self.process.wait(timeout=30)
        self.process.stdout.close()
        return code


def launch(log: Path, *args: str, cache_for_an_hour: bool = False) -> Instance:
    """``kegdash serve`` on a free port of 127.0.0.1, its log in ``log``; not yet waited for."""
    program = ["-c", SETTINGS_CACHED_FOR_AN_HOUR] if cache_for_an_hour else ["-m", "kegdash"]
    with open(log, "w") as err:
        process = subprocess.Popen(
            [sys.executable, *program, "serve", "--port", "0", "--database", URL, *args],
            stdout=subprocess.PIPE, stderr=err, text=True)
    return Instance(process, log)


def serving(instance: Instance) -> Instance:
    """``instance`` once it said where it serves."""
    line = instance.process.stdout.readline()
    if "serving on " not in line:
        instance.stop(signal.SIGKILL)
        pytest.fail(f"kegdash serve did not start: {line!r}\n{instance.log_text()[-3000:]}")
    instance.url = line.split("serving on ", 1)[1].split()[0]
    return instance


def relays_events(instance: Instance) -> bool:
    """Whether ``instance`` has received an event from another instance (its /metrics says so)."""
    status, _, body = instance.http.request("GET", "/metrics")
    return status == 200 and b'kegdash_events_relayed_total{direction="in"}' in body


def notify_from_here(event: events.Event) -> None:
    """Send ``event`` to the instances as one more instance would (the relay's own format)."""
    kdb.database.execute_sql("SELECT pg_notify(%s, %s)",
                             (pg_bus.CHANNEL, pg_bus.encode(event, "tests", time.time())))


@pytest.fixture(scope="module")
def site(postgres_for_the_module) -> Iterator[dict[str, object]]:
    """The emptied test database with a Kegboard's tap, a tap for the API, a staff key, a
    licence key, a Tapline client and two users; the test proxies' settings."""
    kdb.open_database(emptied())
    staff = create_user("barstaff", is_staff=True)
    for name in ("alice", "bob"):
        create_user(name, password=f"{name}-secret-1")
    kegboard_tap = taps.add_tap("Kegboard tap", "kegboard.flow0", ml_per_tick=0.5)
    api_tap = taps.add_tap("API tap", "kegboard.flow1")
    client, secret = create_client("Brew app")
    set_setting("beekeeping_trusted_proxies", ["127.0.0.1"])
    set_setting("beekeeping_rate_exempt_loopback", True)  # the load test's direct uploads
    yield {
        "kegboard_keg": taps.start_keg(kegboard_tap.id, "Racer 5", size="corny").id,
        "api_tap": api_tap.id, "api_keg": taps.start_keg(api_tap.id, "Pils", size="corny").id,
        "api_key": issue_api_key(staff), "licence": issue_license_key(staff),
        "client": {"clientId": client.public_id, "clientSecret": secret},
    }
    kdb.close_database()
    kdb.database.initialize(None)


@pytest.fixture(scope="module")
def kegboard(tmp_path_factory) -> Iterator[Pty]:
    pty = Pty(tmp_path_factory.mktemp("kegboard") / "ttyACM0")
    yield pty
    pty.close()


@pytest.fixture(scope="module")
def a_and_b(site, kegboard, tmp_path_factory) -> Iterator[tuple[Instance, Instance]]:
    """Instance A reading the Kegboard, instance B; both relaying events and settled."""
    logs = tmp_path_factory.mktemp("instances")
    a = launch(logs / "a.log", "--kegboard", kegboard.device, cache_for_an_hour=True)
    b = launch(logs / "b.log", cache_for_an_hour=True)
    try:
        serving(a), serving(b)
        # Both listen once an event sent after their start reaches them.
        assert wait_for(lambda: notify_from_here(events.SettingChanged(key="operator"))
                        or all(relays_events(one) for one in (a, b)), timeout=30)
        assert wait_for(lambda: "connected (kegboard)" in a.log_text(), timeout=30)
        yield a, b
    finally:
        codes = [one.stop() for one in (a, b)]
    for one, code in zip((a, b), codes, strict=True):
        assert code == 0 and "Traceback" not in one.log_text(), one.log_text()[-3000:]


def send(pty: Pty, *messages: object) -> None:
    for message in messages:
        pty.write(kbsp.encode(message))


def tap_card(instance: Instance, name: str) -> dict:
    status, body = instance.http.json("GET", "/taps/state")
    assert status == 200, body
    (card,) = [card for card in body["taps"] if card["name"] == name]
    return card


def test_a_pour_read_by_a_shows_on_b_within_the_bound_and_its_drink_after(site, a_and_b, kegboard):
    a, b = a_and_b
    send(kegboard, kbsp.MeterStatus("flow0", 1000),  # the board's first reading: a baseline
         kbsp.AuthToken("core.onewire", ONEWIRE, 1))
    sent = time.monotonic()
    send(kegboard, kbsp.MeterStatus("flow0", 1100))  # 100 ticks: 50 ml
    assert wait_for(lambda: tap_card(b, "Kegboard tap")["pouring"], timeout=VISIBLE_WITHIN_S), (
        f"not on B's tap list {time.monotonic() - sent:.2f} s after the pour began on A")

    send(kegboard, kbsp.AuthToken("core.onewire", ONEWIRE, 0))  # taken away: the pour ends
    drinks = f"/api/kegs/{site['kegboard_keg']}/drinks"
    assert wait_for(lambda: b.http.json("GET", drinks)[1]["result"]["drinks"])
    (drink,) = b.http.json("GET", drinks)[1]["result"]["drinks"]
    assert drink["volume_ml"] == 50.0 and drink["ticks"] == 100
    assert wait_for(lambda: tap_card(b, "Kegboard tap")["pour"].startswith("Last pour "))
    assert not tap_card(b, "Kegboard tap")["pouring"]


def units_on(instance: Instance) -> str:
    """The display units ``instance``'s tap list uses, from a keg's level ("18.9 L left")."""
    level = tap_card(instance, "API tap")["level"]
    return {"L": "metric", "gal": "us"}[level.split()[-2]]


def test_a_setting_changed_by_kegdash_admin_applies_on_both_at_once(a_and_b):
    a, b = a_and_b
    assert units_on(a) == units_on(b) == "metric"  # read, and so cached for an hour, by both
    done = subprocess.run([sys.executable, "-m", "kegdash", "admin", "setting", "display_units", "us",
                           "--database", URL], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert wait_for(lambda: units_on(a) == units_on(b) == "us")


def upload_query(licence: str, device: str, ts: int) -> str:
    return "/api_v1/data_upload?" + urllib.parse.urlencode(
        {"license_key": licence, "device_id": device, "timestamp": ts, "temperature": "93.5"})


def test_ten_uploads_from_one_address_over_a_and_b_get_five_through(site, a_and_b):
    """Five a second per address (the default ``beekeeping_rate_per_second``), counted in the
    database: apart, each instance would let five through."""
    connections = [http.client.HTTPConnection(urllib.parse.urlsplit(one.url).netloc, timeout=10)
                   for one in a_and_b for _ in range(5)]
    for conn in connections:
        conn.connect()
    start = threading.Barrier(len(connections))
    ts = int(time.time()) - 60

    def upload(n: int) -> int:
        conn = connections[n]
        start.wait()
        conn.request("GET", upload_query(site["licence"], f"rate-{n}", ts),
                     headers={"X-Forwarded-For": PROXIED_CLIENT})
        response = conn.getresponse()
        response.read()
        conn.close()
        return response.status

    began = time.monotonic()
    with ThreadPoolExecutor(len(connections)) as pool:
        statuses = sorted(pool.map(upload, range(len(connections))))
    spread = time.monotonic() - began
    assert statuses == [200] * 5 + [429] * 5, f"{statuses} in {spread:.2f} s"
    stored = Reading.select().join(Device).where(Device.api_id.startswith("rate-")).count()
    assert stored == 5


def test_password_failures_on_a_and_b_lock_the_name_on_both(site, a_and_b):
    """Five failures per name (``accounts.throttle``): three on A and two on B lock it."""
    a, b = a_and_b
    query = "/v1/authorizations?" + urllib.parse.urlencode(site["client"])

    def log_in(instance: Instance, name: str, password: str) -> int:
        basic = base64.b64encode(f"{name}:{password}".encode()).decode()
        return instance.http.request("GET", query, headers={"Authorization": f"Basic {basic}"})[0]

    assert [log_in(one, "alice", "wrong") for one in (a, b, a, b, a)] == [401] * 5
    assert [log_in(one, "alice", "alice-secret-1") for one in (a, b)] == [429, 429]
    assert [log_in(one, "bob", "bob-secret-1") for one in (a, b)] == [200, 200]


class Poster(threading.Thread):
    """Posts drinks or uploads to one instance on a keep-alive connection until told to stop
    or the instance is gone; keeps what was acknowledged, and any other answer."""

    def __init__(self, instance: Instance, kind: str, n: int, site: dict, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.instance, self.kind, self.device, self.site, self.stop = (
            instance, kind, f"load-{n}", site, stop)
        self.acked: list = []
        self.refused: list[tuple[int, bytes]] = []
        self.broken: BaseException | None = None

    def run(self) -> None:
        conn = http.client.HTTPConnection(urllib.parse.urlsplit(self.instance.url).netloc, timeout=10)
        ts = int(time.time()) - 86_400
        try:
            while not self.stop.is_set():
                ts += 1
                self._post(conn, ts)
        except (OSError, http.client.HTTPException) as exc:
            self.broken = exc
        finally:
            conn.close()

    def _post(self, conn: http.client.HTTPConnection, ts: int) -> None:
        if self.kind == "drink":
            conn.request("POST", f"/api/taps/{self.site['api_tap']}", body="ticks=10", headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "X-Kegbot-Api-Key": self.site["api_key"]})
        else:
            conn.request("GET", upload_query(self.site["licence"], self.device, ts))
        response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            self.refused.append((response.status, body[:300]))
        elif self.kind == "drink":
            self.acked.append(json.loads(body)["result"]["drink"]["id"])
        else:
            self.acked.append((self.device, ts))


KINDS = ("drink", "drink", "upload")


def test_sigkill_of_one_under_load_loses_nothing_acknowledged_and_the_other_serves_on(
        site, a_and_b, tmp_path):
    """A third instance is the one killed, so the module's two stay for the other tests."""
    _, b = a_and_b
    victim = serving(launch(tmp_path / "victim.log"))
    stop = threading.Event()
    on_victim = [Poster(victim, kind, n, site, stop) for n, kind in enumerate(KINDS)]
    on_b = [Poster(b, kind, len(KINDS) + n, site, stop) for n, kind in enumerate(KINDS)]
    for poster in on_victim + on_b:
        poster.start()

    def acked(posters: list[Poster]) -> int:
        return sum(len(poster.acked) for poster in posters)

    try:
        under_load = wait_for(lambda: acked(on_victim) >= 60, timeout=60)
    finally:
        killed = victim.stop(signal.SIGKILL)  # mid-stream: each poster has a request in flight
    assert under_load and killed == -signal.SIGKILL, victim.log_text()[-3000:]
    b_before = acked(on_b)
    try:
        assert wait_for(lambda: acked(on_b) >= b_before + 60, timeout=60), "B stopped acknowledging"
    finally:
        stop.set()
        for poster in on_victim + on_b:
            poster.join(timeout=30)
    assert [poster.refused for poster in on_victim] == [[]] * len(on_victim)
    assert all(poster.broken is not None for poster in on_victim), "the victim still answered"
    assert [(poster.broken, poster.refused) for poster in on_b] == [(None, [])] * len(on_b)
    assert b.http.request("GET", "/healthz")[0] == 200

    everyone = on_victim + on_b
    drinks = {ack for poster in everyone if poster.kind == "drink" for ack in poster.acked}
    uploads = {ack for poster in everyone if poster.kind == "upload" for ack in poster.acked}
    stored_drinks = {drink.id for drink in Drink.select(Drink.id)}
    assert drinks <= stored_drinks, f"acknowledged drinks missing: {sorted(drinks - stored_drinks)[:10]}"
    stored_uploads = set(Reading.select(Device.api_id, Reading.ts).join(Device)
                         .where(Device.api_id.startswith("load-")).tuples())
    assert uploads <= stored_uploads, f"acknowledged uploads missing: {sorted(uploads - stored_uploads)[:10]}"
    keg = Keg.get_by_id(site["api_keg"])
    poured = sum(d.volume_ml for d in Drink.select().where((Drink.keg == keg.id) & Drink.is_valid))
    assert keg.served_ml == pytest.approx(poured, rel=1e-9)
