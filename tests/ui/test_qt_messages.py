import logging

from PySide6.QtCore import qInstallMessageHandler, qWarning

from kegdash.ui import qt_messages


def test_qt_warnings_go_to_logging_without_the_offscreen_noise(qapp, caplog):
    qt_messages.install()
    try:
        with caplog.at_level(logging.DEBUG, logger="qt"):
            qWarning("the font cache is stale")
            for harmless in qt_messages.HARMLESS:
                qWarning(harmless)
    finally:
        qInstallMessageHandler(None)
    assert [(r.name, r.levelno, r.getMessage()) for r in caplog.records] == [
        ("qt", logging.WARNING, "the font cache is stale")]
