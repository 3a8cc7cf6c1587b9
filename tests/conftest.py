"""Shared fixtures: a real SQLite file per test, a real API server on a loopback port."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
_HOME = tempfile.mkdtemp(prefix="kegdash-tests-")
os.environ["KEGDASH_CONFIG_DIR"] = os.path.join(_HOME, "config")
os.environ["KEGDASH_DATA_DIR"] = os.path.join(_HOME, "data")
for _var in ("KEGDASH_DATABASE", "KEGDASH_HOST", "KEGDASH_PORT", "KEGDASH_CONFIG"):
    os.environ.pop(_var, None)

import fcntl  # noqa: E402
import json  # noqa: E402
import shutil  # noqa: E402
import urllib.error  # noqa: E402
import urllib.request  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from contextlib import contextmanager  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from kegdash import db as kdb  # noqa: E402


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory) -> Path:
    """One database migrated by the real migrations, once per test process. Migrating takes
    0.3–0.5 s (a commit per step); copying the finished file takes milliseconds. The
    migrations themselves are tested on fresh files in tests/test_db.py."""
    path = tmp_path_factory.mktemp("template") / "kegdash.sqlite"
    db = kdb.open_database(f"sqlite:///{path}")
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")  # everything in the main file, to copy it
    db.close()
    return path


@pytest.fixture
def database(tmp_path, migrated_template) -> Iterator[str]:
    """A fresh, migrated SQLite database file (a copy of the template, opened as the app opens
    its own: pragmas set, pending migrations, of which there are none); yields its URL."""
    path = tmp_path / "kegdash.sqlite"
    shutil.copyfile(migrated_template, path)
    url = f"sqlite:///{path}"
    db = kdb.open_database(url)
    yield url
    db.close()


@pytest.fixture
def api_server(database):
    """The whole API on kegdash's server (runner.py), on 127.0.0.1 and a free port; stopped
    and checked afterwards."""
    from kegdash.server.app import build_app
    from kegdash.server.runner import ApiServer

    server = ApiServer(build_app(), "127.0.0.1", 0, threads=4)
    server.start()
    yield server
    server.stop()
    assert not server.running, "the API server thread outlived stop()"


class Http:
    """Tiny HTTP client over urllib: returns (status, headers, body bytes) and never raises."""

    def __init__(self, base: str) -> None:
        self.base = base

    def request(self, method: str, path: str, data: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status, dict(resp.headers), resp.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read()

    def json(self, method: str, path: str, **kwargs) -> tuple[int, object]:
        status, _, body = self.request(method, path, **kwargs)
        return status, json.loads(body)


@pytest.fixture
def http(api_server) -> Http:
    return Http(api_server.url)



_postgres_locked = False
"""Whether this worker holds the PostgreSQL lock (a module's fixture may, for all its tests)."""


@contextmanager
def _postgres_alone(tmp_path_factory) -> Iterator[None]:
    """The lock shared by the run's workers; within one that holds it already, nothing more
    (``flock`` would make a second descriptor of the same worker wait for the first)."""
    global _postgres_locked
    if _postgres_locked:
        yield
        return
    lock = tmp_path_factory.getbasetemp().parent / "postgres.lock"  # the run's, not the worker's
    with open(lock, "a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        _postgres_locked = True
        try:
            yield
        finally:
            _postgres_locked = False


def _sharing_postgres() -> bool:
    return bool(os.environ.get("KEGDASH_TEST_POSTGRES") and os.environ.get("PYTEST_XDIST_WORKER"))


@pytest.fixture(autouse=True)
def postgres_one_test_at_a_time(request, tmp_path_factory) -> Iterator[None]:
    """Under pytest-xdist (``make test``), a test that wipes the one database
    ``KEGDASH_TEST_POSTGRES`` names holds a lock shared by the workers for its whole run, so
    two workers never use that database at once. (xdist's ``--dist loadgroup`` would do this
    by module, but it marks groups through the node id, which pytest 9.2 no longer lets it
    set.)"""
    on_postgres = any("KEGDASH_TEST_POSTGRES" in str(mark.kwargs.get("reason", ""))
                      for mark in request.node.iter_markers("skipif"))
    if not (on_postgres and _sharing_postgres()):
        yield
        return
    with _postgres_alone(tmp_path_factory):
        yield


@pytest.fixture(scope="module")
def postgres_for_the_module(tmp_path_factory) -> Iterator[None]:
    """The same lock for a whole module, for module fixtures that keep processes on the
    PostgreSQL database from one test to the next."""
    if not _sharing_postgres():
        yield
        return
    with _postgres_alone(tmp_path_factory):
        yield
