"""WebVTT (``.vtt``) subtitles: the ``WEBVTT`` header, cues with settings, voice and class tags.

``NOTE``, ``STYLE`` and ``REGION`` blocks and the header lines are not text; a voice tag
``<v Name>`` names the speaker. Words are timed inside their cue by syllables (``source-cue``).
YouTube's auto-captions are WebVTT too, but read by :mod:`cleanup.readers.youtube`."""

from __future__ import annotations

from cleanup.model import Document
from cleanup.readers.cues import parse_cues
from cleanup.readers.timed import read_cue_file
from cleanup.subtitles.rules import format_vtt


def read_webvtt(text: str, path: str = "<text>", encoding: str = "utf-8") -> Document:
    return read_cue_file(text, parse_cues(text, path, "webvtt"), encoding, "webvtt", format_vtt)
