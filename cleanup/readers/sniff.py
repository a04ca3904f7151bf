"""Decide an input's format from its content, not its name."""

from __future__ import annotations

import re

_SRT_RE = re.compile(r"^\s*\d+\s*\r?\n\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s*-->", re.M)
_VTT_RE = re.compile(r"^\ufeff?WEBVTT(?:[ \t].*)?$", re.M)


def sniff(text: str) -> str:
    """One of "webvtt", "srt", "caption-paste" or "plain"."""
    head = text.lstrip("\ufeff")[:2000]
    if _VTT_RE.match(head.splitlines()[0] if head.splitlines() else ""):
        return "webvtt"
    if _SRT_RE.match(head):
        return "srt"
    if "\u00a0 " in text or "\u00a0\u00a0" in text:
        return "caption-paste"
    return "plain"
