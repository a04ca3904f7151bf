"""SubRip (``.srt``) subtitles: numbered cues, ``HH:MM:SS,mmm --> HH:MM:SS,mmm``, text lines.

The parsing is :mod:`cleanup.readers.cues` (shared with ``cleanup check``), the rest
:mod:`cleanup.readers.timed`: words are timed inside their cue by syllables (``source-cue``)."""

from __future__ import annotations

from cleanup.model import Document
from cleanup.readers.cues import parse_cues
from cleanup.readers.timed import read_cue_file
from cleanup.subtitles.rules import format_srt


def read_srt(text: str, path: str = "<text>", encoding: str = "utf-8") -> Document:
    return read_cue_file(text, parse_cues(text, path, "srt"), encoding, "srt", format_srt)
