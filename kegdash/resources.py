"""One way to find the files in the top-level ``resources/`` folder: checkout, wheel or frozen build."""

from __future__ import annotations

import sys
from pathlib import Path


def resource_root() -> Path:
    """The ``resources`` folder: under ``_MEIPASS`` when frozen, inside the package when installed
    from a wheel (setup.py copies it there), beside the package in a checkout."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    package = Path(__file__).resolve().parent
    installed = package / "_resources"
    return installed if installed.is_dir() else package.parent / "resources"


def resource_path(*parts: str) -> Path:
    """Path of a file inside ``resources/``; raises FileNotFoundError naming it if it is missing."""
    path = resource_root().joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(f"kegdash resource not found: {path}")
    return path
