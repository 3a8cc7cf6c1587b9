"""The Kegbot API's failures, shared by both Kegbot dialects' routes and key checks: a code name
from the seed's table (``BadRequestError`` …) and an HTTP status. How a failure is written on
the wire is the dialect's business (``kegbot.error_response``; ``kegbot_v1.error_response``,
which also says ``BadApiKeyError`` where the seeds say ``BadAuthTokenError``)."""

from __future__ import annotations

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


def bad_request(message: str) -> KegbotError:
    return KegbotError(400, "BadRequestError", message)


def not_found(message: str) -> KegbotError:
    return KegbotError(404, "NotFoundError", message)
