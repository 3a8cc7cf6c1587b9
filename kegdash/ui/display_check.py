"""Whether the window can open here, asked before Qt is: Qt aborts the whole process (exit code
134, advising to reinstall) when it finds no display, which a bar PC started over SSH or from a
service would show as a crash. No Qt in this module, so ``kegdash run`` can ask it first.
"""

from __future__ import annotations

import os
import re
import socket
import sys
from collections.abc import Mapping

_LOCAL_X = re.compile(r"^(?:unix)?:(\d+)(?:\.\d+)?$")
_REMOTE_X = re.compile(r"^([^:/]+):(\d+)(?:\.\d+)?$")
X_TCP_BASE = 6000


def _connects(family: int, address: str | tuple[str, int]) -> bool:
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.settimeout(2.0)
        try:
            probe.connect(address)
        except OSError:
            return False
        return True


def _x_reachable(display: str) -> bool:
    """An X server answers at ``display``: its local socket (abstract or in /tmp/.X11-unix) for
    ``:N``, TCP port 6000+N for ``host:N`` (SSH forwarding); other forms are trusted."""
    local = _LOCAL_X.match(display)
    if local:
        path = f"/tmp/.X11-unix/X{local.group(1)}"
        return _connects(socket.AF_UNIX, "\0" + path) or _connects(socket.AF_UNIX, path)
    remote = _REMOTE_X.match(display)
    if remote:
        return _connects(socket.AF_INET, (remote.group(1), X_TCP_BASE + int(remote.group(2))))
    return True


def _wayland_reachable(name: str, environ: Mapping[str, str]) -> bool:
    path = name if name.startswith("/") else os.path.join(environ.get("XDG_RUNTIME_DIR", ""), name)
    return _connects(socket.AF_UNIX, path)


def missing_display(environ: Mapping[str, str], platform: str = sys.platform) -> str | None:
    """Why no window can open, in a few words, or None when one can (or when it is not ours to
    tell: macOS, Windows, or a Qt platform chosen with QT_QPA_PLATFORM such as eglfs)."""
    if not platform.startswith(("linux", "freebsd", "openbsd", "netbsd")):
        return None
    if environ.get("QT_QPA_PLATFORM"):
        return None
    x, wayland = environ.get("DISPLAY", ""), environ.get("WAYLAND_DISPLAY", "")
    if not x and not wayland:
        return "no display to open the window on (neither DISPLAY nor WAYLAND_DISPLAY is set)"
    if (x and _x_reachable(x)) or (wayland and _wayland_reachable(wayland, environ)):
        return None
    return f"cannot reach the display {x or wayland} to open the window on"
