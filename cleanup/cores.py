"""How many cores this process may use, and how a helper process on one of them ends with its
parent: the one answer for the batch runners and the aligner."""

from __future__ import annotations

import os
import threading
import time


def cores() -> int:
    """The cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def stop_with_parent(parent: int) -> None:
    """In a helper process (a pool worker, the aligner's second interpreter): exit as soon as
    ``parent`` is gone. A parent killed outright (SIGKILL) cannot stop its helpers, so they stop
    themselves; the pid is given, not read here, since a parent killed while the helper was still
    starting is gone already."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
