"""Open the bar behind a window that is already painted: the database (and its migrations), a
demo's data on its first start, the serial readers, then the API server.

Each step is a job on the window's task runner, so the GUI thread never waits on the database
nor on the imports each step brings (peewee, the domain, Bottle); the window's opening note says
which step is under way. The pages are built once the readers run, and the API starts while they
are: the first-run offer (or, if the port is taken, the offer of another) comes once it listens.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from kegdash.config import Settings

if TYPE_CHECKING:
    from kegdash.hw.devices import DeviceManager
    from kegdash.ui.main_window import MainWindow
    from kegdash.ui.server_slot import ServerSlot

log = logging.getLogger(__name__)

DEMO_STEP = "Filling the demo bar: its first start adds a few weeks of pours and readings…"


class BarOpening(QObject):
    """The steps of opening the bar for one window, and what they started (the API server, the
    readers), which ``stop`` stops when the window has closed."""

    failed = Signal(str)
    """Opening stopped at a step; the text says why (the window's note says it too)."""

    def __init__(self, settings: Settings,
                 start_devices: Callable[[Settings], DeviceManager] | None = None) -> None:
        """``start_devices(settings)`` starts the readers the settings name (none without it)."""
        super().__init__()
        self.settings = settings
        self.start_devices = start_devices
        self.window: MainWindow | None = None
        self.server: ServerSlot | None = None
        self.devices: DeviceManager | None = None
        self.error: str | None = None

    def start(self, window: MainWindow) -> None:
        self.window = window
        self._step("Opening the database…", self._open_database, self._database_open)

    def _step(self, text: str, job: Callable[[], Any], then: Callable[[Any], None]) -> None:
        self.window.opening_step(text)
        self.window.runner.submit(job, then, self._failed)

    def _open_database(self) -> str:
        """Open and migrate the database; the URL as the window shows it (no password)."""
        from kegdash.db import open_database, redact

        url = self.settings.effective_database_url
        open_database(url)
        return redact(url)

    def _database_open(self, database: str) -> None:
        self.window.set_database(database)
        if not self.settings.demo:
            self._filled(None)
            return
        # Hundreds of demo pours: the pages are not built yet, and read it all when they are.
        self.window.bridge.blockSignals(True)
        self._step(DEMO_STEP, self._fill_demo, self._filled)

    @staticmethod
    def _fill_demo() -> dict[str, int] | None:
        from kegdash.demo_data import prepare_demo

        return prepare_demo()

    def _filled(self, _counts: dict[str, int] | None) -> None:
        self.window.bridge.blockSignals(False)
        if self.start_devices is None:
            self._devices_started(None)
            return
        self._step("Connecting the Kegboard and hive readers…", self._start_devices,
                   self._devices_started)

    def _start_devices(self) -> DeviceManager:
        # Kept as soon as made, so stop() stops them even if the window closed meanwhile.
        self.devices = self.start_devices(self.settings)
        return self.devices

    def _devices_started(self, devices: DeviceManager | None) -> None:
        self.window.open_pages(devices)
        self.window.runner.submit(self._serve, self._served, self._failed)

    def _serve(self) -> str | None:
        """Serve the API on the configured address; None, or why it could not listen. The server
        is kept as soon as made, so stop() stops it even if the window closed meanwhile."""
        from kegdash.server.app import build_app
        from kegdash.server.runner import ServerError
        from kegdash.ui.server_slot import ServerSlot

        server = self.server = ServerSlot(build_app(), self.settings.host, self.settings.port)
        try:
            server.start()
        except ServerError as exc:
            return str(exc)
        return None

    def _served(self, error: str | None) -> None:
        from kegdash.ui.first_run import offer_first_run

        window = self.window
        if error is None:
            window.set_api_state(self.server.server.url)
            offer_first_run(window, window.api_state, window.database)
            return
        log.error("%s", error)
        window.set_api_state(f"not running — {error}")
        window.offer_another_port(error).finished.connect(
            lambda _result: offer_first_run(window, window.api_state, window.database))

    def _failed(self, error: BaseException) -> None:
        self.window.bridge.blockSignals(False)
        self.error = str(error) or type(error).__name__
        log.error("opening the bar failed: %s", self.error, exc_info=error)
        self.window.set_api_state(f"not running — {self.error}")
        self.window.opening_failed(self.error)
        self.failed.emit(self.error)

    def restart_server(self, host: str, port: int) -> str:
        """Settings moves the API: see ``ServerSlot.restart``."""
        from kegdash.server.runner import ServerError

        if self.server is None:
            raise ServerError("the API server is still starting")
        return self.server.restart(host, port)

    def stop(self) -> None:
        """Stop what opening started: the API server and the readers."""
        if self.server is not None:
            self.server.stop()
        if self.devices is not None:
            self.devices.stop()
