"""Server-side web sessions without HTTP: deadlines, the throttled ``last_seen`` write, purging,
the per-user cap and the migration that adds the table. The clock is moved by replacing the
module's ``utcnow``."""

from __future__ import annotations

import datetime as dt

import pytest
from old_schema import migrated_up_to, old_user
from playhouse.migrations import Runner

from kegdash import db as kdb
from kegdash.accounts import web_sessions
from kegdash.accounts.models import User, WebSession
from kegdash.accounts.users import create_user
from kegdash.db import utcnow


@pytest.fixture
def clock(monkeypatch):
    now = [utcnow()]
    monkeypatch.setattr(web_sessions, "utcnow", lambda: now[0])
    return now


@pytest.fixture
def alice(database):
    return create_user("alice", password="alice-pw-1")


def test_a_session_lives_while_used_and_ends_when_idle(alice, clock):
    sid = web_sessions.open_session(alice)
    start = clock[0]
    assert WebSession.get().expires == start + web_sessions.IDLE
    clock[0] += web_sessions.TOUCH_EVERY / 2
    assert web_sessions.session_user(sid) == alice
    assert WebSession.get().last_seen == start  # no write for a read soon after the last one
    clock[0] += web_sessions.TOUCH_EVERY
    assert web_sessions.session_user(sid) == alice
    row = WebSession.get()
    assert row.last_seen == clock[0] and row.expires == clock[0] + web_sessions.IDLE
    clock[0] += web_sessions.IDLE
    assert web_sessions.session_user(sid) is None
    assert WebSession.select().count() == 0


def test_use_never_extends_a_session_past_its_lifetime(alice, clock):
    sid = web_sessions.open_session(alice)
    end = clock[0] + web_sessions.LIFETIME
    while clock[0] + web_sessions.IDLE / 2 < end:
        clock[0] += web_sessions.IDLE / 2
        assert web_sessions.session_user(sid) == alice
    assert WebSession.get().expires == end
    clock[0] = end
    assert web_sessions.session_user(sid) is None


def test_only_a_digest_is_stored_and_ending_needs_the_id(alice):
    sid = web_sessions.open_session(alice)
    assert web_sessions.well_formed(sid)
    assert WebSession.get().key_hash != sid and sid not in WebSession.get().key_hash
    web_sessions.end_session(WebSession.get().key_hash)  # the digest is not a session id
    assert web_sessions.session_user(sid) == alice
    web_sessions.end_session(sid)
    assert web_sessions.session_user(sid) is None


def test_a_login_purges_expired_sessions_and_purging_is_bounded(alice, clock):
    for _ in range(5):
        web_sessions.open_session(alice)
    clock[0] += web_sessions.LIFETIME
    live = web_sessions.open_session(alice)
    assert WebSession.select().count() == 1 and web_sessions.session_user(live) == alice
    for _ in range(5):
        web_sessions.open_session(alice)
    clock[0] += web_sessions.LIFETIME
    assert web_sessions.purge_expired(limit=2) == 2
    assert WebSession.select().count() == 4


def test_a_user_keeps_at_most_the_newest_sessions(alice, clock):
    bob = create_user("bob")
    bobs = web_sessions.open_session(bob)
    ids = []
    for _ in range(web_sessions.MAX_PER_USER + 2):
        clock[0] += dt.timedelta(seconds=1)
        ids.append(web_sessions.open_session(alice))
    assert WebSession.select().where(WebSession.user == alice).count() == web_sessions.MAX_PER_USER
    assert web_sessions.session_user(ids[0]) is None and web_sessions.session_user(ids[1]) is None
    assert all(web_sessions.session_user(sid) == alice for sid in ids[2:])
    assert web_sessions.session_user(bobs) == bob


def test_a_database_from_before_web_sessions_upgrades_and_downgrades(tmp_path):
    db = migrated_up_to(tmp_path, 2)
    old_user(db, "mikey")
    assert not WebSession.table_exists()
    assert "0003_web_sessions" in kdb.migrate(db)
    sid = web_sessions.open_session(User.get())
    assert web_sessions.session_user(sid).username == "mikey"
    assert Runner(db, str(kdb.MIGRATIONS_DIR)).down("0003_web_sessions")[-1] == "0003_web_sessions"
    assert not WebSession.table_exists() and User.select().count() == 1
    assert db.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()
