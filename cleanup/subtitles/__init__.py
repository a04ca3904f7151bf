"""Subtitles from the cleaned document: segment, time, check (``make_subtitles``)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from cleanup.model import Document, words_of
from cleanup.subtitles.check import TimedCue, Violation, check_cues
from cleanup.subtitles.rules import SubtitleRules
from cleanup.subtitles.segment import Cue, segment
from cleanup.subtitles.timing import DEFAULT_WPM, estimate_speech, fit_to_duration, note_time, time_cues, token_times


@dataclass(frozen=True)
class TimingOptions:
    wpm: float = DEFAULT_WPM
    duration_ms: int | None = None
    offset_ms: int = 0


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
