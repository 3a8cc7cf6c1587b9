"""MAC-style device ids in the one spelling the apiary now stores: upper-case hex pairs joined by
colons, so ``aa-bb-cc`` and ``AA:BB:CC`` are one device (``apiary.reading_fields``'s
``normalise_device_id``, copied here so this script stays as it ran).

An owner who has the same sensor under two spellings keeps one device, the one in a hive (else
the oldest), with the readings of all of them; where two had a reading at the same second, the
kept device's reading stays. Other ids are left as they are. Not undone by ``down``: the old
spellings are not kept.
"""
import re

MAC_STYLE = re.compile(r"[0-9A-Fa-f]{2}(?:[:-][0-9A-Fa-f]{2}){2,}")
READING_COLUMNS = (
    "ts, temperature, temperature_high, temperature_average, temperature_low, humidity, "
    "humidity_high, humidity_average, humidity_low, weight, signal_wifi, signal_bluetooth, "
    "battery, source"
)


def _spelling(api_id):
    return api_id.upper().replace("-", ":") if MAC_STYLE.fullmatch(api_id) else api_id


def up(migrator, db):
    p = db.param
    devices = {}
    for row in db.execute_sql("SELECT id, owner_id, api_id, hive_id, last_reading_ts "
                              "FROM device ORDER BY id").fetchall():
        devices.setdefault((row[1], _spelling(row[2])), []).append(row)
    for (_, api_id), rows in devices.items():
        kept = next((row for row in rows if row[3] is not None), rows[0])
        for other in rows:
            if other is kept:
                continue
            db.execute_sql(
                f"INSERT INTO reading (device_id, {READING_COLUMNS}) "
                f"SELECT {p}, {READING_COLUMNS} FROM reading WHERE device_id = {p} "
                "ON CONFLICT DO NOTHING", (kept[0], other[0]))
            db.execute_sql(f"DELETE FROM reading WHERE device_id = {p}", (other[0],))
            db.execute_sql(f"DELETE FROM device WHERE id = {p}", (other[0],))
        last = max((row[4] for row in rows if row[4] is not None), default=None)
        if kept[2] != api_id or kept[4] != last:
            db.execute_sql(f"UPDATE device SET api_id = {p}, last_reading_ts = {p} WHERE id = {p}",
                           (api_id, last, kept[0]))


def down(migrator, db):
    """Nothing to undo: ids in the one spelling are valid ids for the earlier code too."""
