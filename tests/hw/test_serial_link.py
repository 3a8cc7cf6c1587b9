"""A port that exists but may not be opened: the link says which group to join, in its status
and in the log. The port is a real pseudo-terminal owned by root:dialout with mode 660, as udev
makes a Raspberry Pi's serial ports; the reader runs as ``nobody`` with the groups given."""

import grp
import os
import subprocess
import sys

import pytest

from kegdash.hw.serial_link import open_error
from kegdash.hw.simulators import Pty

pytestmark = pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                                reason="opening a port as another user needs root")

ADVICE = "add yourself to the dialout group: sudo usermod -aG dialout $USER, then log in again"

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


def test_a_port_of_a_group_the_user_is_not_in_says_how_to_join_it(port):
    state, error, log = read_as_nobody(port)
    assert state == "disconnected"
    assert "Permission denied" in error and error.endswith(ADVICE)
    assert f"{port}: cannot open: " in log and ADVICE in log


def test_a_member_of_the_group_reads_the_port(port):
    state, error, _ = read_as_nobody(port, grp.getgrnam("dialout").gr_gid)
    assert (state, error) == ("connected", "")


def test_a_port_nobody_may_open_gets_no_advice_joining_would_not_help(port):
    os.chmod(port, 0)
    state, error, _ = read_as_nobody(port)
    assert state == "disconnected" and "Permission denied" in error and "usermod" not in error


def test_other_failures_are_told_as_they_are(tmp_path):
    missing = str(tmp_path / "ttyUSB0")
    assert open_error(missing, FileNotFoundError(2, "No such file", missing)) == str(
        FileNotFoundError(2, "No such file", missing))
    assert open_error("socket://10.0.0.5:4000", PermissionError(13, "refused")) == "[Errno 13] refused"
