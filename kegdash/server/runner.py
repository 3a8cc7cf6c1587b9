"""Run a WSGI app on waitress in a daemon thread, with a start that fails fast on a taken port.

Waitress reads each request whole (headers and body, de-chunking a chunked body and setting its
``Content-Length``) in its one I/O thread before a worker thread sees it, so a slow or silent
client holds a connection, never a worker. What a connection may hold is bounded here: a
whole-request deadline, an idle timeout, a total and a per-address connection cap
(``docs/server-choice.md`` says why waitress and not cheroot or granian, with the numbers).
"""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable

from waitress import wasyncore
from waitress.adjustments import Adjustments
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.receiver import ChunkedReceiver
from waitress.server import TcpWSGIServer
from waitress.task import ThreadedTaskDispatcher
from waitress.utilities import BadRequest

from kegdash import __version__

log = logging.getLogger(__name__)
# All workers busy is what load looks like, not a fault: waitress would log each queued request.
logging.getLogger("waitress.queue").setLevel(logging.ERROR)

# Limits, chosen deliberately (README "Limits and performance"; tests/server/test_limits.py).
MAX_BODY_BYTES = 8 * 1024 * 1024
"""Above the largest body a dialect accepts (4 MiB): 413 by ``Content-Length`` before the body is
read, and a chunked body is cut off (413, connection closed) once it passes this."""
MAX_CHUNKS = 8192
"""Chunks in one chunked body; more is 400 and the connection is closed. Waitress de-chunks in its
one I/O thread at a cost per chunk, so 1-byte chunks kept it busy for a minute (10 clients);
8 MiB in 8,192 chunks is 1 KiB a chunk, and http.client sends 8 KiB ones."""
MAX_HEADER_BYTES = 64 * 1024
"""Request line plus headers; more is 431 and the connection is closed; the app never runs."""
IDLE_TIMEOUT_S = 10.0
"""A connection silent this long, idle on keep-alive or in the middle of a request, is closed."""
REQUEST_DEADLINE_S = 60.0
"""From a request's first byte to its last: a client trickling a byte every few seconds is cut
off here. 8 MiB in 60 s needs about 1.1 Mbit/s."""
MAX_CONNECTIONS = 512
"""Open connections in all; above it new ones wait in the listen backlog. Idle keep-alive
connections count and hold no thread."""
MAX_CONNECTIONS_PER_ADDRESS = 128
"""Open connections from one client address; one more is answered 503 and closed, so one host
cannot take every connection. A benchmark's 50 keep-alive connections fit twice over: closed
connections count until the I/O thread has seen them go."""
LISTEN_BACKLOG = 128
MAINTENANCE_INTERVAL_S = 1.0
"""How often the idle timeout and the request deadline are checked."""
DRAIN_READS = 16
"""Reads of up to 64 KiB of unread input before a connection is closed (see _Channel)."""


class ServerError(RuntimeError):
    """The server could not bind; the message names the address and the cause, in one line."""


class _CountedChunks(ChunkedReceiver):
    """Waitress's de-chunker, refusing a body of more than MAX_CHUNKS chunks. Waitress starts a
    chunk by setting ``chunk_remainder`` from 0 to the chunk's size; that is what is counted."""

    chunks = 0
    _remainder = 0

    @property
    def chunk_remainder(self) -> int:
        return self._remainder

    @chunk_remainder.setter
    def chunk_remainder(self, value: int) -> None:
        if self._remainder == 0 and value > 0:
            self.chunks += 1
            if self.chunks > MAX_CHUNKS and self.error is None:
                self.error = BadRequest(f"more than {MAX_CHUNKS} chunks in the body")
        self._remainder = value


class _Request(HTTPRequestParser):
    """Waitress's request parser, remembering when the request's first byte arrived."""

    def __init__(self, adj: Adjustments) -> None:
        super().__init__(adj)
        self.started = time.time()

    def parse_header(self, header_plus: bytes) -> None:
        super().parse_header(header_plus)
        if type(self.body_rcv) is ChunkedReceiver:
            self.body_rcv = _CountedChunks(self.body_rcv.buf)


