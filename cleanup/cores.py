"""How many cores this process may use: the one answer for the batch runners and the aligner."""

from __future__ import annotations

import os


def cores() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)
