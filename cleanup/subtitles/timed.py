"""Times from the input: cues placed on their words when the words have times of their own.

A timed input (SRT, WebVTT, YouTube's word tags, "Show transcript" text, later an audio
alignment) gives each token a time and says where it came from (``Token.time_source``). The
cleanup keeps those times through every edit: a fixed word keeps the time of the word it
replaced, a removed one (a note, a sound tag, a filler, a repeated word) leaves its time as a gap.

Here the times become a :class:`~cleanup.subtitles.timing.Speech` (when each token is spoken
and the pause after it), so that the segmenter can read the real pauses and cut there, and the
cues are timed from their words:

- a cue never starts before its first word (the start is the first frame at or after it);
- it ends a short hold after its last word (``HOLD_MS``), longer when the reading speed or the
  shortest duration needs it, but never more than ``MAX_HOLD_MS`` after the last word and never
  into the next cue's gap;
- the shortest duration is kept even when that pushes the next cue's start later, by as little as
  it needs; no word is ever dropped: where the speech is too fast for the reading speed even with
  the gaps used, the cue is kept and listed as a reading-speed warning.

Each cue records where its times came from (the weaker source of its first and last words, whose
times are its own: ``estimated`` <
``source-cue`` < ``audio`` < ``source-word``) and how sure they are (0-1).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

from cleanup.model import Token
from cleanup.subtitles.rules import SubtitleRules
from cleanup.subtitles.segment import Cue
from cleanup.subtitles.timing import Speech, cue_chars, syllables

TIMED_SOURCES = ("source-word", "source-cue", "audio")
RANK = {"estimated": 0, "source-cue": 1, "audio": 2, "source-word": 3}
HOLD_MS = 200.0
"""How long a cue stays after its last word when nothing asks for more."""
MAX_HOLD_MS = 1000.0
"""The longest a cue may stay after its last word, for the reading speed or the shortest duration."""
WORD_MS_PER_SYLLABLE = 320.0
MIN_WORD_MS = 250.0
"""A word's own time is at most this per syllable (plus a little): a word whose source end runs on
into a silence (YouTube ends a word where the next begins) is not shown through the silence."""
STRONG_PAUSE_MS = 300.0


@dataclass(frozen=True)
class WordClock:
    speech: Speech
    """Start, end and the pause after each token (ms, before any ``--start`` offset)."""
    sources: tuple[str, ...]
    confidence: tuple[float, ...]
    cue_end: tuple[bool, ...] = ()
    """Whether each token's end is the end of its source cue (which holds the source's own hold)."""


def has_times(tokens: Sequence[Token]) -> bool:
    return any(t.time is not None and t.time_source in TIMED_SOURCES for t in tokens)


def word_clock(tokens: Sequence[Token]) -> WordClock:
    """The tokens' own times; a token without one (there should be none) is placed between its
    neighbours and counted as estimated."""
    n = len(tokens)
    starts: list[float] = [math.nan] * n
    ends: list[float] = [math.nan] * n
    sources: list[str] = ["estimated"] * n
    conf: list[float] = [0.3] * n
    cue_end = [False] * n
    for k, tok in enumerate(tokens):
        if tok.time is None or tok.time_source not in TIMED_SOURCES:
            continue
        s, e = tok.time
        starts[k], ends[k] = float(s), float(max(s, e))
        sources[k] = tok.time_source or "estimated"
        if tok.time_source == "source-word":
            conf[k] = 0.95
        elif tok.time_source == "audio":
            conf[k] = tok.time_confidence if tok.time_confidence is not None else 0.85
        else:  # interpolated inside its source cue: exact at the cue's edges
            last = k == n - 1 or tokens[k + 1].cue != tok.cue
            edge = (k == 0 or tokens[k - 1].cue != tok.cue) or last
            conf[k] = 0.9 if edge else 0.6
            cue_end[k] = last
    _fill_gaps(starts, ends)
    for k in range(n):  # times only move forward; a word timed to the next word's start is not shown through a silence
        if k:
            starts[k] = max(starts[k], starts[k - 1])
        if sources[k] == "source-word":
            ends[k] = min(ends[k], starts[k] + max(MIN_WORD_MS, WORD_MS_PER_SYLLABLE * syllables(tokens[k].core) + 100.0))
        ends[k] = max(starts[k], ends[k])
    pauses = [max(0.0, starts[k + 1] - ends[k]) if k + 1 < n else 0.0 for k in range(n)]
    return WordClock(Speech(tuple(starts), tuple(ends), tuple(pauses)), tuple(sources), tuple(conf), tuple(cue_end))


def _fill_gaps(starts: list[float], ends: list[float]) -> None:
    """Tokens without a time get one between the timed tokens around them, evenly."""
    n = len(starts)
    k = 0
    while k < n:
        if not math.isnan(starts[k]):
            k += 1
            continue
        j = k
        while j < n and math.isnan(starts[j]):
            j += 1
        lo = ends[k - 1] if k else (starts[j] if j < n else 0.0)
        hi = starts[j] if j < n else lo + 300.0 * (j - k)
        step = max(0.0, hi - lo) / (j - k)
        for m in range(k, j):
            starts[m] = lo + step * (m - k)
            ends[m] = starts[m] + step
        k = j


def time_from_words(cues: Sequence[Cue], clock: WordClock, rules: SubtitleRules, offset_ms: int = 0) -> tuple[list[Cue], list[int]]:
    """Cues timed on their words, in whole frames; and the cues (0-based) still too fast to read."""
    fm = rules.frame_ms
    speech = clock.speech

    def up(ms: float) -> int:
        return math.ceil(ms / fm - 1e-9)

    gap = up(rules.gap_ms)
    min_dur, max_dur = up(rules.min_duration_ms), math.floor(rules.max_duration_ms / fm + 1e-9)
    first_word = [up(offset_ms + speech.starts[c.first]) for c in cues]
    out: list[Cue] = []
    too_fast: list[int] = []
    prev_end: int | None = None
    for k, cue in enumerate(cues):
        start = first_word[k]
        if prev_end is not None:
            start = max(start, prev_end + gap)
        last_word = offset_ms + speech.ends[cue.last - 1]
        # a source cue's end already holds what its author chose: our own output reads back unchanged
        natural = up(last_word + (0.0 if clock.cue_end and clock.cue_end[cue.last - 1] else HOLD_MS))
        hold_limit = up(last_word + MAX_HOLD_MS)
        room = first_word[k + 1] - gap if k + 1 < len(cues) else hold_limit
        limit = min(room, hold_limit, start + max_dur)
        chars = cue_chars(cue)
        need = up(1000.0 * chars / rules.max_cps)
        want = up(1000.0 * chars / rules.target_cps)
        end = min(max(natural, start + need), limit)
        end = max(end, min(start + want, limit))  # linger to the target reading speed where there is room
        end = max(end, start + min_dur)  # the shortest duration, even if the next cue must wait
        end = min(end, start + max_dur)
        if (end - start) * fm < 1000.0 * chars / rules.max_cps - 1:
            too_fast.append(k)
        # a cue's times come from its first and last words: their sources and confidences are its own
        # (a word inside it timed by interpolation moves neither its start nor its end)
        edges = (cue.first, cue.last - 1)
        source = min((clock.sources[m] for m in edges), key=lambda s: RANK.get(s, 0))
        sure = min(clock.confidence[m] for m in edges)
        if start > first_word[k] + 1:
            sure *= 0.8  # pushed later than its first word by the cue before
        out.append(replace(cue, start=round(start * fm), end=round(end * fm), source=source, confidence=round(sure, 2)))
        prev_end = end
    return out, too_fast
