"""Serve a WSGI app from a thread: one asyncio I/O thread reads each request whole, a few worker
threads run the app.

The I/O thread (uvloop where it is installed, else asyncio's own loop) parses requests with
httptools (llhttp, in C) and hands a request to a worker only once its headers and body are all
in, de-chunked, within a size limit and a deadline; so a slow or silent client holds a
connection, never a worker. What a connection may hold is bounded here: a whole-request deadline,
an idle timeout, a total and a per-address connection cap, a header and a body size, a chunk
count. The worker runs the app and hands the whole answer back to the I/O thread, which writes it.
``docs/server-choice.md`` says why this and not waitress, cheroot or granian, with the numbers.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import socket
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from email.utils import formatdate
from http import HTTPStatus
from queue import SimpleQueue
from urllib.parse import unquote_to_bytes

import httptools

from kegdash import __version__, db

try:  # a faster loop on Linux and macOS; Windows has none and uses asyncio's own
    import uvloop
except ImportError:  # pragma: no cover - depends on the platform
    uvloop = None

log = logging.getLogger(__name__)

# Limits, chosen deliberately (README "Limits and performance"; tests/server/test_limits.py).
MAX_BODY_BYTES = 8 * 1024 * 1024
"""Above the largest body a dialect accepts (4 MiB): 413 by ``Content-Length`` before the body is
read, and a chunked body is cut off (413, connection closed) once it passes this."""
MAX_CHUNKS = 8192
"""Chunks in one chunked body; more is 400 and the connection is closed. Each chunk costs the one
I/O thread a call, so a body of 1-byte chunks would keep it busy; 8 MiB in 8,192 chunks is 1 KiB
a chunk, and http.client sends 8 KiB ones."""
MAX_HEADER_BYTES = 64 * 1024
"""Request line plus headers; more is 431 and the connection is closed; the app never runs."""
IDLE_TIMEOUT_S = 10.0
"""A connection silent this long, idle on keep-alive or in the middle of a request, is closed."""
REQUEST_DEADLINE_S = 60.0
"""From a request's first byte to its last: a client trickling a byte every few seconds is cut
off here. 8 MiB in 60 s needs about 1.1 Mbit/s."""
MAX_CONNECTIONS = 512
"""Open connections in all; one more is answered 503 and closed. Idle keep-alive connections
count and hold no thread."""
MAX_CONNECTIONS_PER_ADDRESS = 128
"""Open connections from one client address; one more is answered 503 and closed, so one host
cannot take every connection. A benchmark's 50 keep-alive connections fit twice over."""
LISTEN_BACKLOG = 128
MAINTENANCE_INTERVAL_S = 1.0
"""How often the idle timeout and the request deadline are checked."""
DRAIN_BYTES = 1024 * 1024
"""Input read and dropped after a refusal (413, 431, 400) before the connection is closed: a
socket closed with unread input resets the connection, and the client would lose the answer."""
DRAIN_S = 2.0
"""How long a refused connection may take to send what it had in flight."""

SERVER_HEADER = f"kegdash/{__version__}"
_NO_BODY_STATUSES = frozenset((204, 304))


class ServerError(RuntimeError):
    """The server could not bind; the message names the address and the cause, in one line."""


