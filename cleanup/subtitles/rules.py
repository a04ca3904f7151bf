"""The one place that knows the broadcast rules. The segmenter, the timer, ``cleanup check`` and
the report all read a :class:`SubtitleRules`, so ``run`` can never write what ``check`` rejects."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

from cleanup.errors import CleanupError


@dataclass(frozen=True)
class SubtitleRules:
    name: str = "netflix"
    max_chars_per_line: int = 42
    max_lines: int = 2
    min_duration_ms: int = 833  # 5/6 s
    max_duration_ms: int = 7000
    max_cps: float = 20.0
    target_cps: float = 17.0
    min_gap_frames: int = 2
    fps: float = 25.0

    @property
    def frame_ms(self) -> float:
        return 1000.0 / self.fps

    def snap(self, ms: float) -> int:
        """A time on the frame grid, in whole milliseconds."""
        return round(round(ms / self.frame_ms) * self.frame_ms)

    def snap_up(self, ms: float) -> int:
        return round(math.ceil(ms / self.frame_ms - 1e-9) * self.frame_ms)

    @property
    def gap_ms(self) -> int:
        """The gap the timer leaves between cues: at least ``min_gap_frames`` frames, and never under
        1/12 s, so that it is still two frames for a 24 fps editor (3 frames at 25 fps)."""
        return self.snap_up(max(self.min_gap_frames * self.frame_ms, 1000 / 12))

    @property
    def max_duration_snapped(self) -> int:
        return round(math.floor(self.max_duration_ms / self.frame_ms + 1e-9) * self.frame_ms)


PRESETS = {
    "netflix": SubtitleRules(),
    # BBC: 37 characters a line; 160-180 words a minute is about 15-17 characters a second
    "bbc": SubtitleRules(name="bbc", max_chars_per_line=37, max_cps=17.0, target_cps=15.0),
    "vertical": SubtitleRules(name="vertical", max_chars_per_line=28, max_lines=2),
    # CEA-608 (SCC) pop-on captions: 32 columns, at 29.97 fps drop-frame; a bit slower than Netflix (608 viewers
    # read a blocky font), and at least 1.5 s a caption, since 608 loads a 2-row caption off-screen at two
    # characters a frame (up to ~1.5 s) before it shows it
    "cea608": SubtitleRules(
        name="cea608",
        max_chars_per_line=32,
        max_lines=2,
        min_duration_ms=1500,
        max_duration_ms=6000,
        max_cps=18.0,
        target_cps=15.0,
        fps=30000 / 1001,
    ),
}


def exact_fps(fps: float) -> float:
    """The NTSC rates as they really are: 29.97 is 30000/1001, 23.976 is 24000/1001, 59.94 is 60000/1001."""
    for nominal in (24, 30, 48, 60, 120):
        ntsc = nominal * 1000 / 1001
        if abs(fps - ntsc) < 0.005:
            return ntsc
    return fps


def preset(name: str, fps: float | None = None) -> SubtitleRules:
    try:
        rules = PRESETS[name.strip().lower()]
    except KeyError:
        raise CleanupError(None, f"unknown subtitle preset {name!r}: choose one of {', '.join(PRESETS)}") from None
    return replace(rules, fps=exact_fps(fps)) if fps else rules


_TIMECODE = re.compile(r"^(\d+):(\d{1,2}):(\d{1,2})([:;])(\d{1,2})$")
_CLOCK = re.compile(r"^(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:[.,]\d{1,3})?)$")


def timecode_frames(h: int, m: int, s: int, f: int, fps: float, drop: bool) -> int:
    """The frame number of a SMPTE timecode. Drop-frame (``;``, 29.97 or 59.94 fps) skips frame
    numbers 0 and 1 (0-3 at 59.94) at the start of every minute except each tenth, so that its
    labels keep to the clock; non-drop timecode counts ``round(fps)`` frames a second."""
    nominal = round(fps)
    label = f"{h:02d}:{m:02d}:{s:02d}{';' if drop else ':'}{f:02d}"
    if m >= 60 or s >= 60 or f >= nominal:
        raise CleanupError(None, f"not a timecode at {fps:g} fps: {label}")
    frames = (h * 3600 + m * 60 + s) * nominal + f
    if not drop:
        return frames
    if nominal not in (30, 60) or abs(fps - nominal * 1000 / 1001) > 0.005:
        raise CleanupError(None, f"drop-frame timecode ({label}) needs --fps 29.97 or 59.94, not {fps:g}")
    skip = nominal // 15  # 2 frame numbers a minute at 29.97, 4 at 59.94
    if s == 0 and f < skip and m % 10:
        raise CleanupError(None, f"not a drop-frame timecode: {label} does not exist (dropped at each minute but every tenth)")
    minutes = h * 60 + m
    return frames - skip * (minutes - minutes // 10)


def parse_time(text: str, fps: float) -> int:
    """Milliseconds from ``HH:MM:SS[.mmm]``, ``MM:SS``, timecode ``HH:MM:SS:FF`` or drop-frame
    ``HH:MM:SS;FF``, or plain seconds. Timecode counts frames: at 29.97 fps ``01:00:00:00`` is
    frame 108,000, 3,603.6 s of real time, and ``01:00:00;00`` (drop-frame) is 3,599.996 s."""
    s = text.strip()
    m = _TIMECODE.match(s)
    if m:
        h, mi, sec, fr = (int(m.group(k)) for k in (1, 2, 3, 5))
        fps = exact_fps(fps)
        return round(timecode_frames(h, mi, sec, fr, fps, m.group(4) == ";") * 1000 / fps)
    m = _CLOCK.match(s)
    if m:
        hours = int(m.group(1) or 0)
        minutes, seconds = int(m.group(2)), float(m.group(3).replace(",", "."))
        if minutes >= 60 or seconds >= 60:
            raise CleanupError(None, f"not a time: {text!r}")
        return round((hours * 3600 + minutes * 60 + seconds) * 1000)
    try:
        value = float(s)
    except ValueError:
        raise CleanupError(None, f"not a time: {text!r} (use HH:MM:SS[.mmm], timecode HH:MM:SS:FF or drop-frame HH:MM:SS;FF)") from None
    if value < 0 or value != value or value == float("inf"):
        raise CleanupError(None, f"not a time: {text!r}")
    return round(value * 1000)


def format_srt(ms: int) -> str:
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, milli = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d},{milli:03d}"


def format_vtt(ms: int) -> str:
    return format_srt(ms).replace(",", ".")
