"""When the API's port is taken at start-up: say so in a dialog, and offer a free port nearby.

Without it the window opened with the API silently down and the reason cut off in the status
bar; Kegbot apps, the TV tap list and sensors would find nothing there.
"""

from __future__ import annotations

import errno
import socket

from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

NEARBY = 20
"""How many ports above the configured one are tried."""


def _bind_error(host: str, port: int) -> OSError | None:
    """Why ``host:port`` cannot be listened on now, or None when it can."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        try:
            probe.bind((host, port))
        except OSError as exc:
            return exc
    return None


def port_taken(host: str, port: int) -> bool:
    """Another program listens on ``host:port``."""
    error = _bind_error(host, port) if port else None
    return error is not None and error.errno == errno.EADDRINUSE


def free_port_near(host: str, port: int) -> int | None:
    """The first port after ``port`` that ``host`` can listen on now, or None."""
    for candidate in range(port + 1, min(port + 1 + NEARBY, 65536)):
        if _bind_error(host, candidate) is None:
            return candidate
    return None


class PortTakenDialog(QMessageBox):
    """"The API is not running" and why: ``taken`` is the configured port when another program
    has it (else ``error`` says what went wrong). ``use_button`` moves the API to ``port``; it is
    None when no port nearby is free, and then Settings is where to choose one."""

    def __init__(self, parent: QWidget, taken: int | None, error: str, port: int | None) -> None:
        why = (f"Port {taken} is in use by another program, so the API server could not start."
               if taken is not None else f"The API server could not start: {error}.")
        super().__init__(QMessageBox.Icon.Warning, "kegdash", why,
                         QMessageBox.StandardButton.NoButton, parent)
        self.port = port
        reach = "Kegbot apps, the TV tap list and sensors cannot reach this bar until it runs."
        if port is not None:
            self.setInformativeText(f"{reach}\n\nPort {port} is free: use it? It is kept for the next "
                                    "start (Settings → API server can change it).")
            self.use_button: QPushButton | None = self.addButton(
                f"Use port {port}", QMessageBox.ButtonRole.AcceptRole)
            self.setDefaultButton(self.use_button)
        else:
            self.setInformativeText(f"{reach}\n\nChoose another address under Settings → API server.")
            self.use_button = None
        self.later_button = self.addButton("Continue without the API",
                                           QMessageBox.ButtonRole.RejectRole)
        self.setEscapeButton(self.later_button)
