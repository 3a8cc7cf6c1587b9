"""Start the window: QApplication, event bridge, embedded API server, clean quit on signals."""

from __future__ import annotations

import logging
import signal
import socket
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QSocketNotifier
from PySide6.QtWidgets import QApplication

from kegdash import __version__, events
from kegdash.config import Settings
from kegdash.db import redact
from kegdash.server.app import build_app
from kegdash.server.runner import ApiServer, ServerError
from kegdash.ui.bridge import EventBridge
from kegdash.ui.main_window import MainWindow, app_icon

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


def run_window(settings: Settings, devices: DeviceManager | None = None) -> int:
    """Open the window with the API served beside it; returns the exit code when it closes.

    ``devices`` are the serial readers already running: their current state seeds the status
    bar, since their DEVICE_STATUS events so far went out before the window listened."""
    app = QApplication.instance() or QApplication([])
    app.setApplicationName("kegdash")
    app.setOrganizationName("")
    app.setApplicationVersion(__version__)
    app.setWindowIcon(app_icon())
    bridge = EventBridge(events.bus)
    server = ApiServer(build_app(), settings.host, settings.port)
    try:
        server.start()
        api_state = server.url
    except ServerError as exc:
        log.error("%s", exc)
        api_state = f"not running — {exc}"
    window = MainWindow(bridge, api_state, redact(settings.effective_database_url), settings)
    for link in devices.links if devices else ():
        window.devices_page.on_event(events.DEVICE_STATUS, link.status.as_dict())
    window.show()
    notifier = install_signal_quit(app)
    try:
        return app.exec()
    finally:
        notifier.setEnabled(False)
        signal.set_wakeup_fd(-1)
        for signum, handler in notifier.previous_handlers.items():
            signal.signal(signum, handler)
        for end in notifier.sockets:
            end.close()
        window.close()
        server.stop()
        bridge.detach()
