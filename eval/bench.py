#!/usr/bin/env python3
"""Speed of `cleanup run`, every figure from fresh processes, as a user meets it:

- `cleanup --help` (median of the runs);
- cold start: the seed end to end (`cleanup run`, all four outputs) against a bare Harper lint of
  the same text, each in a fresh process, run in turn (medians, and their ratio); plus one run
  with an empty per-user cache (the first run on a machine);
- scale: the seed's body repeated 1x, 10x and 100x in one file (5k, 50k, 500k words) under the
  seed's header: wall time, words a second and the peak memory (RSS) of the `cleanup run`
  process, and the time ratios 10x/1x and 100x/1x.

    .venv/bin/python eval/bench.py [--sizes 1,10,100] [--repeat 3] [--timeout SECONDS]

Every `cleanup run` writes to a fresh output folder of its own (cleanup refuses a folder holding
files it did not write). Figures, not a test: nothing here fails on a slow machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_6b06ca91f54c6f31.txt"
HEADER_LINES = 3  # title, blank line, date
BARE_HARPER = (
    "import sys, harper; "
    "harper.Linter(harper.Dialect.AMERICAN).lint(open(sys.argv[1], encoding='utf-8').read(), language=harper.Language.PLAINTEXT)"
)


@dataclass
class Run:
    seconds: float
    peak_mb: float
    ok: bool
    note: str = ""


def cli() -> list[str]:
    exe = Path(sys.executable).parent / "cleanup"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "cleanup"]


def timed(cmd: list[str], env: dict[str, str] | None = None, timeout: float | None = None) -> Run:
    """Run a command in a fresh process: its wall time and its own peak RSS (from wait4)."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    deadline = None if timeout is None else t0 + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if deadline is not None and time.perf_counter() > deadline:
            proc.kill()
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = -9
            return Run(time.perf_counter() - t0, usage.ru_maxrss / 1024, False, f"stopped after {timeout:.0f} s")
        time.sleep(0.005)
    seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace").strip() if proc.stderr else ""
    if proc.stderr:
        proc.stderr.close()
    ok = proc.returncode == 0
    return Run(seconds, usage.ru_maxrss / 1024, ok, "" if ok else f"exit {proc.returncode}: {err.splitlines()[-1] if err else ''}")


def repeated_seed(folder: Path, times: int) -> Path:
    """The seed's header, then its body lines ``times`` times over, in one file."""
    lines = SEED.read_text(encoding="utf-8").split("\n")
    head, body = lines[:HEADER_LINES], lines[HEADER_LINES:]
    while body and not body[-1].strip():
        body.pop()
    path = folder / f"seed_x{times}.txt"
    path.write_text("\n".join(head + body * times) + "\n", encoding="utf-8")
    return path


def run_cleanup(src: Path, work: Path, env: dict[str, str] | None = None, timeout: float | None = None) -> tuple[Run, int]:
    """One `cleanup run` into a fresh output folder; the run and the input's word count (from the report)."""
    out = Path(tempfile.mkdtemp(prefix="out-", dir=work))
    run = timed([*cli(), "run", str(src), "--out", str(out)], env, timeout)
    words = 0
    report = out / f"{src.stem}.report.json"
    if run.ok and report.exists():
        words = int(json.loads(report.read_text(encoding="utf-8"))["input"]["words"])
    return run, words


def fmt(run: Run) -> str:
    return f"{run.seconds:.2f} s" if run.ok else f"failed ({run.note})"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1,10,100", help="how many times the seed's body is repeated, comma-separated")
    ap.add_argument("--repeat", type=int, default=3, help="fresh processes per cold-start figure (the median is given)")
    ap.add_argument("--timeout", type=float, default=None, help="stop a scale run after this many seconds")
    args = ap.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; seed: {SEED.name}")
    with tempfile.TemporaryDirectory(prefix="cleanup-bench-") as tmp:
        work = Path(tmp)
        helps = [timed([*cli(), "--help"]).seconds for _ in range(max(3, args.repeat))]
        print(f"cleanup --help: median {statistics.median(helps):.2f} s")

        # the first run on a machine: an empty per-user cache (it is built, then kept)
        empty = dict(os.environ, XDG_CACHE_HOME=str(work / "empty-cache"))
        first, _ = run_cleanup(SEED, work, empty)
        print(f"cleanup run on the seed, empty cache (first run on a machine): {fmt(first)}")

        harpers: list[float] = []
        runs: list[Run] = []
        words = 0
        for _ in range(args.repeat):
            harpers.append(timed([sys.executable, "-c", BARE_HARPER, str(SEED)]).seconds)
            run, words = run_cleanup(SEED, work)
            runs.append(run)
        if not all(r.ok for r in runs):
            print(f"cleanup run on the seed failed: {next(r.note for r in runs if not r.ok)}")
            return 1
        harper_s = statistics.median(harpers)
        cold_s = statistics.median(r.seconds for r in runs)
        print(
            f"cold start, seed ({words:,} words), fresh processes, median of {args.repeat}: cleanup run {cold_s:.2f} s, "
            f"bare Harper lint {harper_s:.2f} s: {cold_s / harper_s:.2f}x"
        )

        print("scale (the seed's body repeated in one file; one fresh `cleanup run` each):")
        base: float | None = None
        for times in sizes:
            src = repeated_seed(work, times)
            run, n = run_cleanup(src, work, timeout=args.timeout)
            if not run.ok:
                print(f"  {times:>4}x: {fmt(run)}, peak {run.peak_mb:,.0f} MB")
                continue
            if times == 1:
                base = run.seconds
            ratio = f", {run.seconds / base:.1f}x the time of 1x" if base and times != 1 else ""
            print(f"  {times:>4}x: {n:>9,} words {run.seconds:8.2f} s {n / run.seconds:8,.0f} words/s  peak {run.peak_mb:6,.0f} MB{ratio}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