class _Refusal(Exception):
    """Raised in a parser callback: answer ``status`` and close the connection."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _plain(status: int, message: str) -> bytes:
    """A whole plain-text answer that closes the connection, for refusals made by the server."""
    body = (message + "\r\n").encode()
    return (f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\nConnection: close\r\n"
            f"Content-Type: text/plain\r\nContent-Length: {len(body)}\r\n"
            f"Server: {SERVER_HEADER}\r\n\r\n").encode("latin-1") + body


class _Request:
    """One request as it arrives; complete once its body is in."""

    __slots__ = ("started", "url", "headers", "body", "size", "chunks", "head_bytes",
                 "head_done", "method", "version", "keep_alive")

    def __init__(self, started: float) -> None:
        self.started = started
        self.url = b""
        self.headers: list[tuple[bytes, bytes]] = []
        self.body: list[bytes] = []
        self.size = 0
        self.chunks = 0
        self.head_bytes = 0
        self.head_done = False
        self.method = "GET"
        self.version = "1.1"
        self.keep_alive = True


class _Connection(asyncio.Protocol):
    """One client connection, in the I/O thread. Requests on it are answered one at a time, in
    order; while one is with a worker, reading pauses once the next is in (pipelining stays
    bounded)."""

    def __init__(self, server: _Server) -> None:
        self.server = server
        self.transport: asyncio.Transport | None = None
        self.address = ""
        self.port = 0
        self.parser = httptools.HttpRequestParser(self)
        self.request: _Request | None = None  # the one being read
        self.waiting: deque[_Request] = deque()  # read whole, not yet answered
        self.busy = False  # a worker has one of this connection's requests
        self.closing = False  # answer what is with the worker, then close
        self.refusal: bytes | None = None  # to write once the worker's answer is out
        self.draining_since: float | None = None
        self.drained = 0
        self.last_active = 0.0
        self.paused = False

    # asyncio.Protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        peer = transport.get_extra_info("peername")
        if peer:
            self.address, self.port = peer[0], peer[1]
        self.last_active = self.server.loop.time()
        refusal = self.server.admit(self)
        if refusal:
            self.refuse(503, refusal)

    def connection_lost(self, exc: Exception | None) -> None:
        self.server.forget(self)
        self.transport = None

    def data_received(self, data: bytes) -> None:
        now = self.server.loop.time()
        self.last_active = now
        if self.draining_since is not None:
            self.drained += len(data)
            if self.drained > DRAIN_BYTES:
                self.transport.close()
            return
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:  # a request asked to switch protocols: answer it, close
            self.closing = True
        except httptools.HttpParserCallbackError as exc:
            cause = exc.__context__
            if isinstance(cause, _Refusal):
                self.refuse(cause.status, str(cause))
            else:
                log.error("HTTP parser callback failed", exc_info=cause)
                self.refuse(500, "Internal server error.")
            return
        except httptools.HttpParserError as exc:
            self.refuse(400, f"Malformed request: {exc}.")
            return
        request = self.request
        if request is not None and not request.head_done:
            request.head_bytes += len(data)
            if request.head_bytes > MAX_HEADER_BYTES:
                self.refuse(431, "Request headers too large.")
                return
        self._next()

    def eof_received(self) -> bool | None:
        if self.busy or self.waiting:
            self.closing = True  # a half-closed client still gets its answers
            return True
        return None  # close

    # httptools callbacks

    def on_message_begin(self) -> None:
        self.request = _Request(time.time())

    def on_url(self, url: bytes) -> None:
        self.request.url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        self.request.headers.append((name, value))

    def on_headers_complete(self) -> None:
        request = self.request
        request.head_done = True
        head = len(request.url) + sum(len(name) + len(value) + 4 for name, value in request.headers)
        if head > MAX_HEADER_BYTES:
            raise _Refusal(431, "Request headers too large.")
        request.method = self.parser.get_method().decode("latin-1")
        request.version = self.parser.get_http_version()
        expect_continue = False
        for name, value in request.headers:
            lower = name.lower()
            if lower == b"content-length" and value.strip().isdigit() \
                    and int(value) > MAX_BODY_BYTES:
                raise _Refusal(413, f"Request body over {MAX_BODY_BYTES} bytes.")
            if lower == b"expect" and value.lower() == b"100-continue":
                expect_continue = True
        if expect_continue and request.version == "1.1":
            self.transport.write(b"HTTP/1.1 100 Continue\r\n\r\n")

    def on_chunk_header(self) -> None:
        self.request.chunks += 1
        if self.request.chunks > MAX_CHUNKS + 1:  # the empty chunk that ends the body is one
            raise _Refusal(400, f"More than {MAX_CHUNKS} chunks in the body.")

    def on_body(self, body: bytes) -> None:
        request = self.request
        request.size += len(body)
        if request.size > MAX_BODY_BYTES:
            raise _Refusal(413, f"Request body over {MAX_BODY_BYTES} bytes.")
        request.body.append(body)

    def on_message_complete(self) -> None:
        request, self.request = self.request, None
        request.keep_alive = self.parser.should_keep_alive()
        self.waiting.append(request)

    # answering

    def _next(self) -> None:
        """Hand the next waiting request to a worker, unless one is there already; read on only
        while nothing waits."""
        if self.transport is None:
            return
        if not self.busy and self.waiting:
            request = self.waiting.popleft()
            self.busy = True
            self.server.workers.put((self, self.server.environ(self, request), request))
        if self.waiting:
            if not self.paused:
                self.transport.pause_reading()
                self.paused = True
        elif self.closing and not self.busy:
            self.transport.close()
        elif self.paused:
            self.transport.resume_reading()
            self.paused = False

    def respond(self, answer: bytes, close: bool) -> None:
        """In the I/O thread: write a worker's answer, then go on with the next request."""
        self.busy = False
        if self.transport is None or self.transport.is_closing():
            return
        self.transport.write(answer)
        if self.refusal is not None:
            self._refuse_now()
            return
        self.last_active = self.server.loop.time()
        if close:
            self.closing = True
            self.waiting.clear()
        self._next()

    def refuse(self, status: int, message: str) -> None:
        """Answer a refusal (after the answer a worker is making, if any), stop parsing, read
        and drop what the client still sends for a moment, then close (``DRAIN_BYTES``,
        ``DRAIN_S``)."""
        if self.transport is None or self.refusal is not None:
            return
        self.request = None
        self.waiting.clear()
        self.refusal = _plain(status, message)
        self.draining_since = self.server.loop.time()
        if not self.busy:
            self._refuse_now()

    def _refuse_now(self) -> None:
        self.draining_since = self.server.loop.time()
        self.transport.write(self.refusal)
        if self.transport.can_write_eof():
            self.transport.write_eof()
        else:  # pragma: no cover - TCP transports can half-close
            self.transport.close()
        if self.paused:
            self.transport.resume_reading()
            self.paused = False

    def expired(self, now: float, wall: float) -> bool:
        """Whether maintenance should close this connection now."""
        if self.busy:
            return False  # the app is working on an answer
        if self.draining_since is not None:
            return now - self.draining_since > DRAIN_S
        if self.request is not None and wall - self.request.started > self.server.deadline:
            return True
        return now - self.last_active > self.server.timeout


