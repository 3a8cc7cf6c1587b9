"""Copies of kegdash's migrations as an older release shipped them, for upgrade tests."""

from __future__ import annotations

import shutil
from pathlib import Path

from kegdash import db as kdb


def migrations_up_to(number: int, target: Path) -> Path:
    """A copy of kegdash's migrations without those numbered above ``number``."""
    def later(_: str, names: list[str]) -> list[str]:
        return [n for n in names if n == "__pycache__" or (n[:4].isdigit() and int(n[:4]) > number)]

    shutil.copytree(kdb.MIGRATIONS_DIR, target, ignore=later)
    return target
