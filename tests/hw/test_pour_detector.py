"""Pour detection rules of spec/kegbot.md decision 23 as refined by decisions.md."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kegdash.hw.pour_detector import (
    PourConfig,
    PourDetector,
    PourDiscarded,
    PourFinished,
    PourProgress,
)

FLOW0 = "kegboard.flow0"
FLOW1 = "kegboard.flow1"
RFID = ("core.rfid", "9a78563412")
RFID2 = ("core.rfid", "0000000001")
IBUTTON = ("core.onewire", "0102030405060708")


def detector(**config) -> PourDetector:
    calibration = {FLOW0: 0.5, FLOW1: 2.0}
    return PourDetector(calibration.get, PourConfig(**config))


def finished(events):
    return [e for e in events if isinstance(e, PourFinished)]


def test_first_reading_is_only_a_baseline():
    d = detector()
    assert d.feed_reading(FLOW0, 50_000, 0.0) == []
    assert d.baseline(FLOW0) == 50_000
    assert d.tick(100.0) == []
    assert d.stats.ticks_counted == 0


def test_anonymous_pour_progress_then_finish_after_10s_idle():
    d = detector()
    d.feed_reading(FLOW0, 100, 0.0)
    assert d.feed_reading(FLOW0, 200, 1.0) == [PourProgress(FLOW0, 100, 50.0, 1.0, 1.0, None)]
    assert d.feed_reading(FLOW0, 350, 2.5) == [PourProgress(FLOW0, 250, 125.0, 1.0, 2.5, None)]
    assert d.tick(12.4) == []
    assert d.tick(12.5) == [PourFinished(FLOW0, 250, 125.0, 0.5, 1.0, 2.5, 1.5, None)]
    assert d.tick(100.0) == []
    assert d.stats.pours_finished == 1


def test_same_reading_again_adds_nothing():
    d = detector()
    d.feed_reading(FLOW0, 100, 0.0)
    assert d.feed_reading(FLOW0, 100, 1.0) == []
    assert d.open_pours() == []


def test_pour_below_minimum_volume_is_discarded_and_counted():
    d = detector()
    d.feed_reading(FLOW0, 0, 0.0)
    d.feed_reading(FLOW0, 19, 1.0)  # 19 × 0.5 = 9.5 ml
    assert d.tick(11.0) == [PourDiscarded(FLOW0, 19, 9.5, 1.0, 1.0, None)]
    assert d.stats.pours_discarded == 1
    d.feed_reading(FLOW0, 39, 20.0)  # 20 ticks = 10.0 ml: not under the minimum
    assert finished(d.tick(30.0))[0].volume_ml == 10.0


def test_minimum_volume_is_configurable():
    d = detector(min_volume_ml=0.0)
    d.feed_reading(FLOW0, 0, 0.0)
    d.feed_reading(FLOW0, 1, 1.0)
    assert finished(d.tick(11.0))[0].ticks == 1


def test_delta_guard_max_counts_and_over_max_only_moves_baseline():
    d = detector()
    d.feed_reading(FLOW0, 0, 0.0)
    d.feed_reading(FLOW0, 1000, 1.0)  # exactly max_delta: counted
    assert d.feed_reading(FLOW0, 2001, 2.0) == []  # 1001: ignored
    assert d.baseline(FLOW0) == 2001
    d.feed_reading(FLOW0, 2011, 3.0)
    [pour] = finished(d.tick(20.0))
    assert pour.ticks == 1010
    assert (d.stats.jumps_ignored, d.stats.ticks_ignored) == (1, 1001)


def test_max_delta_is_configurable():
    d = detector(max_delta=100)
    d.feed_reading(FLOW0, 0, 0.0)
    assert d.feed_reading(FLOW0, 101, 1.0) == []


def test_counter_reset_mid_pour_counts_ticks_since_reboot():
    d = detector()
    d.feed_reading(FLOW0, 500, 0.0)
    d.feed_reading(FLOW0, 600, 1.0)  # +100
    [progress] = d.feed_reading(FLOW0, 30, 2.0)  # board rebooted: +30
    assert progress.ticks == 130
    d.feed_reading(FLOW0, 80, 3.0)  # +50 from the new baseline
    [pour] = finished(d.tick(13.0))
    assert (pour.ticks, pour.volume_ml, pour.start, pour.end) == (180, 90.0, 1.0, 3.0)
    assert d.stats.resets == 1


def test_reset_to_zero_or_to_a_big_reading_counts_nothing():
    d = detector()
    d.feed_reading(FLOW0, 5000, 0.0)
    assert d.feed_reading(FLOW0, 0, 1.0) == []
    assert d.baseline(FLOW0) == 0
    d.feed_reading(FLOW0, 9000, 2.0)  # > max after baseline 0 → ignored
    assert d.feed_reading(FLOW0, 1200, 3.0) == []  # reset, 1200 > max → ignored
    assert d.baseline(FLOW0) == 1200
    assert d.stats.resets == 2
    assert d.stats.ticks_counted == 0


def test_pour_survives_reconnect_of_the_port():
    """The detector outlives the connection: after an unplug the board's counter goes on
    (or restarts) and the same pour continues within the idle timeout."""
    d = detector()
    d.feed_reading(FLOW0, 1000, 0.0)
    d.feed_reading(FLOW0, 1100, 1.0)  # +100, then the cable is pulled
    [progress] = d.feed_reading(FLOW0, 1400, 6.0)  # reopened 5 s later: +300
    assert (progress.ticks, progress.start) == (400, 1.0)
    [progress] = d.feed_reading(FLOW0, 60, 8.0)  # unplug rebooted the board: +60
    assert progress.ticks == 460
    [pour] = finished(d.tick(18.0))
    assert (pour.ticks, pour.duration) == (460, 7.0)


def test_stale_pour_ends_before_a_new_reading_without_tick():
    d = detector()
    d.feed_reading(FLOW0, 0, 0.0)
    d.feed_reading(FLOW0, 100, 1.0)
    events = d.feed_reading(FLOW0, 150, 30.0)
    assert events == [
        PourFinished(FLOW0, 100, 50.0, 0.5, 1.0, 1.0, 0.0, None),
        PourProgress(FLOW0, 50, 25.0, 30.0, 30.0, None),
    ]


def test_meters_are_independent():
    d = detector()
    d.feed_reading(FLOW0, 0, 0.0)
    d.feed_reading(FLOW1, 0, 0.0)
    d.feed_reading(FLOW0, 100, 1.0)
    d.feed_reading(FLOW1, 10, 5.0)
    assert [(p.meter, p.ticks) for p in finished(d.tick(11.0))] == [(FLOW0, 100)]
    assert [(p.meter, p.volume_ml) for p in finished(d.tick(15.0))] == [(FLOW1, 20.0)]


def test_unmapped_meter_keeps_baseline_but_makes_no_pour():
    d = detector()
    d.feed_reading("kegboard.flow5", 0, 0.0)
    assert d.feed_reading("kegboard.flow5", 300, 1.0) == []
    assert d.stats.unmapped_ticks == 300
    assert d.baseline("kegboard.flow5") == 300


def test_rfid_swipe_before_pour_assigns_token_and_extends_idle_to_20s():
    d = detector()
    d.feed_reading(FLOW0, 0, 0.0)
    d.token_added(*RFID, 1.0)
    d.token_removed(*RFID, 1.0)  # contactless readers send removed at once: no effect
    [progress] = d.feed_reading(FLOW0, 100, 5.0)
    assert progress.token == RFID
    assert d.tick(24.9) == []
    [pour] = finished(d.tick(25.0))
    assert pour.token == RFID
    assert d.current_token is None  # lapsed with the pour


def test_rfid_swipe_lapses_after_20s_without_ticks():
    d = detector()
    d.feed_reading(FLOW0, 0, 0.0)
    d.token_added(*RFID, 1.0)
    assert d.current_token == RFID
    d.tick(21.0)
    assert d.current_token is None
    [progress] = d.feed_reading(FLOW0, 100, 22.0)
    assert progress.token is None


def test_token_arriving_mid_pour_takes_over_the_anonymous_pour():
    d = detector()
    d.feed_reading(FLOW0, 0, 0.0)
    d.feed_reading(FLOW0, 100, 1.0)
    assert d.token_added(*RFID, 2.0) == []
    [progress] = d.feed_reading(FLOW0, 200, 3.0)
    assert progress.token == RFID
    assert d.tick(22.9) == []  # RFID timeout now applies
    assert finished(d.tick(23.0))[0].token == RFID


def test_other_token_ends_the_previous_users_pour():
    d = detector()
    d.feed_reading(FLOW0, 0, 0.0)
    d.token_added(*RFID, 0.5)
    d.feed_reading(FLOW0, 100, 1.0)
    events = d.token_added(*RFID2, 2.0)
    assert [(e.ticks, e.token) for e in finished(events)] == [(100, RFID)]
    [progress] = d.feed_reading(FLOW0, 150, 3.0)
    assert (progress.ticks, progress.token) == (50, RFID2)


def test_onewire_token_idle_120s_and_removal_ends_at_once():
    d = detector()
    d.feed_reading(FLOW0, 0, 0.0)
    d.token_added(*IBUTTON, 1.0)
    d.feed_reading(FLOW0, 100, 2.0)
    assert d.tick(100.0) == []  # still within 120 s
    d.feed_reading(FLOW0, 200, 110.0)
    events = d.token_removed(*IBUTTON, 115.0)
    assert events == [PourFinished(FLOW0, 200, 100.0, 0.5, 2.0, 110.0, 108.0, IBUTTON)]
    assert d.current_token is None


def test_onewire_token_still_present_applies_to_a_later_pour():
    d = detector()
    d.feed_reading(FLOW0, 0, 0.0)
    d.token_added(*IBUTTON, 1.0)
    d.feed_reading(FLOW0, 100, 2.0)
    assert finished(d.tick(122.0))[0].token == IBUTTON
    [progress] = d.feed_reading(FLOW0, 150, 500.0)
    assert progress.token == IBUTTON


def test_onewire_idle_timeout_alone():
    d = detector()
    d.feed_reading(FLOW0, 0, 0.0)
    d.token_added(*IBUTTON, 0.0)
    d.feed_reading(FLOW0, 100, 1.0)
    assert d.tick(120.9) == []
    assert len(finished(d.tick(121.0))) == 1


def test_removing_a_token_that_is_not_current_changes_nothing():
    d = detector()
    d.feed_reading(FLOW0, 0, 0.0)
    d.token_added(*IBUTTON, 0.0)
    d.feed_reading(FLOW0, 100, 1.0)
    assert d.token_removed("core.onewire", "ffff", 2.0) == []
    assert d.current_token == IBUTTON


def test_token_applies_to_every_meter_of_the_board():
    d = detector()
    d.feed_reading(FLOW0, 0, 0.0)
    d.feed_reading(FLOW1, 0, 0.0)
    d.token_added(*RFID, 1.0)
    assert d.feed_reading(FLOW1, 10, 2.0)[0].token == RFID


def test_flush_ends_everything_and_keeps_baselines():
    d = detector()
    d.feed_reading(FLOW0, 0, 0.0)
    d.feed_reading(FLOW0, 100, 1.0)
    d.feed_reading(FLOW1, 0, 0.0)
    d.feed_reading(FLOW1, 2, 1.0)  # 4 ml
    events = d.flush(2.0)
    assert [type(e) for e in events] == [PourFinished, PourDiscarded]
    assert d.open_pours() == []
    assert d.baseline(FLOW0) == 100


def test_open_pours_snapshot():
    d = detector()
    d.feed_reading(FLOW0, 0, 0.0)
    d.feed_reading(FLOW0, 40, 1.0)
    assert d.open_pours() == [PourProgress(FLOW0, 40, 20.0, 1.0, 1.0, None)]
    assert d.stats.as_dict()["ticks_counted"] == 40


@pytest.mark.parametrize("calibration", [0.454545, 0.367107, 0.185185])
def test_volume_uses_ml_per_tick_of_the_meter(calibration):
    d = PourDetector(lambda meter: calibration)
    d.feed_reading(FLOW0, 0, 0.0)
    d.feed_reading(FLOW0, 1000, 1.0)
    assert finished(d.tick(11.0))[0].volume_ml == pytest.approx(1000 * calibration)


# A simulated board: steps of true pulses, sometimes a reboot (counter back to 0), the
# board reports its cumulative counter after every step.
steps = st.lists(
    st.tuples(st.booleans(), st.integers(0, 300), st.floats(0.05, 30.0)),
    min_size=1,
    max_size=60,
)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 10_000), steps)
def test_resets_neither_create_nor_lose_ticks(start, plan):
    d = detector(min_volume_ml=0.0)
    now = 0.0
    counter = start
    d.feed_reading(FLOW0, counter, now)
    true_ticks = 0
    recorded = 0
    for reboot, pulses, gap in plan:
        now += gap
        # a reboot is only detectable when the new counter is below the old one
        if reboot and counter > 300:
            counter = 0
        counter += pulses
        true_ticks += pulses
        recorded += sum(e.ticks for e in finished(d.feed_reading(FLOW0, counter, now)))
    recorded += sum(e.ticks for e in finished(d.flush(now)))
    assert recorded == true_ticks
    assert d.stats.ticks_counted == true_ticks
