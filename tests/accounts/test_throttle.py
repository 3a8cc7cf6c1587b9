"""The one password throttle without HTTP (the servers' use of it is tested through HTTP in
tests/server): windows, names and addresses, bounded memory that keeps what is locked. The
clock is moved by replacing the module's ``time.monotonic``."""

from __future__ import annotations

import pytest

from kegdash import db as kdb
from kegdash.accounts import throttle
from kegdash.accounts.throttle import PasswordThrottle, TooManyAttempts


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(throttle.time, "monotonic", lambda: now[0])
    return now


def test_old_failures_are_forgotten_and_a_success_clears_its_name(clock):
    guard = PasswordThrottle(window_s=60, per_name=2, per_address=10)
    guard.failed("1.2.3.4", "Alice")
    guard.failed("5.6.7.8", "alice")
    assert guard.wait_seconds("9.9.9.9", "ALICE") == 61  # one count for every spelling
    clock[0] += 61
    assert guard.wait_seconds("9.9.9.9", "alice") == 0
    guard.failed("1.2.3.4", "alice")
    guard.failed("1.2.3.4", "alice")
    guard.succeeded("alice")
    assert guard.wait_seconds("1.2.3.4", "alice") == 0


def test_an_address_is_locked_whatever_name_it_tries_and_a_success_does_not_clear_it(clock):
    guard = PasswordThrottle(window_s=60, per_name=5, per_address=3)
    for name in ("a1", "a2", "a3"):
        guard.failed("1.2.3.4", name)
    guard.succeeded("a1")
    assert guard.wait_seconds("1.2.3.4", "someone-else") > 0
    assert guard.wait_seconds("1.2.3.4", None) > 0  # a client secret from there too
    assert guard.wait_seconds("4.3.2.1", "someone-else") == 0


def test_check_refuses_before_the_attempt_counts_failures_and_clears_on_success(clock):
    guard = PasswordThrottle(window_s=60, per_name=2, per_address=10)
    attempts = []

    def attempt(result):
        def run():
            attempts.append(result)
            return result
        return run

    assert guard.check("1.1.1.1", "bob", attempt(None)) is None
    assert guard.check("1.1.1.1", "bob", attempt("ok")) == "ok"  # clears bob's one failure
    guard.check("1.1.1.1", "bob", attempt(None))
    guard.check("1.1.1.1", "bob", attempt(None))
    with pytest.raises(TooManyAttempts) as locked:
        guard.check("1.1.1.1", "bob", attempt("ok"))
    assert locked.value.wait_seconds == 61 and attempts == [None, "ok", None, None]


def test_a_flood_of_junk_names_never_evicts_a_locked_name(clock):
    """10,000 failures for junk names from 1,000 addresses used to push the locked name out of
    the table, unlocking it; the table stays bounded and keeps every locked entry."""
    guard = PasswordThrottle(max_entries=1_000)
    for _ in range(throttle.MAX_PER_NAME):
        guard.failed("203.0.113.7", "alice")
    clock[0] += 1
    for i in range(10_000):
        guard.failed(f"198.51.{i % 1000 // 250}.{i % 250}", f"junk{i}")
        clock[0] += 0.01
    assert guard.wait_seconds("192.0.2.99", "alice") > 0
    assert len(guard.names.entries) <= 1_000 and len(guard.addresses.entries) <= 1_000


def test_a_table_full_of_locked_entries_fails_closed(clock):
    """Names it cannot hold share one overflow count: they lock together, never go uncounted."""
    guard = PasswordThrottle(per_name=2, per_address=1_000, max_entries=10)
    for i in range(10):
        guard.failed("203.0.113.1", f"locked{i}")
        guard.failed("203.0.113.1", f"locked{i}")
    assert guard.wait_seconds("203.0.113.2", "newcomer") == 0
    guard.failed("203.0.113.1", "guess1")
    guard.failed("203.0.113.1", "guess2")
    assert guard.wait_seconds("203.0.113.2", "newcomer") > 0
    assert all(guard.wait_seconds("203.0.113.2", f"locked{i}") > 0 for i in range(10))
    assert len(guard.names.entries) == 10


def test_counts_belong_to_the_open_database(clock, tmp_path):
    guard = PasswordThrottle(per_name=1)
    kdb.open_database(f"sqlite:///{tmp_path / 'one.sqlite'}").close()
    guard.failed("1.1.1.1", "alice")
    assert guard.wait_seconds("1.1.1.1", "alice") > 0
    kdb.open_database(f"sqlite:///{tmp_path / 'two.sqlite'}").close()
    assert guard.wait_seconds("1.1.1.1", "alice") == 0
