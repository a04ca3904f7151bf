"""From words and PCM to word times an editor can trust: alignment, checks, onset snapping, interpolation.

1. Refuse a recording far too short for the text (before any work).
2. Align in windows (`sphinx.align_windows`), a long recording in two halves at once (`sphinx.align_split`).
3. Judge each placed word: its acoustic cost per frame against the recording's own typical cost (a
   word forced onto audio that does not say it scores far worse), and its length against its phones
   (squeezed to the model's minimum of 3 frames a phone, or stretched over a pause, music or speech
   the text lacks). Words no window placed, or that were skipped as text the audio lacks, are
   unplaced. Unplaced and doubtful words are `reliable=False`.
4. Snap each trusted word to the energy of the voice inside it: its start to the first 10 ms frame
   louder than a threshold set from the recording's speech level (or back into the silence before it
   while the voice is already sounding there), its end likewise.
5. Give the untrusted words times between the trusted words around them, shared by syllables; the
   trusted words keep their own times.
6. Refuse a recording in which most words could not be found: it is not a narration of this text.
"""

from __future__ import annotations

import importlib.util
import shutil
import statistics
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from cleanup.align import audio as au
from cleanup.align import sphinx
from cleanup.errors import CleanupError


@dataclass(frozen=True)
class WordTime:
    """Where one word is spoken, in ms from the start of the recording.

    `reliable` False: the audio did not confirm this word (left out, drowned, squeezed or stretched
    beyond speech, or no window reached it); its time is interpolated between the trusted words
    around it, by syllables, and `confidence` is low (at most 0.3)."""

    start_ms: int
    end_ms: int
    confidence: float
    reliable: bool


@dataclass(frozen=True)
class AlignResult:
    times: list[WordTime]
    windows: int  # windows decoded
    unknown_words: list[str]  # dictionary keys pronounced by espeak-ng
    audio_ms: int
    reasons: list[str]  # per word: "" when trusted, else why not (unplaced, cost, squeezed, stretched, silent)


def missing() -> str | None:
    """None when audio alignment can run, else one line saying what to install."""
    need: list[str] = []
    if importlib.util.find_spec("pocketsphinx") is None:
        need.append("PocketSphinx (pip install 'pocketsphinx==5.1.1')")
    debs = [name for name in ("ffmpeg", "espeak-ng") if shutil.which(name) is None]
    if debs:
        need.append(f"{' and '.join(debs)} (Debian: apt-get install {' '.join(debs)})")
    if not need:
        return None
    return "audio alignment needs " + "; ".join(need)


@dataclass(frozen=True)
class Judge:
    """Thresholds for trusting a placed word (measured on synthetic and real narration: see eval/run_align.py)."""

    cost_ratio: float = 2.6  # cost per frame above this many times the recording's median ...
    cost_floor: float = 4.0  # ... and above this (nats a frame): the audio does not say this word;
    cost_cap: float = 6.0  # above this always (a text that is wrong throughout has a high median too)
    squeeze_phones: int = 4  # a word of at least this many phones ...
    squeeze_fpp: float = 3.34  # ... given at most this many frames a phone was squeezed in
    stretch_fpp: float = 30.0  # more frames a phone than this ...
    stretch_frames: int = 100  # ... and longer than 1 s: stretched over something else
    syllables_per_s: float = 8.0  # a recording shorter than syllables / this is refused
    min_found: float = 0.5  # fewer words trusted than this share: not a narration of this text
    early_s: int = 240  # after this many seconds (and a quarter of the recording) ...
    early_share: float = 0.2  # ... fewer words placed than this share of those due by then: stop there
    onset_ratio: float = 0.05  # energy threshold: this share of the speech level's RMS ...
    noise_ratio: float = 3.0  # ... and this many times the noise floor's
    snap_back: int = 25  # frames a start may move back into the silence before it (or an end forward)
    bridge: int = 6  # frames of a dip in an onset that moving a start back may cross
    detour_allowance: float = 2.5  # nats a frame more for a word next to an active phone loop


PARAMS = sphinx.Params()
JUDGE = Judge()


