"""Readers: every input format becomes the same :class:`~cleanup.model.Document`."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from cleanup.errors import CleanupError
from cleanup.model import Document
from cleanup.readers.decode import decode
from cleanup.readers.sniff import sniff
from cleanup.readers.transcript import read_transcript

MAX_BYTES = 50 * 1024 * 1024


def read_bytes(path: Path) -> bytes:
    if not path.exists():
        raise CleanupError(path, "no such file")
    if path.is_dir():
        raise CleanupError(path, "is a folder, not a file")
    try:
        if path.stat().st_size > MAX_BYTES:
            raise CleanupError(path, f"too large for a transcript ({path.stat().st_size} bytes)")
        return path.read_bytes()
    except PermissionError:
        raise CleanupError(path, "permission denied") from None
    except OSError as exc:
        raise CleanupError(path, f"cannot read: {exc.strerror or exc}") from None


def read_text(text: str, path: str = "<text>", encoding: str = "utf-8") -> Document:
    fmt = sniff(text)
    if fmt in ("srt", "webvtt"):
        raise CleanupError(path, f"{fmt.upper()} input is not supported yet: give a caption-paste or plain transcript")
    doc = read_transcript(text, encoding)
    if not doc.tokens:
        raise CleanupError(path, "no transcript text: only a title or date line")
    return doc


def read(path: Path, data: bytes | None = None) -> Document:
    """An input as a Document: from its bytes when given (a worker on another machine), else from disk."""
    if data is None:
        data = read_bytes(path)
    elif len(data) > MAX_BYTES:
        raise CleanupError(path, f"too large for a transcript ({len(data)} bytes)")
    decoded = decode(data, str(path))
    doc = read_text(decoded.text, str(path), decoded.encoding)
    return replace(doc, encoding_confidence=decoded.confidence, encoding_reason=decoded.reason)
