"""Start the window: QApplication, event bridge, embedded API server, clean quit on signals."""

from __future__ import annotations

import logging
import signal
import socket

from PySide6.QtCore import QCoreApplication, QSocketNotifier
from PySide6.QtWidgets import QApplication

from kegdash import __version__, events
from kegdash.config import Settings
from kegdash.db import redact
from kegdash.server.app import build_app
from kegdash.server.runner import ApiServer, ServerError
from kegdash.ui.bridge import EventBridge
from kegdash.ui.main_window import MainWindow

log = logging.getLogger(__name__)


def install_signal_quit(app: QCoreApplication) -> QSocketNotifier:
    """SIGINT/SIGTERM quit the event loop on the main thread (Picard's socketpair trick)."""
    reader, writer = socket.socketpair()
    writer.setblocking(False)
    signal.set_wakeup_fd(writer.fileno())
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: None)
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read, app)

    def on_signal() -> None:
        reader.recv(64)
        app.quit()

    notifier.activated.connect(on_signal)
    notifier.sockets = (reader, writer)  # keep both ends alive as long as the notifier
    return notifier


def run_window(settings: Settings) -> int:
    app = QApplication.instance() or QApplication([])
    app.setApplicationName("kegdash")
    app.setOrganizationName("")
    app.setApplicationVersion(__version__)
    bridge = EventBridge(events.bus)
    server = ApiServer(build_app(), settings.host, settings.port)
    try:
        server.start()
        api_state = server.url
    except ServerError as exc:
        log.error("%s", exc)
        api_state = f"not running — {exc}"
    window = MainWindow(bridge, api_state, redact(settings.effective_database_url))
    window.show()
    notifier = install_signal_quit(app)
    app.aboutToQuit.connect(server.stop)
    try:
        return app.exec()
    finally:
        notifier.setEnabled(False)
        signal.set_wakeup_fd(-1)
