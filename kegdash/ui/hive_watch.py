"""Every hive's card (``apiary.overview``) kept current while the window runs, whichever page is
shown: the overview draws the cards, the page list counts their alerts, and an alert that
starts while the window runs is announced (``alerts_started``).

Cards are built on the window's task runner. A reading rebuilds only its hive's card, a couple
of seconds after it arrived (a gateway sends a burst); every minute all cards are rebuilt,
because silence is news no reading brings, and so are new thresholds.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal

from kegdash import events
from kegdash.apiary import overview
from kegdash.apiary import views as apiary_views
from kegdash.apiary.alerts import ALERT_SETTINGS, HiveAlert
from kegdash.apiary.overview import HiveCard
from kegdash.apiary.views import SetupCounts
from kegdash.ui.bridge import EventBridge
from kegdash.ui.tasks import TaskRunner

log = logging.getLogger(__name__)

REFRESH_MS = 60_000
SETTLE_MS = 2_000


@dataclass(frozen=True, slots=True)
class _Found:
    job: int
    hive_ids: frozenset[int] | None
    """The hives asked about; None for all of them."""
    cards: list[HiveCard]
    counts: SetupCounts
    announce: bool


def _same_alert(new: HiveAlert, old: HiveAlert) -> bool:
    """One alert seen twice: same hive, kind and sensor, and the periods meet (a swarm's start
    moves as the fall goes on; an ongoing silence ends when a reading comes)."""
    return (new.kind, new.sensor_uuid) == (old.kind, old.sensor_uuid) \
        and new.start_ts <= (old.end_ts if old.end_ts is not None else new.start_ts) \
        and old.start_ts <= (new.end_ts if new.end_ts is not None else old.start_ts)


class HiveWatch(QObject):
    changed = Signal()
    """The cards or the setup counts changed."""
    alert_count_changed = Signal(int)
    alerts_started = Signal(list)
    """New alerts (``HiveAlert``) of hives already watched: not those found at start-up, nor
    those that new thresholds bring."""

    def __init__(self, bridge: EventBridge, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.cards: list[HiveCard] = []
        """By apiary and hive name."""
        self.counts: SetupCounts | None = None
        """None until the first answer."""
        self.alert_count = 0
        self._job = 0
        self._card_job: dict[int, int] = {}
        """Which job each card came from: jobs overlap on two threads, and a card never goes
        back to an older answer."""
        self._full_running = False
        self._full_again: bool | None = None
        """A full refresh asked for while one runs (True: announce its new alerts)."""
        self._dirty: set[int] = set()
        self._settle = QTimer(self, singleShot=True, interval=SETTLE_MS)
        self._settle.timeout.connect(self._refresh_dirty)
        self._tick = QTimer(self, interval=REFRESH_MS)
        self._tick.timeout.connect(self.refresh)
        self._tick.start()
        bridge.event.connect(self._on_event)

    def card(self, hive_id: int) -> HiveCard | None:
        return next((c for c in self.cards if c.hive.id == hive_id), None)

    def refresh(self, announce: bool = True) -> None:
        """Rebuild every card (after a change made in the window, on the minute, or when the
        thresholds changed: then ``announce=False``, so new rules do not pop up notifications)."""
        if self._full_running:
            self._full_again = announce if self._full_again is None else self._full_again and announce
            return
        self._full_running = True
        self._submit(None, announce)

    def _refresh_dirty(self) -> None:
        hive_ids, self._dirty = frozenset(self._dirty), set()
        self._submit(hive_ids, True)

    def _submit(self, hive_ids: frozenset[int] | None, announce: bool) -> None:
        self._job += 1
        job = self._job

        def build() -> _Found:
            cards = overview.hive_cards(hive_ids) if hive_ids is None or hive_ids else []
            return _Found(job, hive_ids, cards, apiary_views.setup_counts(), announce)

        self.runner.submit(build, self._take, lambda error: self._failed(hive_ids, error))

    def _failed(self, hive_ids: frozenset[int] | None, error: BaseException) -> None:
        log.error("could not read the hives' state: %s", error, exc_info=error)
        if hive_ids is None:
            self._full_done()

    def _full_done(self) -> None:
        self._full_running = False
        if self._full_again is not None:
            announce, self._full_again = self._full_again, None
            self.refresh(announce)

    def _take(self, found: _Found) -> None:
        known = {card.hive.id: card for card in self.cards}
        started: list[HiveAlert] = []
        fresh = {}
        for card in found.cards:
            if found.hive_ids is not None and card.hive.id not in known:
                continue  # a hive new since the last full answer waits for the next one
            if self._card_job.get(card.hive.id, 0) > found.job:
                continue  # a reading's newer answer for this hive came first
            self._card_job[card.hive.id] = found.job
            fresh[card.hive.id] = card
            before = known.get(card.hive.id)
            if found.announce and before is not None:
                started += [a for a in card.alerts if not any(_same_alert(a, b) for b in before.alerts)]
        if found.hive_ids is None:  # every hive, in order; a hive missing from it is gone
            self.cards = [fresh.get(card.hive.id) or known[card.hive.id] for card in found.cards]
            self._full_done()
        else:
            self.cards = [fresh.get(card.hive.id, card) for card in self.cards]
        self.counts = found.counts
        count = sum(len(card.alerts) for card in self.cards)
        if count != self.alert_count:
            self.alert_count = count
            self.alert_count_changed.emit(count)
        self.changed.emit()
        if started:
            self.alerts_started.emit(started)

    def _on_event(self, event: events.Event) -> None:
        if isinstance(event, events.SettingChanged) and event.key in ALERT_SETTINGS:
            self.refresh(announce=False)
        elif isinstance(event, events.ReadingStored):
            if event.hive_id is not None:
                self._dirty.add(event.hive_id)
            if not self._settle.isActive():
                self._settle.start()

    def stop(self) -> None:
        self._tick.stop()
        self._settle.stop()
