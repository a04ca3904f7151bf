"""Times for cues from how narration is spoken, then the rules enforced.

Without audio, a word takes time in proportion to its syllables, and the narrator pauses at
commas (and dashes, colons), at sentence ends and at paragraph ends. The rate is set so that the
whole transcript, pauses included, is read at ``wpm`` words a minute. Each cue then shows from
its first word to its last, and the rules are applied in order: every time on the frame grid, at
least the minimum duration, slow enough to read (at most ``max_cps``, ``target_cps`` when the
next cue leaves room), at most the maximum duration, and the minimum gap before the next cue; a
cue that must start later pushes the ones after it. ``fit_to_duration`` searches the rate that
makes the whole run last a given time.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import accumulate

from cleanup.errors import CleanupError
from cleanup.model import Document, Token, split_affixes
from cleanup.subtitles.rules import SubtitleRules, format_vtt
from cleanup.subtitles.segment import Cue, visible

DEFAULT_WPM = 155.0
MIN_WPM, MAX_WPM = 40.0, 400.0
"""The plausible speech rates: what ``--wpm`` accepts, and the range ``--duration`` may fit into."""
PAUSE_COMMA_MS = 150.0
PAUSE_CLAUSE_MS = 250.0
PAUSE_SENTENCE_MS = 450.0
PAUSE_PARAGRAPH_MS = 900.0
_VOWELS = re.compile(r"[aeiouy]+")


def syllables(word: str) -> float:
    """A rough count of spoken syllables (numbers and initialisms are read out)."""
    w = word.lower().replace("\u2019", "'")
    if not w:
        return 0.0
    if any(ch.isdigit() for ch in w):
        digits = sum(ch.isdigit() for ch in w)
        return 1.5 * digits + (1.0 if "%" in w else 0.0)
    if word.isupper() and 1 < len(word) <= 5:
        return float(len(word))  # A-O-C
    count = len(_VOWELS.findall(w))
    if w.endswith("e") and not w.endswith(("le", "ee", "ye")) and count > 1:
        count -= 1
    return float(max(1, count))


def pause_after(tok: Token, next_tok: Token | None) -> float:
    if next_tok is None:
        return 0.0
    if next_tok.paragraph_start:
        return PAUSE_PARAGRAPH_MS
    if tok.sentence_end:
        return PAUSE_SENTENCE_MS
    trail = split_affixes(tok.text)[2].rstrip("*\"'\u201d\u2019)]")
    if trail.endswith((";", ":")) or next_tok.text == "\u2014" or tok.text == "\u2014":
        return PAUSE_CLAUSE_MS
    if trail.endswith(","):
        return PAUSE_COMMA_MS
    return 0.0


@dataclass(frozen=True)
class Speech:
    """When each token is spoken: start, end (ms from the transcript's start) and the pause after."""

    starts: tuple[float, ...]
    ends: tuple[float, ...]
    pauses: tuple[float, ...]

    def spoken_ms(self) -> list[float]:
        """Each token's speaking time plus the pause after it (what the segmenter budgets)."""
        return [e - s + p for s, e, p in zip(self.starts, self.ends, self.pauses, strict=True)]


def estimate_speech(tokens: Sequence[Token], wpm: float) -> Speech:
    return SpeechModel(tokens).at(wpm)


class SpeechModel:
    """Syllables and pauses of a token sequence, computed once; ``at(wpm)`` times them."""

    def __init__(self, tokens: Sequence[Token]) -> None:
        self.sylls = [syllables(split_affixes(t.text)[1]) for t in tokens]
        self.pauses = [pause_after(t, tokens[k + 1] if k + 1 < len(tokens) else None) for k, t in enumerate(tokens)]
        self.words = sum(1 for t in tokens if t.core) or 1

    def at(self, wpm: float) -> Speech:
        if wpm <= 0:
            raise CleanupError(None, f"words a minute must be positive, not {wpm:g}")
        return _speech(self.sylls, self.pauses, self.words, wpm)


def _speech(sylls: list[float], pauses: list[float], words: int, wpm: float) -> Speech:
    total_ms = words * 60000.0 / wpm
    speaking_ms = max(total_ms - sum(pauses), total_ms * 0.5)
    per_syll = speaking_ms / (sum(sylls) or 1.0)
    # The clock runs word, pause, word, pause ...: a running sum over those steps, added in that
    # order (so every time is the same float a step-by-step loop gives), in one pass in C, since
    # fitting a duration times the whole text some sixty times.
    n = len(sylls)
    steps = [0.0] * (2 * n)
    steps[0::2] = [s * per_syll if s else 120.0 for s in sylls]  # a dash or a stray mark: a beat
    steps[1::2] = pauses
    clock = list(accumulate(steps, initial=0.0))
    return Speech(tuple(clock[0 : 2 * n : 2]), tuple(clock[1 : 2 * n : 2]), tuple(pauses))


def cue_chars(cue: Cue) -> int:
    return len(visible(" ".join(cue.lines)))


def time_cues(cues: Sequence[Cue], speech: Speech, rules: SubtitleRules, offset_ms: int = 0) -> list[Cue]:
    """Times from speech, then the rules: frame grid, durations, reading speed, gaps.
    The arithmetic is in whole frames, so every time written is on the grid of the frame rate."""
    fm = rules.frame_ms

    def frame(ms: float) -> int:
        return round(ms / fm)

    def up(ms: float) -> int:
        return math.ceil(ms / fm - 1e-9)

    gap = up(rules.gap_ms)
    min_dur, max_dur = up(rules.min_duration_ms), math.floor(rules.max_duration_ms / fm + 1e-9)
    out: list[Cue] = []
    prev_end: int | None = None
    for k, cue in enumerate(cues):
        start = frame(offset_ms + speech.starts[cue.first])
        if prev_end is not None:
            start = max(start, prev_end + gap)
        spoken_end = frame(offset_ms + speech.ends[cue.last - 1])
        chars = cue_chars(cue)
        need = max(min_dur, up(1000.0 * chars / rules.max_cps))
        want = up(1000.0 * chars / rules.target_cps)
        end = max(spoken_end, start + need)
        if k + 1 < len(cues):
            room = frame(offset_ms + speech.starts[cues[k + 1].first]) - gap
            end = max(end, min(start + want, room))  # linger to the target reading speed if the next cue allows
        end = min(end, start + max_dur)
        out.append(replace(cue, start=round(start * fm), end=round(end * fm), source="estimated"))
        prev_end = end
    return out


def fit_to_duration(
    cues: Sequence[Cue], tokens: Sequence[Token], rules: SubtitleRules, duration_ms: int, offset_ms: int, clamp: bool = False
) -> tuple[list[Cue], float]:
    """The rate (words a minute) at which the cues run exactly ``duration_ms``, and the cues timed so.
    A rate outside ``MIN_WPM``-``MAX_WPM`` is refused, or with ``clamp`` the nearest limit is returned
    (a first estimate, before the cues are cut again at that rate)."""
    if duration_ms <= 0:
        raise CleanupError(None, "the duration must be positive")

    model = SpeechModel(tokens)

    def run(wpm: float) -> list[Cue]:
        return time_cues(cues, model.at(wpm), rules, offset_ms)

    def length(timed: list[Cue]) -> int:
        return timed[-1].end - timed[0].start if timed else 0

    lo, hi = MIN_WPM, MAX_WPM
    if clamp and length(run(hi)) > duration_ms:
        return run(hi), hi
    if clamp and length(run(lo)) < duration_ms:
        return run(lo), lo
    if length(run(hi)) > duration_ms:
        shortest = length(run(hi))
        raise CleanupError(
            None,
            f"cannot fit the subtitles into {format_vtt(duration_ms)}: even at {hi:g} words a minute "
            f"the reading-speed and duration rules need at least {format_vtt(shortest)}",
        )
    if length(run(lo)) < duration_ms:
        longest = length(run(lo))
        raise CleanupError(
            None,
            f"cannot stretch the subtitles to {format_vtt(duration_ms)}: that needs a speech rate under "
            f"{lo:g} words a minute (at {lo:g} they run {format_vtt(longest)}); check --duration",
        )
    for _ in range(60):
        if hi - lo < 0.01:
            break
        mid = (lo + hi) / 2
        if length(run(mid)) > duration_ms:
            lo = mid
        else:
            hi = mid
    timed = run(hi)
    # close the last frame or two of rounding: stretch the final cue within the rules
    short = duration_ms - length(timed)
    if timed and 0 < short:
        last = timed[-1]
        timed[-1] = replace(last, end=min(rules.snap(last.end + short), last.start + rules.max_duration_snapped))
    return timed, hi


def token_times(speech: Speech, offset_ms: int) -> list[tuple[int, int]]:
    return [(round(offset_ms + s), round(offset_ms + e)) for s, e in zip(speech.starts, speech.ends, strict=True)]


def note_time(doc: Document, note_offset: int, speech: Speech, offset_ms: int) -> int:
    """A removed note's time: when the word it stood before is spoken (or the end)."""
    k = doc.first_token_from(note_offset)
    if k < len(doc.tokens):
        return round(offset_ms + speech.starts[k])
    return round(offset_ms + (speech.ends[-1] if speech.ends else 0))
