"""``POST /account/access_token``: a client's back end exchanges a one-time code from the
authorize page (``type=web_server``) for the user's bearer token (``accounts.code_grants``).

The request follows RFC 6749 §4.1.3 (form-encoded; a JSON object is taken too, as Tapline's
clients speak JSON): ``code``, ``client_id``, and the client's proof, ``client_secret`` and/or
the PKCE ``code_verifier``; ``grant_type`` (``authorization_code``) and ``redirect_uri`` are
optional. The client may send its id and secret as HTTP Basic instead (§2.3.1), not both ways.
Each parameter at most once; nothing is read from the query string, so no secret sits in a URL.

Success is ``{"access_token": …, "token_type": "bearer"}`` (Tapline's shape) and every refusal
is OAuth 2.0's JSON, ``{"error": …, "error_description": …}``: 400, or 401 for a client that
could not be authenticated, or 429 (``Retry-After``) while the password throttle holds the
client's address. Nothing is cached.
"""

from __future__ import annotations

import base64
import binascii
import json
import urllib.parse
from typing import Any

import bottle

from kegdash.accounts.code_grants import GrantError, redeem_code
from kegdash.accounts.throttle import TooManyAttempts

PATH = "/account/access_token"
MAX_BODY_BYTES = 8 * 1024
"""Every parameter together is well under 2 KiB."""
MAX_LENGTH = {"grant_type": 40, "code": 200, "client_id": 120, "client_secret": 200,
              "code_verifier": 128, "redirect_uri": 1000}
"""The parameters read, and their longest acceptable values."""
CLIENT_CHALLENGE = 'Basic realm="kegdash clients"'


class _Refused(Exception):
    def __init__(self, status: int, error: str, description: str,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(description)
        self.status, self.error, self.description = status, error, description
        self.headers = headers or {}


class _Pairs(list):
    """A JSON object kept as its (key, value) pairs, so a repeated key can be refused."""


def _invalid(description: str) -> _Refused:
    return _Refused(400, "invalid_request", description)


def _pairs(request: bottle.LocalRequest) -> list[tuple[str, Any]]:
    if request.content_length > MAX_BODY_BYTES:
        raise _invalid(f"The body is over {MAX_BODY_BYTES} bytes")
    kind = request.content_type.split(";", 1)[0].strip().lower()
    if kind == "application/json":
        raw = request.body.read(MAX_BODY_BYTES + 1)
        if len(raw) > MAX_BODY_BYTES:
            raise _invalid(f"The body is over {MAX_BODY_BYTES} bytes")
        try:
            data = json.loads(raw, object_pairs_hook=_Pairs)
        except (ValueError, UnicodeDecodeError, RecursionError):
            raise _invalid("The body is not valid JSON") from None
        if not isinstance(data, _Pairs):
            raise _invalid("The body must be a JSON object")
        return data
    if kind != "application/x-www-form-urlencoded":
        raise _invalid("Send the parameters as application/x-www-form-urlencoded")
    try:
        return list(request.forms.decode().allitems())
    except (UnicodeError, ValueError):
        raise _invalid("The body is not valid UTF-8 form data") from None


def _params(request: bottle.LocalRequest) -> dict[str, str]:
    """The known parameters of the body, each a string, at most once (RFC 6749 §3.2)."""
    params: dict[str, str] = {}
    for key, value in _pairs(request):
        if key not in MAX_LENGTH:
            continue
        if key in params:
            raise _invalid(f"{key} is given more than once")
        if not isinstance(value, str):
            raise _invalid(f"{key} must be a string")
        if len(value) > MAX_LENGTH[key]:
            raise _invalid(f"{key} is longer than {MAX_LENGTH[key]} characters")
        params[key] = value
    return params


def _basic_client(request: bottle.LocalRequest) -> tuple[str, str] | None:
    """The client id and secret of an HTTP Basic header (each form-encoded, §2.3.1), if any."""
    header = (request.get_header("Authorization") or "").strip()
    if not header:
        return None
    scheme, _, encoded = header.partition(" ")
    try:
        if scheme.lower() != "basic" or len(encoded) > 1024:
            raise ValueError
        client_id, colon, secret = base64.b64decode(encoded.strip(), validate=True)\
            .decode("utf-8").partition(":")
        if not colon:
            raise ValueError
    except (binascii.Error, ValueError):
        raise _Refused(401, "invalid_client", "The Authorization header must be Basic "
                                              "client_id:client_secret",
                       {"WWW-Authenticate": CLIENT_CHALLENGE}) from None
    return urllib.parse.unquote_plus(client_id), urllib.parse.unquote_plus(secret)


def _exchange(request: bottle.LocalRequest) -> dict[str, str]:
    params = _params(request)
    basic = _basic_client(request)
    if basic is not None:
        if "client_secret" in params or params.get("client_id", basic[0]) != basic[0]:
            raise _invalid("Authenticate the client once: HTTP Basic or client_secret, not both")
        params["client_id"], params["client_secret"] = basic
    if params.get("grant_type", "authorization_code") != "authorization_code":
        raise _Refused(400, "unsupported_grant_type", "Only grant_type=authorization_code is "
                                                      "supported")
    for name in ("code", "client_id"):
        if not params.get(name):
            raise _invalid(f"{name} is required")
    if not params.get("client_secret") and not params.get("code_verifier"):
        raise _invalid("client_secret or code_verifier is required")
    try:
        auth = redeem_code(
            params["code"], client_id=params["client_id"],
            client_secret=params.get("client_secret") or None,
            verifier=params.get("code_verifier") or None,
            redirect_uri=params.get("redirect_uri") or None,
            address=request.environ.get("REMOTE_ADDR", ""))
    except GrantError as exc:
        status = 401 if exc.error == "invalid_client" else 400
        headers = {"WWW-Authenticate": CLIENT_CHALLENGE} if basic is not None and status == 401 else {}
        raise _Refused(status, exc.error, exc.description, headers) from None
    except TooManyAttempts as exc:
        raise _Refused(429, "invalid_client", f"Too many failed attempts: try again in "
                                              f"{exc.wait_seconds} s",
                       {"Retry-After": str(exc.wait_seconds)}) from None
    return {"access_token": auth.token, "token_type": "bearer"}


def access_token() -> dict[str, str]:
    """The token for a one-time code, or OAuth 2.0's error."""
    response = bottle.response
    response.set_header("Cache-Control", "no-store")
    response.set_header("Pragma", "no-cache")
    try:
        return _exchange(bottle.request)
    except _Refused as exc:
        response.status = exc.status
        for key, value in exc.headers.items():
            response.set_header(key, value)
        return {"error": exc.error, "error_description": exc.description}


def install(root: bottle.Bottle) -> None:
    """Serve the exchange at ``PATH`` (and with a trailing slash, as every API path)."""
    for path in (PATH, PATH + "/"):
        root.route(path, "POST", access_token)
