"""The Beekeeping.io envelope, on every answer: ``{"status_code", "status_string", "code",
"description", "result"}`` — ``status_code`` 1 on success and 0 on failure, ``code`` the HTTP
status (``decisions.md`` § Beekeeping), and the failure every Beekeeping module raises."""

from __future__ import annotations

from typing import Any

import bottle

from kegdash.server.json_plugin import dumps

STATUS_TEXT = {
    400: "Bad request",
    401: "License key required",
    403: "License key not valid",
    404: "Not found",
    405: "Method not allowed",
    413: "Request too large",
    429: "Rate limit exceeded",
    500: "Server error",
}


class BeekeepingError(Exception):
    """A failure answered in the envelope with HTTP ``status``; ``result`` names a bad field."""

    def __init__(self, status: int, message: str, result: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.result = status, message, result


def envelope(code: int, description: str, result: dict[str, str] | None) -> dict[str, Any]:
    """Both the conventions' keys and the detail examples' keys, always (seed slip #4)."""
    return {
        "status_code": 1 if code < 400 else 0,
        "status_string": description,
        "code": code,
        "description": description,
        "result": result,
    }


def error_response(
    status: int, message: str, result: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
) -> bottle.HTTPResponse:
    """The failure envelope as a response; the root app uses it for 404/405 under ``/api_v1/``."""
    text = STATUS_TEXT.get(status, "Error")
    description = message if message.startswith(text) else f"{text}: {message}"
    return bottle.HTTPResponse(
        body=dumps(envelope(status, description, result)), status=status,
        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
    )
