"""Bounded memos for the brewing engine: a plain dict per question, emptied when full.

``functools.lru_cache`` answers through a call the compiled engine cannot make natively (an
argument tuple built for every call, ~7 % of ``timeline()``); a dict's ``get`` is a C call. The
questions kept are few and asked again and again (what a fermentable's name says, whether a
spice use boils, a price by name), so forgetting them all at the bound costs less than keeping
an order of use.
"""

from __future__ import annotations

from typing import Final, TypeVar

Key = TypeVar("Key")
Value = TypeVar("Value")

LIMIT: Final = 4096
"""Answers kept per memo: far more names and uses than a window or a server works with."""
_MEMOS: Final[list[dict]] = []


def memo() -> dict:
    """A new, empty memo that ``forget_all`` empties too."""
    table: dict = {}
    _MEMOS.append(table)
    return table


def remember(table: dict[Key, Value], key: Key, value: Value) -> Value:
    """Keep ``value`` as the answer for ``key`` and return it."""
    if len(table) >= LIMIT:
        table.clear()
    table[key] = value
    return value


def forget_all() -> None:
    """Empty every memo, as in a process that just started (the benchmark's first sight)."""
    for table in _MEMOS:
        table.clear()
