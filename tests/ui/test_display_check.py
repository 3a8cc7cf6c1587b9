"""Whether a window can open, asked before Qt (which aborts the process when it cannot)."""

import os
import socket

from kegdash.ui.display_check import missing_display


def test_no_display_variable_means_no_window():
    reason = missing_display({}, "linux")
    assert reason == "no display to open the window on (neither DISPLAY nor WAYLAND_DISPLAY is set)"


def test_a_display_nobody_answers_on_is_named():
    assert missing_display({"DISPLAY": ":4711"}, "linux") == (
        "cannot reach the display :4711 to open the window on")


def test_a_listening_x_socket_is_a_display(tmp_path, monkeypatch):
    path = f"/tmp/.X11-unix/X{os.getpid() % 1000 + 3000}"
    os.makedirs("/tmp/.X11-unix", exist_ok=True)
    with socket.socket(socket.AF_UNIX) as server:
        server.bind("\0" + path)  # the abstract socket X servers on Linux listen on
        server.listen()
        assert missing_display({"DISPLAY": ":" + path.rsplit("X", 1)[1]}, "linux") is None


def test_a_chosen_qt_platform_or_another_system_is_not_second_guessed():
    assert missing_display({"QT_QPA_PLATFORM": "eglfs"}, "linux") is None
    assert missing_display({}, "darwin") is None and missing_display({}, "win32") is None
