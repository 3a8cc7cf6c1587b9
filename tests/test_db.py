import shutil

import peewee
import pytest
from old_schema import migrated_up_to, old_user
from playhouse.reflection import Introspector

from kegdash import db as kdb
from kegdash.accounts.models import User
from kegdash.schema import ALL_MODELS
from kegdash.site_settings import get_setting, set_setting

TEST_MIGRATION = '''
from peewee import CharField


def up(migrator, db):
    migrator.migrate(migrator.add_column("user", "nickname", CharField(default="")))
    db.execute_sql("UPDATE \\"user\\" SET nickname = username || '!'")


def down(migrator, db):
    migrator.migrate(migrator.drop_column("user", "nickname"))
'''


def test_sqlite_runs_wal_with_foreign_keys(database):
    db = kdb.database.obj
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute_sql("PRAGMA busy_timeout").fetchone()[0] == 5000


def test_reopening_applies_nothing_new(database):
    assert kdb.migrate(kdb.database.obj) == []


def test_migrations_produce_exactly_the_models(database):
    """Every model column exists in the migrated database with no extra or missing column."""
    introspected = Introspector.from_database(kdb.database.obj).introspect()
    for model in ALL_MODELS:
        table = model._meta.table_name
        assert table in introspected.columns, f"table {table} missing"
        stored = set(introspected.columns[table])
        expected = {field.column_name for field in model._meta.sorted_fields}
        assert stored == expected, f"{table}: migrations {sorted(stored)} != model {sorted(expected)}"


def test_database_made_by_this_version_upgrades_in_place(tmp_path):
    """An older database (this version's schema, with data) opens after a new migration."""
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    old = kdb.open_database(url)
    User.create(username="mikey")
    old.close()

    newer = tmp_path / "migrations"
    shutil.copytree(kdb.MIGRATIONS_DIR, newer, ignore=shutil.ignore_patterns("__pycache__"))
    (newer / "0099_user_nickname.py").write_text(TEST_MIGRATION)
    db = kdb.make_database(url)
    kdb.database.initialize(db)
    assert kdb.migrate(db, newer) == ["0099_user_nickname"]
    assert db.execute_sql('SELECT username, nickname FROM "user"').fetchall() == [("mikey", "mikey!")]
    assert db.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert kdb.migrate(db, newer) == []
    db.close()


def test_standard_keg_sizes_are_seeded(database):
    from kegdash.bar.models import KegSize

    sizes = {s.slug: s.volume_ml for s in KegSize.select()}
    assert sizes["half-barrel"] == 58673.88
    assert sizes["corny"] == 18927.06
    assert sizes["euro-30"] == 30000.0
    assert len(sizes) == 9


def test_unreadable_database_is_a_clear_error(tmp_path):
    path = tmp_path / "junk.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(kdb.DatabaseError, match="cannot open database"):
        kdb.open_database(f"sqlite:///{path}")


def test_unknown_scheme_is_a_clear_error():
    with pytest.raises(kdb.DatabaseError, match="cannot use database"):
        kdb.make_database("nosuchdb://x/y")


def test_redact_hides_password():
    assert kdb.redact("postgresql://kd:s3cret@db:5432/k") == "postgresql://kd:***@db:5432/k"
    assert kdb.redact("sqlite:///a.sqlite") == "sqlite:///a.sqlite"


def test_site_settings_defaults_and_validation(database):
    assert get_setting("privacy") == "public"
    set_setting("privacy", "members")
    assert get_setting("privacy") == "members"
    with pytest.raises(ValueError, match="privacy"):
        set_setting("privacy", "everyone")
    with pytest.raises(KeyError):
        get_setting("nope")
    assert get_setting("privacy") == "members"


def test_foreign_keys_are_enforced(database):
    from kegdash.bar.models import Drink

    with pytest.raises(peewee.IntegrityError):
        Drink.create(ticks=1, volume_ml=1.0, pour_time=kdb.utcnow(), user=12345)


