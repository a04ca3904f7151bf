"""Text copied from YouTube's "Show transcript" panel.

Two layouts: a timestamp alone on its line (``0:03``, ``12:04``, ``1:02:33``) with the text on
the lines after it, or a timestamp and its text on one line (``0:03 so today we``). A segment
lasts as long as its words need (0.4 s a word), at most until the next one's time. Words are timed inside
their segment by syllables (``source-cue``). The panel's spoken-length labels that copying can
bring along (``3 seconds``, ``1 minute, 2 seconds``) are not text. One or two lines before the
first timestamp are a title (and a date).

Recognised only when the timestamps are the rule rather than the exception (see
:func:`is_show_transcript`): a transcript that merely mentions a time (``we met at 10:30``), or
has a line that starts with one, stays a transcript.
"""

from __future__ import annotations

import re
from itertools import pairwise

from cleanup.errors import CleanupError
from cleanup.model import Document, words_of
from cleanup.readers.cues import Line, split_lines
from cleanup.readers.timed import MIN_CUE_MS, MS_PER_WORD, Segment, Style, build
from cleanup.readers.transcript import DATE_RE
from cleanup.subtitles.rules import format_vtt

_STAMP = r"(?P<stamp>(?:\d{1,2}:)?\d{1,2}:\d{2})"
_STAMP_RE = re.compile(rf"[ \t]*{_STAMP}(?:[ \t]*$|[ \t]+(?=\S))")
_DURATION_RE = re.compile(r"\s*\d+\s+(?:hours?|minutes?|seconds?)(?:,?\s+\d+\s+(?:hours?|minutes?|seconds?))*\s*$", re.I)
_SNIFF_CHARS = 20_000


def stamp_ms(text: str) -> int | None:
    """Milliseconds of ``M:SS``, ``MM:SS`` or ``H:MM:SS``, or None (seconds and minutes under 60)."""
    parts = [int(p) for p in text.split(":")]
    if parts[-1] >= 60 or (len(parts) == 3 and parts[1] >= 60):
        return None
    ms = 0
    for p in parts:
        ms = ms * 60 + p
    return ms * 1000


def _stamp(line: Line) -> tuple[int, int, int] | None:
    """(ms, where the timestamp ends, where the text after it starts) of a line led by a timestamp."""
    m = _STAMP_RE.match(line.text)
    if m is None:
        return None
    ms = stamp_ms(m.group("stamp"))
    return None if ms is None else (ms, m.end("stamp"), m.end())


def is_show_transcript(text: str) -> bool:
    """Timestamped lines are the rule: at least two; the first within the first three non-blank
    lines (a title and a date may come first); at least 30% of the non-blank lines from there on;
    times that run forward (at most one step in ten backwards); and a timestamp alone on its line
    is followed by text, not by another timestamp, at least four times in five."""
    head = text[:_SNIFF_CHARS]
    if "-->" in head:
        return False
    lines = [ln for ln in split_lines(head) if ln.text.strip()]
    if head is not text and lines:
        lines.pop()  # may be cut short
    stamped = [(k, st) for k, ln in enumerate(lines) if (st := _stamp(ln)) is not None]
    if len(stamped) < 2 or stamped[0][0] > 2:
        return False
    times = [st[0] for _, st in stamped]
    if sum(b < a for a, b in pairwise(times)) * 10 > len(times):
        return False
    if len(stamped) * 10 < 3 * (len(lines) - stamped[0][0]):
        return False
    alone = [k for k, st in stamped if st[2] >= len(lines[k].text.rstrip())]
    followed = sum(1 for k in alone if k + 1 < len(lines) and _stamp(lines[k + 1]) is None)
    return followed * 5 >= 4 * len(alone)


def read_show_transcript(text: str, path: str = "<text>", encoding: str = "utf-8") -> Document:
    lines = split_lines(text)
    marks = [(k, st) for k, ln in enumerate(lines) if (st := _stamp(ln)) is not None]
    if not marks:
        raise CleanupError(path, "not a 'Show transcript' text: no line starts with a time such as 0:03 or 1:02:33")
    title = date = None
    pre = [ln for ln in lines[: marks[0][0]] if ln.text.strip()]
    pieces: list[tuple[int, Line | None, list[Line]]] = []  # (start ms, timestamp line, text lines)
    if 1 <= len(pre) <= 2 and (len(pre) == 1 or DATE_RE.match(pre[1].text)):
        title = pre[0].text.strip()
        date = pre[1].text.strip() if len(pre) == 2 else None
    elif pre:
        pieces.append((0, None, pre))
    for n, (k, (ms, _, text_at)) in enumerate(marks):
        stop = marks[n + 1][0] if n + 1 < len(marks) else len(lines)
        led = lines[k]
        body = [Line(led.text[text_at:], led.start + text_at, led.number)] if text_at < len(led.text) else []
        body += [ln for ln in lines[k + 1 : stop] if ln.text.strip() and not _DURATION_RE.match(ln.text)]
        pieces.append((ms, led, body))
    segments: list[Segment] = []
    for n, (ms, line, body) in enumerate(pieces):
        # a segment lasts as long as its words need, at most until the next time: the panel gives
        # only where each segment starts, and a long silence after it is not speech
        words = sum(len(words_of(re.sub(r"\[[^\]]*\]", " ", ln.text))) for ln in body)  # a sound tag is not speech
        end = ms + max(MIN_CUE_MS, MS_PER_WORD * words)
        if n + 1 < len(pieces):
            nxt = pieces[n + 1][0]
            end = nxt if not words or nxt <= ms else min(end, nxt)  # [Music] plays until the next time
        if line is None:
            span = (body[0].start, body[0].start)
        else:
            m = _STAMP_RE.match(line.text)
            assert m is not None
            span = (line.start + m.start("stamp"), line.start + m.end("stamp"))
        segments.append(Segment(n, ms, end, body, span, f"{format_vtt(ms)} --> {format_vtt(end)}"))
    style = Style("show-transcript", format_time=format_vtt)
    return build(text, segments, style, encoding, title=title, date=date)
