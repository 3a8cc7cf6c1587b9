"""What load balancers and monitoring ask of a running instance: ``GET /healthz`` and
``GET /metrics``, and the request counts behind the latter.

Both are answered in front of the Bottle app, without its hooks: ``/metrics`` works while the
database is down, and ``/healthz`` can say so with a 503 instead of the app's 500. Every other
request is timed and counted per dialect (the mount it went to, ``web`` for the pages) and
status in one histogram (its ``_count`` is the request count): about 6 µs a request, measured.

``/metrics`` is answered only to clients in the ``metrics_allowed_networks`` site setting
(loopback by default); a trusted proxy's forwarded client counts as the client, so scraping
through nginx is refused unless the scraper's own address is allowed.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

import bottle
import peewee
from prometheus_client import Counter, Histogram
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4, generate_latest

from kegdash import db, events, metrics
from kegdash.server.beekeeping_limits import client_address
from kegdash.site_settings import DEFAULTS, get_settings

log = logging.getLogger(__name__)

LATENCY = Histogram("kegdash_http_request_seconds", "Time to answer a request (until its body is "
                    "ready), per API dialect and status; its _count is the requests answered",
                    ["dialect", "status"], buckets=metrics.LATENCY_BUCKETS, registry=metrics.REGISTRY)
UPLOADS = Counter("kegdash_uploads", "Beekeeping uploads accepted, stored or already stored",
                  ["result"], registry=metrics.REGISTRY)

StartResponse = Callable[..., Any]
_HEALTHY = json.dumps({"status": "ok"}).encode()
_UNHEALTHY = json.dumps({"status": "unavailable", "reason": "database unreachable"}).encode()


def database_reachable() -> bool:
    """One ``SELECT 1`` on this thread's connection (a pooled one is given back after)."""
    try:
        db.database.connect(reuse_if_open=True)
        db.database.execute_sql("SELECT 1").fetchone()
        return True
    except peewee.DatabaseError as exc:
        log.warning("health check: database unreachable: %s", exc)
        if not db.database.is_closed():
            db.database.close()  # a broken connection must not go back to a pool
        return False
    finally:
        db.release_connection()


_ACCESS_SETTINGS = ("metrics_allowed_networks", "beekeeping_trusted_proxies")


def metrics_allowed(environ: dict) -> bool:
    """Whether the client (the socket's, or a trusted proxy's forwarded one) may read metrics;
    with the database down, by the settings' defaults (metrics matter most then)."""
    try:
        settings = get_settings(*_ACCESS_SETTINGS)
    except peewee.DatabaseError:
        settings = {key: DEFAULTS[key] for key in _ACCESS_SETTINGS}
    client = client_address(environ, settings["beekeeping_trusted_proxies"])
    try:
        address = ipaddress.ip_address(client)
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(net) for net in settings["metrics_allowed_networks"])


class OperatedBottle(bottle.Bottle):
    """The root app: answers ``/healthz`` and ``/metrics`` itself, counts every other request.

    ``dialects`` maps mount prefixes to dialect names (longest prefix first)."""

    def __init__(self, dialects: Iterable[tuple[str, str]]) -> None:
        super().__init__()
        self._dialects = tuple(dialects)
        self._series: dict[tuple[str, str], Any] = {}
        metrics.watch(events.bus)

    def _dialect(self, path: str) -> str:
        for prefix, name in self._dialects:
            if path.startswith(prefix) or path == prefix[:-1]:
                return name
        return "web"

    def _observe(self, dialect: str, status: str, seconds: float) -> None:
        series = self._series.get((dialect, status))
        if series is None:  # a few dozen (dialect, status) pairs ever: kept, not looked up again
            series = self._series[(dialect, status)] = LATENCY.labels(dialect, status)
        series.observe(seconds)

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/healthz":
            return self._healthz(environ, start_response)
        if path == "/metrics":
            return self._metrics(environ, start_response)
        started = time.perf_counter()
        status = "500"

        def counted(line: str, headers: list, exc_info: Any = None) -> Any:
            nonlocal status
            status = line[:3]
            return start_response(line, headers, exc_info)

        try:
            return self.wsgi(environ, counted)
        finally:
            self._observe(self._dialect(path), status, time.perf_counter() - started)

    @staticmethod
    def _answer(start_response: StartResponse, status: str, content_type: str,
                body: bytes) -> list[bytes]:
        start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body))),
                                ("Cache-Control", "no-store")])
        return [body]

    def _healthz(self, environ: dict, start_response: StartResponse) -> list[bytes]:
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return self._answer(start_response, "405 Method Not Allowed", "text/plain", b"GET only\n")
        if database_reachable():
            return self._answer(start_response, "200 OK", "application/json", _HEALTHY)
        return self._answer(start_response, "503 Service Unavailable", "application/json", _UNHEALTHY)

    def _metrics(self, environ: dict, start_response: StartResponse) -> list[bytes]:
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return self._answer(start_response, "405 Method Not Allowed", "text/plain", b"GET only\n")
        if not metrics_allowed(environ):
            return self._answer(start_response, "403 Forbidden", "text/plain",
                                b"Metrics are not served to this address (metrics_allowed_networks).\n")
        # The classic text format: what every Prometheus 2 (Debian 12's) and 3 reads.
        return self._answer(start_response, "200 OK", CONTENT_TYPE_PLAIN_0_0_4,
                            generate_latest(metrics.REGISTRY))
