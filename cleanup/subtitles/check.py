"""Lint any SRT or WebVTT file, or the cues ``run`` makes, against the same rules."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from pathlib import Path

from cleanup.errors import CleanupError
from cleanup.readers import read_bytes
from cleanup.readers.decode import decode
from cleanup.subtitles.rules import SubtitleRules
from cleanup.subtitles.segment import WEAK_END, visible


@dataclass(frozen=True)
class TimedCue:
    index: int
    start: int
    end: int
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Violation:
    rule: str
    cue: int
    value: str
    limit: str
    severity: str = "error"


_TIME = r"(?:(\d+):)?(\d{1,2}):(\d{1,2})[.,](\d{1,3})"
_TIMING = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}")


def _ms(groups: tuple[str | None, ...]) -> int:
    h, m, s, frac = groups
    return ((int(h or 0) * 60 + int(m or 0)) * 60 + int(s or 0)) * 1000 + int((frac or "0").ljust(3, "0"))


def parse_subtitles(text: str, path: str) -> list[TimedCue]:
    """Cues of an SRT or WebVTT text (NOTE, STYLE and REGION blocks skipped)."""
    blocks = re.split(r"\r?\n\s*\r?\n", text.replace("\ufeff", "").strip())
    cues: list[TimedCue] = []
    for block in blocks:
        lines = block.splitlines()
        if not lines or lines[0].startswith(("WEBVTT", "NOTE", "STYLE", "REGION")):
            continue
        k = next((n for n, ln in enumerate(lines) if "-->" in ln), None)
        if k is None:
            raise CleanupError(path, f"not a subtitle block (no timing line): {lines[0][:60]!r}")
        m = _TIMING.match(lines[k])
        if not m:
            raise CleanupError(path, f"bad timing line: {lines[k][:60]!r}")
        groups = m.groups()
        cues.append(TimedCue(len(cues) + 1, _ms(groups[:4]), _ms(groups[4:]), tuple(lines[k + 1 :])))
    if not cues:
        raise CleanupError(path, "no subtitle cues in it")
    return cues


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
