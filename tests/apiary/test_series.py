"""Down-sampled series, checked against a brute-force computation in Python."""

from __future__ import annotations

import random
from collections import defaultdict

import pytest

from kegdash.accounts.users import create_user
from kegdash.apiary.models import Reading
from kegdash.apiary.registry import add_apiary, add_device, add_hive
from kegdash.apiary.series import bucket_seconds, device_series, hive_series
from kegdash.db import database as db

DAY = 86400
T0 = 1_704_067_200  # 2024-01-01T00:00:00Z


@pytest.mark.parametrize(("span", "bucket"), [
    (3600, 0), (2 * DAY, 0), (2 * DAY + 1, 300), (7 * DAY, 600), (30 * DAY, 1800),
    (90 * DAY, 7200), (365 * DAY, 6 * 3600), (3 * 365 * DAY, DAY),
])
def test_bucket_choice_keeps_views_small(span, bucket):
    assert bucket_seconds(T0, T0 + span) == bucket
    if bucket:
        assert -(-span // bucket) <= 1500


def test_very_long_spans_still_fit():
    span = 200 * 365 * DAY
    assert -(-span // bucket_seconds(0, span)) <= 1500


@pytest.fixture
def devices(database):
    owner = create_user("beeman")
    hive = add_hive(add_apiary("Ridge", owner).uuid, "H1")
    return hive, add_device(hive.uuid, "th"), add_device(hive.uuid, "scale")


def _fill(device, rng, start, count, step=300, gap_every=0):
    rows = []
    for i in range(count):
        if gap_every and (i // gap_every) % 5 == 4:
            continue  # an outage: whole buckets without data
        rows.append({
            "device": device.id, "ts": start + i * step + rng.randrange(0, 60),
            "temperature": round(rng.uniform(30, 37), 2) if rng.random() > 0.1 else None,
            "weight": round(rng.uniform(40, 60), 3),
        })
    with db.atomic():
        for offset in range(0, len(rows), 500):
            Reading.insert_many(rows[offset:offset + 500]).execute()
    return rows


def _brute(rows, field, start, end, width):
    groups = defaultdict(list)
    for row in rows:
        if start <= row["ts"] < end and row[field] is not None:
            groups[row["ts"] // width * width].append(row[field])
    return [(ts, min(v), sum(v) / len(v), max(v), len(v)) for ts, v in sorted(groups.items())]


def _tuples(points):
    return [(p.ts, p.min, p.avg, p.max, p.count) for p in points]


@pytest.mark.parametrize("field", ["temperature", "weight"])
def test_buckets_match_brute_force(devices, field):
    hive, th, scale = devices
    rng = random.Random(7)
    rows = _fill(th, rng, T0, 60 * 288, gap_every=288)  # 60 days @ 5 min with outages
    _fill(scale, rng, T0, 100)  # another device's rows stay out of this series
    start, end = T0 + 12_345, T0 + 45 * DAY
    width = bucket_seconds(start, end)
    assert width == 3600
    got = _tuples(device_series(th, field, start, end))
    want = _brute(rows, field, start, end, width)
    assert len(got) == len(want) and len(got) <= 1500
    for g, w in zip(got, want, strict=True):
        assert g[0] == w[0] and g[4] == w[4]
        assert g[1:4] == pytest.approx(w[1:4])


def test_explicit_bucket_and_raw_rows(devices):
    hive, th, _ = devices
    rows = _fill(th, random.Random(3), T0, 600)
    want = _brute(rows, "weight", T0, T0 + DAY, 900)
    got = _tuples(device_series(th.id, "weight", T0, T0 + DAY, bucket=900))
    assert [g[0] for g in got] == [w[0] for w in want] and [g[4] for g in got] == [w[4] for w in want]
    raw = device_series(th, "temperature", T0, T0 + DAY)
    expected = [(r["ts"], r["temperature"]) for r in rows
                if r["ts"] < T0 + DAY and r["temperature"] is not None]
    assert [(p.ts, p.avg) for p in raw] == expected
    assert all(p.min == p.avg == p.max and p.count == 1 for p in raw)


def test_hive_series_pools_its_devices(devices):
    hive, th, scale = devices
    rng = random.Random(11)
    rows = _fill(th, rng, T0, 2000) + _fill(scale, rng, T0 + 17, 2000)
    start, end = T0, T0 + 7 * DAY
    got = _tuples(hive_series(hive.id, "weight", start, end))
    want = _brute(rows, "weight", start, end, 600)
    assert [g[0] for g in got] == [w[0] for w in want] and [g[4] for g in got] == [w[4] for w in want]
    assert [g[3] for g in got] == pytest.approx([w[3] for w in want])


def test_empty_range_and_unknown_field(devices):
    _, th, _ = devices
    assert device_series(th, "humidity", T0, T0 + 30 * DAY) == []
    with pytest.raises(ValueError, match="unknown reading field"):
        device_series(th, "ts", T0, T0 + DAY)
