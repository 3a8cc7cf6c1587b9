"""One reader thread per serial device: open, read, hand bytes to a protocol, reopen on loss.

The protocol object (Kegboard or hive gateway) outlives the connection, so state that belongs
to the device — meter baselines, an open pour, sequence numbers — survives an unplug. Status
is published on the event bus for the window's status bar and Devices page.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import stat
import threading
import time
from dataclasses import dataclass, field
from typing import Protocol

import serial

from kegdash import events
from kegdash.db import close_thread_connection

if os.name == "posix":
    import grp

log = logging.getLogger(__name__)

READ_TIMEOUT_S = 0.1
IDLE_TICK_S = 1.0
BACKOFF_START_S = 0.05
BACKOFF_MAX_S = 2.0


class DeviceProtocol(Protocol):
    """What a link needs from the code that understands the bytes."""

    kind: str
    heard: tuple[float, object] | None
    """The latest message understood and when (epoch s), for the Devices page."""

    def on_connect(self, port: serial.SerialBase) -> None: ...
    def on_data(self, data: bytes, now: float) -> None: ...
    def on_idle(self, now: float) -> None: ...
    def on_disconnect(self) -> None: ...
    def counters(self) -> dict[str, object]: ...


@dataclass
class LinkStatus:
    device: str
    kind: str
    state: str = "starting"
    error: str = ""
    reconnects: int = 0
    last_data: float | None = None
    counters: dict[str, object] = field(default_factory=dict)

    def event(self) -> events.DeviceStatus:
        """This status as it is now, for the bus (the link goes on changing its own copy)."""
        return events.DeviceStatus(
            device=self.device, kind=self.kind, state=self.state, error=self.error,
            reconnects=self.reconnects, last_data=self.last_data, counters=dict(self.counters))


def open_port(device: str, baudrate: int = 115200) -> serial.SerialBase:
    """A path (``/dev/ttyACM0``) or a pyserial URL (``loop://``, ``socket://``, ``hwgrep://``)."""
    if "://" in device:
        return serial.serial_for_url(device, baudrate=baudrate, timeout=READ_TIMEOUT_S)
    return serial.Serial(device, baudrate=baudrate, timeout=READ_TIMEOUT_S, exclusive=True)


LOST = "the connection was lost (unplugged?)"


def _errno(exc: BaseException | None) -> int | None:
    """The errno behind a failure to open: pyserial gives it, or wraps the ``termios.error``
    that has it (``Could not configure port: (25, …)``)."""
    while exc is not None:
        code = getattr(exc, "errno", None)
        if code is None and exc.args and isinstance(exc.args[0], int):
            code = exc.args[0]
        if isinstance(code, int):
            return code
        exc = exc.__cause__ or exc.__context__
    return None


def open_error(device: str, exc: BaseException) -> str:
    """Why ``device`` would not open, in words for the log and the Devices page (pyserial's own
    text repeats the path twice and names an errno)."""
    code = _errno(exc)
    if code == errno.ENOENT:
        return "no such device (not plugged in, or another name)"
    if code in (errno.EACCES, errno.EPERM):
        if os.name != "posix":  # Windows says EACCES for a port another program holds
            return "in use by another program, or permission denied"
        return "permission denied" + _group_advice(device)
    if code in (errno.EBUSY, errno.EAGAIN):
        return "in use by another program"
    if code == errno.ENOTTY:
        return "not a serial port"
    return str(exc)


def _group_advice(device: str) -> str:
    """How to get the right to open ``device`` when joining its group would give it (``dialout``
    on Debian and Raspberry Pi OS), else nothing: without it a board just stays "disconnected"."""
    if "://" in device:
        return ""
    try:
        st = os.stat(device)
    except OSError:
        return ""
    group_may_open = st.st_mode & (stat.S_IRGRP | stat.S_IWGRP) == stat.S_IRGRP | stat.S_IWGRP
    if not group_may_open or st.st_gid == os.getegid() or st.st_gid in os.getgroups():
        return ""
    try:
        group = grp.getgrgid(st.st_gid).gr_name
    except KeyError:
        group = str(st.st_gid)
    return (f"; you are not in the {group} group that may open it: add yourself to the "
            f"{group} group: sudo usermod -aG {group} $USER, then log in again")


class SerialLink:
    """Keeps one device read: a daemon thread that reopens with exponential back-off."""

    def __init__(self, device: str, protocol: DeviceProtocol, baudrate: int = 115200) -> None:
        self.device = device
        self.protocol = protocol
        self.baudrate = baudrate
        self.status = LinkStatus(device, protocol.kind)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._port: serial.SerialBase | None = None

    def start(self) -> None:
        self._thread = threading.Thread(
            target=self._run, name=f"kegdash-serial-{self.device}", daemon=True
        )
        self._thread.start()

    def stop(self, timeout: float = 3.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
        self._publish("stopped")

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def write(self, data: bytes) -> bool:
        """Send bytes to the device if it is connected; False if it is not."""
        port = self._port
        if port is None:
            return False
        try:
            port.write(data)
            return True
        except (serial.SerialException, OSError) as exc:
            log.warning("%s: write failed: %s", self.device, exc)
            return False

    def _publish(self, state: str, error: str = "") -> None:
        self.status.state, self.status.error = state, error
        self.status.counters = self.protocol.counters()
        events.bus.publish(self.status.event())

    def _run(self) -> None:
        try:
            self._serve()
        finally:
            close_thread_connection()  # the protocol stored drinks and readings on this thread

    def _serve(self) -> None:
        backoff = BACKOFF_START_S
        while not self._stop.is_set():
            try:
                self._port = open_port(self.device, self.baudrate)
            except (serial.SerialException, OSError, ValueError) as exc:
                reason = open_error(self.device, exc)
                if self.status.state != "disconnected" or reason != self.status.error:
                    log.warning("%s: %s; kegdash keeps looking for it and reads it as soon as it "
                                "opens", self.device, reason)
                self._publish("disconnected", reason)
                self._stop.wait(backoff)
                backoff = min(backoff * 2, BACKOFF_MAX_S)
                continue
            backoff = BACKOFF_START_S
            log.info("%s: connected (%s)", self.device, self.protocol.kind)
            self.protocol.on_connect(self._port)
            self._publish("connected")
            try:
                self._read_until_lost()
            except (serial.SerialException, OSError) as exc:
                log.warning("%s: lost: %s", self.device, exc)
                self.status.reconnects += 1
                self._publish("disconnected", LOST)
            except Exception:
                log.exception("%s: protocol handler failed; reopening", self.device)
                self._publish("error", "internal error; see the log")
            finally:
                port, self._port = self._port, None
                self.protocol.on_disconnect()
                with contextlib.suppress(serial.SerialException, OSError):
                    port.close()

    def _read_until_lost(self) -> None:
        port = self._port
        next_idle = time.monotonic() + IDLE_TICK_S
        while not self._stop.is_set():
            data = port.read(1)  # blocks up to READ_TIMEOUT_S, so stop() is seen quickly
            if data:
                if port.in_waiting:
                    data += port.read(port.in_waiting)
                now = time.time()
                self.status.last_data = now
                self.protocol.on_data(data, now)
            if time.monotonic() >= next_idle:
                self.protocol.on_idle(time.time())
                self.status.counters = self.protocol.counters()
                next_idle = time.monotonic() + IDLE_TICK_S