def test_a_failed_write_transaction_releases_the_write_lock(database):
    import threading

    from kegdash.accounts.users import create_user

    with pytest.raises(RuntimeError), kdb.database.atomic():
        User.create(username="doomed")
        raise RuntimeError("the pour failed half way")
    done = threading.Event()

    def other_writer():
        kdb.database.connect(reuse_if_open=True)
        create_user("after")
        kdb.database.close()
        done.set()

    threading.Thread(target=other_writer).start()
    assert done.wait(5), "a rolled-back transaction left the write lock held"
    assert [u.username for u in User.select()] == ["after"]


def test_a_stuck_writer_makes_others_fail_instead_of_waiting_for_ever(database, monkeypatch):
    import threading

    monkeypatch.setattr(kdb, "WRITE_LOCK_TIMEOUT_S", 0.2)
    inside, release = threading.Event(), threading.Event()

    def stuck_writer():
        kdb.database.connect(reuse_if_open=True)
        with kdb.database.atomic():
            User.create(username="slow")
            inside.set()
            release.wait(5)
        kdb.database.close()

    thread = threading.Thread(target=stuck_writer)
    thread.start()
    try:
        assert inside.wait(5)
        with pytest.raises(peewee.OperationalError, match="database is locked"), kdb.database.atomic():
            User.create(username="waiting")
    finally:
        release.set()
        thread.join(5)
    with kdb.database.atomic():  # the lock is free again once the slow writer is done
        User.create(username="later")
    assert sorted(u.username for u in User.select()) == ["later", "slow"]


def test_cached_settings_follow_the_database_and_other_processes(tmp_path, monkeypatch):
    from kegdash import site_settings

    first = kdb.open_database(f"sqlite:///{tmp_path / 'a.sqlite'}")
    set_setting("privacy", "staff")
    assert get_setting("privacy") == "staff"
    first.close()
    second = kdb.open_database(f"sqlite:///{tmp_path / 'b.sqlite'}")
    assert get_setting("privacy") == "public", "a value cached for another database leaked"
    # Another process writes behind our back: seen once the cache entry expires.
    second.execute_sql("INSERT INTO site_setting (key, value) VALUES ('privacy', '\"members\"')")
    assert get_setting("privacy") == "public"
    monkeypatch.setattr(site_settings, "CACHE_SECONDS", 0.0)
    site_settings._cache.clear()
    assert get_setting("privacy") == "members"
    second.close()


def test_hive_alert_settings_have_defaults_bounds_and_an_ordered_brood_band(database):
    from kegdash import events
    from kegdash.events import SettingChanged

    assert [get_setting(k) for k in ("hive_brood_min_c", "hive_brood_max_c", "hive_swarm_drop_kg",
                                     "hive_swarm_window_minutes", "hive_silent_hours",
                                     "hive_battery_low_percent")] == [32.0, 36.0, 1.0, 30, 2.0, 20]
    refused = [("hive_swarm_drop_kg", 0.1), ("hive_swarm_drop_kg", 11), ("hive_swarm_drop_kg", "1"),
               ("hive_swarm_window_minutes", 241), ("hive_swarm_window_minutes", 30.5),
               ("hive_silent_hours", 0), ("hive_battery_low_percent", 100),
               ("hive_battery_low_percent", True), ("hive_brood_min_c", 85.0), ("hive_brood_max_c", -127)]
    for key, value in refused:
        with pytest.raises(ValueError, match=key):
            set_setting(key, value)
    with pytest.raises(ValueError, match="hive_brood_min_c must be below hive_brood_max_c"):
        set_setting("hive_brood_min_c", 36.0)  # equal to the stored upper edge
    with pytest.raises(ValueError, match="must be below"):
        set_setting("hive_brood_max_c", 31.5)
    assert (get_setting("hive_brood_min_c"), get_setting("hive_brood_max_c")) == (32.0, 36.0)

    seen = []
    unsubscribe = events.bus.subscribe(seen.append)
    try:
        set_setting("hive_brood_max_c", 38)
        set_setting("hive_brood_min_c", 37.5)  # checked against the new upper edge
        set_setting("hive_swarm_drop_kg", 0.75)
    finally:
        unsubscribe()
    assert (get_setting("hive_brood_min_c"), get_setting("hive_brood_max_c")) == (37.5, 38)
    assert get_setting("hive_swarm_drop_kg") == 0.75
    assert seen == [SettingChanged(key=k) for k in
                    ("hive_brood_max_c", "hive_brood_min_c", "hive_swarm_drop_kg")]


