#!/usr/bin/env python3
"""Audio alignment (cleanup.align), measured.

- Synthetic narration: every annotated passage (../shared/eval/devset and eval/extra) read by festival
  with random pauses (`make_audio.py`, which also writes each sentence's true speech onset and
  offset); the gold clean text's words are aligned, one SRT cue per sentence is written from the
  word times (first word's start, last word's end) and scored with `score_align.py`; the pooled
  sentence start/end errors over all passages are computed the same way.
- Disagreements, on one passage: a sentence added to the text that the audio lacks, a sentence of the
  audio left out of the text, 8 s of music inserted, another passage's text, a recording cut short:
  the trusted sentence starts around them and what comes back unreliable.
- Real narration: the LibriVox reading in ../shared/bench/real/audio with YouTube's word times
  (`yt_words.py`): YouTube's words aligned as text, |start - YouTube's time| per word.
- Speed: a 15-minute synthetic narration (passages joined), the real reading looped to 15 and to 60
  minutes: wall time, x real time, CPU time and peak memory of a fresh process that decodes and aligns;
  word-start errors against YouTube's times on the loops.

    .venv/bin/python eval/run_align.py [--work DIR] [--only NAME] [--no-speed] [--no-hour]

Synthesized audio is kept in --work (default: a temporary folder) so that a rerun is quicker.
Needs Debian's festival and festvox-kallpc16k for the synthetic narration, and espeak-ng, ffmpeg and
pocketsphinx for the aligner.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHARED = ROOT.parent / "shared"
EVAL = SHARED / "eval"
REAL = SHARED / "bench" / "real"
MANIFESTO_MP3 = REAL / "audio" / "antiboredom__videogrep__manifesto_audio.mp3"
MANIFESTO_VTT = REAL / "antiboredom__videogrep__manifesto.bb.vtt"
PY = sys.executable

sys.path.insert(0, str(EVAL))
from make_raw import tokens  # type: ignore[import-not-found]  # noqa: E402

from cleanup.align import align, decode_audio  # noqa: E402
from cleanup.errors import CleanupError  # noqa: E402


def q(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, int(p * len(xs)))], 3) if xs else float("nan")


def med(xs: list[float]) -> float:
    return round(statistics.median(xs), 3) if xs else float("nan")


def duration_s(path: Path) -> float:
    """A recording's length in seconds, as ffprobe reads it."""
    cmd = ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", str(path)]
    return float(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)


def srt_time(ms: int) -> str:
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"


def synth(passage: Path, work: Path) -> tuple[Path, Path, Path]:
    name = passage.stem
    gold, raw = work / f"{name}.gold.json", work / f"{name}.raw.txt"
    wav, truth = work / f"{name}.wav", work / f"{name}.truth.json"
    if not (gold.exists() and wav.exists() and truth.exists()):
        subprocess.run([PY, str(EVAL / "make_raw.py"), str(passage), str(raw), str(gold)], check=True, capture_output=True)
        subprocess.run([PY, str(EVAL / "make_audio.py"), str(gold), str(wav), str(truth)], check=True, capture_output=True)
    return gold, wav, truth


def sentence_words(gold: dict[str, Any], truth: list[dict[str, Any]]) -> tuple[list[str], list[tuple[int, int]]]:
    """The clean text's words (as a narrator's script has them, punctuation attached) and each truth
    sentence's [first, last] word index (the truth counts the scorer's tokens)."""
    words = gold["clean"].split()
    owner = [i for i, w in enumerate(words) for _ in tokens(w)]
    return words, [(owner[s["tok"][0]], owner[s["tok"][1] - 1]) for s in truth]


def sentence_errors(
    times: list[Any], spans: list[tuple[int, int]], truth: list[dict[str, Any]], shift: float = 0.0
) -> tuple[list[float], list[float]]:
    starts = [times[a].start_ms / 1000 - (s["start"] + shift) for (a, _), s in zip(spans, truth, strict=True)]
    ends = [times[b].end_ms / 1000 - (s["end"] + shift) for (_, b), s in zip(spans, truth, strict=True)]
    return starts, ends


