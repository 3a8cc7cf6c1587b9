"""Keeping ``kegdash serve`` on one CPU.

The server's threads (the I/O thread, the workers, the serial readers) take turns holding
Python's GIL, so the process runs Python on one CPU at a time whatever it is given. Spread over
several CPUs, each hand-over of the GIL is a wake-up on another CPU, which costs more than the
small requests it separates: measured on a 2-core machine, tap lists 3,500-3,700 req/s spread,
6,400-6,700 on one CPU; drink posts 1,000-1,100 and 1,560-1,630 (README, "Limits and
performance"). Linux only: ``os.sched_setaffinity``.
"""

from __future__ import annotations

import os
from pathlib import Path


class AffinityError(ValueError):
    """The CPU cannot be used here; the message says why."""


def run_on_cpu(index: int) -> int:
    """Every thread of this process, and those it starts later, runs on one CPU: the
    ``index``-th of those it may use (0 is the first), so ``--cpu 0`` works in a container or
    cgroup that leaves only some CPUs. Returns the CPU's number."""
    if not hasattr(os, "sched_setaffinity"):
        raise AffinityError("--cpu needs Linux (sched_setaffinity)")
    allowed = sorted(os.sched_getaffinity(0))
    if not 0 <= index < len(allowed):
        raise AffinityError(f"--cpu {index}: this process may use {len(allowed)} CPU(s), "
                            f"so 0 to {len(allowed) - 1}")
    cpu = allowed[index]
    # Threads inherit the mask of the thread that starts them; those already running get it here.
    for task in Path("/proc/self/task").iterdir():
        os.sched_setaffinity(int(task.name), {cpu})
    return cpu
