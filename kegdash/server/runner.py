"""Run a WSGI app on cheroot in a daemon thread, with a start that fails fast on a taken port."""

from __future__ import annotations

import logging
import threading
import warnings
from collections.abc import Callable

from cheroot import wsgi

from kegdash import __version__

log = logging.getLogger(__name__)

# Limits, chosen deliberately (README "Limits and performance"; tests/server/test_limits.py).
MAX_BODY_BYTES = 8 * 1024 * 1024
"""Above the largest body a dialect accepts (4 MiB); cheroot answers 413 before reading it."""
MAX_HEADER_BYTES = 64 * 1024
"""Request line plus headers; longer is 414/431-style refused by cheroot before the app runs."""
SOCKET_TIMEOUT_S = 10.0
"""A client silent this long in the middle of a request (or idle on keep-alive) is disconnected.
It bounds how long a slow client can hold one worker thread per read."""
KEEP_ALIVE_CONNECTIONS = 256
"""Idle keep-alive connections cheroot parks in its selector (they hold no thread). Its default
of 10 closed most connections of 50 keep-alive clients after every answer."""
LISTEN_BACKLOG = 128


class ServerError(RuntimeError):
    """The server could not bind; the message names the address and the cause, in one line."""


class ApiServer:
    """Binds in ``start()`` (so a taken port is an error at once), serves in a thread."""

    def __init__(
        self, app: Callable, host: str = "127.0.0.1", port: int = 8000, threads: int = 8,
        timeout: float = SOCKET_TIMEOUT_S,
    ) -> None:
        self.app = app
        self.host = host
        self.port = port
        self.threads = threads
        self.timeout = timeout
        self._server: wsgi.Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        server = wsgi.Server(
            (self.host, self.port), self.app, numthreads=self.threads,
            server_name=f"kegdash/{__version__}", request_queue_size=LISTEN_BACKLOG,
            timeout=self.timeout,
        )
        server.max_request_body_size = MAX_BODY_BYTES
        server.max_request_header_size = MAX_HEADER_BYTES
        server.keep_alive_conn_limit = KEEP_ALIVE_CONNECTIONS
        with warnings.catch_warnings():
            # cheroot 11 leaves the socket that failed to bind unclosed; it is reclaimed, quietly,
            # when the traceback that holds it goes at the end of this block.
            warnings.simplefilter("ignore", ResourceWarning)
            try:
                server.prepare()
                failure = None
            except OSError as exc:
                failure = str(exc).split(": ", 1)[-1].strip(")")
        if failure is not None:
            raise ServerError(f"cannot listen on {self.host}:{self.port}: {failure}")
        self.port = server.bind_addr[1]
        self._server = server
        self._thread = threading.Thread(target=server.serve, name="kegdash-http", daemon=True)
        self._thread.start()
        log.info("API server listening on %s", self.url)

    def stop(self, timeout: float = 5.0) -> None:
        if self._server is None:
            return
        self._server.stop()
        if self._thread is not None:
            self._thread.join(timeout)
        self._server = None
        log.info("API server stopped")
