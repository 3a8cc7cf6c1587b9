"""Who may use the Kegbot API: API keys against the site's privacy mode (``decisions.md``).

A key comes from the ``X-Kegbot-Api-Key`` header (preferred) or an ``api_key`` GET/POST
parameter. Keys are found by their fingerprint (``accounts.keys``), so no comparison of the
secret itself ever happens here. A key that is sent is always checked, even on an open
endpoint: a stale key on a tablet is reported at once instead of silently reading as a guest.

In ``members`` mode a browser logged in through ``/account/login`` may also read the open
endpoints without a key (seed 000: "while logged in or with an API key"). A session never
authorizes a protected endpoint or a POST: those still need a staff key, so the session
cookie cannot be turned into a write by a cross-site form.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import bottle

from kegdash.accounts.views import Principal, by_api_key
from kegdash.server.kegbot_errors import KegbotError
from kegdash.server.web_session import logged_in_user
from kegdash.site_settings import get_setting

KEY_HEADER = "X-Kegbot-Api-Key"


def request_key(params: Mapping[str, Any]) -> str | None:
    """The key of this request: the header if present, else the ``api_key`` parameter."""
    header = bottle.request.get_header(KEY_HEADER)
    if header and header.strip():
        return header.strip()
    value = params.get("api_key")
    return value.strip() if isinstance(value, str) and value.strip() else None


def authorize(key: str | None, *, protected: bool) -> Principal | None:
    """Who is asking (the key's owner or the logged-in browser's user; None for a guest in
    ``public`` mode) if this request may go on, else raise KegbotError.

    ``protected`` endpoints (every POST, auth tokens) need a staff key; in ``members`` mode
    every endpoint needs a member's key or browser session (an account the operator admitted:
    ``accounts.admission``), in ``staff`` mode a staff key.
    """
    mode = get_setting("privacy")
    if key is None:
        if not protected and mode == "public":
            return None
        user = logged_in_user() if not protected and mode == "members" else None
        if user is None or not user.is_member:
            raise KegbotError(401, "NoAuthTokenError", "This resource requires an API key.")
        return user
    user = by_api_key(key)
    if user is None or not user.is_active:
        raise KegbotError(401, "BadAuthTokenError", "The API key is not valid.")
    if ((protected or mode == "staff") and not user.is_privileged
            or mode == "members" and not user.is_member):
        raise KegbotError(403, "PermissionDeniedError",
                        "This API key does not have permission to perform this operation.")
    return user