def align(
    words: list[str],
    pcm: bytes,
    progress: Callable[[float], None] | None = None,
    path: Path | None = None,
    params: sphinx.Params = PARAMS,
    judge: Judge = JUDGE,
) -> AlignResult:
    """Word times for `words` in the recording `pcm` (16 kHz mono s16le); see the module's docstring."""
    problem = missing()
    if problem:
        raise CleanupError(path, problem)
    total = au.frame_count(pcm)
    if not words:
        return AlignResult([], 0, [], total * 10, [])
    dec = sphinx.decoder(params)
    prep = sphinx.prepare(words, dec)
    syllables = sum(prep.syllables)
    need_s = syllables / judge.syllables_per_s
    if total / 100 < need_s:
        raise CleanupError(
            path,
            f"the recording lasts {_clock(total / 100)} but the text needs at least {_clock(need_s)} "
            f"to be read ({len(words)} words): is it the narration of this text?",
        )
    speakable = sum(1 for p in prep.phones if p)

    def check(placed: int, done: int) -> None:
        """Stop early on a recording that is clearly not this text (a long one would take minutes)."""
        if done >= max(judge.early_s * 100, total // 4) and placed < judge.early_share * speakable * done / total:
            raise CleanupError(
                path,
                f"only {placed} of the {speakable} words were found in the first {_clock(done / 100)} of the recording: "
                "is it the narration of this text?",
            )

    hits, windows = sphinx.align_split(prep, pcm, params, progress, check)
    rms = au.frame_rms(pcm)
    verdict = _Verdict(prep, judge)
    verdict.learn(hits)
    limit = verdict.limit()
    reasons = [verdict.reason(i, h, limit) for i, h in enumerate(hits)]
    trusted = [h if not r else None for h, r in zip(hits, reasons, strict=True)]
    found = sum(1 for h in trusted if h is not None)
    if speakable and found < judge.min_found * speakable:
        raise CleanupError(path, f"only {found} of {speakable} words could be found in the recording: is it the narration of this text?")
    # words doubted only for their acoustic cost keep their place (snapped like the others); the rest
    # are placed between their neighbours
    kept = [h if r in ("", "cost") else None for h, r in zip(hits, reasons, strict=True)]
    thr = _threshold(trusted, rms, judge)
    spans = _snap(kept, rms, thr, judge)
    confidence = [verdict.confidence(i, h, limit) if h is not None else 0.0 for i, h in enumerate(hits)]
    times = _interpolate(prep, spans, reasons, confidence, rms, thr)
    return AlignResult(times, windows, prep.unknown, total * 10, reasons)


def _clock(seconds: float) -> str:
    s = round(seconds)
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


class _Verdict:
    """Why a placed word is not to be trusted ("" when it is), against the recording's typical cost.

    Acoustic costs are relative to the best senone the search had active in each frame; where a
    phone loop was active too (a detour window, next to a place where it may leave the text), the
    best is better and so a word's cost is higher: those words get `detour_allowance` more."""

    def __init__(self, prep: sphinx.Prepared, judge: Judge) -> None:
        self.prep = prep
        self.judge = judge
        self.costs: list[float] = []
        self.typical = 1.5

    def learn(self, hits: Sequence[sphinx.Hit | None]) -> None:
        self.costs = [h.cost / (h.end - h.start) for i, h in enumerate(hits) if h is not None and h.end > h.start and not self.near_loop(i)]
        self.typical = statistics.median(self.costs) if self.costs else 1.5

    def near_loop(self, i: int) -> bool:
        """Whether word i begins a segment or ends one: next to a phone loop."""
        b = self.prep.boundary
        return b[i] or (i + 1 < len(b) and b[i + 1])

    def limit(self) -> float:
        typical = self.typical
        return min(self.judge.cost_cap, max(self.judge.cost_floor, self.judge.cost_ratio * typical))

    def reason(self, i: int, h: sphinx.Hit | None, limit: float) -> str:
        phones = self.prep.phones[i]
        judge = self.judge
        if not phones:
            return "silent"  # nothing to say: a symbol the narrator does not read
        if h is None or h.end <= h.start:
            return "unplaced"
        frames = h.end - h.start
        if self.near_loop(i):
            limit += judge.detour_allowance
        if h.cost / frames > limit:
            return "cost"
        if phones >= judge.squeeze_phones and frames <= judge.squeeze_fpp * phones:
            return "squeezed"
        if frames > judge.stretch_fpp * phones and frames > judge.stretch_frames:
            return "stretched"
        return ""

    def confidence(self, i: int, h: sphinx.Hit, limit: float) -> float:
        """0.95 for a word at or below the typical cost, falling to 0.5 at the limit of trust."""
        if h.end <= h.start:
            return 0.0
        typical = self.typical
        if self.near_loop(i):
            limit += self.judge.detour_allowance
            typical += self.judge.detour_allowance
        share = (h.cost / (h.end - h.start) - typical) / max(1e-6, limit - typical)
        return round(0.95 - 0.45 * min(1.0, max(0.0, share)), 2)


def _threshold(trusted: list[sphinx.Hit | None], energy: Sequence[float], judge: Judge) -> float:
    """The RMS above which a frame is voice: a share of the speech level (the median frame inside the
    trusted words), above the noise floor (the 10th percentile frame of the recording)."""
    inside = [energy[f] for h in trusted if h is not None for f in range(h.start, min(h.end, len(energy)))]
    level = au.percentile(inside, 0.5)
    floor = au.percentile(list(energy[:: max(1, len(energy) // 20000)]), 0.1)
    return max(judge.onset_ratio * level, judge.noise_ratio * floor, 1.0)


def _snap(trusted: list[sphinx.Hit | None], energy: Sequence[float], thr: float, judge: Judge) -> list[tuple[int, int] | None]:
    """Each trusted word's (start, end) frames on the voice: see the module's docstring, step 4."""
    out: list[tuple[int, int] | None] = []
    prev_end = 0
    n = len(energy)
    for k, h in enumerate(trusted):
        if h is None:
            out.append(None)
            continue
        nxt = next((t.start for t in trusted[k + 1 :] if t is not None), n)
        start, end = h.start, min(h.end, n)
        loud = [f for f in range(start, end) if energy[f] >= thr]
        if loud:
            s, e = loud[0], loud[-1] + 1
            if s - start <= judge.bridge:  # voice sounding at (or just after) the word's start: follow it back
                s = _onset_back(energy, s, max(prev_end, start - judge.snap_back), thr, judge.bridge)
            if e == end:
                while e < min(nxt, end + judge.snap_back) and energy[e] >= thr:
                    e += 1
            start, end = s, e
        out.append((start, end))
        prev_end = end
    return out


def _onset_back(energy: Sequence[float], s: int, lowest: int, thr: float, bridge: int) -> int:
    """The earliest frame >= lowest from which the voice sounds without a break until s: a dip of at
    most `bridge` frames is crossed when at least as many loud frames come before it."""
    best = s
    f = s
    while f > lowest:
        if energy[f - 1] >= thr:
            f -= 1
            best = f
            continue
        gap = 0
        while f - gap > lowest and energy[f - gap - 1] < thr and gap <= bridge:
            gap += 1
        if gap > bridge or f - gap <= lowest:
            break
        run = 0
        while f - gap - run > lowest and energy[f - gap - run - 1] >= thr:
            run += 1
        if run < max(3, gap):
            break
        f -= gap + run
        best = f
    return best


def _voiced(energy: Sequence[float], a: int, b: int, thr: float, left: int, right: int) -> tuple[int, int]:
    """The part of frames [a, b) from the first to the last voiced frame (ms), so that words placed in a
    gap sit on the voice rather than on the pauses around it; the whole gap when none is voiced."""
    loud = [f for f in range(max(0, a), min(b, len(energy))) if energy[f] >= thr]
    if not loud:
        return left, right
    return max(left, loud[0] * 10), min(right, (loud[-1] + 1) * 10)


def _interpolate(
    prep: sphinx.Prepared,
    spans: list[tuple[int, int] | None],
    reasons: list[str],
    confidence: list[float],
    energy: Sequence[float],
    thr: float,
) -> list[WordTime]:
    """WordTimes: trusted words on their snapped spans; words doubted for their cost on theirs, with a
    low confidence; every other run of words shared by syllables over the voiced part of the gap
    between the placed words around it."""
    total = len(energy)
    n = len(spans)
    times: list[WordTime | None] = [None] * n
    for i, span in enumerate(spans):
        if span is not None:
            trusted = not reasons[i]
            times[i] = WordTime(span[0] * 10, span[1] * 10, round(confidence[i] if trusted else 0.3, 2), trusted)
    i = 0
    while i < n:
        if times[i] is not None:
            i += 1
            continue
        j = i
        while j < n and times[j] is None:
            j += 1
        before = times[i - 1] if i > 0 else None
        after = times[j] if j < n else None
        weights = [max(1, prep.syllables[k]) if prep.phones[k] else 0 for k in range(i, j)]
        need = sum(weights) * 250  # ms: a leisurely 4 syllables a second where nothing bounds the run
        if before is None and after is None:
            left, right = 0, min(total * 10, need)
        elif before is None:
            assert after is not None
            right = after.start_ms
            left = max(0, right - need)
        elif after is None:
            left = before.end_ms
            right = max(left, min(total * 10, left + need))
        else:
            left, right = before.end_ms, max(before.end_ms, after.start_ms)
        left, right = _voiced(energy, left // 10, right // 10, thr, left, right)
        span_ms = max(0, right - left)
        whole = sum(weights) or 1
        acc = 0
        for k in range(i, j):
            a = left + span_ms * acc // whole
            acc += weights[k - i]
            b = left + span_ms * acc // whole
            times[k] = WordTime(a, b, 0.1 if reasons[k] in ("unplaced", "silent") else 0.2, False)
        i = j
    return [t for t in times if t is not None]
