"""Decide an input's format from its content, not its name.

Exactly one format is chosen, each test ruling out the look-alikes of the ones after it:

- ``webvtt``: the first line is ``WEBVTT`` (alone, or followed by a space or tab);
  ``youtube`` when, in addition, words carry inline times followed by a class
  (``<00:00:01.230><c>``), as in every yt-dlp / youtube-dl auto-caption file;
- ``srt``: the first non-blank line is a timing line (``00:00:01,000 --> 00:00:02,000``, any of
  the forms the SRT reader accepts), or a cue number with a timing line after it;
- ``show-transcript``: timestamped lines are the rule (:func:`~cleanup.readers.show_transcript.is_show_transcript`);
- ``caption-paste``: NBSP markers; else ``plain``.
"""

from __future__ import annotations

import re

from cleanup.readers.cues import is_srt, is_webvtt
from cleanup.readers.show_transcript import is_show_transcript

_YT_STAMP_RE = re.compile(r"<\d+:\d\d:\d\d\.\d{3}><c[.>]")


def sniff(text: str) -> str:
    """One of "webvtt", "youtube", "srt", "show-transcript", "caption-paste" or "plain"."""
    body = text.lstrip("\ufeff")
    if is_webvtt(body):
        return "youtube" if _YT_STAMP_RE.search(body) else "webvtt"
    if is_srt(body):
        return "srt"
    if is_show_transcript(body):
        return "show-transcript"
    if "\u00a0 " in text or "\u00a0\u00a0" in text:
        return "caption-paste"
    return "plain"
