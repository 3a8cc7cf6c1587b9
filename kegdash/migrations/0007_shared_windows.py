"""PostgreSQL only: ``rate_window``, the counts several kegdash instances share (the Beekeeping
rate limit, the password throttle), and ``kegdash_window_hit``, which counts one event in one
statement under the key's row lock (``kegdash.shared_windows``). SQLite serves one process,
which counts in memory: nothing to do there.

The table is UNLOGGED: a count is written on every rate-limited request, and without WAL its
commit does not wait for a disk flush; after a crash PostgreSQL empties it, which only forgets
the last minutes' counts (a standby does not have it either).
"""
from peewee import PostgresqlDatabase

HIT = """
CREATE FUNCTION kegdash_window_hit(k text, lim integer, win double precision, always boolean,
                                   OUT allowed boolean, OUT hits double precision[],
                                   OUT now_s double precision)
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO rate_window (key, hits) VALUES (k, '{}') ON CONFLICT (key) DO NOTHING;
    SELECT w.hits INTO hits FROM rate_window w WHERE w.key = k FOR UPDATE;
    now_s := extract(epoch FROM clock_timestamp());
    hits := ARRAY(SELECT t FROM unnest(hits) AS t WHERE t > now_s - win ORDER BY t);
    allowed := cardinality(hits) < lim;
    IF allowed OR always THEN
        hits := (hits || now_s)[greatest(1, cardinality(hits) + 2 - lim):];
    END IF;
    UPDATE rate_window SET hits = kegdash_window_hit.hits WHERE key = k;
END
$$
"""


def up(migrator, db):
    if not isinstance(db, PostgresqlDatabase):
        return
    db.execute_sql("CREATE UNLOGGED TABLE rate_window (key text PRIMARY KEY, "
                   "hits double precision[] NOT NULL)")
    db.execute_sql(HIT)


def down(migrator, db):
    if not isinstance(db, PostgresqlDatabase):
        return
    db.execute_sql("DROP FUNCTION kegdash_window_hit(text, integer, double precision, boolean)")
    db.execute_sql("DROP TABLE rate_window")
