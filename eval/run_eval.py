#!/usr/bin/env python3
"""Score cleanup on the shared dev set and on the hand-made seed gold, as held-out transcripts are scored.

    .venv/bin/python eval/run_eval.py [--shared ../shared] [--json]

For each passage in SHARED/eval/devset: make the raw transcript and its gold with the shared
make_raw.py, run `cleanup run` on it, score the outputs with the shared score.py. For the seed:
the raw transcript is seeds/<stem>.txt itself and the gold is built from eval/seed.passage.txt
(a hand annotation of the seed in the dev-set format). Prints one line of figures per transcript
and the totals; exits 0 (figures, not a test: tests/test_quality.py holds the targets).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEED_STEM = "000_6b06ca91f54c6f31"


def _cli() -> list[str]:
    exe = Path(sys.executable).parent / "cleanup"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "cleanup"]


def _load_make_raw(shared: Path) -> Any:
    sys.path.insert(0, str(shared / "eval"))
    import make_raw

    return make_raw


def score_one(shared: Path, raw: Path, gold: dict[str, Any], stem: str, work: Path) -> dict[str, Any]:
    gold_path = work / f"{stem}.gold.json"
    gold_path.write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    out = work / "out"
    t0 = time.perf_counter()
    done = subprocess.run([*_cli(), "run", str(raw), "--out", str(out)], capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if done.returncode != 0:
        raise SystemExit(f"cleanup run failed on {raw}: {done.stderr.strip()}")
    scored = subprocess.run(
        [sys.executable, str(shared / "eval" / "score.py"), str(gold_path), str(out), stem], capture_output=True, text=True, check=True
    )
    result: dict[str, Any] = json.loads(scored.stdout)
    result["seconds"] = round(seconds, 2)
    result["viewer_leaks"] = viewer_leaks(shared, gold, out, stem)
    return result


def viewer_leaks(shared: Path, gold: dict[str, Any], out: Path, stem: str) -> dict[str, list[str]]:
    """The scorer's leak check on what a viewer or reader gets: the prose, the SRT, and the VTT
    without its NOTE blocks. The issue asks for each editor's note as a NOTE block in the VTT
    (players never show them), and the shared scorer counts those as leaks too."""
    sys.path.insert(0, str(shared / "eval"))
    import score

    vtt = (out / f"{stem}.vtt").read_text(encoding="utf-8")
    cues_only = "\n\n".join(b for b in vtt.split("\n\n") if not b.startswith("NOTE"))
    texts = [(out / f"{stem}.txt").read_text(encoding="utf-8"), (out / f"{stem}.srt").read_text(encoding="utf-8"), cues_only]
    found: dict[str, list[str]] = score.leaks(gold, texts)
    return found


def evaluate(shared: Path) -> dict[str, dict[str, Any]]:
    make_raw = _load_make_raw(shared)
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for folder, prefix in ((shared / "eval" / "devset", ""), (ROOT / "eval" / "extra", "extra/")):
            for passage in sorted(folder.glob("*.txt")):
                raw_doc, gold = make_raw.build(str(passage))
                raw = work / passage.name
                raw.write_text(raw_doc, encoding="utf-8")
                results[prefix + passage.stem] = score_one(shared, raw, gold, passage.stem, work)
        seed_passage = ROOT / "eval" / "seed.passage.txt"
        if seed_passage.exists():
            _, gold = make_raw.build(str(seed_passage))
            results[SEED_STEM] = score_one(shared, ROOT / "seeds" / f"{SEED_STEM}.txt", gold, SEED_STEM, work)
    return results


def summarise(results: dict[str, dict[str, Any]]) -> dict[str, Any]:
    def agg(names: list[str]) -> dict[str, Any]:
        fixed = sum(results[n]["text"]["spelling"][0] for n in names)
        total = sum(results[n]["text"]["spelling"][1] for n in names)
        gfixed = sum(results[n]["text"]["grammar"][0] for n in names)
        gtotal = sum(results[n]["text"]["grammar"][1] for n in names)
        false = sum(len(results[n]["text"]["false_changes"]) for n in names)
        return {
            "spelling_recall": round(fixed / total, 3) if total else None,
            "spelling_precision": round(fixed / (fixed + false), 3) if fixed + false else None,
            "spelling": [fixed, total],
            "grammar": [gfixed, gtotal],
            "false_changes": false,
            "protected_changed": sum(len(results[n]["text"]["protect_broken"]) for n in names),
            "leaks_to_viewers": sum(len(v) for n in names for v in results[n]["viewer_leaks"].values()),
            "notes_in_vtt_note_blocks": sum(len(v) for n in names for v in results[n]["leaks"].values()),
            "notes_missing": sum(len(results[n]["report"].get("notes_not_in_report", [])) for n in names),
            "sentence_recall_min": min(results[n]["text"]["sentence_recall"] for n in names),
            "sentence_precision_min": min(results[n]["text"]["sentence_precision"] for n in names),
        }

    dev = [n for n in results if n != SEED_STEM and not n.startswith("extra/")]
    extra = [n for n in results if n.startswith("extra/")]
    out: dict[str, Any] = {}
    if dev:
        out["devset"] = agg(dev)
    if extra:
        out["extra"] = agg(extra)
    if SEED_STEM in results:
        out["seed"] = agg([SEED_STEM])
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--json", action="store_true", help="print the full scores as JSON")
    args = ap.parse_args()
    results = evaluate(args.shared)
    summary = summarise(results)
    if args.json:
        print(json.dumps({"results": results, "summary": summary}, ensure_ascii=False, indent=1))
        return 0
    for name, r in results.items():
        t = r["text"]
        print(
            f"{name}: spelling {t['spelling'][0]}/{t['spelling'][1]}, grammar {t['grammar'][0]}/{t['grammar'][1]}, "
            f"false changes {len(t['false_changes'])}, protected changed {len(t['protect_broken'])}, "
            f"sentence ends R {t['sentence_recall']} P {t['sentence_precision']}, "
            f"leaks to viewers {sum(map(len, r['viewer_leaks'].values()))} (the scorer's count, VTT NOTE blocks included: "
            f"{sum(map(len, r['leaks'].values()))}), notes missing {len(r['report'].get('notes_not_in_report', []))}, {r['seconds']} s"
        )
        subs = r.get("subs", {})
        if "cues" in subs:
            print(
                f"    subtitles: {subs['cues']} cues, cpl max {subs['cpl_max']}, over 2 lines {subs['cues_over_2_lines']}, "
                f"durations {subs['dur_min']}-{subs['dur_max']} s (out of range {subs['dur_out_of_range']}), "
                f"cps max {subs['cps_max']} (median {subs['cps_median']}), overlaps {subs['overlaps']}, "
                f"gaps < 2 frames {subs['gaps_under_2_frames']}, weak breaks {subs['weak_line_breaks']}, "
                f"srt=vtt text {subs['vtt_vs_srt_same_text']} times {subs['vtt_vs_srt_same_times']}, "
                f"subs vs prose diffs {subs['subs_vs_prose_token_diffs']}, wpm {subs['wpm']}"
            )
        else:
            print(f"    subtitles: {subs}")
        for m in t["missed"]:
            print(f"    missed: {m}")
        for f in t["false_changes"]:
            print(f"    false change: {f}")
    for name, s in summary.items():
        print(f"{name} total: {json.dumps(s)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
