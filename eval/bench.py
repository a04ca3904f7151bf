#!/usr/bin/env python3
"""Speed of `cleanup run`: wall time of the CLI on the seed (cold process, median of 3) and of
the in-process pipeline on the seed repeated (warm, words per second).

    .venv/bin/python eval/bench.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_6b06ca91f54c6f31.txt"


def main() -> int:
    exe = Path(sys.executable).parent / "cleanup"
    cli = [str(exe)] if exe.exists() else [sys.executable, "-m", "cleanup"]
    with tempfile.TemporaryDirectory() as tmp:
        helps, runs = [], []
        for _ in range(3):
            t0 = time.perf_counter()
            subprocess.run([*cli, "--help"], check=True, capture_output=True)
            helps.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            subprocess.run([*cli, "run", str(SEED), "--out", tmp], check=True, capture_output=True)
            runs.append(time.perf_counter() - t0)
    sys.path.insert(0, str(ROOT))
    from cleanup.clean.base import Context
    from cleanup.clean.pipeline import clean
    from cleanup.engines.harper import HarperEngine
    from cleanup.readers import read_text
    from cleanup.subtitles import TimingOptions, make_subtitles
    from cleanup.subtitles.rules import SubtitleRules

    text = SEED.read_text(encoding="utf-8")
    engine = HarperEngine()
    clean(read_text(text), Context(engine=engine))  # warm: dictionaries loaded
    t0 = time.perf_counter()
    doc = read_text(text)
    cleaned = clean(doc, Context(engine=engine))
    warm = time.perf_counter() - t0
    t0 = time.perf_counter()
    subs = make_subtitles(cleaned.doc, SubtitleRules(), TimingOptions())
    subs_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    make_subtitles(cleaned.doc, SubtitleRules(), TimingOptions(duration_ms=40 * 60_000))
    fit_s = time.perf_counter() - t0
    print(f"cleanup --help: median {statistics.median(helps):.2f} s")
    print(f"cleanup run (seed, {len(doc.input_words)} words, cold process): median {statistics.median(runs):.2f} s")
    print(f"cleaning the seed again in a warm process: {warm:.2f} s ({len(doc.input_words) / warm:,.0f} words/s)")
    print(f"subtitles for the seed ({len(subs.cues)} cues): {subs_s:.2f} s; fitted to --duration 40:00: {fit_s:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
