"""Run a WSGI app on cheroot in a daemon thread, with a start that fails fast on a taken port."""

from __future__ import annotations

import logging
import threading
import warnings
from collections.abc import Callable

from cheroot import wsgi

from kegdash import __version__

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 8 * 1024 * 1024


class ServerError(RuntimeError):
    """The server could not bind; the message names the address and the cause, in one line."""


class ApiServer:
    """Binds in ``start()`` (so a taken port is an error at once), serves in a thread."""

    def __init__(
        self, app: Callable, host: str = "127.0.0.1", port: int = 8000, threads: int = 8
    ) -> None:
        self.app = app
        self.host = host
        self.port = port
        self.threads = threads
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
            server_name=f"kegdash/{__version__}", request_queue_size=64,
        )
        server.max_request_body_size = MAX_BODY_BYTES
        server.max_request_header_size = 64 * 1024
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
