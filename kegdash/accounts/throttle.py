"""One throttle for every password check in the process: the web login, Tapline's HTTP Basic
and the client secrets of Tapline applications all count their failures here.

Failures are counted per account name (guessing one password from many addresses) and per
client address (one client trying many names); a name or an address with too many failures in
the window is refused before its password is even checked. A success clears its name's count,
never its address's (an attacker's own good password must not wash out their failures).
Names are counted by their comparison key (``accounts.names``), so ``Alice`` and ``alice``
share one count. The address is the socket's peer: behind a proxy every visitor is one
address, which errs on the safe side.

Memory is bounded (``MAX_ENTRIES`` names and as many addresses), and a locked entry is never
the one dropped to make room: a flood of failures for junk names evicts unlocked entries, the
longest idle first. Were the table ever full of locked entries, names and addresses it cannot
hold share one overflow count, which then locks them together: the throttle fails closed.

On PostgreSQL the counts are kept in the database (``shared_windows``), so every instance on
it counts into the same windows and a restart forgets nothing. On SQLite (one process) they
live in memory, for the database that is open: opening another one (the window switching to
the demo database, each test) starts afresh, and a restart forgets them.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import TypeVar

from kegdash import db, shared_windows
from kegdash.accounts.names import name_key

WINDOW_S = 15 * 60
MAX_PER_NAME = 5
MAX_PER_ADDRESS = 20
MAX_ENTRIES = 10_000
"""Per table (names, addresses): about 10,000 × 20 timestamps at most, a few megabytes."""

T = TypeVar("T")


class TooManyAttempts(Exception):
    """Too many failed password checks for this name or from this address; try again later."""

    def __init__(self, wait_seconds: int) -> None:
        super().__init__(f"too many failed attempts; try again in {wait_seconds} s")
        self.wait_seconds = wait_seconds


class _Failures:
    """Recent failure times per key, at most ``limit`` each (enough to know a lock)."""

    def __init__(self, limit: int, window_s: float, max_entries: int) -> None:
        self.limit, self.window_s, self.max_entries = limit, window_s, max_entries
        self.entries: dict[str, deque[float]] = {}
        self.overflow: deque[float] = deque(maxlen=limit)

    def _locked_for(self, times: deque[float], now: float) -> float:
        """Seconds until ``times`` no longer holds ``limit`` failures within the window."""
        if len(times) < self.limit:
            return 0.0
        return max(0.0, times[0] + self.window_s - now)

    def wait(self, key: str, now: float) -> float:
        times = self.entries.get(key)
        return self._locked_for(self.overflow if times is None else times, now)

    def fail(self, key: str, now: float) -> None:
        times = self.entries.get(key)
        if times is None:
            if len(self.entries) >= self.max_entries and not self._make_room(now):
                self.overflow.append(now)
                return
            times = self.entries[key] = deque(maxlen=self.limit)
        times.append(now)

    def clear(self, key: str) -> None:
        self.entries.pop(key, None)

    def _make_room(self, now: float) -> bool:
        """Drop entries with no failure left in the window, else the tenth of the unlocked
        ones idle longest (so a flood pays for one sort per thousand new keys); never a locked
        one. False if every entry is locked."""
        horizon = now - self.window_s
        stale = [key for key, times in self.entries.items() if times[-1] <= horizon]
        if not stale:
            unlocked = [(times[-1], key) for key, times in self.entries.items()
                        if not self._locked_for(times, now)]
            unlocked.sort()
            stale = [key for _, key in unlocked[:max(1, self.max_entries // 10)]]
        for key in stale:
            del self.entries[key]
        return bool(stale)


class PasswordThrottle:
    """Failed password checks per name and per address, in a sliding window."""

    def __init__(self, window_s: float = WINDOW_S, per_name: int = MAX_PER_NAME,
                 per_address: int = MAX_PER_ADDRESS, max_entries: int = MAX_ENTRIES) -> None:
        self.settings = (window_s, per_name, per_address, max_entries)
        self._lock = threading.Lock()
        self._generation = -1
        self._reset()

    def _reset(self) -> None:
        window_s, per_name, per_address, max_entries = self.settings
        self.names = _Failures(per_name, window_s, max_entries)
        self.addresses = _Failures(per_address, window_s, max_entries)

    def _for_this_database(self) -> None:
        if self._generation != db.generation:
            self._generation = db.generation
            self._reset()

    def _shared_keys(self, address: str, name: str | None) -> list[tuple[str, int]]:
        """(key in ``shared_windows``, its limit) for the address and the name."""
        window_s, per_name, per_address, _ = self.settings
        keys = [(f"password-address:{address}", per_address)]
        if name is not None:
            keys.append((f"password-name:{name_key(name)}", per_name))
        return keys

    def wait_seconds(self, address: str, name: str | None) -> int:
        """0 if a password check for ``name`` (None: no account name, e.g. a client secret)
        from ``address`` may go ahead, else the whole seconds until it may."""
        if shared_windows.in_use():
            window_s = self.settings[0]
            wait = max(shared_windows.peek(key, window_s).wait(limit, window_s)
                       for key, limit in self._shared_keys(address, name))
            return int(wait) + 1 if wait else 0
        now = time.monotonic()
        with self._lock:
            self._for_this_database()
            wait = self.addresses.wait(address, now)
            if name is not None:
                wait = max(wait, self.names.wait(name_key(name), now))
        return int(wait) + 1 if wait else 0

    def failed(self, address: str, name: str | None) -> None:
        if shared_windows.in_use():
            for key, limit in self._shared_keys(address, name):
                shared_windows.hit(key, limit, self.settings[0], always=True)
            return
        now = time.monotonic()
        with self._lock:
            self._for_this_database()
            self.addresses.fail(address, now)
            if name is not None:
                self.names.fail(name_key(name), now)

    def succeeded(self, name: str) -> None:
        if shared_windows.in_use():
            shared_windows.clear(f"password-name:{name_key(name)}")
            return
        with self._lock:
            self._for_this_database()
            self.names.clear(name_key(name))

    def check(self, address: str, name: str | None, attempt: Callable[[], T | None]) -> T | None:
        """Run one password check (``attempt`` answers None when it fails) through the throttle:
        TooManyAttempts before it if the name or the address is locked; its failure is counted,
        its success clears the name."""
        wait = self.wait_seconds(address, name)
        if wait:
            raise TooManyAttempts(wait)
        result = attempt()
        if result is None:
            self.failed(address, name)
        elif name is not None:
            self.succeeded(name)
        return result


THROTTLE = PasswordThrottle()
"""The process's one throttle: every password check goes through it."""
