#!/usr/bin/env python3
"""Sentences restored in unpunctuated captions, against where the sentences really end:

- human captions of ``../shared/bench/real/`` (itaccess, sintel, deadline) stripped of their
  punctuation and capitals, their cue times kept: real speech, where a pause is often a phrase
  break and not a sentence end;
- YouTube auto-captions generated from every annotated passage (the dev set and eval/extra) with
  ``../shared/eval/make_ytvtt.py``, whose pauses fall at the sentence ends.

The prose's words are matched to the reference's (difflib), and a sentence end counts where both
end a sentence after the same word. Prints precision and recall per file and in total.

    .venv/bin/python eval/run_restore.py
"""

from __future__ import annotations

import difflib
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
EVAL = SHARED / "eval"
REAL = SHARED / "bench" / "real"
HUMAN = (
    "ableplayer__ableplayer__itaccess_captions_en.vtt",
    "meyer1994__srt__sintel_en.srt",
    "ableplayer__ableplayer__deadline_captions_en.vtt",
)
WORD = re.compile(r"[A-Za-z0-9']+(?:[-.][A-Za-z0-9']+)*")
SKIP = ("WEBVTT", "NOTE", "kind:", "lang:", "-")


def cli() -> list[str]:
    exe = Path(sys.executable).parent / "cleanup"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "cleanup"]


def words_and_ends(text: str) -> tuple[list[str], set[int]]:
    words: list[str] = []
    ends: set[int] = set()
    for tok in text.split():
        parts = WORD.findall(tok.replace("\u2019", "'"))
        words.extend(p.lower().strip("'") for p in parts)
        if parts and re.search(r"[.?!][\"')\]]*$", tok):
            ends.add(len(words) - 1)
    return words, ends


def score(reference: str, prose: str) -> tuple[int, int, int]:
    """(sentence ends found in both, ends in the prose, ends in the reference) over matched words."""
    ref_words, ref_ends = words_and_ends(reference)
    our_words, our_ends = words_and_ends(prose)
    matcher = difflib.SequenceMatcher(None, ref_words, our_words, autojunk=False)
    ours = {a + k: b + k for a, b, n in matcher.get_matching_blocks() for k in range(n)}
    expected = {ours[i] for i in ref_ends if i in ours}
    return len(expected & our_ends), len(our_ends), len(expected)


def is_text(line: str) -> bool:
    return bool(line.strip()) and "-->" not in line and not line.strip().isdigit() and not line.startswith(SKIP)


def stripped(src: Path) -> str:
    """The caption file with its text lower-cased and its punctuation and tags gone, times kept."""
    lines = []
    for line in src.read_text(encoding="utf-8").splitlines():
        lines.append(re.sub(r"[.,?!;:\"()\[\]]", "", re.sub(r"<[^>]+>", "", line)).lower() if is_text(line) else line)
    return "\n".join(lines) + "\n"


def reference_of(src: Path) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", line) for line in src.read_text(encoding="utf-8").splitlines() if is_text(line))


def main() -> int:
    if not EVAL.exists():
        print("../shared/eval is not beside this checkout")
        return 1
    totals = [0, 0, 0]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        cases: list[tuple[str, Path, str]] = []
        for name in HUMAN:
            src = REAL / name
            raw = work / f"plain_{name}"
            raw.write_text(stripped(src), encoding="utf-8")
            cases.append((f"human: {name.split('__')[-1]}", raw, reference_of(src)))
        for passage in sorted((EVAL / "devset").glob("*.txt")) + sorted((ROOT / "eval" / "extra").glob("*.txt")):
            gold = work / f"{passage.stem}.gold.json"
            make_raw = [sys.executable, str(EVAL / "make_raw.py"), str(passage), str(work / "raw.txt"), str(gold)]
            subprocess.run(make_raw, check=True, capture_output=True)
            vtt = work / f"yt_{passage.stem}.vtt"
            make_yt = [sys.executable, str(EVAL / "make_ytvtt.py"), str(gold), str(vtt), str(work / "w.json")]
            subprocess.run(make_yt, check=True, capture_output=True)
            cases.append((f"generated: {passage.stem}", vtt, json.loads(gold.read_text(encoding="utf-8"))["clean"]))
        groups: dict[str, list[int]] = {}
        for label, src, reference in cases:
            out = work / "out"
            subprocess.run([*cli(), "run", str(src), "--out", str(out), "--jobs", "1"], check=True, capture_output=True)
            found, ours, expected = score(reference, (out / f"{src.stem}.txt").read_text(encoding="utf-8"))
            print(f"{label:45s} P {found / max(1, ours):.2f}  R {found / max(1, expected):.2f}  ({found} of {ours}; {expected} expected)")
            group = groups.setdefault(label.split(":")[0], [0, 0, 0])
            for k, v in enumerate((found, ours, expected)):
                group[k] += v
                totals[k] += v
        for name, (found, ours, expected) in [*groups.items(), ("all", totals)]:
            p, r = found / max(1, ours), found / max(1, expected)
            print(f"{name}: precision {p:.3f}, recall {r:.3f}, F1 {2 * found / max(1, ours + expected):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
