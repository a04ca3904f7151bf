"""Runners: map :func:`cleanup.process.render` over a run's inputs, in this process, over a pool of
worker processes (``--jobs``), or on a Dask cluster (``--cluster``). Each yields one :class:`Outcome`
per input as it completes; the caller writes the outputs (all four or none) and reports. Workers
never write: so every output is written by one process, atomically, and remote workers need no
shared disk.
"""

from __future__ import annotations

import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

from cleanup import __version__
from cleanup.errors import CleanupError
from cleanup.plan import Job
from cleanup.process import Options, Rendered, render


@dataclass
class Outcome:
    """What became of one input: its rendered outputs, or why not."""

    job: Job
    rendered: Rendered | None = None
    error: str | None = None
    where: str | None = None
    """The path the error is about, or None when it is about the run itself."""
    fatal: bool = False
    """A problem with the run itself (an unreachable LanguageTool server): stop the batch."""
    trace: str | None = None
    """The traceback of an internal error, for ``--debug``."""

    def line(self) -> str:
        return f"{self.where}: {self.error}" if self.where else str(self.error)


def attempt(job: Job, options: Options, data: bytes | None = None, version: str = __version__) -> Outcome:
    """Render one input, never raising: the worker function of every runner."""
    if version != __version__:
        return Outcome(job, error=f"this worker runs cleanup {__version__}, the client {version}", where=str(job.path), fatal=True)
    try:
        rendered = render(job.path, options, data)
        rendered.doc = None  # the outputs' text is what travels between processes, not the document
        return Outcome(job, rendered)
    except CleanupError as exc:
        return Outcome(job, error=exc.message, where=exc.path, fatal=exc.path is None)
    except Exception as exc:
        return Outcome(job, error=f"internal error: {type(exc).__name__}: {exc}", where=str(job.path), trace=traceback.format_exc())


class Runner(Protocol):
    def __iter__(self) -> Iterator[Outcome]: ...

    def close(self, abort: bool = False) -> None:
        """Release the workers; ``abort``: stop what is running now (Ctrl-C)."""


__all__ = ["Outcome", "Runner", "attempt"]
