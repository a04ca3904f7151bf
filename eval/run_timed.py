#!/usr/bin/env python3
"""Timed inputs, measured with the shared scorers (which read our outputs with `srt`/`webvtt-py`):

- YouTube auto-captions made from every annotated passage (the dev set and eval/extra) with
  `../shared/eval/make_ytvtt.py`, scored with `score_yt.py`: words lost or doubled, cue starts
  against their first word's true time (median and 90th percentile), sentences restored;
- the real yt-dlp caption files of `../shared/bench/real/`, scored the same way against the word
  times `yt_words.py` reads from them;
- the real SRT and WebVTT files there, scored with `score_timed.py`: words kept, output cues
  starting before (early) or ending more than 1.5 s after (late) the source cues of their words;
- every output through `cleanup check`: violations other than the reading-speed warnings the
  report lists.

    .venv/bin/python eval/run_timed.py [--only NAME]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
EVAL = SHARED / "eval"
REAL = SHARED / "bench" / "real"
PY = sys.executable


def cli() -> list[str]:
    exe = Path(PY).parent / "cleanup"
    return [str(exe)] if exe.exists() else [PY, "-m", "cleanup"]


def run(src: Path, out: Path) -> float:
    t0 = time.perf_counter()
    done = subprocess.run([*cli(), "run", str(src), "--out", str(out), "--jobs", "1"], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"cleanup run {src} failed: {done.stderr.strip()}")
    return time.perf_counter() - t0


def check_errors(out: Path, stem: str) -> tuple[int, int]:
    """(violations other than reading speed, reading-speed warnings the report lists)."""
    report = json.loads((out / f"{stem}.report.json").read_text(encoding="utf-8"))
    violations = report["subtitles"]["check"]["violations"]
    listed = len(report["subtitles"].get("reading_speed_warnings", []))
    other = [v for v in violations if v["rule"] != "reading-speed" and v.get("severity", "error") == "error"]
    return len(other), listed


def score(script: str, *args: str) -> dict[str, object]:
    done = subprocess.run([PY, str(EVAL / script), *args], capture_output=True, text=True, check=True)
    data: dict[str, object] = json.loads(done.stdout)
    return data


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", default="")
    args = parser.parse_args()
    if not EVAL.exists():
        print("../shared/eval is not beside this checkout")
        return 1
    passages = sorted((EVAL / "devset").glob("*.txt")) + sorted((ROOT / "eval" / "extra").glob("*.txt"))
    offsets: list[float] = []
    p90s: list[float] = []
    totals = {"words": 0, "diffs": 0, "other": 0, "fast": 0, "cues": 0}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        print("YouTube auto-captions generated from the annotated passages (make_ytvtt.py, score_yt.py):")
        for passage in passages:
            name = passage.stem
            if args.only and args.only not in name:
                continue
            gold, raw = work / f"{name}.gold.json", work / f"{name}.raw.txt"
            subprocess.run([PY, str(EVAL / "make_raw.py"), str(passage), str(raw), str(gold)], check=True, capture_output=True)
            vtt, words = work / f"{name}.vtt", work / f"{name}.words.json"
            subprocess.run([PY, str(EVAL / "make_ytvtt.py"), str(gold), str(vtt), str(words)], check=True, capture_output=True)
            out = work / f"out-{name}"
            secs = run(vtt, out)
            s = score("score_yt.py", str(gold), str(words), str(out), name)
            other, fast = check_errors(out, name)
            subs = s["subs"]
            assert isinstance(subs, dict)
            print(
                f"  {name}: words {s['output_words']}/{s['source_words']}, diffs {s['word_diffs']}, cue start offset median "
                f"{s['start_offset_median']} s, p90 {s['start_offset_p90']} s, sentences {s['sentences_in_prose']}, "
                f"capitals {s['capitalised_share']}, cues {subs.get('cues')}, errors {other}, reading-speed warn. {fast}, {secs:.1f} s"
            )
            offsets.append(float(s["start_offset_median"] or 0))  # type: ignore[arg-type]
            p90s.append(float(s["start_offset_p90"] or 0))  # type: ignore[arg-type]
            totals["words"] += int(s["source_words"])  # type: ignore[call-overload]
            totals["diffs"] += int(s["word_diffs"])  # type: ignore[call-overload]
            totals["other"] += other
            totals["fast"] += fast
        if offsets:
            print(
                f"  all: {totals['diffs']} word diffs in {totals['words']} words; median of medians {statistics.median(offsets):.3f} s, "
                f"worst p90 {max(p90s):.3f} s; check errors {totals['other']}, reading-speed warnings {totals['fast']}"
            )
        if not REAL.exists():
            return 0
        print("Real yt-dlp caption files (yt_words.py, score_yt.py):")
        empty_gold = work / "empty.gold.json"
        empty_gold.write_text('{"title": "", "date": ""}', encoding="utf-8")
        for src in sorted(REAL.glob("*.vtt")):
            if args.only and args.only not in src.name:
                continue
            head = src.read_text(encoding="utf-8-sig", errors="replace")[:3000]
            if "<c>" not in head and "<c." not in head:
                continue
            stem = src.name[: -len(".vtt")]
            words = work / f"{stem}.words.json"
            subprocess.run([PY, str(EVAL / "yt_words.py"), str(src), str(words)], check=True, capture_output=True)
            out = work / f"real-{stem}"
            secs = run(src, out)
            s = score("score_yt.py", str(empty_gold), str(words), str(out), stem)
            other, fast = check_errors(out, stem)
            print(
                f"  {src.name}: words {s['output_words']}/{s['source_words']} (diffs {s['word_diffs']}), start offset median "
                f"{s['start_offset_median']} s, p90 {s['start_offset_p90']} s, errors {other}, reading-speed warn. {fast}, {secs:.1f} s"
            )
        print("Real SRT and WebVTT files (score_timed.py):")
        for src in sorted([*REAL.glob("*.srt"), *REAL.glob("*.vtt")]):
            if args.only and args.only not in src.name:
                continue
            head = src.read_text(encoding="utf-8-sig", errors="replace")[:3000]
            if src.suffix == ".vtt" and ("<c>" in head or "<c." in head):
                continue  # YouTube's rolling captions: scored above (this scorer counts every roll-up repeat)
            stem = src.stem
            out = work / f"timed-{src.name}"
            secs = run(src, out)
            try:
                s = score("score_timed.py", str(src), str(out), stem)
            except subprocess.CalledProcessError as exc:
                print(f"  {src.name}: the scorer cannot read the source ({exc.stderr.strip().splitlines()[-1][:80]})")
                continue
            other, fast = check_errors(out, stem)
            print(
                f"  {src.name}: words {s['output_words']}/{s['source_words']} (diffs {s['word_diffs']}), cues {s['output_cues']}, "
                f"early {s['early']}, late {s['late']}, crossing {s['crossing']}, errors {other}, reading-speed warn. {fast}, {secs:.1f} s"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
