"""Lint any SRT or WebVTT file, or the cues ``run`` makes, against the same rules."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path

from cleanup.errors import CleanupError
from cleanup.readers.cues import is_srt, is_webvtt, parse_cues, shown_text
from cleanup.readers.decode import decode
from cleanup.readers.files import read_bytes
from cleanup.subtitles.rules import SubtitleRules
from cleanup.subtitles.segment import WEAK_END, visible


@dataclass(frozen=True)
class TimedCue:
    index: int
    start: int
    end: int
    lines: tuple[str, ...]
    timing: str = ""
    """The cue's times as its file writes them (``00:01:39 --> 00:01:41,04``); empty for cues ``run`` made."""
    line: int = 0
    """1-based line of its timing line in the file (0 for cues ``run`` made)."""


@dataclass(frozen=True)
class Violation:
    rule: str
    cue: int
    value: str
    limit: str
    severity: str = "error"


def parse_subtitles(text: str, path: str) -> list[TimedCue]:
    """Cues of an SRT or WebVTT text, as written (times not repaired, roll-up repeats kept), read by
    the same parser as ``cleanup run`` (:mod:`cleanup.readers.cues`). Each cue's lines are as a
    viewer is shown them: styling tags kept (``visible`` drops them when counting), voice tags and
    ASS overrides removed, references decoded, trailing white space dropped."""
    body = text.lstrip("\ufeff")
    if is_webvtt(body):
        fmt = "webvtt"
    elif is_srt(body):
        fmt = "srt"
    else:
        raise CleanupError(path, "not an SRT or WebVTT file (no WEBVTT header and no timing line at the start)")
    parsed = parse_cues(text, path, fmt)
    return [
        TimedCue(n, c.start, c.end, tuple(shown_text(ln.text) for ln in c.lines), c.timing_text, c.timing.number)
        for n, c in enumerate(parsed.cues, start=1)
    ]


def read_subtitles(path: Path) -> list[TimedCue]:
    text = decode(read_bytes(path), str(path)).text
    return parse_subtitles(text, str(path))


def check_cues(cues: list[TimedCue], rules: SubtitleRules) -> list[Violation]:
    out: list[Violation] = []
    tolerance = 1  # a millisecond of rounding
    for n, cue in enumerate(cues):
        shown = [visible(line) for line in cue.lines]
        for line in shown:
            if len(line) > rules.max_chars_per_line:
                out.append(Violation("line-length", cue.index, f"{len(line)} characters", f"{rules.max_chars_per_line}"))
        if len(shown) > rules.max_lines:
            out.append(Violation("lines", cue.index, f"{len(shown)} lines", f"{rules.max_lines}"))
        dur = cue.end - cue.start
        if dur < rules.min_duration_ms - tolerance:
            out.append(Violation("min-duration", cue.index, f"{dur / 1000:.3f} s", f"{rules.min_duration_ms / 1000:.3f} s"))
        if dur > rules.max_duration_ms + tolerance:
            out.append(Violation("max-duration", cue.index, f"{dur / 1000:.3f} s", f"{rules.max_duration_ms / 1000:.3f} s"))
        chars = len(" ".join(shown))
        if dur > 0 and chars / (dur / 1000) > rules.max_cps + 1e-9:
            out.append(Violation("reading-speed", cue.index, f"{chars / (dur / 1000):.1f} chars/s", f"{rules.max_cps:g}"))
        if n + 1 < len(cues):
            gap = cues[n + 1].start - cue.end
            if gap < 0:
                out.append(Violation("overlap", cue.index, f"{-gap} ms", "0 ms"))
            elif gap < rules.min_gap_frames * rules.frame_ms - tolerance:
                out.append(
                    Violation(
                        "gap", cue.index, f"{gap} ms", f"{rules.min_gap_frames} frames ({rules.min_gap_frames * rules.frame_ms:.0f} ms)"
                    )
                )
        if len(shown) == 2:
            words = re.findall(r"[\w']+", shown[0].replace("\u2019", "'"))
            if words and words[-1].lower() in WEAK_END and not re.search(r"[,.;:?!]$", shown[0]):
                out.append(Violation("weak-line-break", cue.index, f"first line ends on {words[-1]!r}", "a stronger break", "warning"))
    return out


def summary(cues: list[TimedCue], violations: list[Violation]) -> dict[str, object]:
    errors = [v for v in violations if v.severity == "error"]
    two_line = sum(1 for c in cues if len(c.lines) == 2)
    weak = sum(1 for v in violations if v.rule == "weak-line-break")
    return {
        "cues": len(cues),
        "errors": len(errors),
        "warnings": len(violations) - len(errors),
        "weak_line_breaks": f"{weak}/{two_line}",
        "violations": [asdict(v) for v in violations],
    }
