"""A link's start-up: a device that is not there yet is said so plainly and waited for."""

import logging
import time

from polling import wait_for

from kegdash.hw.hive_reader import HiveGatewayProtocol
from kegdash.hw.serial_link import SerialLink, open_error
from kegdash.hw.simulators import Pty


def test_a_missing_device_is_named_once_and_read_when_it_appears(tmp_path, database, caplog):
    path = tmp_path / "ttyLATE"
    link = SerialLink(str(path), HiveGatewayProtocol())
    caplog.set_level(logging.INFO, logger="kegdash.hw.serial_link")
    link.start()
    try:
        assert wait_for(lambda: link.status.state == "disconnected")
        assert link.status.error == "no such device (not plugged in, or another name)"
        time.sleep(0.5)  # a few more tries (0.05 s, 0.1 s, 0.2 s apart): said only once
        warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
        assert warnings == [f"{path}: no such device (not plugged in, or another name); kegdash "
                            "keeps looking for it and reads it as soon as it opens"]
        pty = Pty(path)  # plugged in
        try:
            assert wait_for(lambda: link.status.state == "connected", timeout=5)
        finally:
            pty.close()
    finally:
        link.stop()
    assert not link.running


def test_open_errors_in_words(tmp_path):
    import serial

    for device, words in (("/dev/null", "not a serial port"), (str(tmp_path / "x"), "no such device")):
        try:
            serial.Serial(device)
        except serial.SerialException as exc:
            assert open_error(exc).startswith(words)
        else:
            raise AssertionError(f"{device} opened")
