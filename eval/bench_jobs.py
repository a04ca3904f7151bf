#!/usr/bin/env python3
"""Throughput of a batch: 200 transcripts through `cleanup run FOLDER` at --jobs 1 and at every
core, as fresh processes; words a second, the speed-up, and whether the outputs are byte for
byte the same.

    .venv/bin/python eval/bench_jobs.py [--files 200]

The transcripts are windows of the seed's caption lines (60 lines each, starting at different
lines, wrapping around), with its title and date: about 700 words each.
"""

from __future__ import annotations

import argparse
import filecmp
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_6b06ca91f54c6f31.txt"
WINDOW = 60


def make_batch(folder: Path, count: int) -> int:
    lines = SEED.read_text(encoding="utf-8").splitlines()
    header, body = lines[:3], [ln for ln in lines[3:] if ln.strip()]
    words = 0
    step = max(1, len(body) // count)
    for k in range(count):
        start = (k * step) % len(body)
        window = [body[(start + j) % len(body)] for j in range(WINDOW)]
        text = "\n".join([f"{header[0]} ({k + 1})", "", header[2], *window]) + "\n"
        (folder / f"talk-{k:03d}.txt").write_text(text, encoding="utf-8")
        words += sum(len(ln.split()) for ln in window)
    return words


def same_tree(a: Path, b: Path) -> bool:
    cmp = filecmp.dircmp(a, b)
    if cmp.left_only or cmp.right_only or cmp.funny_files:
        return False
    _, mismatch, errors = filecmp.cmpfiles(a, b, cmp.common_files, shallow=False)
    return not mismatch and not errors and all(same_tree(a / d, b / d) for d in cmp.common_dirs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200)
    args = parser.parse_args()
    exe = Path(sys.executable).parent / "cleanup"
    cli = [str(exe)] if exe.exists() else [sys.executable, "-m", "cleanup"]
    cores = len(os.sched_getaffinity(0))
    with tempfile.TemporaryDirectory() as tmp:
        batch = Path(tmp) / "batch"
        batch.mkdir()
        words = make_batch(batch, args.files)
        print(f"batch: {args.files} transcripts, {words:,} words; this machine: {cores} cores")
        timings: dict[int, float] = {}
        for jobs in sorted({1, cores}):
            out = Path(tmp) / f"out-{jobs}"
            t0 = time.perf_counter()
            subprocess.run([*cli, "run", str(batch), "--out", str(out), "--jobs", str(jobs)], check=True, capture_output=True)
            timings[jobs] = time.perf_counter() - t0
            print(f"--jobs {jobs}: {timings[jobs]:.1f} s, {words / timings[jobs]:,.0f} words a second")
        if cores > 1:
            print(f"speed-up at {cores} cores: {timings[1] / timings[cores]:.2f}x")
            print(f"outputs byte for byte the same: {same_tree(Path(tmp) / 'out-1', Path(tmp) / f'out-{cores}')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