def test_names_get_a_comparison_key_and_self_registered_accounts_wait_for_admission(tmp_path):
    """Migration 0006: look-alike names already stored keep working (the oldest gets the key);
    accounts that registered themselves are pending, every other one stays a member."""
    from kegdash.brewing.models import Action

    db = migrated_up_to(tmp_path, 5)
    ids = {name: old_user(db, name, staff=name == "Barkeep")
           for name in ("bob", "BOB", "stranger", "Barkeep", "made-by-cli")}
    for name in ("stranger", "Barkeep"):
        db.execute_sql("INSERT INTO action (public_id, type, user_id, private, data, created) "
                       "VALUES (?, 'user-joined', ?, 0, '{}', '2024-01-01 00:00:00')",
                       (kdb.new_public_id(), ids[name]))
    assert kdb.migrate(db)[0] == "0006_names_admission_code_grants"  # later ones after it
    rows = {u.username: (u.name_key, u.admission) for u in User.select()}
    assert rows == {"bob": ("bob", "admitted"), "BOB": (None, "admitted"),
                    "stranger": ("stranger", "pending"), "Barkeep": ("barkeep", "admitted"),
                    "made-by-cli": ("made-by-cli", "admitted")}
    with pytest.raises(peewee.IntegrityError):
        User.create(username="Bob", name_key="bob")
    assert Action.select().count() == 2
    assert db.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()


def test_device_ids_get_one_spelling_and_an_owners_duplicates_merge(tmp_path):
    """Migration 0004: ``aa:bb:cc`` and ``AA-BB-CC`` of one owner become one device."""
    from kegdash.apiary.models import Apiary, Device, Hive, Reading

    db = migrated_up_to(tmp_path, 3)
    ts = 1_700_000_000
    owner, other = (User(id=old_user(db, name)) for name in ("beeman", "other"))
    hive = Hive.create(apiary=Apiary.create(name="Ridge", owner=owner), name="H")
    loose = Device.create(owner=owner, api_id="aa:bb:cc", last_reading_ts=ts + 60)  # older, no hive
    placed = Device.create(owner=owner, api_id="AA-BB-CC", hive=hive, last_reading_ts=ts)
    theirs = Device.create(owner=other, api_id="aa:bb:cc")
    Device.create(owner=owner, api_id="scale-3")
    Reading.insert_many([
        {"device": loose.id, "ts": ts, "temperature": 20.0},  # the same second as placed's
        {"device": loose.id, "ts": ts + 60, "temperature": 21.0},
        {"device": placed.id, "ts": ts, "temperature": 35.0},
        {"device": theirs.id, "ts": ts, "temperature": 30.0},
    ]).execute()

    assert kdb.migrate(db)[0] == "0004_device_id_spelling"
    devices = {(d.owner_id, d.api_id): d for d in Device.select()}
    assert set(devices) == {(owner.id, "AA:BB:CC"), (other.id, "AA:BB:CC"), (owner.id, "scale-3")}
    kept = devices[(owner.id, "AA:BB:CC")]
    assert (kept.id, kept.hive_id, kept.last_reading_ts) == (placed.id, hive.id, ts + 60)
    assert list(Reading.select(Reading.ts, Reading.temperature).where(Reading.device == kept.id)
                .order_by(Reading.ts).tuples()) == [(ts, 35.0), (ts + 60, 21.0)]
    assert Reading.get(Reading.device == theirs.id).temperature == 30.0
    assert db.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()
