"""What every API dialect shares: its own error format on every failure, JSON out, and paths
that work with and without their trailing slash.

A dialect is described once (:class:`Dialect`): how it answers an error, and which exceptions
mean which answer. :func:`new_app` builds its Bottle app: the error plugin around every route,
the dialect's own plugins (rate limiting, timing headers) where they belong, the JSON plugin
innermost. Bottle
merges a mounted app's routes into the root app, so a dialect's error handlers would be
ignored there; the plugin answers inside the dialect's routes, and the root app answers router
404/405s through :attr:`Dialect.error_response` (``app.py``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import bottle

from kegdash.server.json_plugin import JsonPlugin

ErrorResponse = Callable[[int, str], bottle.HTTPResponse]
"""``(status, message)`` → the dialect's error answer."""


@dataclass(frozen=True)
class Dialect:
    name: str
    error_response: ErrorResponse
    errors: Sequence[tuple[type[Exception] | tuple[type[Exception], ...],
                           Callable[[Any], bottle.HTTPResponse]]] = field(default_factory=tuple)
    """(exception types, answer for it), tried in order; anything else is a logged 500."""
    server_error: str = "The server had a problem serving the request."


class ErrorPlugin:
    """Answer every failure inside a dialect's routes in that dialect's format, never as HTML
    and never with exception text (the traceback goes to the log)."""

    api = 2

    def __init__(self, dialect: Dialect) -> None:
        self.dialect = dialect
        self.name = f"{dialect.name}-errors"
        self.log = logging.getLogger(f"kegdash.server.{dialect.name}")

    def apply(self, callback: Callable, route: bottle.Route) -> Callable:
        dialect, log = self.dialect, self.log

        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return callback(*args, **kwargs)
            except bottle.HTTPResponse as exc:
                if isinstance(exc, bottle.HTTPError) and exc.status_code >= 400:
                    return dialect.error_response(exc.status_code, str(exc.body or exc.status_line))
                raise
            except Exception as exc:
                for kinds, answer in dialect.errors:
                    if isinstance(exc, kinds):
                        return answer(exc)
                log.exception("unexpected error in %s %s", bottle.request.method, bottle.request.path)
                return dialect.error_response(500, dialect.server_error)

        return wrapper


def new_app(dialect: Dialect, *plugins: Any, outer: Sequence[Any] = ()) -> bottle.Bottle:
    """A dialect's app: ``outer`` plugins (which see the error answers too, such as a rate
    limiter adding its headers), errors in the dialect's format, ``plugins``, then JSON."""
    app = bottle.Bottle()
    app.uninstall("json")  # Bottle's own refuses lists and datetimes
    for plugin in outer:
        app.install(plugin)
    app.install(ErrorPlugin(dialect))
    for plugin in plugins:
        app.install(plugin)
    app.install(JsonPlugin())
    return app


def route(app: bottle.Bottle, path: str, method: str | Sequence[str], callback: Callable) -> None:
    """Serve ``path`` and ``path/`` alike."""
    for variant in (path, path.rstrip("/") + "/"):
        app.route(variant, method, callback)
