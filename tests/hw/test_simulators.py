"""The simulated bar: believable pours, at a believable pace, from kegs that have beer, forever.

The hour is played twice: once in simulated time, the traffic generator's frames fed straight
into the real Kegboard reader (every pour, drink and keg change of the hour, in seconds, the
same every run), and once through the real threads at ``speed`` 60 (pty, reader, device manager).
"""

import datetime as dt
import math
import random

import pytest
from polling import wait_for

from kegdash.bar import views as bar_views
from kegdash.bar.drinks import record_drink
from kegdash.bar.models import Drink, DrinkingSession, Keg, Tap
from kegdash.bar.taps import end_keg
from kegdash.demo_data import load_demo_data
from kegdash.hw import kbsp
from kegdash.hw.devices import DeviceManager
from kegdash.hw.kegboard_reader import KegboardProtocol
from kegdash.hw.pour_detector import PourDetector, PourFinished
from kegdash.hw.simulators import (
    KEG_CHANGE_S,
    POUR_ML,
    BarTap,
    Pty,
    SimulatedBar,
    bench_taps,
    demo_spec,
    kegboard_traffic,
)
from kegdash.site_settings import get_setting

HOUR = 3600.0
TICK = 0.367107  # the demo taps' meters (Tap 3's is finer)


class Clock:
    """Simulated seconds since the start, and the epoch time they stand for."""

    def __init__(self) -> None:
        self.start = dt.datetime.now(dt.UTC).timestamp()
        self.seconds = 0.0

    def __call__(self) -> float:
        return self.seconds

    @property
    def epoch(self) -> float:
        return self.start + self.seconds


def play(seconds: float, bar: SimulatedBar, clock: Clock, seed: int = 11) -> KegboardProtocol:
    """The Kegboard's traffic for ``seconds`` of simulated time, read by the real reader."""
    reader = KegboardProtocol()
    next_idle = 1.0
    for delay, frame in kegboard_traffic(random.Random(seed), bar.taps):
        while clock.seconds + delay >= next_idle:  # the link's once-a-second idle tick
            reader.on_idle(clock.start + next_idle)
            next_idle += 1.0
        clock.seconds += delay
        if clock.seconds > seconds:
            break
        reader.on_data(frame, clock.epoch)
    reader.on_idle(clock.epoch + 60)  # the last pour ends
    return reader


def drinks_since(when: dt.datetime) -> list[Drink]:
    return list(Drink.select().where(Drink.pour_time >= when).order_by(Drink.pour_time, Drink.id))


def test_an_hour_of_the_demo_bar_stays_believable(database):
    load_demo_data()
    history = {s.id: (s.start, s.end, s.volume_ml) for s in DrinkingSession.select()}
    kegs_before = {keg.id for keg in Keg.select()}
    clock = Clock()
    began = dt.datetime.fromtimestamp(clock.start, dt.UTC).replace(tzinfo=None, microsecond=0)
    bar = SimulatedBar(change_kegs=True, clock=clock)
    reader = play(HOUR, bar, clock)

    poured = drinks_since(began)
    assert 12 <= len(poured) <= 40, "about 24 pours an hour"
    assert reader.detector.stats.pours_discarded == 0
    by_keg: dict[int, list[Drink]] = {}
    for drink in poured:
        assert drink.keg_id is not None, "nobody pours from a tap without a keg"
        by_keg.setdefault(drink.keg_id, []).append(drink)
    for keg_id, drinks in by_keg.items():
        keg = Keg.get_by_id(keg_id)
        tick = Tap.get(Tap.id == drinks[0].tap_id).ml_per_tick
        remaining = keg.full_volume_ml - keg.served_ml - keg.spilled_ml
        assert remaining > -tick, "the last glass empties a keg to the tick, never further"
        for drink in drinks[:-1] if remaining <= 0 else drinks:
            assert POUR_ML[0] <= drink.volume_ml <= POUR_ML[1] + tick, drink.volume_ml

    changed = [keg for keg in Keg.select() if keg.id in kegs_before and keg.finished is not None]
    assert changed, "a keg kicked within the hour, and the demo bar changed it"
    for old in changed:
        tap = Tap.get(Tap.id == by_keg[old.id][-1].tap_id)
        fresh = Keg.get_by_id(tap.current_keg_id)
        assert fresh.id not in kegs_before and fresh.served_ml >= 0
        assert old.full_volume_ml - old.served_ml <= 0
        kicked_at = by_keg[old.id][-1].pour_time
        assert all(d.pour_time >= kicked_at + dt.timedelta(seconds=KEG_CHANGE_S)
                   for d in by_keg.get(fresh.id, []))
    ended = began + dt.timedelta(seconds=HOUR)
    for card in bar_views.tap_cards():  # a kicked keg stays on its tap only for a while
        if card.keg_id is not None and card.fraction <= 0:
            assert by_keg[card.keg_id][-1].pour_time > ended - dt.timedelta(seconds=KEG_CHANGE_S)

    timeout = dt.timedelta(minutes=get_setting("session_timeout_minutes"))
    assert {s.id: (s.start, s.end, s.volume_ml) for s in DrinkingSession.select()
            if s.id in history} == history, "tonight's pours never join an old evening"
    (tonight,) = [s for s in DrinkingSession.select() if s.id not in history]
    assert tonight.start == poured[0].pour_time and tonight.end == poured[-1].pour_time + timeout
    assert tonight.volume_ml == pytest.approx(sum(d.volume_ml for d in poured))


