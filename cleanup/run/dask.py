"""A runner on a Dask cluster (``--cluster tcp://HOST:8786``): the same :func:`~cleanup.run.attempt`
on Dask's workers. The client reads each input and sends its bytes; a worker renders it and sends
the outputs' text back; the client writes them, so workers need no shared disk. Workers must have
this same version of cleanup installed (``pip install 'cleanup[dask]'``); a different one is refused.
At most ``2 x`` the cluster's threads inputs are in flight, so memory stays bounded for any archive."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from cleanup import __version__
from cleanup.errors import CleanupError
from cleanup.plan import Job
from cleanup.process import Options
from cleanup.readers import read_bytes
from cleanup.run import Outcome, attempt

CONNECT_TIMEOUT_S = 10


class DaskCluster:
    def __init__(self, jobs: list[Job], options: Options, address: str) -> None:
        try:
            from distributed import Client
        except ImportError:
            raise CleanupError(None, "--cluster needs Dask: pip install 'cleanup[dask]'") from None
        self.jobs, self.options, self.address = jobs, options, address
        try:
            self.client: Any = Client(address, timeout=CONNECT_TIMEOUT_S, set_as_default=False)  # type: ignore[no-untyped-call]
        except (OSError, TimeoutError, ValueError) as exc:
            raise CleanupError(None, f"cannot reach the Dask scheduler at {address}: {exc}") from None

    def _threads(self) -> int:
        try:
            threads: dict[str, int] = self.client.nthreads()
            return max(1, sum(threads.values()))
        except Exception:
            return 1

    def __iter__(self) -> Iterator[Outcome]:
        from distributed import as_completed

        todo = iter(self.jobs)
        window = 2 * self._threads()
        running: Any = as_completed(loop=self.client.loop)  # type: ignore[no-untyped-call]
        owners: dict[str, Job] = {}
        ready: list[Outcome] = []

        def hand_out() -> None:
            while running.count() < window:
                job = next(todo, None)
                if job is None:
                    return
                try:
                    data = read_bytes(job.path)
                except CleanupError as exc:
                    ready.append(Outcome(job, error=exc.message, where=exc.path))
                    continue
                future = self.client.submit(attempt, job, self.options, data, __version__, pure=False)
                owners[future.key] = job
                running.add(future)

        hand_out()
        while ready or running.count():
            while ready:
                yield ready.pop(0)
            if not running.count():
                break
            future = next(running)
            job = owners.pop(future.key)
            try:
                outcome: Outcome = future.result()
            except Exception as exc:  # the worker died or the task was lost
                outcome = Outcome(job, error=f"failed on the cluster: {type(exc).__name__}: {exc}", where=str(job.path))
            future.release()
            yield outcome
            hand_out()

    def close(self, abort: bool = False) -> None:
        try:
            if abort:
                self.client.cancel(list(self.client.futures.values()) if hasattr(self.client, "futures") else [])
            self.client.close(timeout=5)
        except Exception:
            pass
