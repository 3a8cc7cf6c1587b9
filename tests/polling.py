"""Waiting on state another thread changes (serial readers, simulators, servers), outside Qt's
event loop."""

import time
import urllib.error
import urllib.request
from collections.abc import Callable


def wait_for(predicate: Callable[[], object], timeout: float = 10.0) -> bool:
    """True as soon as ``predicate()`` is truthy; False if it is not within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def serves(url: str) -> bool:
    """Whether anything answers HTTP at ``url`` now; any answer, even a 404, counts."""
    try:
        with urllib.request.urlopen(url + "/", timeout=5):
            return True
    except urllib.error.HTTPError:
        return True
