"""Readers: every input format becomes the same :class:`~cleanup.model.Document`.

The format is sniffed from the content (:mod:`cleanup.readers.sniff`) unless the caller names it
(``--from``): ``srt``, ``webvtt`` (or ``vtt``), ``youtube``, ``show-transcript``, and the
transcript formats ``caption-paste`` and ``plain`` (one reader, which tells them apart by their
markers)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from cleanup.errors import CleanupError
from cleanup.model import Document
from cleanup.readers.decode import decode
from cleanup.readers.files import MAX_BYTES, read_bytes
from cleanup.readers.show_transcript import read_show_transcript
from cleanup.readers.sniff import sniff
from cleanup.readers.srt import read_srt
from cleanup.readers.transcript import read_transcript
from cleanup.readers.webvtt import read_webvtt
from cleanup.readers.youtube import read_youtube

__all__ = ["FORMATS", "MAX_BYTES", "read", "read_bytes", "read_text"]

FORMATS = ("srt", "webvtt", "youtube", "show-transcript", "caption-paste", "plain")
"""The formats a caller may name; ``vtt`` is taken for ``webvtt``."""
_ALIASES = {"vtt": "webvtt"}
TIMED = ("srt", "webvtt", "youtube", "show-transcript")
"""The formats whose words come with times."""

_READERS: dict[str, Callable[[str, str, str], Document]] = {
    "srt": read_srt,
    "webvtt": read_webvtt,
    "youtube": read_youtube,
    "show-transcript": read_show_transcript,
}


def format_name(fmt: str, path: str | Path | None = None) -> str:
    """A format name as given (any case, ``vtt`` for ``webvtt``), checked."""
    name = _ALIASES.get(fmt.strip().lower(), fmt.strip().lower())
    if name not in FORMATS:
        raise CleanupError(path, f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")
    return name


def read_text(text: str, path: str = "<text>", encoding: str = "utf-8", fmt: str | None = None) -> Document:
    """The Document of a decoded text, in the format sniffed from it or the one given."""
    forced = fmt is not None
    name = format_name(fmt, path) if fmt is not None else sniff(text)
    reader = _READERS.get(name)
    if reader is None:
        doc = read_transcript(text, encoding, (name == "caption-paste") if forced else None)
        if not doc.tokens:
            raise CleanupError(path, "no transcript text: only a title or date line")
        return doc
    try:
        doc = reader(text, path, encoding)
    except CleanupError as exc:
        if forced:
            raise CleanupError(path, f"cannot read it as {name}: {exc.message}") from None
        raise
    if not doc.tokens:
        raise CleanupError(path, f"no spoken words in it ({name}{': only sound tags' if doc.notes else ''})")
    return doc


def read(path: Path, data: bytes | None = None, fmt: str | None = None) -> Document:
    """An input as a Document: from its bytes when given (a worker on another machine), else from
    disk; in the format sniffed from it or the one given (``--from``)."""
    if data is None:
        data = read_bytes(path)
    elif len(data) > MAX_BYTES:
        raise CleanupError(path, f"too large for a transcript ({len(data)} bytes)")
    decoded = decode(data, str(path))
    doc = read_text(decoded.text, str(path), decoded.encoding, fmt)
    return replace(doc, encoding_confidence=decoded.confidence, encoding_reason=decoded.reason)
