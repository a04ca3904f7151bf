"""SubRip, through pysrt: UTF-8 without BOM, LF line ends, numbered from 1."""

from __future__ import annotations

import io
from collections.abc import Sequence

import pysrt

from cleanup.subtitles.segment import Cue


def render_srt(cues: Sequence[Cue]) -> str:
    subs = pysrt.SubRipFile()
    for n, cue in enumerate(cues, start=1):
        subs.append(
            pysrt.SubRipItem(
                index=n,
                start=pysrt.SubRipTime(milliseconds=cue.start),
                end=pysrt.SubRipTime(milliseconds=cue.end),
                text="\n".join(cue.lines),
            )
        )
    buf = io.StringIO()
    subs.write_into(buf, eol="\n")
    return buf.getvalue()