class _Workers:
    """Threads that run the app, fed from one queue. Daemon threads: a request stuck in the app
    must not keep the process from exiting."""

    def __init__(self, count: int, run: Callable[[tuple], None]) -> None:
        self.queue: SimpleQueue = SimpleQueue()
        self.threads = [threading.Thread(target=self._loop, args=(run,), daemon=True,
                                         name=f"kegdash-http-worker-{n}") for n in range(count)]
        for thread in self.threads:
            thread.start()

    def put(self, job: tuple) -> None:
        self.queue.put(job)

    def _loop(self, run: Callable[[tuple], None]) -> None:
        while (job := self.queue.get()) is not None:
            run(job)
        db.close_thread_connection()  # the app's per-thread SQLite connection ends with the thread

    def stop(self, timeout: float) -> None:
        for _ in self.threads:
            self.queue.put(None)
        deadline = time.monotonic() + timeout
        for thread in self.threads:
            thread.join(max(0.0, deadline - time.monotonic()))


class _Server:
    """The listening socket's state in the I/O thread, and what workers need to answer."""

    def __init__(self, app: Callable, sock: socket.socket, loop: asyncio.AbstractEventLoop,
                 threads: int, timeout: float, deadline: float) -> None:
        self.app = app
        self.sock = sock
        self.loop = loop
        self.timeout = timeout
        self.deadline = deadline
        self.connections: set[_Connection] = set()
        self.per_address: dict[str, int] = {}
        bound = sock.getsockname()
        self.server_name = socket.gethostname()
        self.server_port = str(bound[1])
        self.workers = _Workers(threads, self._answer)
        self.listener: asyncio.AbstractServer | None = None
        self._date = ""
        self._date_second = 0

    # connections, in the I/O thread

    def admit(self, connection: _Connection) -> str | None:
        """Count a new connection in; the reason to refuse it, if it is one too many."""
        self.connections.add(connection)
        same = self.per_address.get(connection.address, 0) + 1
        self.per_address[connection.address] = same
        if same > MAX_CONNECTIONS_PER_ADDRESS:
            return "Too many connections from here."
        if len(self.connections) > MAX_CONNECTIONS:
            return "Too many connections."
        return None

    def forget(self, connection: _Connection) -> None:
        if connection in self.connections:
            self.connections.discard(connection)
            left = self.per_address[connection.address] - 1
            if left:
                self.per_address[connection.address] = left
            else:
                del self.per_address[connection.address]

    def maintain(self) -> None:
        now, wall = self.loop.time(), time.time()
        for connection in [c for c in self.connections if c.expired(now, wall)]:
            connection.transport.abort()
        self.loop.call_later(MAINTENANCE_INTERVAL_S, self.maintain)

    def environ(self, connection: _Connection, request: _Request) -> dict:
        """The WSGI environ of a whole request (PEP 3333). A chunked body arrives de-chunked,
        so it is passed on with its length and without ``Transfer-Encoding``."""
        url = request.url
        if url[:1] == b"/":
            path, _, query = url.partition(b"?")
            path = path.partition(b"#")[0]
        else:  # absolute form, "http://host/path?query"
            try:
                parsed = httptools.parse_url(url)
                path, query = parsed.path or b"/", parsed.query or b""
            except httptools.HttpParserInvalidURLError:
                path, query = url, b""
        body = b"".join(request.body)
        environ = {
            "REQUEST_METHOD": request.method,
            "SCRIPT_NAME": "",
            "PATH_INFO": unquote_to_bytes(path).decode("latin-1"),
            "QUERY_STRING": query.decode("latin-1"),
            "SERVER_NAME": self.server_name,
            "SERVER_PORT": self.server_port,
            "SERVER_PROTOCOL": "HTTP/" + request.version,
            "REMOTE_ADDR": connection.address,
            "REMOTE_PORT": str(connection.port),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "wsgi.input_terminated": True,
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        for name, value in request.headers:
            key = name.decode("latin-1").upper()
            if "_" in key:  # "X_Forwarded_For" must not pass for X-Forwarded-For
                continue
            key = key.replace("-", "_")
            text = value.decode("latin-1")
            if key == "CONTENT_TYPE":
                environ[key] = text
                continue
            if key in ("CONTENT_LENGTH", "TRANSFER_ENCODING"):
                continue
            key = "HTTP_" + key
            environ[key] = environ[key] + "," + text if key in environ else text
        if body or request.method in ("POST", "PUT", "PATCH"):
            environ["CONTENT_LENGTH"] = str(len(body))
        return environ

    # in a worker thread

    def _answer(self, job: tuple) -> None:
        connection, environ, request = job
        try:
            answer, close = self._call(environ, request)
        except Exception:
            log.exception("the app failed on %s %s", environ["REQUEST_METHOD"],
                          environ["PATH_INFO"])
            answer, close = _plain(500, "Internal server error."), True
        with contextlib.suppress(RuntimeError):  # the loop is closed: the server stopped
            self.loop.call_soon_threadsafe(connection.respond, answer, close)

    def _call(self, environ: dict, request: _Request) -> tuple[bytes, bool]:
        started: list = []
        written: list[bytes] = []

        def start_response(status: str, headers: list[tuple[str, str]],
                           exc_info: object = None) -> Callable[[bytes], None]:
            started[:] = [status, headers]
            return written.append

        result: Iterable[bytes] = self.app(environ, start_response)
        try:
            written.extend(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        body = b"".join(written)
        status, headers = started
        close = not request.keep_alive
        lines = [f"HTTP/1.1 {status}\r\n"]
        has_length = has_server = False
        for name, value in headers:
            lower = name.lower()
            if lower == "content-length":
                has_length = True
            elif lower == "server":
                has_server = True
            elif lower == "connection":
                close = close or value.lower() == "close"
                continue
            elif lower == "transfer-encoding":  # the body is whole: it goes with a length
                continue
            lines.append(f"{name}: {value}\r\n")
        code = int(status[:3])
        if code in _NO_BODY_STATUSES or code < 200:
            body = b""
        elif not has_length and (body or request.method != "HEAD"):
            lines.append(f"Content-Length: {len(body)}\r\n")
        if request.method == "HEAD":
            body = b""
        if not has_server:
            lines.append(f"Server: {SERVER_HEADER}\r\n")
        lines.append(f"Date: {self._http_date()}\r\n")
        if close:
            lines.append("Connection: close\r\n")
        elif request.version == "1.0":
            lines.append("Connection: keep-alive\r\n")
        lines.append("\r\n")
        return "".join(lines).encode("latin-1") + body, close

    def _http_date(self) -> str:
        second = int(time.time())
        if second != self._date_second:
            self._date, self._date_second = formatdate(second, usegmt=True), second
        return self._date


def _bind(host: str, port: int) -> socket.socket:
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
    sock = socket.socket(family, kind, proto)
    try:
        if sys.platform != "win32":  # on Windows it would let another process take the port
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:  # "::" takes IPv4 clients too
            sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        sock.bind(address)
        sock.listen(LISTEN_BACKLOG)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


class ApiServer:
    """Binds in ``start()`` (so a taken port is an error at once), serves in a thread."""

    def __init__(
        self, app: Callable, host: str = "127.0.0.1", port: int = 8000, threads: int = 4,
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
            sock = _bind(self.host, self.port)
        except OSError as exc:
            raise ServerError(f"cannot listen on {self.host}:{self.port}: {exc}") from None
        loop = uvloop.new_event_loop() if uvloop is not None else asyncio.new_event_loop()
        server = _Server(self.app, sock, loop, self.threads, self.timeout, self.deadline)
        self.port = sock.getsockname()[1]
        ready = threading.Event()
        failed: list[BaseException] = []
        self._thread = threading.Thread(target=self._serve, args=(server, ready, failed),
                                        name="kegdash-http", daemon=True)
        self._thread.start()
        ready.wait()
        if failed:
            self._thread.join()
            server.workers.stop(1.0)
            sock.close()
            raise ServerError(f"cannot serve on {self.host}:{self.port}: {failed[0]}")
        self._server = server
        log.info("API server listening on %s", self.url)

    @staticmethod
    def _serve(server: _Server, ready: threading.Event, failed: list[BaseException]) -> None:
        loop = server.loop
        asyncio.set_event_loop(loop)
        try:
            server.listener = loop.run_until_complete(loop.create_server(
                lambda: _Connection(server), sock=server.sock, backlog=LISTEN_BACKLOG))
            loop.call_later(MAINTENANCE_INTERVAL_S, server.maintain)
        except (OSError, RuntimeError) as exc:
            failed.append(exc)
            loop.close()
            return
        finally:
            ready.set()
        loop.run_forever()
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()

    def stop(self, timeout: float = 5.0) -> None:
        """Close the listener and every connection in the I/O thread, then let the workers
        finish the requests they hold."""
        server, self._server = self._server, None
        if server is None:
            return

        def shut() -> None:
            if server.listener is not None:
                server.listener.close()
            for connection in list(server.connections):
                connection.transport.abort()
            server.loop.stop()

        with contextlib.suppress(RuntimeError):  # the loop already ended
            server.loop.call_soon_threadsafe(shut)
        if self._thread is not None:
            self._thread.join(timeout)
        server.sock.close()
        server.workers.stop(timeout)
        log.info("API server stopped")
