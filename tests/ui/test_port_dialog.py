"""A taken API port at start-up: a dialog says so and offers a free port nearby, which the API
then serves on, kept for the next start."""

import socket

from polling import serves
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from kegdash.config import Settings, load_settings
from kegdash.server.app import build_app
from kegdash.server.runner import ServerError
from kegdash.ui.app import run_window
from kegdash.ui.main_window import MainWindow
from kegdash.ui.port_dialog import PortTakenDialog
from kegdash.ui.server_slot import ServerSlot


def squat() -> socket.socket:
    squatter = socket.socket()
    squatter.bind(("127.0.0.1", 0))
    squatter.listen()
    return squatter


def test_the_window_offers_a_free_port_and_moves_the_api_there(qtbot, bridge, tmp_path, monkeypatch):
    monkeypatch.setenv("KEGDASH_CONFIG", str(tmp_path / "config.toml"))
    with squat() as squatter:
        port = squatter.getsockname()[1]
        slot = ServerSlot(build_app(), "127.0.0.1", port)
        try:
            slot.start()
        except ServerError as exc:
            error = str(exc)
        window = MainWindow(bridge, f"not running — {error}", "sqlite:///test.sqlite",
                            Settings(port=port), restart_server=slot.restart)
        qtbot.addWidget(window)
        try:
            dialog = window.offer_another_port(error)
            assert dialog.text() == (f"Port {port} is in use by another program, so the API "
                                     "server could not start.")
            assert dialog.use_button is not None and dialog.port != port
            dialog.use_button.click()
            moved = f"http://127.0.0.1:{dialog.port}"
            assert window.api_label.text() == f"API: {moved}" and serves(moved)
            assert load_settings().port == dialog.port  # kept for the next start
        finally:
            window.close()
            slot.stop()


def test_run_window_says_so_when_its_port_is_taken(qtbot, database, tmp_path, monkeypatch):
    monkeypatch.setenv("KEGDASH_CONFIG", str(tmp_path / "config.toml"))
    seen = {}

    def answer_the_dialog():
        dialog = next((w for w in QApplication.topLevelWidgets()
                       if isinstance(w, PortTakenDialog) and w.isVisible()), None)
        if dialog is None:
            QTimer.singleShot(100, answer_the_dialog)
            return
        seen["text"] = dialog.text()
        dialog.later_button.click()
        window = next(w for w in QApplication.topLevelWidgets()  # not one an earlier test closed
                      if w.objectName() == "kegdashMain" and w.isVisible())
        seen["api"] = window.api_label.text()
        window.close()

    with squat() as squatter:
        port = squatter.getsockname()[1]
        QTimer.singleShot(300, answer_the_dialog)
        assert run_window(Settings(database_url=database, port=port)) == 0
    assert seen["text"] == f"Port {port} is in use by another program, so the API server could not start."
    assert seen["api"].startswith("API: not running")
