"""Qt's own warnings into Python logging, where kegdash's messages go, minus known noise.

Without a handler Qt writes straight to stderr, bypassing the log level and format the command
line sets up, and the offscreen platform (``self-test``, headless kiosks) prints a warning for
every window it shows that it cannot pass size hints to a window manager it does not have.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

log = logging.getLogger("qt")

HARMLESS = frozenset({"This plugin does not support propagateSizeHints()"})
"""Messages that say nothing a user can act on."""

_LEVELS = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def _handle(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
    if message in HARMLESS:
        return
    log.log(_LEVELS.get(kind, logging.WARNING), "%s", message)


def install() -> None:
    """Route Qt's messages through :mod:`logging` for the rest of the process."""
    qInstallMessageHandler(_handle)
