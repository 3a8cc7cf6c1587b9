"""User names: their one shape, the key two names are compared by, and the names nobody may
choose for themselves.

Two names are the same account name when their keys are equal: NFKC normalisation folds
compatibility forms (``ａｄｍｉｎ``, ligatures, superscripts) into plain letters and case folding
folds case (``Admin``, ``ADMIN``, ``ß``/``ss``), so a look-alike of an existing name cannot be
registered beside it. The key is stored with the account under a unique index, so the database
itself refuses a second one, whichever path creates or renames an account.

Reserved names are refused only where a person picks their own name (Tapline's registration and
rename); the operator may still create them (``kegdash admin create-user admin``), which is how
the operator account gets its name.
"""

from __future__ import annotations

import re
import unicodedata

from kegdash.site_settings import get_setting

NAME_RE = re.compile(r"[A-Za-z0-9_.@+-]{1,30}")
"""What a user name may be (whole string, ASCII only)."""

RESERVED = frozenset({
    "admin", "administrator", "root", "operator", "guest", "staff", "superuser", "system",
    "kegdash", "anonymous", "nobody", "support", "security", "webmaster", "postmaster",
    "hostmaster", "abuse", "noreply", "no-reply",
})
"""Names that would pass for the site's own accounts; the operator setting's name is added."""


def name_key(name: str) -> str:
    """The form two names are compared in: NFKC, case-folded, NFKC again (case folding can
    undo a normalisation, e.g. for U+0345)."""
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())


def well_formed(name: str) -> bool:
    """True if ``name`` is 1-30 of the letters, digits and ``_ . @ + -`` a name may hold."""
    return NAME_RE.fullmatch(name) is not None


def reserved(name: str) -> bool:
    """True if ``name`` (or a look-alike of it) is kept for the site: a built-in reserved name
    or the operator account's."""
    key = name_key(name)
    return key in _RESERVED_KEYS or key == name_key(get_setting("operator"))


_RESERVED_KEYS = frozenset(name_key(name) for name in RESERVED)
