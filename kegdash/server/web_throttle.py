"""Login throttling: failed attempts counted per client address and per user name.

Per name stops guessing one account's password from many addresses; per address stops one
client trying many names. Counts live in memory (one process serves the pages), in a sliding
window, and a success clears that name's count. The address is the socket's peer: a proxy in
front of kegdash makes every visitor one address, which errs on the safe side.
"""

from __future__ import annotations

import threading
import time
from collections import deque

WINDOW_S = 15 * 60
MAX_PER_USER = 5
MAX_PER_ADDRESS = 20
MAX_KEYS = 10_000


class LoginThrottle:
    def __init__(self, window_s: float = WINDOW_S, per_user: int = MAX_PER_USER,
                 per_address: int = MAX_PER_ADDRESS) -> None:
        self.window_s = window_s
        self.limits = {"user": per_user, "addr": per_address}
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: tuple[str, str], now: float) -> deque[float]:
        times = self._failures.get(key, deque())
        while times and times[0] <= now - self.window_s:
            times.popleft()
        if not times:
            self._failures.pop(key, None)
        return times

    def wait_seconds(self, address: str, username: str) -> int:
        """0 if this attempt may go ahead, else how long until the oldest counted failure expires."""
        now = time.monotonic()
        wait = 0.0
        with self._lock:
            for kind, value in (("user", username.lower()), ("addr", address)):
                times = self._recent((kind, value), now)
                if len(times) >= self.limits[kind]:
                    wait = max(wait, times[0] + self.window_s - now)
        return int(wait) + 1 if wait else 0

    def failed(self, address: str, username: str) -> None:
        now = time.monotonic()
        with self._lock:
            if len(self._failures) >= MAX_KEYS:  # many addresses: forget the stalest first
                for key in sorted(self._failures, key=lambda k: self._failures[k][-1])[:MAX_KEYS // 10]:
                    del self._failures[key]
            for key in (("user", username.lower()), ("addr", address)):
                self._failures.setdefault(key, deque()).append(now)

    def succeeded(self, username: str) -> None:
        with self._lock:
            self._failures.pop(("user", username.lower()), None)
