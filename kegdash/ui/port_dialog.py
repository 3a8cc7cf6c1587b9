"""When the API's port is taken at start-up: say so in a dialog, and offer a free port nearby.

Without it the window opened with the API silently down and the reason cut off in the status
bar; Kegbot apps, the TV tap list and sensors would find nothing there.
"""

from __future__ import annotations

import socket

from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

NEARBY = 20
"""How many ports above the configured one are tried."""


def free_port_near(host: str, port: int) -> int | None:
    """The first port after ``port`` that ``host`` can listen on now, or None."""
    for candidate in range(port + 1, min(port + 1 + NEARBY, 65536)):
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            try:
                probe.bind((host, candidate))
            except OSError:
                continue
            return candidate
    return None


class PortTakenDialog(QMessageBox):
    """"The API is not running" with why; ``use_button`` moves it to ``port`` (None when no port
    nearby is free: then Settings is where to choose one)."""

    def __init__(self, parent: QWidget, error: str, port: int | None) -> None:
        super().__init__(QMessageBox.Icon.Warning, "kegdash", "The API server is not running.",
                         QMessageBox.StandardButton.NoButton, parent)
        self.port = port
        reach = ("Kegbot apps, the TV tap list and sensors cannot reach this bar until it runs.")
        if port is not None:
            self.setInformativeText(f"{error}.\n\n{reach} Port {port} is free: use it? It is kept "
                                    "for the next start (Settings → API server can change it).")
            self.use_button: QPushButton | None = self.addButton(
                f"Use port {port}", QMessageBox.ButtonRole.AcceptRole)
            self.setDefaultButton(self.use_button)
        else:
            self.setInformativeText(f"{error}.\n\n{reach} Choose another address under "
                                    "Settings → API server.")
            self.use_button = None
        self.later_button = self.addButton("Continue without the API",
                                           QMessageBox.ButtonRole.RejectRole)
        self.setEscapeButton(self.later_button)
