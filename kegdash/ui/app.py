"""Start the window: QApplication, event bridge, the bar opened behind a painted window, the
embedded API server, clean quit on signals.

The window paints before the database, the pages and the API exist (``ui/opening.py`` opens them
off the GUI thread). ``KEGDASH_STARTUP_PROBE=1`` makes it print when it first painted and when
the page shown first had its data, then quit: the start-up benchmark's hook
(``benchmarks/ui_startup.py``).
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

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSocketNotifier, QTimer
from PySide6.QtWidgets import QApplication

from kegdash import __version__, events
from kegdash.config import Settings
from kegdash.ui import qt_messages
from kegdash.ui.about import app_icon
from kegdash.ui.bridge import EventBridge
from kegdash.ui.main_window import MainWindow
from kegdash.ui.opening import BarOpening

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


class GuiCollector(QObject):
    """Python's cyclic garbage collector, run on a GUI-thread timer instead of automatically.

    Left automatic, it runs in whichever thread allocates when it is due, so an HTTP worker, a
    serial reader or a task-runner job could destroy a dead widget cycle, and with it Qt timers,
    off the GUI thread: a segfault later in the event loop (seen as a rare crash in tests/ui).
    Each generation is collected when its count passes the usual threshold, as pyqtgraph's
    ``GarbageCollector`` does; this one does not need pyqtgraph loaded before the first paint."""

    def __init__(self, parent: QObject, interval_ms: int = 1000) -> None:
        super().__init__(parent)
        self.threshold = gc.get_threshold()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.collect)
        self.timer.start(interval_ms)

    def collect(self) -> None:
        counts = gc.get_count()
        for generation in range(3):
            if counts[generation] <= self.threshold[generation]:
                return
            gc.collect(generation)

    def stop(self) -> None:
        self.timer.stop()
        gc.enable()


class _StartupProbe(QObject):
    """Print the times from ``run_window`` to the window's first paint and to the first page's
    data shown (its first reads handed back), then quit: the start-up benchmark's probe (it times
    the whole process itself)."""

    def __init__(self, window: MainWindow, opening: BarOpening, started: float) -> None:
        super().__init__(window)
        self.window = window
        self.started = started
        self.waiting: frozenset[int] = frozenset()
        window.installEventFilter(self)
        window.pages_opened.connect(self._pages_opened)
        opening.failed.connect(lambda error: self._done(f"opening failed: {error}"))

    def _say(self, what: str) -> None:
        print(f"{what} {(time.perf_counter() - self.started) * 1000:.0f} ms after run_window", flush=True)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            self._say("first paint")
        return False

    def _pages_opened(self) -> None:
        self.waiting = self.window.runner.pending()
        if self.waiting:
            self.window.runner.finished.connect(self._check)
        else:
            self._done("data shown")

    def _check(self) -> None:
        if self.waiting and not self.waiting & self.window.runner.pending():
            self.waiting = frozenset()
            self.window.runner.finished.disconnect(self._check)
            self._done("data shown")

    def _done(self, what: str) -> None:
        self._say(what)
        QTimer.singleShot(0, QApplication.instance().quit)


def run_window(settings: Settings, *, kiosk: bool = False,
               start_devices: Callable[[Settings], DeviceManager] | None = None) -> int:
    """Open the window, then the bar behind it, with the API served beside it; returns the exit
    code when it closes (1 if the bar could not be opened).

    The window paints first, with its page list and "Opening the bar…"; the database is opened
    (and a demo filled) off the GUI thread, then ``start_devices(settings)`` starts the serial
    readers, the pages are built and the API starts (``ui/opening.py``). ``kiosk`` opens it full
    screen, in its kiosk (a bar PC that boots into the tap list). When the API cannot listen, a
    dialog says why and offers a free port; the first-run offer comes after."""
    started = time.perf_counter()
    app = QApplication.instance() or QApplication([])
    qt_messages.install()
    app.setApplicationName("kegdash")
    app.setOrganizationName("")
    app.setApplicationVersion(__version__)
    app.setWindowIcon(app_icon())
    # Before any worker thread runs: see GuiCollector.
    collector = GuiCollector(app)
    bridge = EventBridge(events.bus)
    opening = BarOpening(settings, start_devices)
    window = MainWindow(bridge, "starting…", "opening…", settings,
                        restart_server=opening.restart_server, opening=True)
    if os.environ.get("KEGDASH_STARTUP_PROBE"):
        _StartupProbe(window, opening, started)
    if kiosk:
        window.showFullScreen()
    else:
        window.show()
    # From the event loop; the steps run off the GUI thread, so the window paints meanwhile.
    QTimer.singleShot(0, window, lambda: opening.start(window))
    notifier = install_signal_quit(app)
    try:
        code = app.exec()
    finally:
        notifier.setEnabled(False)
        signal.set_wakeup_fd(-1)
        for signum, handler in notifier.previous_handlers.items():
            signal.signal(signum, handler)
        for end in notifier.sockets:
            end.close()
        window.close()
        opening.stop()
        bridge.detach()
        collector.stop()
    return 1 if opening.error is not None else code