def write_srt(path: Path, words: list[str], times: list[Any], spans: list[tuple[int, int]]) -> None:
    cues = []
    for k, (a, b) in enumerate(spans, 1):
        start, end = times[a].start_ms, max(times[b].end_ms, times[a].start_ms + 1)
        cues.append(f"{k}\n{srt_time(start)} --> {srt_time(end)}\n{' '.join(words[a : b + 1])}\n")
    path.write_text("\n".join(cues), encoding="utf-8")


def synthetic(passages: list[Path], work: Path) -> None:
    print("Synthetic narration (festival, make_audio.py), one cue per sentence, score_align.py:")
    all_s: list[float] = []
    all_e: list[float] = []
    total_audio = total_wall = 0.0
    for passage in passages:
        gold_p, wav, truth_p = synth(passage, work)
        gold = json.loads(gold_p.read_text(encoding="utf-8"))
        truth = json.loads(truth_p.read_text(encoding="utf-8"))
        words, spans = sentence_words(gold, truth)
        t0 = time.perf_counter()
        result = align(words, decode_audio(wav))
        wall = time.perf_counter() - t0
        srt = work / f"{passage.stem}.srt"
        write_srt(srt, words, result.times, spans)
        done = subprocess.run(
            [PY, str(EVAL / "score_align.py"), str(gold_p), str(truth_p), str(srt)], capture_output=True, text=True, check=True
        )
        sc = json.loads(done.stdout)
        st, en = sentence_errors(result.times, spans, truth)
        all_s += st
        all_e += en
        unreliable = sum(1 for t in result.times if not t.reliable)
        total_audio += result.audio_ms / 1000
        total_wall += wall
        print(
            f"  {passage.stem}: {len(truth)} sentences, start median {sc['start_median']} s, p90 {sc['start_p90']} s; "
            f"end median {sc['end_median']} s, p90 {sc['end_p90']} s; {unreliable} of {len(words)} words unreliable; "
            f"{result.audio_ms / 1000:.0f} s audio in {wall:.1f} s"
        )
    a_s = [abs(x) for x in all_s]
    a_e = [abs(x) for x in all_e]
    print(
        f"  all {len(a_s)} sentences: |start| median {med(a_s)} s, p90 {q(a_s, 0.9)} s, > 0.5 s: {sum(x > 0.5 for x in a_s)}; "
        f"|end| median {med(a_e)} s, p90 {q(a_e, 0.9)} s; signed start median {med(all_s):+.3f} s; "
        f"{total_audio:.0f} s audio aligned in {total_wall:.1f} s ({total_wall / max(total_audio, 1):.4f} x real time)"
    )


def disagreements(passage: Path, other: Path, work: Path) -> None:
    print(f"Text and audio disagreeing ({passage.stem}; trusted sentence starts elsewhere, and what comes back unreliable):")
    _, wav, truth_p = synth(passage, work)
    truth = json.loads(truth_p.read_text(encoding="utf-8"))
    sents = [s["text"].split() for s in truth]
    pcm = decode_audio(wav)
    k = len(sents) // 2
    extra = "Nobody could explain why the numbers refused to add up, and the astronomers argued about it for years.".split()
    music = subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "sine=f=220:d=8",
            "-f",
            "lavfi",
            "-i",
            "sine=f=330:d=8",
            "-f",
            "lavfi",
            "-i",
            "anoisesrc=d=8:a=0.05",
            "-filter_complex",
            "amix=inputs=3",
            "-ac",
            "1",
            "-ar",
            "16000",
            "-f",
            "s16le",
            "-",
        ],
        capture_output=True,
        check=True,
    ).stdout
    cut = int((truth[k - 1]["end"] + 0.2) * 100) * 320
    cases: list[tuple[str, list[list[str]], list[int | None], bytes, float]] = [
        (
            "a sentence in the text that the audio lacks",
            [*sents[:k], extra, *sents[k:]],
            [*range(k), None, *range(k, len(sents))],
            pcm,
            0.0,
        ),
        ("a sentence in the audio that the text lacks", sents[:k] + sents[k + 1 :], [*range(k), *range(k + 1, len(sents))], pcm, 0.0),
        ("8 s of music inserted between two sentences", sents, list(range(len(sents))), pcm[:cut] + music + pcm[cut:], 8.0),
    ]
    for label, text, orig, audio, shift in cases:
        words = [w for s in text for w in s]
        r = align(words, audio)
        errs: list[float] = []
        doubt: list[str] = []
        pos = 0
        for s, o in zip(text, orig, strict=True):
            span = range(pos, pos + len(s))
            pos += len(s)
            bad = sum(1 for i in span if not r.times[i].reliable)
            if o is None:
                doubt.append(f"the added sentence: {bad} of {len(s)} words unreliable")
                continue
            t = r.times[span[0]]
            true_start = truth[o]["start"] + (shift if o >= k else 0.0)
            if t.reliable:
                errs.append(abs(t.start_ms / 1000 - true_start))
            if bad:
                doubt.append(f"sentence {o + 1}: {bad} of {len(s)} unreliable")
        doubts = "; ".join(doubt) or "nothing unreliable"
        print(f"  {label}: trusted sentence starts |error| median {med(errs)} s, max {max(errs):.3f} s; {doubts}")
    other_gold = json.loads(synth(other, work)[0].read_text(encoding="utf-8"))
    for label, words, audio in [
        ("another passage's text", other_gold["clean"].split(), pcm),
        ("the recording cut to 20 s", [w for s in sents for w in s], pcm[: 20 * 32000]),
    ]:
        try:
            align(words, audio)
            print(f"  {label}: NOT refused")
        except CleanupError as err:
            print(f"  {label}: refused: {err.message}")


