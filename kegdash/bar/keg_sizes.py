"""Finding a keg size from what an operator types: a slug (``half-barrel``) or litres (``20L``)."""

from __future__ import annotations

import re

from kegdash.bar.models import KegSize

_LITRES_RE = re.compile(r"^\s*(\d{1,4}(?:\.\d{1,3})?)\s*[lL]\s*$")


def resolve_size(spec: str) -> KegSize:
    """The stored size for a slug, or a custom size for ``<n>L`` (created once, then reused)."""
    size = KegSize.get_or_none(KegSize.slug == spec)
    if size is not None:
        return size
    match = _LITRES_RE.match(spec)
    if not match or float(match.group(1)) <= 0:
        known = ", ".join(s.slug for s in KegSize.select().order_by(KegSize.id))
        raise ValueError(f"unknown keg size {spec!r}: use one of {known}, or litres such as 20L")
    litres = float(match.group(1))
    slug = f"custom-{litres:g}l"
    size, _ = KegSize.get_or_create(
        slug=slug, defaults={"name": f"{litres:g} L keg", "volume_ml": litres * 1000.0}
    )
    return size
