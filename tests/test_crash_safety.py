"""SIGKILL ``kegdash serve`` while clients post drinks and uploads; restart it; nothing acknowledged
is lost, the database is intact, and the restart needs no manual step (SQLite WAL recovers itself).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from kegdash.accounts.keys import issue_api_key
from kegdash.accounts.users import create_user
from kegdash.apiary.models import Device, Reading
from kegdash.apiary.registry import issue_license_key
from kegdash.bar import taps
from kegdash.bar.models import Drink, Keg
from kegdash.db import database as db_proxy
from kegdash.site_settings import set_setting

ACKS_BEFORE_KILL = 300
TS_BASE = 1_700_000_000


def start_server(url: str) -> tuple[subprocess.Popen, str, int]:
    """``python -m kegdash serve`` on a free port; returns the process, host and port."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "kegdash", "serve", "--port", "0", "--database", url],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    match = re.search(r"serving on (http://\S+)", line)
    if match is None:
        proc.kill()
        pytest.fail(f"kegdash serve did not start: {line!r} {proc.stderr.read()[-2000:]}")
    parts = urlsplit(match[1])
    return proc, parts.hostname, parts.port


def stop_server(proc: subprocess.Popen, signum: int) -> None:
    proc.send_signal(signum)
    proc.wait(timeout=30)
    proc.stdout.close()
    proc.stderr.close()


@pytest.fixture
def site(database) -> Iterator[dict[str, str]]:
    staff = create_user("crashstaff", is_staff=True)
    tap = taps.add_tap("Crash tap", "kegboard.flow0")
    taps.start_keg(tap.id, "Crash Lager", size="half-barrel")
    set_setting("beekeeping_rate_per_second", 10_000)
    yield {"url": database, "key": issue_api_key(staff), "license": issue_license_key(staff),
           "tap": str(tap.id)}


class Client(threading.Thread):
    """Posts drinks or uploads on one keep-alive connection until the server dies;
    remembers what the server acknowledged with a 200."""

    def __init__(self, site: dict[str, str], host: str, port: int, kind: str, n: int,
                 acked: list) -> None:
        super().__init__(daemon=True)
        self.site, self.host, self.port, self.kind, self.n = site, host, port, kind, n
        self.acked = acked

    def run(self) -> None:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=10)
        try:
            self._post(conn)
        finally:
            conn.close()

    def _post(self, conn: http.client.HTTPConnection) -> None:
        i = 0
        while True:
            i += 1
            try:
                if self.kind == "drink":
                    conn.request("POST", f"/api/taps/{self.site['tap']}", body=f"ticks={10 + i % 7}",
                                 headers={"Content-Type": "application/x-www-form-urlencoded",
                                          "X-Kegbot-Api-Key": self.site["key"]})
                else:
                    conn.request("GET", f"/api_v1/data_upload?license_key={self.site['license']}"
                                        f"&device_id=crash-{self.n}&timestamp={TS_BASE + i}"
                                        f"&temperature=93.5&humidity=60")
                response = conn.getresponse()
                body = response.read()
            except (OSError, http.client.HTTPException):
                return  # the server was killed
            if response.status == 200:
                data = json.loads(body)
                self.acked.append(data["result"]["drink"]["id"] if self.kind == "drink"
                                  else (f"crash-{self.n}", TS_BASE + i))


def run_clients(site: dict[str, str], host: str, port: int) -> tuple[list, list, list[Client]]:
    drinks: list[int] = []
    uploads: list[tuple[str, int]] = []
    clients = [Client(site, host, port, kind, n, drinks if kind == "drink" else uploads)
               for n, kind in enumerate(["drink", "drink", "drink", "upload", "upload"])]
    for client in clients:
        client.start()
    return drinks, uploads, clients


def test_sigkill_mid_stream_loses_nothing_acknowledged(site):
    proc, host, port = start_server(site["url"])
    drinks, uploads, clients = run_clients(site, host, port)
    deadline = time.monotonic() + 60
    while len(drinks) + len(uploads) < ACKS_BEFORE_KILL and time.monotonic() < deadline:
        time.sleep(0.01)
    stop_server(proc, signal.SIGKILL)  # mid-stream: every client has a request in flight
    for client in clients:
        client.join(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert drinks and uploads, "the clients got nothing acknowledged before the kill"

    # The same command again: no repair, no lock file to delete.
    proc, host, port = start_server(site["url"])
    try:
        conn = http.client.HTTPConnection(host, port, timeout=10)
        conn.request("POST", f"/api/taps/{site['tap']}", body="ticks=10", headers={
            "Content-Type": "application/x-www-form-urlencoded", "X-Kegbot-Api-Key": site["key"]})
        response = conn.getresponse()
        assert response.status == 200, response.read()
        drinks.append(json.loads(response.read())["result"]["drink"]["id"])
        conn.close()
    finally:
        stop_server(proc, signal.SIGTERM)

    db_proxy.close()  # read what the restarted server left, through a fresh connection
    db_proxy.connect()
    assert db_proxy.execute_sql("PRAGMA integrity_check").fetchall() == [("ok",)]
    stored = {d.id for d in Drink.select(Drink.id)}
    assert set(drinks) <= stored, f"acknowledged drinks missing: {sorted(set(drinks) - stored)[:10]}"
    rows = {(api_id, ts) for api_id, ts in
            Reading.select(Device.api_id, Reading.ts).join(Device).tuples()}
    assert set(uploads) <= rows, f"acknowledged uploads missing: {sorted(set(uploads) - rows)[:10]}"
    for keg in Keg.select():
        poured = sum(d.volume_ml for d in Drink.select().where((Drink.keg == keg.id) & Drink.is_valid))
        assert keg.served_ml == pytest.approx(poured, rel=1e-9)
    assert os.path.exists(site["url"].removeprefix("sqlite:///"))
