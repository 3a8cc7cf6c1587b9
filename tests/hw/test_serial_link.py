"""A link's start-up: a device that is not there yet is said so plainly and waited for; a port
that exists but may not be opened says which group to join, in its status and in the log. That
port is a real pseudo-terminal owned by root:dialout with mode 660, as udev makes a Raspberry
Pi's serial ports; the reader runs as ``nobody`` with the groups given."""

import grp
import logging
import os
import subprocess
import sys
import time

import pytest
from polling import wait_for

from kegdash.hw.hive_reader import HiveGatewayProtocol
from kegdash.hw.serial_link import SerialLink, open_error
from kegdash.hw.simulators import Pty

as_root = pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                             reason="opening a port as another user needs root")

ADVICE = "add yourself to the dialout group: sudo usermod -aG dialout $USER, then log in again"


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
            assert open_error(device, exc).startswith(words)
        else:
            raise AssertionError(f"{device} opened")


READER = """
import logging, os, sys, time
from kegdash.hw.devices import IdentifyingProtocol
from kegdash.hw.serial_link import SerialLink

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
device, groups = sys.argv[1], [int(g) for g in sys.argv[2].split(",") if g]
os.setgroups(groups)
os.setegid(65534)
os.seteuid(65534)
link = SerialLink(device, IdentifyingProtocol())
link.start()
deadline = time.monotonic() + 10
while link.status.state == "starting" and time.monotonic() < deadline:
    time.sleep(0.02)
print(link.status.state)
print(link.status.error)
link.stop()
"""


@pytest.fixture
def port():
    pty = Pty()
    os.chown(pty.path, 0, grp.getgrnam("dialout").gr_gid)
    os.chmod(pty.path, 0o660)
    yield pty.path
    pty.close()


def read_as_nobody(device: str, *groups: int) -> tuple[str, str, str]:
    """(state, error, log) of a link that tried to open ``device`` as nobody in ``groups``."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    done = subprocess.run([sys.executable, "-c", READER, device, ",".join(map(str, groups))],
                          capture_output=True, text=True, timeout=60, env=env, check=True)
    state, error = done.stdout.splitlines()
    return state, error, done.stderr


@as_root
def test_a_port_of_a_group_the_user_is_not_in_says_how_to_join_it(port):
    state, error, log = read_as_nobody(port)
    assert state == "disconnected"
    assert error == f"permission denied; you are not in the dialout group that may open it: {ADVICE}"
    assert f"{port}: permission denied; you are not in the dialout group" in log and ADVICE in log


@as_root
def test_a_member_of_the_group_reads_the_port(port):
    state, error, _ = read_as_nobody(port, grp.getgrnam("dialout").gr_gid)
    assert (state, error) == ("connected", "")


@as_root
def test_a_port_nobody_may_open_gets_no_advice_joining_would_not_help(port):
    os.chmod(port, 0)
    state, error, _ = read_as_nobody(port)
    assert (state, error) == ("disconnected", "permission denied")


def test_other_failures_get_no_group_advice(tmp_path):
    missing = str(tmp_path / "ttyUSB0")
    assert open_error(missing, PermissionError(13, "refused")) == "permission denied"
    assert open_error("socket://10.0.0.5:4000", PermissionError(13, "refused")) == "permission denied"
