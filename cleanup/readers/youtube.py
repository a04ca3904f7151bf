"""YouTube's automatic captions as yt-dlp and youtube-dl save them (WebVTT).

Each cue shows the line before it again and adds a new one, whose words carry their own times
(``this<00:00:01.920><c> audiobook</c>``); between two such cues a 10 ms cue shows the finished
line alone. Every spoken word is read once, from the cue that adds it: a word's start is its
inline time (the first word of a line: its cue's start), its end the next word's start or its
cue's end (``source-word``). Older files wrap words in colour classes (``<c.colorE5E5E5>``),
and some add a line with no word times ("yeah", "[Music]"): its words share their cue's time.
``[Music]``, ``[Applause]``, ``[Laughter]`` and the like are sound tags: notes of kind ``sound``
with their time. The text is lower-case and unpunctuated: line and cue ends are read as spaces,
and restoring sentences is left to the cleanup."""

from __future__ import annotations

from cleanup.model import Document
from cleanup.readers.cues import parse_cues
from cleanup.readers.timed import read_cue_file
from cleanup.subtitles.rules import format_vtt


def read_youtube(text: str, path: str = "<text>", encoding: str = "utf-8") -> Document:
    return read_cue_file(text, parse_cues(text, path, "webvtt"), encoding, "youtube", format_vtt, youtube=True)
