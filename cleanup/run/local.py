"""Runners on this machine: in this process (``--jobs 1``, or a single input), or a pool of worker
processes (``--jobs N``). Each worker builds the engines and dictionaries once and keeps them for
every input it is given; workers ignore SIGINT, so a Ctrl-C reaches only the parent, which stops them."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, CancelledError, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from cleanup.cores import stop_with_parent
from cleanup.plan import Job
from cleanup.process import Options
from cleanup.run import Outcome, attempt


class InProcess:
    def __init__(self, jobs: list[Job], options: Options) -> None:
        self.jobs, self.options = jobs, options

    def __iter__(self) -> Iterator[Outcome]:
        for job in self.jobs:
            yield attempt(job, self.options)

    def close(self, abort: bool = False) -> None:
        pass


def _worker_start(parent: int) -> None:
    """Each worker: leave Ctrl-C to the parent, and stop when the parent is gone. The parent's pid
    is given, not read here: a parent killed while the worker was still starting is gone already."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops the workers
    stop_with_parent(parent)


class ProcessPool:
    """Inputs spread over worker processes, at most ``2 * processes`` handed out at a time, so that a
    stop cancels everything not yet started. A worker that dies (killed, out of memory) breaks the
    pool: a new pool takes over, and each input that was in flight is tried again alone, so the one
    that kills its worker is found and fails with one line while the others are written."""

    def __init__(self, jobs: list[Job], options: Options, processes: int) -> None:
        self.jobs, self.options = jobs, options
        self.processes = max(1, min(processes, len(jobs)))
        self.pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        context = multiprocessing.get_context("spawn")  # a clean interpreter, never a fork of a threaded parent
        return ProcessPoolExecutor(self.processes, mp_context=context, initializer=_worker_start, initargs=(os.getpid(),))

    def __iter__(self) -> Iterator[Outcome]:
        order = {job: k for k, job in enumerate(self.jobs)}
        waiting: list[Job] = list(reversed(self.jobs))
        suspects: list[Job] = []
        running: dict[Future[Outcome], tuple[Job, ProcessPoolExecutor]] = {}
        alone: Job | None = None

        def hand_out() -> None:
            nonlocal alone
            if suspects:  # after a break: one input at a time until every suspect is cleared
                if not running:
                    alone = suspects.pop(0)
                    running[self.pool.submit(attempt, alone, self.options)] = (alone, self.pool)
                return
            alone = None
            while waiting and len(running) < 2 * self.processes:
                job = waiting.pop()
                running[self.pool.submit(attempt, job, self.options)] = (job, self.pool)

        hand_out()
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in sorted(done, key=lambda f: order[running[f][0]]):
                job, pool = running.pop(future)
                try:
                    yield future.result()
                except (BrokenProcessPool, CancelledError):
                    if pool is self.pool:
                        self._abort(pool)
                        self.pool = self._new_pool()
                    if job is alone:
                        yield Outcome(job, error="a worker process died on it (killed, or out of memory)", where=str(job.path))
                    else:
                        suspects.append(job)
            hand_out()

    @staticmethod
    def _abort(pool: ProcessPoolExecutor) -> None:
        processes = list((getattr(pool, "_processes", None) or {}).values())  # no public way to stop running tasks
        # (and a worker the pool was starting when the stop came is a child the pool does not list
        # yet: the interpreter's exit would wait for it for ever)
        processes += [p for p in multiprocessing.active_children() if p not in processes]
        pool.shutdown(wait=False, cancel_futures=True)
        for proc in processes:
            with contextlib.suppress(Exception):
                proc.terminate()
        for proc in processes:
            with contextlib.suppress(Exception):
                proc.join(timeout=2)
        # A worker stopped while sending its result leaves the executor's manager thread waiting for
        # the rest of the message, and the interpreter joins that thread at exit: closing our end of
        # the pipe ends the wait (the thread sees the pool broken and leaves).
        with contextlib.suppress(Exception):
            pool._result_queue._writer.close()  # type: ignore[attr-defined]

    def close(self, abort: bool = False) -> None:
        if abort:
            self._abort(self.pool)
        else:
            self.pool.shutdown(wait=True)
