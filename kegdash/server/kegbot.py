"""The Kegbot dialect (seeds 000/001), mounted at ``/api/``: ``{"result": …}`` or ``{"error": …}``."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import bottle

from kegdash import __version__
from kegdash.server.json_plugin import JsonPlugin, dumps

log = logging.getLogger(__name__)

ERROR_CODES = {
    400: "BadRequestError",
    401: "NoAuthTokenError",
    403: "PermissionDeniedError",
    404: "NotFoundError",
    405: "BadRequestError",
    413: "BadRequestError",
    500: "ServerError",
}


class KegbotError(Exception):
    """An error with the seed's code name and its HTTP status."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def error_response(status: int, message: str, code: str | None = None) -> bottle.HTTPResponse:
    body = {"error": {"code": code or ERROR_CODES.get(status, "Error"), "message": message}}
    return bottle.HTTPResponse(
        body=dumps(body), status=status,
        headers={"Content-Type": "application/json; charset=utf-8"},
    )


class ErrorPlugin:
    """Answer every failure inside a Kegbot route in the Kegbot envelope, never as HTML."""

    name = "kegbot-errors"
    api = 2

    def apply(self, callback: Callable, route: bottle.Route) -> Callable:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return callback(*args, **kwargs)
            except KegbotError as exc:
                return error_response(exc.status, exc.message, exc.code)
            except bottle.HTTPResponse as exc:
                if isinstance(exc, bottle.HTTPError) and exc.status_code >= 400:
                    return error_response(exc.status_code, str(exc.body or exc.status_line))
                raise
            except Exception:
                log.exception("unexpected error in %s %s", bottle.request.method,
                              bottle.request.path)
                return error_response(500, "The server had a problem serving the request.")

        return wrapper


def make_app() -> bottle.Bottle:
    app = bottle.Bottle()
    app.uninstall("json")  # ours handles lists and datetimes too
    app.install(ErrorPlugin())
    app.install(JsonPlugin())

    @app.get("/version")
    @app.get("/version/")
    def version() -> dict:
        return {"result": {"server_name": "kegdash", "server_version": __version__}}

    return app