class _Channel(HTTPChannel):
    """One client connection; the one over its address's share is answered 503 and closed."""

    parser_class = _Request

    def __init__(self, server: _Server, sock: socket.socket, addr: tuple, adj: Adjustments,
                 map: dict | None = None) -> None:  # "map" is waitress's name
        super().__init__(server, sock, addr, adj, map=map)
        same = sum(1 for channel in server.active_channels.values() if channel.addr[0] == addr[0])
        if same > MAX_CONNECTIONS_PER_ADDRESS:
            self.write_soon(b"HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n"
                            b"Content-Type: text/plain\r\nContent-Length: 33\r\n\r\n"
                            b"Too many connections from here.\r\n")
            self.close_when_flushed = True

    def handle_close(self) -> None:
        """Read what the client already sent (up to a bound) before closing: a socket closed
        with unread input resets the connection, and the client loses an answer sent before
        its request was read whole, such as a 413 for a chunked body over the limit."""
        sock = self.socket  # None once closed; waitress may be asked to close twice
        try:
            if sock is not None:
                sock.shutdown(socket.SHUT_WR)
                for _ in range(DRAIN_READS):
                    if not sock.recv(65536):
                        break
        except OSError:  # nothing more buffered (non-blocking), or the client is gone
            pass
        super().handle_close()


class _Server(TcpWSGIServer):
    channel_class = _Channel
    request_deadline = REQUEST_DEADLINE_S

    def bind_server_socket(self) -> None:
        if self.family == socket.AF_INET6:  # "::" takes IPv4 clients too, as it did on cheroot
            self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        try:
            super().bind_server_socket()
        except OSError:
            self.socket.close()
            self.trigger.close()
            raise

    def maintenance(self, now: float) -> None:
        """Waitress closes idle connections; this also closes those whose request is late."""
        super().maintenance(now)
        cutoff = now - self.request_deadline
        for channel in self.active_channels.values():
            if channel.request is not None and channel.request.started < cutoff:
                channel.will_close = True


class ApiServer:
    """Binds in ``start()`` (so a taken port is an error at once), serves in a thread."""

    def __init__(
        self, app: Callable, host: str = "127.0.0.1", port: int = 8000, threads: int = 8,
        timeout: float = IDLE_TIMEOUT_S, deadline: float = REQUEST_DEADLINE_S,
    ) -> None:
        self.app = app
        self.host = host
        self.port = port
        self.threads = threads
        self.timeout = timeout
        self.deadline = deadline
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        try:
            adj = Adjustments(
                host=self.host, port=self.port, threads=self.threads, backlog=LISTEN_BACKLOG,
                ident=f"kegdash/{__version__}", server_name=socket.gethostname(),  # as cheroot
                channel_timeout=self.timeout,
                cleanup_interval=MAINTENANCE_INTERVAL_S, connection_limit=MAX_CONNECTIONS,
                max_request_body_size=MAX_BODY_BYTES, max_request_header_size=MAX_HEADER_BYTES,
                asyncore_use_poll=True,  # select() stops at 1,024 descriptors
                # The app decides whom to trust with X-Forwarded-For (beekeeping_limits.py).
                clear_untrusted_proxy_headers=False,
            )
            dispatcher = ThreadedTaskDispatcher()
            server = _Server(self.app, map={}, dispatcher=dispatcher, adj=adj)
        except (OSError, ValueError) as exc:
            raise ServerError(f"cannot listen on {self.host}:{self.port}: {exc}") from None
        server.request_deadline = self.deadline
        dispatcher.set_thread_count(self.threads)
        self.port = server.effective_port
        self._server = server
        self._thread = threading.Thread(target=server.run, name="kegdash-http", daemon=True)
        self._thread.start()
        log.info("API server listening on %s", self.url)

    def stop(self, timeout: float = 5.0) -> None:
        """Close the listener and every connection in the I/O thread, then let the workers
        finish the requests they hold."""
        server, self._server = self._server, None
        if server is None:
            return
        connections = server._map
        try:
            server.trigger.pull_trigger(lambda: wasyncore.close_all(connections))
        except OSError:  # the wake-up pipe is gone (closed under us): close from this thread
            wasyncore.close_all(connections, ignore_all=True)
            if server.trigger.socket is not None:  # the pipe's own close stops at the end gone
                server.trigger.socket.close()
        if self._thread is not None:
            self._thread.join(timeout)
        server.task_dispatcher.shutdown(timeout=timeout)
        log.info("API server stopped")
