"""A background read that finishes after a newer one: the first call of a function, once it has
its answer, waits until the test lets it go."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


class FirstCallHeldUp:
    """Stands in for ``fn``; ``answers`` holds what each call got, ``release`` lets the first go."""

    def __init__(self, fn: Callable[..., Any]) -> None:
        self.fn = fn
        self.answers: list[Any] = []
        self.release = threading.Event()

    def __call__(self, *args: Any) -> Any:
        answer = self.fn(*args)
        self.answers.append(answer)
        if len(self.answers) == 1:
            self.release.wait(10)
        return answer
