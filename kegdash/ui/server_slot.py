"""The window's API server, which Settings may move to another address while the window runs."""

from __future__ import annotations

from collections.abc import Callable

from kegdash.server.runner import ApiServer, ServerError


class ServerSlot:
    """The window's API server, which Settings may move to another host or port while running.

    A move never leaves the API down for an address that cannot be had: the new server binds
    first, and only when it must take over the old one's own port does the old one stop first
    (and start again on its address if the new one still fails)."""

    def __init__(self, app: Callable, host: str, port: int) -> None:
        self.app = app
        self.server = ApiServer(app, host, port)

    def start(self) -> str:
        """Listen; the address, or raises ServerError saying why not."""
        self.server.start()
        return self.server.url

    def restart(self, host: str, port: int) -> str:
        """Serve on ``host:port`` instead; returns the new address or raises ServerError, with the
        old server still serving."""
        old, new = self.server, ApiServer(self.app, host, port)
        if not old.running:
            new.start()
        elif port and port == old.port:
            old.stop()
            try:
                new.start()
            except ServerError:
                self.server = ApiServer(self.app, old.host, old.port)
                self.server.start()  # the port was ours a moment ago
                raise
        else:
            new.start()
            old.stop()
        self.server = new
        return new.url

    def stop(self) -> None:
        self.server.stop()