def youtube_words() -> list[dict[str, Any]]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "words.json"
        subprocess.run([PY, str(EVAL / "yt_words.py"), str(MANIFESTO_VTT), str(out)], check=True, capture_output=True)
        data: list[dict[str, Any]] = json.loads(out.read_text(encoding="utf-8"))
        return data


def word_errors(times: list[Any], ref: list[dict[str, Any]], period: float) -> str:
    errs = [abs(t.start_ms / 1000 - (ref[i % len(ref)]["t"] + period * (i // len(ref)))) for i, t in enumerate(times)]
    rel = [e for e, t in zip(errs, times, strict=True) if t.reliable]
    far = sum(e > 0.5 for e in errs)
    return (
        f"word starts vs YouTube: |error| median {med(errs)} s, p90 {q(errs, 0.9)} s, > 0.5 s: {far} of {len(errs)}; "
        f"reliable words only ({len(rel)}): median {med(rel)} s, p90 {q(rel, 0.9)} s"
    )


def real() -> None:
    print("Real narration (LibriVox, YouTube's word times from yt_words.py):")
    ref = youtube_words()
    words = [w["w"] for w in ref]
    t0 = time.perf_counter()
    r = align(words, decode_audio(MANIFESTO_MP3))
    wall = time.perf_counter() - t0
    print(f"  manifesto ({len(words)} words, {r.audio_ms / 1000:.0f} s, {wall:.1f} s): {word_errors(r.times, ref, 0.0)}")


CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from cleanup.align import align, decode_audio
words = json.loads(Path(sys.argv[3]).read_text(encoding="utf-8"))
t0 = time.perf_counter(); c0 = time.process_time()
pcm = decode_audio(Path(sys.argv[2]))
t1 = time.perf_counter()
r = align(words, pcm)
t2 = time.perf_counter(); c2 = time.process_time()
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
kids = resource.getrusage(resource.RUSAGE_CHILDREN)
json.dump({"audio": r.audio_ms / 1000, "wall": t2 - t0, "decode": t1 - t0, "cpu": c2 - c0 + kids.ru_utime + kids.ru_stime,
           "rss": own, "child_rss": kids.ru_maxrss / 1024, "windows": r.windows,
           "unreliable": sum(1 for t in r.times if not t.reliable),
           "times": [[t.start_ms, t.end_ms, t.reliable] for t in r.times]}, sys.stdout)
"""


def timed_run(audio: Path, words: list[str], work: Path) -> dict[str, Any]:
    wfile = work / f"{audio.stem}.words.json"
    wfile.write_text(json.dumps(words), encoding="utf-8")
    done = subprocess.run([PY, "-c", CHILD, str(ROOT), str(audio), str(wfile)], capture_output=True, text=True, check=True)
    data: dict[str, Any] = json.loads(done.stdout)
    return data


class T:
    def __init__(self, start_ms: int, end_ms: int, reliable: bool) -> None:
        self.start_ms, self.end_ms, self.reliable = start_ms, end_ms, reliable


def speed(passages: list[Path], work: Path, hour: bool) -> None:
    print("Speed: a fresh process decodes and aligns (wall, x real time, CPU incl. ffmpeg/espeak-ng, peak RSS of the process):")
    # 15 minutes of synthetic narration: passages joined
    chosen = [synth(passage, work) for passage in passages]
    durations = [duration_s(w) for _, w, _ in chosen]
    use: list[int] = []
    acc = 0.0
    for i, d in enumerate(durations):
        if acc >= 900:
            break
        use.append(i)
        acc += d
    listing = work / "syn15.txt"
    listing.write_text("".join(f"file '{chosen[i][1]}'\n" for i in use), encoding="utf-8")
    syn15 = work / "syn15.wav"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "concat", "-safe", "0", "-i", str(listing), "-c", "copy", str(syn15)], check=True)
    words: list[str] = []
    all_spans: list[tuple[int, int]] = []
    truth_all: list[dict[str, Any]] = []
    offset = 0.0
    for i in use:
        gold = json.loads(chosen[i][0].read_text(encoding="utf-8"))
        truth = json.loads(chosen[i][2].read_text(encoding="utf-8"))
        w, spans = sentence_words(gold, truth)
        all_spans += [(a + len(words), b + len(words)) for a, b in spans]
        truth_all += [{**s, "start": s["start"] + offset, "end": s["end"] + offset} for s in truth]
        words += w
        offset += durations[i]
    r = timed_run(syn15, words, work)
    times = [T(*t) for t in r["times"]]
    st, en = sentence_errors(times, all_spans, truth_all)
    starts, ends = [abs(x) for x in st], [abs(x) for x in en]
    report(
        f"synthetic, {len(use)} passages joined",
        r,
        f"sentences: |start| median {med(starts)} s, p90 {q(starts, 0.9)} s; |end| median {med(ends)} s",
    )
    ref = youtube_words()
    period = duration_s(MANIFESTO_MP3)
    for minutes in (15, 60) if hour else (15,):
        loops = max(1, round(minutes * 60 / period))
        looped = work / f"manifesto{minutes}.mp3"
        if not looped.exists():
            subprocess.run(
                ["ffmpeg", "-v", "error", "-y", "-stream_loop", str(loops - 1), "-i", str(MANIFESTO_MP3), "-c", "copy", str(looped)],
                check=True,
            )
        r = timed_run(looped, [w["w"] for w in ref] * loops, work)
        real_period = r["audio"] / loops
        times = [T(*t) for t in r["times"]]
        report(f"real reading looped {loops}x", r, word_errors(times, ref, real_period))


def report(label: str, r: dict[str, Any], accuracy: str) -> None:
    print(
        f"  {label} ({r['audio'] / 60:.1f} min): wall {r['wall']:.1f} s ({r['audio'] / r['wall']:.1f}x faster than real time, "
        f"{r['wall'] / r['audio']:.4f} x real time; decode {r['decode']:.1f} s), CPU {r['cpu']:.1f} s, peak RSS {r['rss']:.0f} MB "
        f"(ffmpeg/espeak-ng {r['child_rss']:.0f} MB), {r['windows']} windows decoded, {r['unreliable']} words unreliable; {accuracy}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--work", type=Path, default=None, help="keep synthesized audio here")
    parser.add_argument("--only", default="", help="synthetic passages whose name contains this")
    parser.add_argument("--no-speed", action="store_true")
    parser.add_argument("--no-hour", action="store_true", help="skip the 60-minute run")
    parser.add_argument("--speed-only", action="store_true")
    args = parser.parse_args()
    if not EVAL.exists():
        print("../shared/eval is not beside this checkout")
        return 1
    passages = sorted((EVAL / "devset").glob("*.txt")) + sorted((ROOT / "eval" / "extra").glob("*.txt"))
    with tempfile.TemporaryDirectory() as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        print(f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}")
        if not args.speed_only:
            synthetic([p for p in passages if args.only in p.stem], work)
            disagreements(passages[0], passages[1], work)
            real()
        if not args.no_speed:
            speed(passages, work, not args.no_hour)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
