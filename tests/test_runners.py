"""Runners: every core (--jobs) and a Dask cluster (--cluster) write byte for byte what one process
writes; a bad file fails alone; Ctrl-C stops the workers at once and keeps finished outputs whole."""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from cleanup.cli import main
from cleanup.plan import OUTPUT_SUFFIXES
from cleanup.process import Options
from cleanup.run import dask as dask_runner
from tests.conftest import SEED, caption

SUFFIXES = tuple(sorted(OUTPUT_SUFFIXES))


def cmd() -> list[str]:
    exe = Path(sys.executable).parent / "cleanup"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "cleanup"]


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def talks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("talks")
    texts = [
        ("a/one.txt", caption("it occured to us~", "that words matter [b-roll: a crowd]", "the end")),
        ("a/two.txt", caption("we went their yesterday", "and its true that we did")),
        ("b/one.txt", caption("a third talk about the harbour~", "and the ships in it")),
        ("b/three.txt", caption("the last one (pronounced LAST-wun) is short")),
    ]
    for name, text in texts:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    (folder / "b" / "empty.txt").write_bytes(b"")
    return folder


@pytest.fixture(scope="module")
def one_process(talks: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("jobs1")
    assert main(["run", str(talks), "--out", str(out), "--jobs", "1"]) == 1  # the empty file fails
    return tree(out)


def test_options_are_a_plain_picklable_value() -> None:
    options = Options(words=frozenset({"vaush"}), wpm=150.0, preset="bbc")
    assert pickle.loads(pickle.dumps(options)) == options


def test_every_core_writes_what_one_process_writes(
    talks: Path, one_process: dict[str, bytes], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert len(one_process) == 4 * len(OUTPUT_SUFFIXES)
    assert main(["run", str(talks), "--out", str(tmp_path), "--jobs", "2"]) == 1
    captured = capsys.readouterr()
    assert tree(tmp_path) == one_process
    assert [line for line in captured.err.splitlines() if line.strip()] == [
        f"cleanup: {talks / 'b' / 'empty.txt'}: empty file: no transcript text in it"
    ]
    assert "4 done, 1 failed" in captured.out


def seed_copies(folder: Path, count: int) -> Path:
    """A folder of ``count`` copies of the seed: a batch that takes a while."""
    folder.mkdir()
    text = SEED.read_text(encoding="utf-8")
    for k in range(count):
        (folder / f"t{k}.txt").write_text(text, encoding="utf-8")
    return folder


def test_ctrl_c_stops_the_workers_at_once(tmp_path: Path) -> None:
    folder = seed_copies(tmp_path / "talks", 6)
    out = tmp_path / "o"
    proc = subprocess.Popen(
        [*cmd(), "run", str(folder), "--out", str(out), "--jobs", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and not any((out / f"t{k}.report.json").exists() for k in range(6)):
        time.sleep(0.05)
    workers = psutil.Process(proc.pid).children(recursive=True)
    assert workers, "no worker processes"
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    _, stderr = proc.communicate(timeout=60)
    # at once: well before the four or more seeds still to do would take (a busy machine took 3.8 s)
    assert time.monotonic() - sent < 8
    assert proc.returncode == 130, stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("cleanup: interrupted: ") and "Traceback" not in stderr
    _, alive = psutil.wait_procs(workers, timeout=5)
    assert alive == []
    files = sorted(p.name for p in out.iterdir())
    stems = {name.split(".")[0] for name in files}
    assert stems and files == sorted(f"{stem}{s}" for stem in stems for s in SUFFIXES)


def test_a_dask_cluster_writes_what_one_process_writes(talks: Path, one_process: dict[str, bytes], tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None) as cluster:
        code = main(["run", str(talks), "--out", str(tmp_path), "--cluster", cluster.scheduler_address])
    assert code == 1  # the empty file
    assert tree(tmp_path) == one_process


def test_an_unreachable_scheduler_is_one_line(
    talks: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("distributed")
    monkeypatch.setattr(dask_runner, "CONNECT_TIMEOUT_S", 2)
    assert main(["run", str(talks), "--out", str(tmp_path), "--cluster", "tcp://127.0.0.1:9"]) == 1
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(err) == 1 and err[0].startswith("cleanup: cannot reach the Dask scheduler at tcp://127.0.0.1:9")
    assert list(tmp_path.iterdir()) == []


KILLER = """
import io, multiprocessing, os

_open = io.open


def _dying_open(file, *args, **kwargs):
    if str(file).endswith("die.txt") and multiprocessing.current_process().name != "MainProcess":
        os._exit(9)  # as the OOM killer would: no exception, no clean-up
    return _open(file, *args, **kwargs)


io.open = _dying_open
"""


def test_a_worker_that_dies_fails_its_input_alone(tmp_path: Path) -> None:
    """A worker killed in the middle of an input (the OOM killer) neither hangs nor sinks the batch:
    the inputs in flight are tried again in a new pool, and the one that kills it twice fails alone."""
    folder = tmp_path / "talks"
    folder.mkdir()
    for name in ("a", "b", "c"):
        (folder / f"{name}.txt").write_text(caption(f"talk {name} is here"), encoding="utf-8")
    (folder / "die.txt").write_text(caption("this one kills its worker"), encoding="utf-8")
    hooks = tmp_path / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(KILLER, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(hooks)}
    done = subprocess.run(
        [*cmd(), "run", str(folder), "--out", str(tmp_path / "o"), "--jobs", "2"], capture_output=True, text=True, env=env, timeout=300
    )
    assert done.returncode == 1, done.stderr
    assert "die.txt" in done.stderr and "worker process died" in done.stderr
    assert sorted(p.name for p in (tmp_path / "o").iterdir()) == sorted(f"{s}{x}" for s in "abc" for x in SUFFIXES)


def test_workers_stop_when_their_parent_is_killed_outright(tmp_path: Path) -> None:
    folder = seed_copies(tmp_path / "talks", 4)
    proc = subprocess.Popen(
        [*cmd(), "run", str(folder), "--out", str(tmp_path / "o"), "--jobs", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 60
    workers: list[psutil.Process] = []
    while time.monotonic() < deadline and len(workers) < 2:
        workers = [p for p in psutil.Process(proc.pid).children() if "spawn_main" in " ".join(p.cmdline())]
        time.sleep(0.1)
    assert len(workers) == 2
    proc.kill()  # SIGKILL: the parent can stop nothing
    proc.wait()
    _, alive = psutil.wait_procs(workers, timeout=10)
    assert alive == []


def test_a_stop_ends_a_worker_the_pool_was_still_starting() -> None:
    # (a CI run once waited a minute after Ctrl-C: a worker started during the stop was not in the
    # pool's list, and the interpreter's exit waits for every child)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from cleanup.run.local import ProcessPool

    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(1, mp_context=context)
    unlisted = context.Process(target=time.sleep, args=(600,))
    unlisted.start()
    ProcessPool._abort(pool)
    unlisted.join(timeout=5)
    assert not unlisted.is_alive()
