"""Start the window: QApplication, event bridge, embedded API server, clean quit on signals.

``KEGDASH_EXIT_AFTER_PAINT=1`` makes the window print how long it took to paint first and quit:
the start-up benchmark's hook (``benchmarks/ui_startup.py``).
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import socket
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from pyqtgraph.util.garbage_collector import GarbageCollector
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSocketNotifier, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from kegdash import __version__, events
from kegdash.config import Settings
from kegdash.db import redact
from kegdash.server.app import build_app
from kegdash.server.runner import ApiServer, ServerError
from kegdash.ui import qt_messages
from kegdash.ui.about import app_icon
from kegdash.ui.bridge import EventBridge
from kegdash.ui.first_run import offer_first_run
from kegdash.ui.main_window import MainWindow

if TYPE_CHECKING:
    from kegdash.hw.devices import DeviceManager

log = logging.getLogger(__name__)


def install_signal_quit(app: QCoreApplication) -> QSocketNotifier:
    """SIGINT/SIGTERM quit the event loop on the main thread (Picard's socketpair trick)."""
    reader, writer = socket.socketpair()
    writer.setblocking(False)
    signal.set_wakeup_fd(writer.fileno())
    previous = {signum: signal.signal(signum, lambda *_: None) for signum in (signal.SIGINT, signal.SIGTERM)}
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read, app)

    def on_signal() -> None:
        reader.recv(64)
        app.quit()

    notifier.activated.connect(on_signal)
    notifier.sockets = (reader, writer)  # keep both ends alive as long as the notifier
    notifier.previous_handlers = previous
    return notifier


class ServerSlot:
    """The window's API server, which Settings may move to another host or port while running.

    A move never leaves the API down for an address that cannot be had: the new server binds
    first, and only when it must take over the old one's own port does the old one stop first
    (and start again on its address if the new one still fails)."""

    def __init__(self, app: Callable, host: str, port: int) -> None:
        self.app = app
        self.server = ApiServer(app, host, port)

    def start(self) -> str:
        """Listen; the address, or raises ServerError saying why not."""
        self.server.start()
        return self.server.url

    def restart(self, host: str, port: int) -> str:
        """Serve on ``host:port`` instead; returns the new address or raises ServerError, with the
        old server still serving."""
        old, new = self.server, ApiServer(self.app, host, port)
        if not old.running:
            new.start()
        elif port and port == old.port:
            old.stop()
            try:
                new.start()
            except ServerError:
                self.server = ApiServer(self.app, old.host, old.port)
                self.server.start()  # the port was ours a moment ago
                raise
        else:
            new.start()
            old.stop()
        self.server = new
        return new.url

    def stop(self) -> None:
        self.server.stop()


class _FirstPaint(QObject):
    """Print the time from ``run_window`` to the window's first paint and quit: the start-up
    benchmark's probe (it times the whole process itself)."""

    def __init__(self, window: QWidget, started: float) -> None:
        super().__init__(window)
        self.started = started
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            elapsed = (time.perf_counter() - self.started) * 1000
            print(f"first paint {elapsed:.0f} ms after run_window", flush=True)
            QTimer.singleShot(0, QApplication.instance().quit)
        return False


def run_window(settings: Settings, devices: DeviceManager | None = None, *,
               kiosk: bool = False) -> int:
    """Open the window with the API served beside it; returns the exit code when it closes.

    ``devices`` are the serial readers already running: their current state seeds the status
    bar, since their DeviceStatus events so far went out before the window listened. ``kiosk``
    opens it full screen, in its kiosk (a bar PC that boots into the tap list). When the API
    cannot listen, a dialog says why and offers a free port; the first-run offer comes after."""
    started = time.perf_counter()
    app = QApplication.instance() or QApplication([])
    qt_messages.install()
    app.setApplicationName("kegdash")
    app.setOrganizationName("")
    app.setApplicationVersion(__version__)
    app.setWindowIcon(app_icon())
    bridge = EventBridge(events.bus)
    server = ServerSlot(build_app(), settings.host, settings.port)
    server_error = None
    try:
        api_state = server.start()
    except ServerError as exc:
        log.error("%s", exc)
        server_error = str(exc)
        api_state = f"not running — {exc}"
    database = redact(settings.effective_database_url)
    window = MainWindow(bridge, api_state, database, settings, devices=devices,
                        restart_server=server.restart)
    if os.environ.get("KEGDASH_EXIT_AFTER_PAINT"):
        _FirstPaint(window, started)
    if kiosk:
        window.showFullScreen()
    else:
        window.show()
    if server_error is not None:
        window.offer_another_port(server_error).finished.connect(
            lambda _result: offer_first_run(window, window.api_state, database))
    else:
        offer_first_run(window, api_state, database)
    notifier = install_signal_quit(app)
    # Python's cyclic collector runs in whichever thread allocates when it is due, so an HTTP
    # worker, a serial reader or the query pool could destroy a dead widget cycle, and with it Qt
    # timers, off the GUI thread: a segfault later in the event loop (seen as a rare crash in
    # tests/ui). pyqtgraph's collector disables automatic collection and collects on a GUI timer.
    collector = GarbageCollector(interval=1.0)
    try:
        return app.exec()
    finally:
        collector.timer.stop()
        gc.enable()
        notifier.setEnabled(False)
        signal.set_wakeup_fd(-1)
        for signum, handler in notifier.previous_handlers.items():
            signal.signal(signum, handler)
        for end in notifier.sockets:
            end.close()
        window.close()
        server.stop()
        bridge.detach()
