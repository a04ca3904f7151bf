"""WebVTT: the header, cues with their timings, and the editor's notes as NOTE blocks at their place."""

from __future__ import annotations

from collections.abc import Sequence

from cleanup.subtitles.rules import format_vtt
from cleanup.subtitles.segment import Cue


def _note_block(kind: str, text: str, ms: int) -> str:
    # a NOTE may not contain "-->" nor a blank line
    body = " ".join(text.replace("-->", "\u2192").split())
    return f"NOTE {kind} note at {format_vtt(ms)}: {body}"


def render_vtt(cues: Sequence[Cue], notes: Sequence[tuple[str, str, int]] = (), title: str | None = None) -> str:
    """``notes`` are (kind, text, time in ms); each goes before the first cue that starts at or after it."""
    header = "WEBVTT" + (f" - {' '.join(title.replace('-->', '').split())}" if title else "")
    blocks = [header]
    pending = sorted(notes, key=lambda n: n[2])
    k = 0
    for n, cue in enumerate(cues, start=1):
        while k < len(pending) and pending[k][2] <= cue.start:
            blocks.append(_note_block(*pending[k]))
            k += 1
        lines = list(cue.lines)
        voices = list(cue.voices) if cue.voices else [cue.speaker] + [None] * (len(lines) - 1)
        for m, who in enumerate(voices[: len(lines)]):  # the input's speakers, as voice tags
            if who:
                lines[m] = f"<v {' '.join(who.replace('>', '').split())}>{lines[m]}"
        blocks.append(f"{n}\n{format_vtt(cue.start)} --> {format_vtt(cue.end)}\n" + "\n".join(lines))
    blocks.extend(_note_block(*note) for note in pending[k:])
    return "\n\n".join(blocks) + "\n"
