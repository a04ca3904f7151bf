"""Subtitles from the cleaned document: segment, time, check (``make_subtitles``)."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field, replace

from cleanup.model import Document, words_of
from cleanup.subtitles.check import TimedCue, Violation, check_cues
from cleanup.subtitles.rules import SubtitleRules
from cleanup.subtitles.segment import Cue, segment
from cleanup.subtitles.timed import has_times, time_from_words, word_clock
from cleanup.subtitles.timing import DEFAULT_WPM, estimate_speech, fit_to_duration, note_time, time_cues, token_times


@dataclass(frozen=True)
class TimingOptions:
    wpm: float = DEFAULT_WPM
    duration_ms: int | None = None
    offset_ms: int = 0
    keep_sound_tags: bool = False
    """Show the input's sound tags ([Music], [Applause]) as cues of their own where they fit."""


@dataclass
class Subtitles:
    doc: Document
    """The document with every token's estimated time."""
    cues: list[Cue]
    rules: SubtitleRules
    wpm: float
    """The speech rate the times were estimated at (the fitted one with a duration)."""
    offset_ms: int
    note_times: list[int] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)
    timed_input: bool = False
    """True when the times came from the input (its word or cue times), not the speech rate."""
    too_fast: list[int] = field(default_factory=list)
    """Cues (0-based) that stay faster than the reading speed even with the gaps used: no word is
    dropped, they are listed as reading-speed warnings."""

    def editor_notes(self) -> list[tuple[str, str, int]]:
        """The editor's notes with their times, for the VTT's NOTE blocks: (kind, text, ms).
        Pronunciation guides are for the narrator, not the editor: they stay in the report only."""
        return [(n.kind, n.text, t) for n, t in zip(self.doc.notes, self.note_times, strict=True) if n.kind == "editorial"]

    def timed(self) -> list[TimedCue]:
        return [TimedCue(n, c.start, c.end, c.lines) for n, c in enumerate(self.cues, start=1)]

    def overall_wpm(self) -> float:
        if not self.cues:
            return 0.0
        span = self.cues[-1].end - self.cues[0].start
        words = sum(len(words_of(t.text)) for t in self.doc.tokens)
        return round(words / (span / 60000), 1) if span else 0.0


def make_subtitles(doc: Document, rules: SubtitleRules, timing: TimingOptions) -> Subtitles:
    if has_times(doc.tokens):
        return _from_input_times(doc, rules, timing)
    wpm = timing.wpm
    speech = estimate_speech(doc.tokens, wpm)
    cues = segment(doc, rules, speech.spoken_ms())
    if timing.duration_ms is not None:
        # fit once to learn the rate, cut again at that rate (a slower rate makes longer cues), fit again
        _, wpm = fit_to_duration(cues, doc.tokens, rules, timing.duration_ms, timing.offset_ms, clamp=True)
        cues = segment(doc, rules, estimate_speech(doc.tokens, wpm).spoken_ms())
        cues, wpm = fit_to_duration(cues, doc.tokens, rules, timing.duration_ms, timing.offset_ms)
        speech = estimate_speech(doc.tokens, wpm)
    else:
        cues = time_cues(cues, speech, rules, timing.offset_ms)
    times = token_times(speech, timing.offset_ms)
    timed_doc = doc.with_tokens([replace(t, time=times[k]) for k, t in enumerate(doc.tokens)])
    subs = Subtitles(timed_doc, cues, rules, wpm, timing.offset_ms)
    subs.note_times = [rules.snap(note_time(doc, n.span[0], speech, timing.offset_ms)) for n in doc.notes]
    subs.violations = check_cues(subs.timed(), rules)
    return subs


def _from_input_times(doc: Document, rules: SubtitleRules, timing: TimingOptions) -> Subtitles:
    """Cues cut at the real pauses and timed on their words (``--wpm`` and ``--duration`` do not
    apply: the input says when each word is spoken; ``--start`` still moves every time)."""
    clock = word_clock(doc.tokens)
    speech = clock.speech
    cues = segment(doc, rules, speech.spoken_ms(), speech.pauses)
    cues, too_fast = time_from_words(cues, clock, rules, timing.offset_ms)
    if timing.keep_sound_tags:
        cues, too_fast = _with_sound_tags(doc, cues, too_fast, rules, timing.offset_ms)
    spoken = sum(e - s for s, e in zip(speech.starts, speech.ends, strict=True))
    words = sum(len(words_of(t.text)) for t in doc.tokens)
    subs = Subtitles(doc, cues, rules, round(words / (spoken / 60000), 1) if spoken else 0.0, timing.offset_ms, timed_input=True)
    subs.too_fast = too_fast
    subs.wpm = subs.overall_wpm()  # the rate the input's own times give (no rate was used)
    subs.note_times = [
        rules.snap(timing.offset_ms + n.time[0]) if n.time is not None else rules.snap(note_time(doc, n.span[0], speech, timing.offset_ms))
        for n in doc.notes
    ]
    subs.violations = check_cues(subs.timed(), rules)
    return subs


def _with_sound_tags(
    doc: Document, cues: list[Cue], too_fast: list[int], rules: SubtitleRules, offset_ms: int
) -> tuple[list[Cue], list[int]]:
    """Each timed sound tag as a cue of its own, inside the gap between the speech cues around it,
    kept only when the gap leaves it the shortest duration (a tag under speech stays in the report)."""
    starts = [c.start for c in cues]
    added: list[Cue] = []
    for note in doc.notes:
        if note.kind != "sound" or note.time is None:
            continue
        at = offset_ms + note.time[0]
        k = bisect.bisect_right(starts, at)
        lo = max(cues[k - 1].end + rules.gap_ms if k else 0, added[-1].end + rules.gap_ms if added else 0)
        start = rules.snap_up(max(lo, at))
        end = min(max(offset_ms + note.time[1], start + rules.min_duration_ms), start + rules.max_duration_snapped)
        if k < len(cues):
            end = min(end, cues[k].start - rules.gap_ms)
        end = rules.snap(end)
        if end - start < rules.min_duration_ms:
            continue  # no room between the speech cues
        first = cues[k].first if k < len(cues) else len(doc.tokens)
        added.append(Cue(first, first, (" ".join(note.text.split()),), start, end, source="source-cue", confidence=0.7))
    if not added:
        return cues, too_fast
    slow = {id(cues[k]) for k in too_fast}
    merged = sorted([*cues, *added], key=lambda c: (c.start, c.end))
    return merged, [k for k, c in enumerate(merged) if id(c) in slow]
