"""Password and secret hashing with scrypt, a memory-hard KDF from the standard library."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

_N, _R, _P = 2**14, 8, 1
_DKLEN = 32


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str) -> str:
    """A self-describing hash ``scrypt$N$r$p$salt$digest`` so parameters can grow later."""
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=_DKLEN)
    return f"scrypt${_N}${_R}${_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: str | None) -> bool:
    """True if ``password`` matches; compares in constant time and never raises on bad input."""
    if not stored:
        return False
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        actual = hashlib.scrypt(
            password.encode("utf-8"),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def new_secret(nbytes: int = 20) -> str:
    """A random hex secret from ``secrets`` (40 hex chars by default, Tapline's token length)."""
    return secrets.token_hex(nbytes)


def fingerprint(secret: str) -> str:
    """SHA-256 of a high-entropy secret, the form API and licence keys are stored and found by.

    A fast hash is right here (unlike passwords): the secret is 160 random bits, so nothing can
    be guessed from the digest, and lookups stay O(1) by index.
    """
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()