def test_a_board_that_knows_no_bar_pours_on_its_meters_without_end():
    clock = 0.0
    frames = []
    for delay, frame in kegboard_traffic(random.Random(3), bench_taps(2)):
        clock += delay
        if clock > HOUR / 2:
            break
        frames.append((clock, frame))
    detector = PourDetector(lambda meter: TICK)
    pours = []
    for when, frame in frames:
        for message in kbsp.KbspDecoder().feed(frame):
            if isinstance(message, kbsp.MeterStatus):
                pours += detector.feed_reading(message.meter_name, message.meter_reading, when)
    pours += detector.flush(clock)
    finished = [p for p in pours if isinstance(p, PourFinished)]
    assert len(finished) >= 5 and {p.meter for p in finished} == {"flow0", "flow1"}
    assert all(POUR_ML[0] <= p.volume_ml <= POUR_ML[1] + TICK for p in finished)


def test_drinkers_never_pour_more_than_a_keg_holds_even_before_the_bar_counts_it():
    """The bar's figures lag behind the board (a pour is recorded after it ends); the board keeps
    its own count, so a keg with 700 ml left gives one or two glasses and then nothing."""
    seen = [BarTap(meter=0, ml_per_tick=TICK, keg_id=7, remaining_ml=700.0)]
    ticks = 0
    clock = 0.0
    for delay, frame in kegboard_traffic(random.Random(5), lambda: seen):
        clock += delay
        if clock > 3 * HOUR:
            break
        for message in kbsp.KbspDecoder().feed(frame):
            if isinstance(message, kbsp.MeterStatus):
                ticks = message.meter_reading
    assert 700 <= ticks * TICK < 700 + TICK


def test_the_demo_change_waits_a_while_and_takes_the_next_beer_on_deck(database):
    load_demo_data()
    clock = Clock()
    bar = SimulatedBar(change_kegs=True, clock=clock)
    hefe = next(card for card in bar_views.tap_cards() if card.beverage == "Hefeweizen")
    record_drink(hefe.tap_id, ticks=1, volume_ml=hefe.remaining_ml + 1)  # kicked
    bar.taps()
    clock.seconds = KEG_CHANGE_S - 1
    bar.taps()
    assert bar_views.tap_card(hefe.tap_id).keg_id == hefe.keg_id
    clock.seconds = KEG_CHANGE_S
    bar.taps()
    fresh = bar_views.tap_card(hefe.tap_id)
    assert fresh.keg_id != hefe.keg_id and fresh.beverage == demo_spec()["on_deck"][0]["beverage"]
    assert fresh.fraction == 1.0


def test_a_simulated_board_in_a_real_bar_never_changes_its_kegs(database):
    load_demo_data()
    bar = SimulatedBar(clock=lambda: math.inf)
    hefe = next(card for card in bar_views.tap_cards() if card.beverage == "Hefeweizen")
    record_drink(hefe.tap_id, ticks=1, volume_ml=hefe.remaining_ml + 1)
    assert [tap.remaining_ml for tap in bar.taps() if tap.keg_id == hefe.keg_id] == [0.0]
    assert bar_views.tap_card(hefe.tap_id).keg_id == hefe.keg_id


def test_the_demo_at_speed_60_through_the_real_threads(database):
    """Minutes of the demo in seconds through the pty, the reader thread and the device manager.
    Pour sizes are checked in simulated time above: at speed 60 the reader stamps frames with the
    wall clock, so a machine that stalls for a fifth of a second can split or join pours."""
    load_demo_data()
    cards = bar_views.tap_cards()
    hefe = next(card for card in cards if card.beverage == "Hefeweizen")
    earlier = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(minutes=1)
    record_drink(hefe.tap_id, ticks=1, volume_ml=hefe.remaining_ml - 300, pour_time=earlier)
    for card in cards:
        if card.keg_id is not None and card.tap_id != hefe.tap_id:
            end_keg(card.tap_id)  # the only beer is on the tap about to kick
    began = earlier + dt.timedelta(seconds=1)
    manager = DeviceManager(lambda: [], hotplug=False)
    manager.add_simulated(("kegboard",), speed=60, bar=SimulatedBar(change_kegs=True, speed=60))
    manager.start()
    try:
        # pours, the kick and the change are paced by the wall clock: a busy CI worker needs longer
        assert wait_for(lambda: bar_views.tap_card(hefe.tap_id).keg_id != hefe.keg_id, timeout=90)
        assert wait_for(lambda: len(drinks_since(began)) >= 4, timeout=90)
    finally:
        manager.stop()
    tick = max(tap.ml_per_tick for tap in Tap.select())
    for keg in Keg.select():
        assert keg.full_volume_ml - keg.served_ml - keg.spilled_ml > -tick
    poured = drinks_since(began)
    assert {d.tap_id for d in poured} == {hefe.tap_id}, "nobody pours from a tap without a keg"
    old = Keg.get_by_id(hefe.keg_id)
    assert old.finished is not None and old.served_ml == pytest.approx(old.full_volume_ml, abs=tick)


def test_a_pty_closed_twice_leaves_the_files_that_took_its_numbers_alone():
    """A simulator stopped twice (unplugged in a test, then stopped by its fixture) closed its
    pty's numbers again; by then a pipe or socket had them, and a server's wake-up pipe died."""
    import os

    pty = Pty()
    pty.close()
    reader, writer = os.pipe()  # the lowest free numbers: the pty's
    try:
        pty.close()
        os.write(writer, b"x")
        assert os.read(reader, 1) == b"x"
    finally:
        os.close(reader)
        os.close(writer)
