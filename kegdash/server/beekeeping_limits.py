"""Beekeeping.io's rate limit: at most N requests per second per client address, counted before
the licence key is even looked at (so key guessing is throttled too), with per-address
allowances, a loopback exemption and trusted proxies from the site settings."""

from __future__ import annotations

import ipaddress
import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass
from time import monotonic
from typing import Any

import bottle

from kegdash import shared_windows
from kegdash.server.beekeeping_envelope import error_response
from kegdash.site_settings import get_settings


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    limit: int
    remaining: int
    reset_after: float
    """Seconds until the oldest counted request leaves the window (a slot frees up)."""

    def headers(self) -> dict[str, str]:
        """``X-RateLimit-*`` on every answer, plus ``Retry-After`` on a refusal."""
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(math.ceil(time.time() + self.reset_after)),
        }
        if not self.allowed:
            headers["Retry-After"] = str(max(1, math.ceil(self.reset_after)))
        return headers


class RateLimiter:
    """A moving window: at most ``limit`` requests in any ``window`` seconds per key.

    On PostgreSQL the times are kept in the database, one window per key for every instance
    (``shared_windows``); on SQLite (one process), in memory as follows.

    Per key it keeps the times of at most ``limit`` accepted requests, in an ``OrderedDict``
    ordered by last use, and drops idle keys from the front on every call — memory is bounded by
    the clients seen in the last window or two.  (``limits`` 5.8.0's ``MemoryStorage`` keeps an
    empty list per key forever — verified with 20,000 addresses — hence these few lines.)
    """

    def __init__(self, window: float = 1.0) -> None:
        self.window = window
        self._lock = threading.Lock()
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._hits)

    def hit(self, key: str, limit: int) -> Verdict:
        """Count one request for ``key`` if the window has room; say whether it may proceed.
        On PostgreSQL the window is the one all instances share (``shared_windows``)."""
        if shared_windows.in_use():
            return self._shared_hit(key, limit)
        now = monotonic()
        horizon = now - self.window
        with self._lock:
            while self._hits:
                idle_key, idle_times = next(iter(self._hits.items()))
                if idle_times and idle_times[-1] > horizon:
                    break
                del self._hits[idle_key]
            times = self._hits.setdefault(key, deque())
            self._hits.move_to_end(key)
            while times and times[0] <= horizon:
                times.popleft()
            allowed = len(times) < limit
            if allowed:
                times.append(now)
            remaining = max(limit - len(times), 0)
            reset_after = times[0] + self.window - now if times else 0.0
        return Verdict(allowed, limit, remaining, reset_after)


    def _shared_hit(self, key: str, limit: int) -> Verdict:
        window = shared_windows.hit(f"beekeeping:{key}", limit, self.window)
        reset_after = window.times[0] + self.window - window.now if window.times else 0.0
        return Verdict(window.allowed, limit, max(limit - len(window.times), 0), max(reset_after, 0.0))


def client_address(environ: dict, trusted_proxies: list[str]) -> str:
    """The socket's peer address, never a client-supplied ``X-Forwarded-For`` — except when the
    socket belongs to a trusted proxy, whose last forwarded hop is then the client."""
    client = environ.get("REMOTE_ADDR", "")
    forwarded = environ.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and client in trusted_proxies:
        return forwarded.rsplit(",", 1)[-1].strip()
    return client


def rate_limit_for(environ: dict) -> tuple[str, int | None]:
    """The client's address (``client_address``) and its allowance per second (None = not
    limited)."""
    settings = get_settings(
        "beekeeping_rate_per_second", "beekeeping_rate_allowances",
        "beekeeping_rate_exempt_loopback", "beekeeping_trusted_proxies",
    )
    client = client_address(environ, settings["beekeeping_trusted_proxies"])
    try:
        loopback = ipaddress.ip_address(client).is_loopback
    except ValueError:
        loopback = False
    if loopback and settings["beekeeping_rate_exempt_loopback"]:
        return client, None
    allowance = settings["beekeeping_rate_allowances"].get(client)
    return client, allowance or settings["beekeeping_rate_per_second"]


class RateLimitPlugin:
    """Refuse a client over its allowance with 429; put ``X-RateLimit-*`` on every answer,
    errors included (installed outside the dialect's error plugin)."""

    name = "beekeeping-rate-limit"
    api = 2

    def __init__(self, limiter: RateLimiter) -> None:
        self.limiter = limiter

    def apply(self, callback: Callable, route: bottle.Route) -> Callable:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            client, limit = rate_limit_for(bottle.request.environ)
            if limit is None:
                return callback(*args, **kwargs)
            verdict = self.limiter.hit(client, limit)
            headers = verdict.headers()
            if not verdict.allowed:
                return error_response(
                    429, f"at most {verdict.limit} requests per second per IP address",
                    headers=headers)
            result = callback(*args, **kwargs)
            target = result if isinstance(result, bottle.HTTPResponse) else bottle.response
            for key, value in headers.items():
                target.set_header(key, value)
            return result

        return wrapper
